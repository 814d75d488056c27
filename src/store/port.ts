/**
 * The storage port: what the command handler and projections need from any event store.
 * Adapters: {@link MemoryEventStore}, {@link FileEventStore}, {@link PostgresEventStore}.
 */
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';

/**
 * What the writer believes the stream's version is when it appends: anything, nothing yet
 * (the budget has no events), or exactly `version` events. A mismatch is a {@link VersionConflict}.
 */
export type ExpectedVersion =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'exactly'; readonly version: number };

/** Builders for {@link ExpectedVersion}. */
export const ExpectedVersion = {
  /** Append whatever the stream holds (no concurrency check). */
  any: { kind: 'any' } as ExpectedVersion,
  /** The stream must have no events yet. */
  noStream: { kind: 'no-stream' } as ExpectedVersion,
  /** The stream must have exactly `version` events (0 means no events). */
  exactly(version: number): ExpectedVersion {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new RangeError(`expected version must be a whole number >= 0, got ${String(version)}`);
    }
    return { kind: 'exactly', version };
  },
} as const;

/** Plain words for an expected version, for messages. */
export function describeExpected(e: ExpectedVersion): string {
  switch (e.kind) {
    case 'any':
      return 'any version';
    case 'no-stream':
      return 'no events yet';
    case 'exactly':
      return `version ${e.version}`;
  }
}

/** True when a stream at `actual` satisfies the expectation. */
export function satisfies(e: ExpectedVersion, actual: number): boolean {
  switch (e.kind) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === 0;
    case 'exactly':
      return actual === e.version;
  }
}

/**
 * Why a store refused or failed an operation:
 * - `version-conflict`: the stream is not at the expected version ({@link VersionConflict});
 * - `store-locked`: another process has the file store open for writing;
 * - `store-read-only`: the store (or its file) cannot be written;
 * - `store-full`: no space left (disk full, database out of space);
 * - `store-unavailable`: the connection or device failed; see `outcomeUnknown`;
 * - `store-corrupt`: stored data does not verify (a line in the middle of a log file is bad);
 * - `store-closed`: the store was closed;
 * - `invalid-append`: the events cannot be appended as given (wrong budget, time going back...);
 * - `command-id-reused`: the command id was used for a different command ({@link CommandIdReused}).
 */
export type StoreErrorCode =
  | 'version-conflict'
  | 'store-locked'
  | 'store-read-only'
  | 'store-full'
  | 'store-unavailable'
  | 'store-corrupt'
  | 'store-closed'
  | 'invalid-append'
  | 'command-id-reused';

/**
 * A store failure with a `code` to branch on and a message an operator can act on.
 * Nothing already stored is lost or changed when one is thrown.
 */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  /**
   * True when the store cannot tell whether the append was recorded (e.g. the connection
   * dropped while committing). Retrying with the same `commandId` is safe: it is idempotent.
   */
  readonly outcomeUnknown: boolean;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly outcomeUnknown?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/** The stream was not at the version the writer expected: nothing was appended. */
export class VersionConflict extends StoreError {
  override readonly name = 'VersionConflict';
  declare readonly code: 'version-conflict';

  constructor(
    readonly budgetId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(
      'version-conflict',
      `budget ${budgetId} is at version ${actual}, not ${describeExpected(expected)}: another writer appended first`,
    );
  }
}

/**
 * The events' command id is already used on the budget by a different command (the caller's
 * fingerprint differs from the one stored with it): nothing was appended. The command handler
 * answers it with the `command-id-reused` refusal.
 */
export class CommandIdReused extends StoreError {
  override readonly name = 'CommandIdReused';
  declare readonly code: 'command-id-reused';

  constructor(
    readonly budgetId: string,
    readonly commandId: string,
    /** The events the command id produced first. */
    readonly original: readonly LedgerEvent[],
  ) {
    super(
      'command-id-reused',
      `command id ${commandId} was already used on budget ${budgetId} for a different command: nothing was appended`,
    );
  }
}

/**
 * Throws {@link CommandIdReused} when an append's command id is already stored with a
 * fingerprint and the append brings a different one. Fingerprints are opaque strings compared
 * for equality; when either is missing (a command stored without one, or an append without
 * one) the append is a repeat and the caller checks the original events itself.
 * Every adapter calls it when an append's command id is already stored.
 */
export function checkSameCommand(
  budgetId: string,
  commandId: string,
  original: readonly LedgerEvent[],
  stored: string | null | undefined,
  given: string | undefined,
): void {
  if (stored != null && given !== undefined && stored !== given) {
    throw new CommandIdReused(budgetId, commandId, original);
  }
}

/** Options of {@link EventStore.append}. */
export interface AppendOptions {
  /**
   * An opaque fingerprint of the command behind the events (the command handler gives
   * `commandFingerprint(command)`). The store keeps it with the command id and, when the same
   * command id is appended again with a different fingerprint, refuses with
   * {@link CommandIdReused}. The store never computes or interprets it.
   */
  readonly fingerprint?: string;
  /**
   * The hash of the stream's last event as the caller knows it (with an `exactly` expected
   * version): when the stream's last event has another hash (the same length, another history,
   * e.g. after a restore from another copy), the append is refused with {@link VersionConflict}
   * as if the version differed. Honoured by stores whose `checksExpectedHash` is true.
   */
  readonly expectedHash?: string;
}

/** True for a {@link StoreError} (any code). */
export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

/** What an append gives back. */
export interface AppendResult {
  /** The sealed events: the new ones, or the original ones of a repeated command. */
  readonly events: readonly LedgerEvent[];
  /** The stream's version after the append (its current version for a repeat). */
  readonly version: number;
  /** True when the command id was already recorded: nothing was appended. */
  readonly duplicate: boolean;
}

/** The newest event of a stream: its version (0 when empty) and hash (64 zeros when empty). */
export interface StreamHead {
  readonly version: number;
  readonly hash: string;
}

/**
 * A position in the store's global order, as the store gave it. Opaque: pass it back to
 * {@link EventStore.readAll} to continue after it. Undefined means "from the start".
 */
export type Checkpoint = string;

/** One event in the global order: the decoded event, its exact stored line and its position. */
export interface StoredEvent {
  readonly event: LedgerEvent;
  /** The event's log line exactly as stored (canonical JSON, no newline): export writes it unchanged. */
  readonly line: string;
  readonly position: Checkpoint;
}

/** A page of the global order, and where to continue. */
export interface ReadAllResult {
  readonly events: readonly StoredEvent[];
  /** Pass this as `after` to read on; equals the `after` given when nothing new was read. */
  readonly checkpoint: Checkpoint | undefined;
}

/**
 * A budget's decider state at a version, stored to save replaying the whole stream. Snapshots
 * are only a cache: any may be deleted at any time and the handler replays instead.
 */
export interface Snapshot {
  readonly budgetId: string;
  /** Number of events folded into `state`. */
  readonly version: number;
  /** `hash` of the event at `version`: the snapshot is used only when the stream still has it. */
  readonly hash: string;
  /** Format of `state`; a snapshot in another format is ignored. */
  readonly format: string;
  /** The serialised state. */
  readonly state: string;
}

/** A projection's saved state and the checkpoint it reflects, saved together. */
export interface SavedProjection {
  readonly checkpoint: Checkpoint | undefined;
  readonly state: string;
}

/**
 * The event store port. Every adapter runs the same contract suite.
 *
 * Appends are atomic (all of a command's events or none), sealed into the contract's hash
 * chain by the store inside its lock or transaction, idempotent by `commandId` (a repeat
 * returns the original events), and checked against the expected version.
 */
export interface EventStore {
  /**
   * True when `append` honours {@link AppendOptions.expectedHash} (every store of this library
   * does). The {@link CommandHandler} then decides a command on the state it has cached and
   * appends with the version and hash it decided on, without reading the stream first: a stale
   * cache costs a refused append and a second attempt, never a wrong event. Without it, the
   * handler reads the events newer than its cached state before every decision.
   */
  readonly checksExpectedHash?: boolean;
  /**
   * Appends `events` (all for `budgetId`, all of one command) to the budget's stream when it
   * is at the `expected` version; seals them after the stream's last event. A command id
   * already stored gives back its original events (`duplicate: true`), unless both appends
   * carry fingerprints that differ ({@link AppendOptions}); when the store has no fingerprint
   * for it (a file store reopened from its log, an old PostgreSQL row) the caller compares.
   *
   * @throws {@link VersionConflict} when the stream is at another version (nothing appended)
   * @throws {@link CommandIdReused} when the command id was stored with another fingerprint
   * @throws {@link StoreError} on other failures (nothing appended unless `outcomeUnknown`)
   */
  append(
    budgetId: string,
    events: readonly PendingEvent[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** The events of one budget in `seq` order, from `fromVersion` (the first `seq` wanted, default 1). */
  readStream(budgetId: string, options?: { readonly fromVersion?: number }): Promise<readonly LedgerEvent[]>;
  /** The stream's version and last hash. */
  head(budgetId: string): Promise<StreamHead>;
  /** The events a command produced on a budget (empty when the command id is unknown). */
  readCommand(budgetId: string, commandId: string): Promise<readonly LedgerEvent[]>;
  /**
   * Events of all budgets in the store's global order, after a checkpoint, at most `limit`
   * (default 1000). Within a budget the order is `seq` order; an event never appears before
   * one that was appended before it and acknowledged.
   */
  readAll(options?: { readonly after?: Checkpoint; readonly limit?: number }): Promise<ReadAllResult>;
  /** Saves a snapshot; an older one (lower version, same format) never replaces a newer one. */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** The budget's snapshot, or null. */
  loadSnapshot(budgetId: string): Promise<Snapshot | null>;
  /** Deletes the budget's snapshot (no error when there is none). */
  deleteSnapshot(budgetId: string): Promise<void>;
  /** Releases files, locks and connections. Further calls fail with `store-closed`. */
  close(): Promise<void>;
}

/** Where catch-up projections keep their state and checkpoint, saved together atomically. */
export interface ProjectionStateStore {
  /** The saved state of a projection, or null when it has never been saved. */
  loadProjection(name: string): Promise<SavedProjection | null>;
  /** Saves state and checkpoint in one atomic write. */
  saveProjection(name: string, saved: SavedProjection): Promise<void>;
}

/** A full adapter: events, snapshots and projection state. */
export type Store = EventStore & ProjectionStateStore;

/** Default page size of {@link EventStore.readAll}. */
export const DEFAULT_READ_LIMIT = 1000;
