/**
 * The deterministic simulation (in the spirit of TigerBeetle's simulator): one seed drives
 * simulated clients that issue random valid and invalid commands through the command handler
 * against a store that injects faults, and after every round the checker proves the
 * invariants (see `checker.ts`). The same seed replays the same run exactly: every choice comes
 * from the seeded generator, time is a simulated clock, and concurrency is interleaved on the
 * microtask queue (memory store) or run one command at a time (file store, whose I/O completes
 * in an order the process does not control).
 *
 * Faults: failed writes, writes whose acknowledgement is lost, another writer appending just
 * before an append (version conflicts), failed reads, lying snapshots, duplicate deliveries,
 * retries delivered late and out of order, and for the file store ENOSPC, EIO after a partial
 * write, short writes, failed syncs and crashes in the middle of a write or before its sync
 * (the file is cut at a random byte of the unacknowledged append, sometimes zero-filled, the
 * lock is left behind, and the store is reopened and must repair).
 */
import { mkdir, open as openFile, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BASES,
  CATEGORIES,
  CatchUpRunner,
  CommandHandler,
  COHORTS,
  ExpectedVersion,
  FileEventStore,
  MemoryEventStore,
  Money,
  OPTIONS,
  RECLAIM_REASONS,
  REVIEW_OUTCOMES,
  StoreError,
  VersionConflict,
  balances,
  balancesJson,
  balancesOfStates,
  balancesProjection,
  decide,
  eventIdFor,
  foldEvents,
  planOn,
  storeLines,
  verifyLog,
  type Actor,
  type BudgetState,
  type BudgetStates,
  type Command,
  type CommandType,
  type LedgerEvent,
  type PendingEvent,
  type Store,
  type Stream,
} from 'ipb-ledger';
import { Checker, Violation, type AckedEvent } from './checker.js';
import {
  FaultyIo,
  FaultyStore,
  NO_FAULTS,
  NO_IO_FAULTS,
  isInjected,
  yields,
  type FaultRates,
  type IoRates,
} from './faults.js';
import { Prng } from './prng.js';
import { stateJson } from '../helpers.js';

/** Which store a run uses. */
export type SimStore = 'memory' | 'file';

/** What to run. */
export interface SimConfig {
  readonly seed: number;
  readonly store: SimStore;
  /** Rounds of concurrent deliveries (default 60 for memory, 35 for file). */
  readonly rounds?: number;
  /** Directory for the file store (required for `file`). */
  readonly dir?: string;
  /**
   * Puts a (deliberately buggy) layer between the clients and the store, to show the checker
   * catches the bug. The checker always reads the store itself.
   */
  readonly wrapStore?: (store: Store) => Store;
}

/** What a run did, for the report and for tests that check the faults really happened. */
export interface SimResult {
  readonly seed: number;
  readonly store: SimStore;
  readonly rounds: number;
  readonly deliveries: number;
  readonly events: number;
  readonly acked: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly faults: Readonly<Record<string, number>>;
  readonly recoveries: Readonly<Record<string, number>>;
  readonly crashes: number;
  /** SHA-like fingerprint of the whole run (the exported log and the trace): equal for equal seeds. */
  readonly fingerprint: string;
}

/** A run that broke an invariant: the seed, the round and the last lines of the trace. */
export class SimFailure extends Error {
  override readonly name = 'SimFailure';
  constructor(
    readonly seed: number,
    readonly store: SimStore,
    readonly round: number,
    override readonly cause: unknown,
    readonly trace: readonly string[],
  ) {
    super(
      `simulation seed ${seed} (${store} store) failed in round ${round}: ${cause instanceof Error ? cause.message : String(cause)}\n` +
        `replay it: SIM_SEED=${seed} npx vitest run ${store === 'file' ? 'test/sim-file.test.ts' : 'test/sim.test.ts'}\n` +
        `last steps:\n  ${trace.slice(-25).join('\n  ')}`,
    );
  }
}

const COORD: Actor = { id: 'coord-1', role: 'coordinator' };
const FIN: Actor = { id: 'fin-1', role: 'finance' };
const COMM: Actor = { id: 'comm-1', role: 'commissioner' };
const AUDITOR: Actor = { id: 'aud-1', role: 'auditor' };
const SYSTEM: Actor = { id: 'import-1', role: 'system' };
const holder = (i: number): Actor => ({ id: `person-${i}`, role: 'holder' });
const rep = (i: number): Actor => ({ id: `rep-${i}`, role: 'representative' });

const EPOCH = Date.UTC(2025, 3, 1, 8, 0, 0);

/** One command as the simulation tracks it across its deliveries. */
interface Tracked {
  readonly commandId: string;
  readonly budgetId: string;
  /** The command as generated (recordedAt is stamped at each delivery). */
  readonly base: Record<string, unknown>;
  /** Built to be refused as malformed (`invalid-command`). */
  readonly malformed: boolean;
  /** Events of the first acknowledgement. */
  acked: readonly LedgerEvent[] | null;
  /** A delivery ended with "maybe recorded". */
  unknown: boolean;
  /** A delivery was answered "appended" (not "duplicate"): at most one ever may be. */
  appended?: boolean;
  deliveries: number;
  /** For multi-event batches appended directly: the events and the version they expect. */
  readonly batch?: { readonly events: readonly PendingEvent[]; readonly expected: number };
}

/** Per-run counters. */
type Counts = Record<string, number>;

function bump(c: Counts, k: string, n = 1): void {
  c[k] = (c[k] ?? 0) + n;
}

function isoAt(minutes: number): string {
  return new Date(EPOCH + minutes * 60_000).toISOString();
}

function jsonOf(c: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

/** Runs one seed; resolves with what happened, or rejects with a {@link SimFailure}. */
export async function runSimulation(config: SimConfig): Promise<SimResult> {
  const sim = new Simulation(config);
  return sim.run();
}

class Simulation {
  private readonly rng: Prng;
  private readonly faultRng: Prng;
  private readonly trace: string[] = [];
  private readonly rounds: number;
  private readonly concurrent: boolean;
  private clock = 0;
  private nextId = 0;
  private readonly tracked = new Map<string, Tracked>();
  /** commandId + recordedAt to the command delivered. */
  private readonly delivered = new Map<string, Record<string, unknown>>();
  /** Sub-commands of batch appends. */
  private readonly batches = new Map<string, Record<string, unknown>[]>();
  private readonly acked = new Map<string, AckedEvent>();
  private readonly retries: Tracked[] = [];
  private readonly outcomes: Counts = {};
  private readonly recoveries: Counts = {};
  private crashes = 0;
  private deliveries = 0;
  private round = 0;
  private readonly checker: Checker;
  private faulty!: FaultyStore;
  /** The store itself, without faults or bugs: what the checker reads. */
  private real!: Store;
  private io: FaultyIo | null = null;
  private handlers: { handler: CommandHandler; clocked: boolean }[] = [];
  private checkHandler!: CommandHandler;
  private runner!: CatchUpRunner<BudgetStates>;
  private readonly budgets: { id: string; i: number }[] = [];
  private readonly rates: FaultRates;
  private readonly ioRates: IoRates;
  private path = '';
  private spendSeq = 0;
  /** One recordedAt for every delivery of a round (commands arriving in the same instant), or null. */
  private roundStamp: string | null = null;
  private draining = false;
  /** Every recordedAt handed out (by deliveries and by the handlers' clocks). */
  private readonly stamps = new Set<string>();
  /** Commands delivered through a handler with its own clock (which restamps recordedAt). */
  private readonly clocked = new Set<string>();

  constructor(private readonly config: SimConfig) {
    this.rng = new Prng(config.seed);
    this.faultRng = this.rng.fork();
    this.concurrent = config.store === 'memory';
    this.rounds = config.rounds ?? (this.concurrent ? 40 : 30);
    const r = this.rng;
    this.rates = {
      failWrite: r.pick([0, 0.03, 0.08]),
      lostAck: r.pick([0, 0.04, 0.1]),
      interloper: r.pick([0, 0.05, 0.12]),
      readFail: r.pick([0, 0.01, 0.03]),
      badSnapshot: r.pick([0, 0.2, 0.5]),
      snapshotSaveFail: r.pick([0, 0.05]),
      maxYields: this.concurrent ? r.int(0, 6) : 0,
    };
    this.ioRates = this.concurrent
      ? NO_IO_FAULTS
      : {
          enospc: r.pick([0, 0.02]),
          partialEio: r.pick([0, 0.03]),
          short: r.pick([0, 0.1]),
          crashMidWrite: r.pick([0, 0.03, 0.06]),
          syncEio: r.pick([0, 0.02]),
          crashBeforeSync: r.pick([0, 0.03, 0.06]),
        };
    this.checker = new Checker({
      delivered: (commandId, recordedAt) => {
        const exact = this.delivered.get(`${commandId}|${recordedAt}`);
        if (exact !== undefined) return exact;
        // a handler with a clock stamps recordedAt itself: its clock's time or the budget's last
        const t = this.tracked.get(commandId);
        if (t === undefined || !this.clocked.has(commandId) || !this.stamps.has(recordedAt)) return undefined;
        return { ...t.base, recordedAt };
      },
      batch: (commandId) => this.batches.get(commandId),
    });
  }

  private wrap(store: Store): Store {
    return this.config.wrapStore === undefined ? store : this.config.wrapStore(store);
  }

  private log(line: string): void {
    this.trace.push(`r${this.round} ${line}`);
    if (this.trace.length > 400) this.trace.splice(0, 100);
  }

  private now(): string {
    this.clock += this.rng.int(1, 90);
    return isoAt(this.clock);
  }

  /** A handler's clock: the simulated time, a little later each call. */
  private tick(): string {
    this.clock += this.rng.int(0, 20);
    const at = isoAt(this.clock);
    this.stamps.add(at);
    return at;
  }

  private today(): string {
    return isoAt(this.clock).slice(0, 10);
  }

  async run(): Promise<SimResult> {
    try {
      await this.setup();
      for (this.round = 1; this.round <= this.rounds; this.round++) {
        await this.playRound();
        await this.check(this.round % 10 === 0);
      }
      await this.drain();
      await this.finalChecks();
      const result = await this.result();
      await this.teardown();
      return result;
    } catch (err) {
      await this.teardown().catch(() => undefined);
      if (err instanceof SimFailure) throw err;
      throw new SimFailure(this.config.seed, this.config.store, this.round, err, this.trace);
    }
  }

  // ---------------------------------------------------------------- setup and stores

  private async setup(): Promise<void> {
    let inner: Store;
    if (this.config.store === 'file') {
      if (this.config.dir === undefined) throw new Error('the file simulation needs a directory');
      await rm(this.config.dir, { recursive: true, force: true });
      await mkdir(this.config.dir, { recursive: true });
      this.path = join(this.config.dir, 'ledger.jsonl');
      this.io = new FaultyIo(this.faultRng.fork(), this.ioRates);
      inner = await FileEventStore.open(this.path, { io: this.io.hooks() });
    } else {
      inner = new MemoryEventStore();
    }
    this.real = inner;
    this.faulty = new FaultyStore(this.wrap(inner), this.faultRng, this.rates);
    this.faulty.interloper = (budgetId, events) => this.interlope(budgetId, events);
    const nClients = this.rng.int(2, 5);
    const backoffRng = this.faultRng.fork();
    this.handlers = Array.from({ length: nClients }, () => {
      const clocked = this.rng.chance(0.5);
      const handler = new CommandHandler(this.faulty, {
        maxAttempts: this.rng.int(2, 5),
        snapshotEvery: this.rng.pick([0, 3, 5, 10]),
        backoff: (attempt) => yields(backoffRng.int(0, attempt * 3)),
        ...(clocked ? { clock: () => this.tick() } : {}),
      });
      return { handler, clocked };
    });
    this.makeCheckHandler();
    this.runner = new CatchUpRunner(inner, this.faulty, balancesProjection('sim-balances'), {
      batchSize: this.rng.int(5, 200),
    });
    const nBudgets = this.rng.int(2, 4);
    for (let i = 0; i < nBudgets; i++) this.budgets.push({ id: `b${i}`, i });
    this.log(
      `seed ${this.config.seed}: ${nBudgets} budgets, ${nClients} clients, faults ${JSON.stringify(this.rates)} io ${JSON.stringify(this.ioRates)}`,
    );
  }

  /** A handler over the unfaulted store whose snapshots sometimes lie: its load must still equal a replay. */
  private makeCheckHandler(): void {
    const liar = new FaultyStore(this.real, this.faultRng.fork(), { ...NO_FAULTS, badSnapshot: 0.4 });
    this.checkHandler = new CommandHandler(liar, { snapshotEvery: 0 });
  }

  private async teardown(): Promise<void> {
    await this.real?.close().catch(() => undefined);
    if (this.config.store === 'file' && this.config.dir !== undefined) {
      await rm(this.config.dir, { recursive: true, force: true });
    }
  }

  // ---------------------------------------------------------------- rounds

  private async playRound(): Promise<void> {
    const n = this.concurrent ? this.rng.int(1, 4) : 1;
    this.roundStamp = this.rng.chance(0.6) ? this.now() : null;
    const jobs: (() => Promise<void>)[] = [];
    for (let k = 0; k < n; k++) {
      const what = this.rng.weighted({
        fresh: 10,
        retry: this.retries.length > 0 ? 4 : 0,
        redeliver: this.tracked.size > 0 ? 1 : 0,
        compete: this.concurrent ? 1.2 : 0.6,
        batch: 0.6,
      });
      if (what === 'retry') {
        // retries come back late and in any order
        const t = this.retries.splice(this.rng.int(0, this.retries.length - 1), 1)[0] as Tracked;
        jobs.push(() => this.deliver(t, 'retry'));
      } else if (what === 'redeliver') {
        const t = this.rng.pick([...this.tracked.values()]);
        jobs.push(() => this.deliver(t, 'redeliver'));
      } else if (what === 'compete') {
        for (const t of this.competing()) jobs.push(() => this.deliver(t, 'compete'));
      } else if (what === 'batch') {
        const t = this.makeBatch();
        if (t !== null) jobs.push(() => this.deliver(t, 'batch'));
      } else {
        const t = this.fresh();
        jobs.push(() => this.deliver(t, 'new'));
        // the network delivers it twice
        if (this.rng.chance(0.08)) jobs.push(() => this.deliver(t, 'duplicate'));
      }
    }
    if (this.concurrent) {
      await Promise.all(jobs.map((j) => j()));
    } else {
      for (const j of jobs) await j();
      if (this.rng.chance(0.04)) await this.crashAndReopen('idle');
    }
  }

  /** Appends something else to a budget just before another append (which then conflicts). */
  private async interlope(budgetId: string, events: readonly PendingEvent[]): Promise<void> {
    const b = this.budgets.find((x) => x.id === budgetId);
    const s = this.checker.stateOf(budgetId);
    if (b === undefined || s.status !== 'open') return;
    const t = this.track(
      budgetId,
      { type: 'CompleteReview', actor: COORD, data: { reviewedOn: this.today(), outcome: 'no-change' } },
      false,
    );
    const handler = new CommandHandler(this.real, { snapshotEvery: 0 });
    // stamped like the append it races, so that append's retry is not refused for its time
    const cmd = this.stamp(t, events[0]?.recordedAt);
    const armed = this.io?.armed ?? false;
    if (this.io !== null) this.io.armed = false;
    const r = await handler.handle(cmd as unknown as Command);
    if (this.io !== null) this.io.armed = armed;
    this.log(`interloper ${t.commandId} on ${budgetId}: ${r._tag === 'Right' ? 'appended' : r.left.code}`);
    if (r._tag === 'Right') this.ack(t, r.right.events, r.right.duplicate);
  }

  // ---------------------------------------------------------------- deliveries

  private stamp(t: Tracked, at?: string): Record<string, unknown> {
    const recordedAt = at ?? this.roundStamp ?? this.now();
    const cmd = { ...t.base, recordedAt };
    this.delivered.set(`${t.commandId}|${recordedAt}`, cmd);
    this.stamps.add(recordedAt);
    return cmd;
  }

  private async deliver(t: Tracked, why: string): Promise<void> {
    this.deliveries += 1;
    t.deliveries += 1;
    if (t.batch !== undefined) return this.deliverBatch(t, why);
    const cmd = this.stamp(t);
    const { handler, clocked } = this.rng.pick(this.handlers);
    if (clocked) this.clocked.add(t.commandId);
    const useExpected = this.rng.chance(0.15) && !this.draining;
    const expectedVersion = this.checker.eventsOf(t.budgetId).length;
    const faultsBefore = this.io?.injectedTotal ?? 0;
    let crashed = false;
    const crash = new Promise<'crash'>((resolve) => {
      if (this.io !== null) {
        this.io.armed = true;
        this.io.onCrash = () => {
          crashed = true;
          resolve('crash');
        };
      }
    });
    let r;
    try {
      r = await Promise.race([
        handler.handle(cmd as unknown as Command, useExpected ? { expectedVersion } : {}),
        crash,
      ]);
    } catch (err) {
      throw new Violation(
        `the handler threw on ${t.commandId} (${String(cmd['type'])}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    } finally {
      if (this.io !== null) {
        this.io.armed = false;
        this.io.onCrash = null;
      }
    }
    const label = `${why} ${t.commandId} ${String(cmd['type'])} by ${String((cmd['actor'] as Actor | undefined)?.role)} on ${t.budgetId}`;
    if (r === 'crash' || crashed) {
      this.log(`${label}: CRASH`);
      bump(this.outcomes, 'crash');
      t.unknown = true;
      this.retries.push(t);
      await this.crashAndReopen('mid-append');
      return;
    }
    if (r._tag === 'Right') {
      this.log(`${label}: ${r.right.duplicate ? 'duplicate' : 'appended'} v${r.right.version}`);
      bump(this.outcomes, r.right.duplicate ? 'duplicate' : 'appended');
      this.ack(t, r.right.events, r.right.duplicate);
      return;
    }
    const e = r.left;
    this.log(
      `${label}: ${e.code}${e.code === 'store-failure' ? ` (${e.message}${e.outcomeUnknown ? ', outcome unknown' : ''})` : ''}`,
    );
    if (e.code === 'store-failure') {
      const injectedIo = (this.io?.injectedTotal ?? 0) > faultsBefore;
      if (!isInjected(e.message) && !injectedIo)
        throw new Violation(`${label}: store failure nobody injected: ${e.reason}: ${e.message}`);
      bump(this.outcomes, e.outcomeUnknown ? 'store-failure-unknown' : 'store-failure');
      if (e.outcomeUnknown) t.unknown = true;
      if (this.rng.chance(0.9)) this.retries.push(t);
      if (this.io?.crashedHandle != null) await this.crashAndReopen('after-failure');
      return;
    }
    bump(this.outcomes, e.code);
    if (e.code === 'version-conflict') {
      if (this.rng.chance(0.6)) this.retries.push(t);
      return;
    }
    if (t.malformed !== (e.code === 'invalid-command')) {
      throw new Violation(
        `${label}: ${t.malformed ? 'malformed command was not refused as invalid' : 'well-formed command refused as invalid'}: ${e.code}: ${e.message}`,
      );
    }
    if (t.acked !== null)
      throw new Violation(
        `${label}: refused (${e.code}) although it was acknowledged before: a retry must return the original events`,
      );
  }

  private async deliverBatch(t: Tracked, why: string): Promise<void> {
    const batch = t.batch as NonNullable<Tracked['batch']>;
    const label = `${why} batch ${t.commandId} (${batch.events.length} events) on ${t.budgetId}`;
    const faultsBefore = this.io?.injectedTotal ?? 0;
    let crashed = false;
    const crash = new Promise<'crash'>((resolve) => {
      if (this.io !== null) {
        this.io.armed = true;
        this.io.onCrash = () => {
          crashed = true;
          resolve('crash');
        };
      }
    });
    let r;
    try {
      r = await Promise.race([
        this.faulty.append(t.budgetId, batch.events, ExpectedVersion.exactly(batch.expected)).then(
          (x) => ({ ok: true as const, x }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
        crash,
      ]);
    } finally {
      if (this.io !== null) {
        this.io.armed = false;
        this.io.onCrash = null;
      }
    }
    if (r === 'crash' || crashed) {
      this.log(`${label}: CRASH`);
      bump(this.outcomes, 'crash');
      t.unknown = true;
      this.retries.push(t);
      await this.crashAndReopen('mid-batch');
      return;
    }
    if (r.ok) {
      this.log(`${label}: ${r.x.duplicate ? 'duplicate' : 'appended'} v${r.x.version}`);
      bump(this.outcomes, r.x.duplicate ? 'duplicate' : 'appended');
      this.ack(t, r.x.events, r.x.duplicate);
      return;
    }
    const err = r.err;
    if (err instanceof VersionConflict) {
      this.log(`${label}: version conflict (expected ${batch.expected}, at ${err.actual})`);
      bump(this.outcomes, 'version-conflict');
      return;
    }
    if (err instanceof StoreError) {
      this.log(`${label}: ${err.code} (${err.message})`);
      const injectedIo = (this.io?.injectedTotal ?? 0) > faultsBefore;
      if (err.code === 'invalid-append' && /recorded at/.test(err.message)) {
        bump(this.outcomes, 'batch-time-order');
        return;
      }
      if (!isInjected(err.message) && !injectedIo)
        throw new Violation(`${label}: store error nobody injected: ${err.code}: ${err.message}`);
      bump(this.outcomes, err.outcomeUnknown ? 'store-failure-unknown' : 'store-failure');
      if (err.outcomeUnknown) t.unknown = true;
      this.retries.push(t);
      if (this.io?.crashedHandle != null) await this.crashAndReopen('after-failure');
      return;
    }
    throw new Violation(
      `${label}: append threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
  }

  private ack(t: Tracked, events: readonly LedgerEvent[], duplicate: boolean): void {
    if (events.length === 0) throw new Violation(`${t.commandId}: acknowledged with no events`);
    for (const e of events) {
      if (e.commandId !== t.commandId)
        throw new Violation(`${t.commandId}: acknowledged with an event of command ${String(e.commandId)}`);
    }
    if (!duplicate) {
      if (t.appended === true)
        throw new Violation(`${t.commandId}: a second delivery was appended as new: idempotency broke`);
      t.appended = true;
    }
    if (t.acked === null) {
      t.acked = events;
    } else {
      const a = t.acked.map((e) => `${e.eventId}:${e.hash}`).join(',');
      const b = events.map((e) => `${e.eventId}:${e.hash}`).join(',');
      if (a !== b)
        throw new Violation(
          `${t.commandId}: acknowledged twice with different events (appended twice?)\n  ${a}\n  ${b}`,
        );
    }
    for (const e of events) this.acked.set(e.eventId, { budgetId: e.budgetId, seq: e.seq, hash: e.hash });
  }

  // ---------------------------------------------------------------- crash and reopen (file store)

  private async crashAndReopen(when: string): Promise<void> {
    if (this.config.store !== 'file' || this.io === null) return;
    this.crashes += 1;
    const old = this.real as FileEventStore;
    const before = old.size;
    const handle = this.io.crashedHandle;
    if (handle !== null) {
      // the process died mid-append: the OS closes its files; unsynced bytes may be lost
      this.io.crashedHandle = null;
      await handle.close().catch(() => undefined);
      const pending = (old as unknown as { pendingHandle: { close(): Promise<void> } | null }).pendingHandle;
      await pending?.close().catch(() => undefined);
      const { size } = await stat(this.path);
      // nothing of it, all of it, all but the newline, or any byte in between
      const cut = Math.max(
        before,
        Math.min(size, this.rng.pick([before, size, size - 1, this.rng.int(before, size)])),
      );
      await truncate(this.path, cut);
      let zeros = 0;
      if (this.rng.chance(0.2)) {
        // some file systems show a zero-filled block after a crash
        zeros = this.rng.int(1, 64);
        const fh = await openFile(this.path, 'a');
        await fh.write(Buffer.alloc(zeros));
        await fh.close();
      }
      // the dead process's lock stays behind: it names a pid that no longer runs
      const lockPath = `${this.path}.lock`;
      if (this.rng.chance(0.5)) {
        const lock = JSON.parse(await readFile(lockPath, 'utf8')) as Record<string, unknown>;
        const pidMax = Number(
          (await readFile('/proc/sys/kernel/pid_max', 'utf8').catch(() => '4194304')).trim(),
        );
        await writeFile(lockPath, `${JSON.stringify({ ...lock, pid: pidMax + 1 })}\n`);
      } else {
        await rm(lockPath, { force: true });
      }
      this.log(
        `crash (${when}): file was ${size} bytes, ${before} acknowledged; cut at ${cut}${zeros > 0 ? ` + ${zeros} zero bytes` : ''}`,
      );
    } else {
      // the process died between commands: everything acknowledged was synced
      await old.close();
      this.log(`crash (${when}) between commands at ${before} bytes`);
    }
    const reopened = await FileEventStore.open(this.path, { io: this.io.hooks() });
    for (const r of reopened.recovery) bump(this.recoveries, r.kind);
    this.log(`reopened: ${reopened.recovery.map((r) => r.kind).join(', ') || 'clean'}`);
    this.real = reopened;
    this.faulty.inner = this.wrap(reopened);
    this.makeCheckHandler();
    this.runner = new CatchUpRunner(reopened, this.faulty, balancesProjection('sim-balances'), {
      batchSize: this.rng.int(5, 200),
    });
    await this.checker.reread(reopened);
  }

  // ---------------------------------------------------------------- checks

  private async check(full: boolean): Promise<void> {
    const store = this.real;
    const touched = await this.checker.sync(store);
    if (full) await this.checker.reread(store);
    this.checker.checkAcked(this.acked);
    await this.checker.checkHeads(store);
    this.checker.checkBalances(full ? this.checker.budgetIds() : touched);
    const ids = full ? this.checker.budgetIds() : [...touched].filter(() => this.rng.chance(0.5));
    for (const id of ids) {
      const loaded = await this.checkHandler.load(id);
      this.checker.checkLoaded(id, loaded, 'the handler (with lying snapshots)');
    }
    if (!full && !this.rng.chance(0.3)) return;
    // the catch-up projection, which sometimes fails to save, restarts from what it saved
    if (this.rng.chance(0.3)) {
      this.runner = new CatchUpRunner(store, this.faulty, balancesProjection('sim-balances'), {
        batchSize: this.rng.int(5, 200),
      });
    }
    try {
      await this.runner.catchUp();
    } catch (err) {
      if (!(err instanceof StoreError && isInjected(err.message))) throw err;
      return;
    }
    const got = JSON.stringify(balancesJson(balancesOfStates(this.runner.current().state)));
    if (got !== this.checker.reportJson()) {
      throw new Violation(
        `the catch-up balances projection differs from the replay:\n  ${got}\n  ${this.checker.reportJson()}`,
      );
    }
  }

  /** Ends the run: faults off, every pending retry delivered until its outcome is known. */
  private async drain(): Promise<void> {
    this.faulty.rates = NO_FAULTS;
    this.draining = true;
    this.roundStamp = null;
    if (this.io !== null) this.io.rates = NO_IO_FAULTS;
    this.round = this.rounds + 1;
    this.log('drain: faults off');
    for (let guard = 0; this.retries.length > 0 && guard < 1000; guard++) {
      const t = this.retries.shift() as Tracked;
      await this.deliver(t, 'final-retry');
    }
    // every command whose outcome was unknown is resolved by one more delivery
    for (const t of this.tracked.values()) {
      if (t.unknown && t.acked === null) await this.deliver(t, 'resolve');
    }
    await this.check(true);
  }

  private async finalChecks(): Promise<void> {
    const store = this.real;
    // replay from scratch equals the incremental replay, budget by budget and as balances
    const all: LedgerEvent[] = [];
    for (const id of this.checker.budgetIds()) {
      const events = await store.readStream(id);
      all.push(...events);
      if (stateJson(foldEvents(events)) !== stateJson(this.checker.stateOf(id))) {
        throw new Violation(`budget ${id}: replay from scratch differs from the incremental replay`);
      }
    }
    const scratch = JSON.stringify(balancesJson(balances(all)));
    if (scratch !== this.checker.reportJson())
      throw new Violation(`balances from scratch differ:\n  ${scratch}\n  ${this.checker.reportJson()}`);
    // the exported log verifies (an independent reader)
    const v = await verifyLog(
      (async function* () {
        for await (const line of storeLines(store)) yield Buffer.from(line, 'utf8');
      })(),
    );
    if (!v.ok || v.events !== this.checker.events) {
      throw new Violation(
        `the exported log does not verify: ${JSON.stringify(v.firstError)} (${v.events} events)`,
      );
    }
    if (this.config.store === 'file') {
      const f = await verifyLog(this.path, { manifest: false });
      if (!f.ok) throw new Violation(`the store's file does not verify: ${JSON.stringify(f.firstError)}`);
    }
    // commands: acknowledged ones are there; ones every delivery refused are not
    for (const t of this.tracked.values()) {
      const stored = this.checker.commandEvents(t.commandId);
      if (t.acked !== null) {
        const a = t.acked.map((e) => e.hash).join();
        if (stored.map((e) => e.hash).join() !== a)
          throw new Violation(`${t.commandId}: acknowledged events are not what the store holds`);
      } else if (!t.unknown && stored.length > 0) {
        throw new Violation(`${t.commandId}: every delivery was refused, yet the store holds its events`);
      } else if (t.unknown && stored.length > 0) {
        throw new Violation(
          `${t.commandId}: recorded after an unknown outcome, but the final delivery did not return it`,
        );
      }
    }
  }

  private async result(): Promise<SimResult> {
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256');
    for (const line of this.checker.allLines()) h.update(`${line}\n`);
    for (const line of this.trace) h.update(`${line}\n`);
    const faults: Counts = { ...this.faulty.counts };
    for (const [k, v] of Object.entries(this.io?.counts ?? {})) bump(faults, k, v);
    return {
      seed: this.config.seed,
      store: this.config.store,
      rounds: this.rounds,
      deliveries: this.deliveries,
      events: this.checker.events,
      acked: this.acked.size,
      outcomes: this.outcomes,
      faults,
      recoveries: this.recoveries,
      crashes: this.crashes,
      fingerprint: h.digest('hex'),
    };
  }

  // ---------------------------------------------------------------- commands

  private track(
    budgetId: string,
    partial: { type: CommandType; actor: Actor; data: unknown },
    malformed: boolean,
    raw?: Record<string, unknown>,
  ): Tracked {
    this.nextId += 1;
    const commandId = `c${this.nextId}`;
    const base =
      raw ?? jsonOf({ type: partial.type, commandId, budgetId, actor: partial.actor, data: partial.data });
    if (raw !== undefined) base['commandId'] ??= commandId;
    const backdate = this.rng.chance(0.2);
    if (base['occurredAt'] === undefined)
      base['occurredAt'] = isoAt(backdate ? Math.max(0, this.clock - this.rng.int(0, 3000)) : this.clock);
    const t: Tracked = {
      commandId: String(base['commandId']),
      budgetId,
      base,
      malformed,
      acked: null,
      unknown: false,
      deliveries: 0,
    };
    this.tracked.set(t.commandId, t);
    return t;
  }

  private view(budgetId: string): BudgetState {
    return this.checker.stateOf(budgetId);
  }

  private fresh(): Tracked {
    const b = this.rng.pick(this.budgets);
    const s = this.view(b.id);
    const kind = this.rng.weighted({ good: 80, wrongActor: 8, malformed: 7, anything: 5 });
    const c = this.command(b, s);
    if (kind === 'malformed') return this.malformed(b, c);
    if (kind === 'wrongActor') {
      const actor = this.rng.pick([
        AUDITOR,
        SYSTEM,
        holder(b.i + 1),
        rep(b.i + 7),
        COORD,
        FIN,
        COMM,
        holder(b.i),
        rep(b.i),
      ]);
      return this.track(b.id, { ...c, actor }, false);
    }
    if (kind === 'anything') {
      // a command that may make no sense at all for the budget's state
      const other = this.command(b, this.view(this.rng.pick(this.budgets).id));
      return this.track(b.id, other, false);
    }
    return this.track(b.id, c, false);
  }

  /** Two commands (different ids) that only one may win: the same spend, reversal, plan version or agreement. */
  private competing(): Tracked[] {
    const b = this.rng.pick(this.budgets);
    const s = this.view(b.id);
    if (s.status !== 'open') return [this.track(b.id, this.command(b, s), false)];
    const line = this.line(s);
    const live = [...s.spends.values()].filter((x) => !x.reversed);
    const pending = s.plans.find((p) => p.status === 'proposed');
    const pick = this.rng.weighted({
      spend: line !== null ? 3 : 0,
      reverse: live.length > 0 ? 2 : 0,
      propose: 1,
      agree: pending !== undefined ? 1 : 0,
      close: this.round > this.rounds * 0.8 ? 0.3 : 0,
    });
    let make: () => { type: CommandType; actor: Actor; data: unknown };
    if (pick === 'spend' && line !== null) {
      this.spendSeq += 1;
      const spendId = `inv-${b.id}-${this.spendSeq}`;
      const amount = Money.fromPence(this.rng.bigint(1n, 50_000n));
      make = () => ({
        type: 'RecordSpend',
        actor: this.spender(b, s, line.option),
        data: {
          spendId,
          lineId: line.lineId,
          amount,
          spentOn: this.today(),
          payee: 'Care Co',
          evidenceRef: `ev-${spendId}`,
        },
      });
    } else if (pick === 'reverse') {
      const sp = this.rng.pick(live);
      make = () => ({
        type: 'ReverseSpend',
        actor: this.rng.pick([FIN, COORD]),
        data: { spendId: sp.spendId, reason: 'entered twice' },
      });
    } else if (pick === 'agree' && pending !== undefined) {
      make = () => ({
        type: 'AgreePlan',
        actor: this.rng.pick([holder(b.i), COORD, COMM]),
        data: { planVersion: pending.planVersion, agreedOn: this.today() },
      });
    } else if (pick === 'close') {
      make = () => ({
        type: 'CloseBudget',
        actor: COORD,
        data: { closedOn: this.today(), reason: 'moved area' },
      });
    } else {
      const data = this.plan(b, s);
      make = () => ({ type: 'ProposePlan', actor: COORD, data });
    }
    return [this.track(b.id, make(), false), this.track(b.id, make(), false)];
  }

  /** A multi-event command appended directly to the store (an import): 2-3 allocations. */
  private makeBatch(): Tracked | null {
    const b = this.rng.pick(this.budgets);
    const s = this.view(b.id);
    if (s.status !== 'open' || s.opened === null) return null;
    const streams = s.opened.streams;
    this.nextId += 1;
    const commandId = `c${this.nextId}`;
    const recordedAt = this.roundStamp ?? this.now();
    const n = this.rng.int(2, 3);
    const subs: Record<string, unknown>[] = [];
    const events: PendingEvent[] = [];
    let state = s;
    for (let i = 0; i < n; i++) {
      const sub = jsonOf({
        type: 'AllocateFunding',
        commandId: `${commandId}.${i}`,
        budgetId: b.id,
        actor: FIN,
        occurredAt: recordedAt,
        recordedAt,
        data: {
          stream: this.rng.pick(streams),
          amount: Money.fromPence(this.rng.bigint(1n, 900_000n)),
          stage: this.rng.pick(['agreed', 'indicative']),
        },
      });
      const d = decide(sub as unknown as Command, state);
      if (d._tag === 'Left' || d.right[0] === undefined) return null;
      const e = { ...d.right[0], commandId, eventId: eventIdFor(b.id, commandId, i) } as PendingEvent;
      state = foldEvents([e], state);
      subs.push(sub);
      events.push(e);
    }
    this.batches.set(commandId, subs);
    const t: Tracked = {
      commandId,
      budgetId: b.id,
      base: { type: 'batch' },
      malformed: false,
      acked: null,
      unknown: false,
      deliveries: 0,
      batch: { events, expected: s.version },
    };
    this.tracked.set(commandId, t);
    return t;
  }

  private line(s: BudgetState): { lineId: string; option: (typeof OPTIONS)[number] } | null {
    const plan = planOn(s.plans, this.today());
    if (plan === undefined || plan.lines.length === 0) return null;
    const l = this.rng.pick(plan.lines);
    return { lineId: l.lineId, option: l.option };
  }

  private spender(b: { i: number }, s: BudgetState, option: (typeof OPTIONS)[number]): Actor {
    const reps = s.representatives.has(`rep-${b.i}`) ? [rep(b.i)] : [];
    switch (option) {
      case 'direct-payment':
      case 'managed-account':
        return this.rng.pick([holder(b.i), COORD, FIN, ...reps]);
      case 'third-party':
        return this.rng.pick([COORD, FIN]);
      default:
        return this.rng.pick([COORD, COMM, FIN]);
    }
  }

  private plan(b: { i: number }, s: BudgetState): Record<string, unknown> {
    const streams = s.opened?.streams ?? ['health'];
    const lines = Array.from({ length: this.rng.int(1, 3) }, (_, k) => {
      const shares: Record<string, number> = {};
      for (const st of streams)
        if (this.rng.chance(0.7) || Object.keys(shares).length === 0) shares[st] = this.rng.int(1, 5);
      return {
        lineId: `L${k + 1}`,
        category: this.rng.pick(CATEGORIES),
        option: this.rng.pick(OPTIONS),
        amount: Money.fromPence(this.rng.bigint(0n, 2_000_000n)),
        shares,
      };
    });
    const openCr = [...s.changeRequests.values()].find((c) => c.planVersion === undefined);
    const data: Record<string, unknown> = {
      planVersion: Math.max(1, s.plans.length + (this.rng.chance(0.9) ? 1 : this.rng.int(0, 3))),
      lines,
    };
    if (openCr !== undefined && this.rng.chance(0.7)) data['changeRequestId'] = openCr.changeRequestId;
    void b;
    return data;
  }

  /** A command that makes sense for the budget's state (most of the time). */
  private command(
    b: { id: string; i: number },
    s: BudgetState,
  ): { type: CommandType; actor: Actor; data: unknown } {
    const r = this.rng;
    const streams: Stream[] = (s.opened?.streams as Stream[] | undefined) ?? ['health'];
    const stream = (): Stream =>
      r.chance(0.95)
        ? r.pick(streams)
        : r.pick(['health', 'social-care', 'education', 'contribution'] as Stream[]);
    const amount = (max = 500_000n) => Money.fromPence(r.bigint(1n, max));
    const reason = () =>
      r.chance(0.93) ? r.pick(['needs changed', 'review outcome', 'entered in error']) : ' ';
    if (s.status === 'unopened' && r.chance(0.9)) {
      const basis = r.pick(BASES);
      let st = r
        .shuffle(['health', 'social-care', 'education', 'contribution'] as Stream[])
        .slice(0, r.int(1, 3));
      if ((basis === 'chc' || basis === 's117') && r.chance(0.9)) st = st.filter((x) => x !== 'contribution');
      if (st.length === 0) st = ['health'];
      return {
        type: 'OpenBudget',
        actor: r.pick([COORD, COMM, FIN]),
        data: {
          personRef: `person-${b.i}`,
          site: r.pick(['north', 'south']),
          cohort: r.pick(COHORTS),
          basis,
          streams: st,
          periodStart: '2025-04-01',
          periodEnd: r.chance(0.97) ? '2026-03-31' : '2025-01-01',
        },
      };
    }
    const line = this.line(s);
    const live = [...s.spends.values()];
    const pending = s.plans.find((p) => p.status === 'proposed');
    const kind = r.weighted({
      allocate: 8,
      adjust: 3,
      assess: 1,
      pay: 3,
      propose: 4,
      agree: 4,
      reject: 1,
      request: 2,
      spend: 20,
      reverse: live.length > 0 ? 5 : 0.5,
      reclaim: 2,
      review: 2,
      suspend: 1,
      resume: 1,
      stop: 0.2,
      close: this.round > this.rounds * 0.75 ? 0.6 : 0.05,
      authorise: 1.5,
      revoke: 0.5,
      reopen: 0.3,
    });
    switch (kind) {
      case 'allocate':
        return {
          type: 'AllocateFunding',
          actor: r.pick([FIN, COMM]),
          data: {
            stream: stream(),
            amount: amount(2_000_000n),
            stage: r.chance(0.8) ? 'agreed' : 'indicative',
          },
        };
      case 'adjust': {
        const delta = amount(200_000n);
        return {
          type: 'AdjustFunding',
          actor: r.pick([FIN, COMM]),
          data: { stream: stream(), delta: r.chance(0.5) ? delta : delta.negate(), reason: reason() },
        };
      }
      case 'assess':
        return {
          type: 'AssessContribution',
          actor: FIN,
          data: { amount: Money.fromPence(r.bigint(0n, 50_000n)) },
        };
      case 'pay':
        return {
          type: 'PayFunds',
          actor: FIN,
          data: {
            stream: stream(),
            amount: amount(),
            option: r.pick(['direct-payment', 'third-party', 'managed-account']),
            reference: `pay-${this.nextId}`,
          },
        };
      case 'propose':
        return { type: 'ProposePlan', actor: COORD, data: this.plan(b, s) };
      case 'agree':
        return {
          type: 'AgreePlan',
          actor: r.pick([holder(b.i), COORD, COMM, rep(b.i)]),
          data: { planVersion: pending?.planVersion ?? r.int(1, 4), agreedOn: this.today() },
        };
      case 'reject':
        return {
          type: 'RejectPlan',
          actor: r.pick([holder(b.i), COORD]),
          data: { planVersion: pending?.planVersion ?? r.int(1, 4), reason: reason() },
        };
      case 'request':
        return {
          type: 'RequestChange',
          actor: r.pick([holder(b.i), COORD]),
          data: { changeRequestId: `cr-${this.nextId}`, summary: 'needs more support at night' },
        };
      case 'spend': {
        this.spendSeq += 1;
        const reuse = live.length > 0 && r.chance(0.05);
        const spendId = reuse ? r.pick(live).spendId : `sp-${b.id}-${this.spendSeq}`;
        const lineId = line === null || r.chance(0.05) ? r.pick(['L1', 'L9', 'ghost']) : line.lineId;
        const data: Record<string, unknown> = {
          spendId,
          lineId,
          amount: amount(),
          spentOn: r.chance(0.95) ? this.today() : '2025-01-15',
          payee: 'Care Co',
          evidenceRef: `ev-${this.spendSeq}`,
        };
        if (r.chance(0.1)) data['purpose'] = r.pick(['care-and-support', 'alcohol', 'unspecified']);
        return { type: 'RecordSpend', actor: this.spender(b, s, line?.option ?? 'notional'), data };
      }
      case 'reverse': {
        const spendId = live.length > 0 ? r.pick(live).spendId : 'sp-none';
        return {
          type: 'ReverseSpend',
          actor: r.pick([FIN, COORD, holder(b.i)]),
          data: { spendId, reason: reason() },
        };
      }
      case 'reclaim':
        return {
          type: 'ReclaimSurplus',
          actor: r.pick([FIN, COMM]),
          data: {
            stream: stream(),
            amount: amount(100_000n),
            reason: r.pick(RECLAIM_REASONS),
            noticeRef: `n-${this.nextId}`,
            deadline: '2030-12-31',
          },
        };
      case 'review':
        return {
          type: 'CompleteReview',
          actor: r.pick([COORD, COMM]),
          data: { reviewedOn: this.today(), outcome: r.pick(REVIEW_OUTCOMES) },
        };
      case 'suspend':
        return { type: 'SuspendDirectPayment', actor: FIN, data: { reason: reason() } };
      case 'resume':
        return { type: 'ResumeDirectPayment', actor: FIN, data: { reason: reason() } };
      case 'stop':
        return { type: 'StopDirectPayment', actor: COMM, data: { reason: reason() } };
      case 'close':
        return {
          type: 'CloseBudget',
          actor: r.pick([COORD, COMM, FIN]),
          data: { closedOn: this.today(), reason: reason() },
        };
      case 'authorise':
        return {
          type: 'AuthoriseRepresentative',
          actor: r.pick([COORD, COMM]),
          data: { representativeId: `rep-${b.i}`, reason: 'lasting power of attorney' },
        };
      case 'revoke':
        return {
          type: 'RevokeRepresentative',
          actor: COORD,
          data: { representativeId: `rep-${b.i}`, reason: 'no longer acting' },
        };
      default:
        return {
          type: 'OpenBudget',
          actor: COORD,
          data: {
            personRef: `person-${b.i}`,
            site: 'north',
            cohort: 'other',
            basis: 'joint',
            streams: ['health'],
            periodStart: '2025-04-01',
            periodEnd: '2026-03-31',
          },
        };
    }
  }

  /** A command broken in one of the ways input breaks: the handler must refuse it as invalid, naming the field. */
  private malformed(b: { id: string }, c: { type: CommandType; actor: Actor; data: unknown }): Tracked {
    const r = this.rng;
    this.nextId += 1;
    const raw = jsonOf({
      type: c.type,
      commandId: `c${this.nextId}`,
      budgetId: b.id,
      actor: c.actor,
      data: c.data,
    });
    const data = raw['data'] as Record<string, unknown>;
    const moneyKey = Object.keys(data).find((k) => k === 'amount' || k === 'delta');
    const how = r.pick([
      'money',
      'money',
      'drop-field',
      'proto',
      'unknown-field',
      'budget-id',
      'time',
      'type',
      'role',
      'deep',
      'huge-text',
    ]);
    switch (how) {
      case 'money':
        if (moneyKey !== undefined) {
          data[moneyKey] = r.pick([
            '1e3',
            '-0.00',
            '0.001',
            12.5,
            '',
            '12.5',
            '+1.00',
            '1,000.00',
            ' 1.00',
            '0x10',
            'NaN',
            '9'.repeat(40) + '.00',
            null,
          ]);
          break;
        }
        Object.defineProperty(data, '__proto__', {
          value: { polluted: true },
          enumerable: true,
          configurable: true,
          writable: true,
        });
        break;
      case 'drop-field': {
        const keys = Object.keys(data).filter(
          (k) => k !== 'purpose' && k !== 'changeRequestId' && k !== 'reason' && k !== 'referredAt',
        );
        if (keys.length > 0) delete data[r.pick(keys)];
        else delete raw['actor'];
        break;
      }
      case 'proto': {
        const key = r.pick(['__proto__', 'constructor', 'prototype']);
        const at = r.pick([raw, data, raw['actor'] as Record<string, unknown>]);
        Object.defineProperty(at, key, {
          value: { polluted: true },
          enumerable: true,
          configurable: true,
          writable: true,
        });
        break;
      }
      case 'unknown-field':
        data[r.pick(['notes', 'personName', 'split', 'hash'])] = 'MARKER unknown field';
        break;
      case 'budget-id':
        raw['budgetId'] = r.pick(['', 'has space', 'a/b', 'x'.repeat(129), '\u0000', 'é']);
        break;
      case 'time':
        raw['occurredAt'] = r.pick([
          '2025-04-01T10:00:00.000+01:00',
          '2025-06-30T23:59:60.000Z',
          '2025-02-30T10:00:00.000Z',
          '2025-04-01',
          '2025-04-01T10:00:00Z',
          1743494400000,
        ]);
        break;
      case 'type':
        raw['type'] = r.pick(['DeleteBudget', '', 'recordSpend', 'constructor', 'toString']);
        break;
      case 'role':
        raw['actor'] = { id: 'x', role: r.pick(['admin', 'root', '', 'Holder']) };
        break;
      case 'deep': {
        let v: unknown = 'bottom';
        for (let i = 0; i < 40; i++) v = { nested: v };
        data['lines'] = [v];
        data[Object.keys(data)[0] ?? 'x'] = v;
        break;
      }
      default: {
        const key = Object.keys(data).find((k) =>
          [
            'reason',
            'summary',
            'payee',
            'personRef',
            'evidenceRef',
            'site',
            'reference',
            'noticeRef',
            'lineId',
            'spendId',
          ].includes(k),
        );
        if (key !== undefined)
          data[key] = 'x'.repeat(key === 'reason' || key === 'summary' || key === 'payee' ? 10_001 : 257);
        else raw['commandId'] = 'x'.repeat(257);
        break;
      }
    }
    return this.track(b.id, { type: c.type, actor: c.actor, data: c.data }, true, raw);
  }
}
