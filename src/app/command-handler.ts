/**
 * The command handler services call: load a budget (snapshot + newer events), decide, append
 * with the expected version, retry a bounded number of times when another writer got there
 * first, and return the new events or a typed error. A repeated `commandId` returns the events
 * it produced the first time and appends nothing.
 *
 * Slightly over 400 lines on purpose: loading, the cache, the decision and the retry loop share
 * one budget's cached state, and each step's guarantees depend on the others.
 */
import { randomInt } from 'node:crypto';
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { Command } from '../budget/commands.js';
import { decodeCommand } from '../budget/decode.js';
import type { LedgerError } from '../budget/errors.js';
import { checkRepeat, commandFingerprint, commandIdReused } from '../budget/fingerprint.js';
import { applyDecision, foldDecisions, thawDecision, type DecisionState } from '../budget/state.js';
import { GENESIS_HASH, type LedgerEvent } from '../events/envelope.js';
import {
  CommandIdReused,
  ExpectedVersion,
  StoreError,
  VersionConflict,
  type EventStore,
  type StoreErrorCode,
} from '../store/port.js';
import { decideOnce } from './execute.js';
import { BUDGET_STATE_FORMAT, decodeBudgetState, encodeBudgetState } from './state-codec.js';

/** The stream moved under the command more often than the handler retries, or not as the caller expected. */
export interface ConflictError {
  readonly code: 'version-conflict';
  readonly message: string;
  readonly budgetId: string;
  /** The version the last attempt expected. */
  readonly expected: number;
  /** The version the stream was at. */
  readonly actual: number;
  /** Attempts made. */
  readonly attempts: number;
}

/** The store failed (disk full, connection lost, read-only, locked...). */
export interface StoreFailure {
  readonly code: 'store-failure';
  readonly reason: Exclude<StoreErrorCode, 'version-conflict' | 'command-id-reused'>;
  readonly message: string;
  /** True when the command may or may not have been recorded: retry it with the same `commandId`. */
  readonly outcomeUnknown: boolean;
}

/** Everything {@link CommandHandler.handle} can refuse with: a broken rule, a conflict, or a store failure. */
export type HandlerError = LedgerError | ConflictError | StoreFailure;

/** What a handled command gives back. */
export interface Handled {
  /** The command's events (the original ones when it was a repeat). */
  readonly events: readonly LedgerEvent[];
  /** The budget's version after the command. */
  readonly version: number;
  /** True when the command id had been recorded before: nothing was appended. */
  readonly duplicate: boolean;
}

/** A budget as loaded for a decision. */
export interface LoadedBudget {
  readonly state: DecisionState;
  readonly version: number;
  /** Hash of the last event (64 zeros for an empty stream). */
  readonly hash: string;
  /** Version of the snapshot the load started from (0 when it replayed the whole stream). */
  readonly snapshotVersion: number;
}

/** Options of a {@link CommandHandler}. */
export interface CommandHandlerOptions {
  /** Attempts per command when other writers move the stream (default 5, at least 1). */
  readonly maxAttempts?: number;
  /** Save a snapshot when this many events were folded since the last one (default 100; 0: never). */
  readonly snapshotEvery?: number;
  /** Waits before retry `attempt` (default: a random 0 to 2^attempt ms, at most 100 ms). */
  readonly backoff?: (attempt: number) => Promise<void>;
  /** Told about problems that do not fail a command (a snapshot that could not be saved or used). */
  readonly onWarning?: (message: string) => void;
  /**
   * The ledger's clock (e.g. `() => new Date().toISOString()`). When given, the handler stamps
   * each attempt's `recordedAt` itself: the clock's time, or the budget's last `recordedAt` if
   * that is later, so `recordedAt` never goes back even when writers race or clocks differ.
   * Without it, `recordedAt` comes from the command and a command that lost a race to a later
   * one is refused with `recorded-before-previous`.
   */
  readonly clock?: () => string;
  /** Budgets whose state the handler keeps in memory between commands (default 1000; 0: none). */
  readonly cacheSize?: number;
}

/** Options of one {@link CommandHandler.handle} call. */
export interface HandleOptions {
  /**
   * The version the caller decided on (e.g. what a form showed). When the budget has moved on,
   * the command is refused with a conflict at once, without retrying.
   */
  readonly expectedVersion?: number;
}

const defaultBackoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, randomInt(0, Math.min(100, 2 ** attempt) + 1)));

function storeFailure(err: StoreError): StoreFailure {
  return {
    code: 'store-failure',
    reason:
      err.code === 'version-conflict' || err.code === 'command-id-reused' ? 'store-unavailable' : err.code,
    message: err.message,
    outcomeUnknown: err.outcomeUnknown,
  };
}

function conflict(budgetId: string, expected: number, actual: number, attempts: number): ConflictError {
  return {
    code: 'version-conflict',
    message:
      attempts > 1
        ? `budget ${budgetId} kept changing while the command was decided (${attempts} attempts); try again`
        : `budget ${budgetId} is at version ${actual}, not ${expected}: it changed since you looked; reload and decide again`,
    budgetId,
    expected,
    actual,
    attempts,
  };
}

/** A budget's state kept by the handler between commands (mutable, never handed out). */
interface Cached {
  readonly state: DecisionState;
  version: number;
  hash: string;
  snapshotVersion: number;
}

/**
 * Decides commands against a store. One handler may serve many concurrent requests.
 *
 * It keeps the state of recently used budgets in memory (see `cacheSize`): a command then reads
 * only the events appended since (by any writer, in any process) and folds them in, instead of
 * loading the budget again. The cache is only a shortcut: every append still carries the
 * version the decision was made on, so a stale cache costs a retry, never a wrong event.
 */
export class CommandHandler {
  private readonly maxAttempts: number;
  private readonly snapshotEvery: number;
  private readonly backoff: (attempt: number) => Promise<void>;
  private readonly warn: (message: string) => void;
  private readonly clock: (() => string) | undefined;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, Cached>();
  /** How long a stream was when its cached state was dropped (for {@link CommandHandler.loadBudget}). */
  private readonly dropped = new Map<string, number>();

  constructor(
    /** The store the handler reads and appends to. */
    readonly store: EventStore,
    options: CommandHandlerOptions = {},
  ) {
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
    this.snapshotEvery = Math.max(0, Math.floor(options.snapshotEvery ?? 100));
    this.backoff = options.backoff ?? defaultBackoff;
    this.warn = options.onWarning ?? (() => undefined);
    this.clock = options.clock;
    this.cacheSize = Math.max(0, Math.floor(options.cacheSize ?? 1000));
  }

  /**
   * Loads a budget's decider state from the store, ignoring the cache: from its snapshot when one
   * exists, matches the stream (the event at the snapshot's version still has the snapshot's
   * hash) and is in this library's format; otherwise by replaying the whole stream.
   */
  async load(budgetId: string): Promise<LoadedBudget> {
    return this.loadBudget(budgetId);
  }

  /**
   * {@link CommandHandler.load}; `knownVersion`: how long the stream was last seen. A stream
   * shorter than the snapshot interval has no snapshot of this handler's to load, and replaying
   * it costs less than the round trip to ask: its snapshot is not read (the state is the same
   * either way: a snapshot is only a shortcut).
   */
  private async loadBudget(budgetId: string, knownVersion?: number): Promise<LoadedBudget> {
    const short = knownVersion !== undefined && knownVersion < this.snapshotEvery;
    const fromSnapshot = short ? null : await this.loadFromSnapshot(budgetId);
    if (fromSnapshot !== null) return fromSnapshot;
    const events = await this.store.readStream(budgetId);
    const last = events[events.length - 1];
    return {
      state: foldDecisions(events),
      version: last?.seq ?? 0,
      hash: last?.hash ?? GENESIS_HASH,
      snapshotVersion: 0,
    };
  }

  private async loadFromSnapshot(budgetId: string): Promise<LoadedBudget | null> {
    let snap;
    try {
      snap = await this.store.loadSnapshot(budgetId);
    } catch (err) {
      this.warn(`snapshot of ${budgetId} could not be read, replaying instead: ${(err as Error).message}`);
      return null;
    }
    if (snap === null || snap.format !== BUDGET_STATE_FORMAT || snap.version < 1) return null;
    const events = await this.store.readStream(budgetId, { fromVersion: snap.version });
    const at = events[0];
    if (at === undefined || at.seq !== snap.version || at.hash !== snap.hash) {
      this.warn(
        `snapshot of ${budgetId} at version ${snap.version} does not match the stream; replaying instead`,
      );
      return null;
    }
    let state: DecisionState;
    try {
      state = decodeBudgetState(snap.state);
    } catch (err) {
      this.warn(`snapshot of ${budgetId} is damaged (${(err as Error).message}); replaying instead`);
      return null;
    }
    if (state.version !== snap.version || state.budgetId !== budgetId) {
      this.warn(`snapshot of ${budgetId} holds another state (version ${state.version}); replaying instead`);
      return null;
    }
    const newer = events.slice(1);
    const last = newer[newer.length - 1];
    return {
      state: newer.length === 0 ? state : foldDecisions(newer, state),
      version: last?.seq ?? snap.version,
      hash: last?.hash ?? snap.hash,
      snapshotVersion: snap.version,
    };
  }

  /**
   * The budget's state as cached, without reading the store, when the store checks the hash of
   * the expected head (so an append decided on it is refused unless the stream is still exactly
   * there); null when it has none cached or the store does not check hashes.
   */
  private cachedAsIs(budgetId: string): Cached | null {
    if (this.store.checksExpectedHash !== true) return null;
    const cached = this.cache.get(budgetId);
    if (cached === undefined || cached.version === 0) return null;
    return this.touch(budgetId, cached);
  }

  /** Marks a cached budget as the most recently used (the cache drops the least recently used). */
  private touch(budgetId: string, cached: Cached): Cached {
    this.cache.delete(budgetId);
    this.cache.set(budgetId, cached);
    return cached;
  }

  /** The budget's current state: the cached one brought up to date, or a fresh load. */
  private async current(budgetId: string): Promise<Cached> {
    const cached = this.cache.get(budgetId);
    let knownVersion = this.dropped.get(budgetId);
    this.dropped.delete(budgetId);
    if (cached !== undefined) {
      // read from the last cached event too: the stream must still hold it (same hash)
      const from = Math.max(1, cached.version);
      const newer = await this.store.readStream(budgetId, { fromVersion: from });
      const anchor = newer[0];
      const holds = cached.version === 0 || (anchor?.seq === cached.version && anchor.hash === cached.hash);
      if (holds && this.advance(cached, newer)) return this.touch(budgetId, cached);
      this.cache.delete(budgetId);
      knownVersion = newer[newer.length - 1]?.seq ?? cached.version;
    }
    const loaded = await this.loadBudget(budgetId, knownVersion);
    const fresh: Cached = {
      state: thawDecision(loaded.state),
      version: loaded.version,
      hash: loaded.hash,
      snapshotVersion: loaded.snapshotVersion,
    };
    if (this.cacheSize > 0) {
      this.cache.set(budgetId, fresh);
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    }
    return fresh;
  }

  /** Folds stored events into a cached state; false when they do not continue its chain. */
  private advance(c: Cached, events: readonly LedgerEvent[]): boolean {
    for (const e of events) {
      if (e.seq <= c.version) continue;
      if (e.seq !== c.version + 1 || e.prevHash !== c.hash) return false;
      applyDecision(c.state, e);
      c.version = e.seq;
      c.hash = e.hash;
    }
    return true;
  }

  /** Decides and records one command. Never throws for refusals or store failures: they come back as values. */
  async handle(command: Command, options: HandleOptions = {}): Promise<Either<HandlerError, Handled>> {
    const decoded = decodeCommand(command);
    if (decoded._tag === 'Left') return decoded;
    const c = decoded.right;
    let last: ConflictError | null = null;
    // A command on a cached budget is first decided on the cached state as it is (no read: one
    // round trip on PostgreSQL); the append carries the version and hash it was decided on, so
    // if any writer moved the stream the store refuses it and the command is decided again on
    // the stream as read. That first try is not an attempt: no backoff, no attempt counted. A
    // refusal by the rules is only given on a state read from the store.
    let unread = options.expectedVersion === undefined;
    for (let attempt = 1; attempt <= this.maxAttempts;) {
      const optimistic = unread ? this.cachedAsIs(c.budgetId) : null;
      unread = false;
      try {
        const budget = optimistic ?? (await this.current(c.budgetId));
        // from here to the append's start nothing awaits: the decision and its version match
        const version = budget.version;
        const hash = budget.hash;
        const seen = budget.state.commands.has(c.commandId);
        // a repeat is answered from a state read from the store (it may have been restored)
        if (seen && optimistic !== null) continue;
        if (!seen && options.expectedVersion !== undefined && options.expectedVersion !== version) {
          return left(conflict(c.budgetId, options.expectedVersion, version, 1));
        }
        // a repeat reads the original events; a new command awaits nothing until its append
        const original = seen ? await this.store.readCommand(c.budgetId, c.commandId) : [];
        const decided = decideOnce(this.stamp(c, budget.state), budget.state, () => original);
        if (decided._tag === 'Left') {
          if (optimistic !== null) continue; // decide again on the stream as it is
          return decided;
        }
        if (decided.right.duplicate) return right({ events: decided.right.events, version, duplicate: true });
        const expected = version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exactly(version);
        const r = await this.store.append(c.budgetId, decided.right.events, expected, {
          fingerprint: commandFingerprint(c),
          ...(version === 0 ? {} : { expectedHash: hash }),
        });
        if (r.duplicate) {
          // another writer recorded this command id first and the store kept no fingerprint
          // for it (a log read back on open, an old row): compare with its events here
          const reused = checkRepeat(c, r.events);
          if (reused !== null) {
            this.drop(c.budgetId, r.version);
            return left(reused);
          }
        }
        if (!this.advance(budget, r.events)) this.drop(c.budgetId, r.version);
        else if (!r.duplicate) await this.maybeSnapshot(c.budgetId, budget);
        return right({ events: r.events, version: r.version, duplicate: r.duplicate });
      } catch (err) {
        if (err instanceof VersionConflict) {
          const expected = err.expected.kind === 'exactly' ? err.expected.version : 0;
          if (err.actual < expected) this.drop(c.budgetId, err.actual);
          if (optimistic !== null) continue;
          last = conflict(c.budgetId, expected, err.actual, attempt);
          if (options.expectedVersion !== undefined) return left({ ...last, attempts: 1 });
          if (attempt < this.maxAttempts) await this.backoff(attempt);
          attempt += 1;
          continue;
        }
        if (err instanceof CommandIdReused) return left(commandIdReused(err.commandId, err.original));
        if (err instanceof StoreError) return left(storeFailure(err));
        throw err;
      }
    }
    return left(last ?? conflict(c.budgetId, 0, 0, this.maxAttempts));
  }

  /** Drops a budget's cached state, remembering how long its stream was seen to be. */
  private drop(budgetId: string, version: number): void {
    this.cache.delete(budgetId);
    if (this.dropped.size >= Math.max(1, this.cacheSize)) this.dropped.clear();
    this.dropped.set(budgetId, version);
  }

  private stamp(c: Command, state: DecisionState): Command {
    if (this.clock === undefined) return c;
    const now = this.clock();
    const last = state.lastRecordedAt;
    return { ...c, recordedAt: last !== null && last > now ? last : now };
  }

  private async maybeSnapshot(budgetId: string, budget: Cached): Promise<void> {
    if (this.snapshotEvery === 0 || budget.version - budget.snapshotVersion < this.snapshotEvery) return;
    const snapshot = {
      budgetId,
      version: budget.version,
      hash: budget.hash,
      format: BUDGET_STATE_FORMAT,
      state: encodeBudgetState(budget.state),
    };
    budget.snapshotVersion = budget.version;
    try {
      await this.store.saveSnapshot(snapshot);
    } catch (err) {
      this.warn(
        `snapshot of ${budgetId} at version ${snapshot.version} not saved: ${(err as Error).message}`,
      );
    }
  }
}

/** Handles one command with a fresh {@link CommandHandler} (for scripts; services keep one handler). */
export function handleCommand(
  store: EventStore,
  command: Command,
  options: CommandHandlerOptions & HandleOptions = {},
): Promise<Either<HandlerError, Handled>> {
  return new CommandHandler(store, options).handle(command, options);
}
