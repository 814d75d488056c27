/**
 * Fault injection for the deterministic simulation: a store wrapper that fails writes, loses
 * acknowledgements after a write succeeded, lets another writer in just before an append (a
 * real version conflict), fails reads, and hands out lying snapshots; and the file store's I/O
 * hooks that fail, shorten or crash writes and syncs.
 *
 * Every injected error's message starts with `injected:` so the simulation can tell an injected
 * failure from a real one (which is a bug).
 */
import type { FileHandle } from 'node:fs/promises';
import {
  StoreError,
  decodeBudgetState,
  encodeBudgetState,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type ExpectedVersion,
  type FileStoreIo,
  type LedgerEvent,
  type PendingEvent,
  type ReadAllResult,
  type SavedProjection,
  type Snapshot,
  type Store,
  type StreamHead,
} from 'ipb-ledger';
import type { Prng } from './prng.js';

/** Probabilities of each fault, per operation. */
export interface FaultRates {
  /** An append fails before anything is written. */
  readonly failWrite: number;
  /** An append is written, then the acknowledgement is lost (outcome unknown). */
  readonly lostAck: number;
  /** Another writer appends to the same budget just before this append (a real conflict). */
  readonly interloper: number;
  /** A read (stream, command, head) fails. */
  readonly readFail: number;
  /** `loadSnapshot` returns a snapshot that does not match the stream. */
  readonly badSnapshot: number;
  /** `saveSnapshot` fails. */
  readonly snapshotSaveFail: number;
  /** Most microtask yields before an operation (varies the interleaving of concurrent calls). */
  readonly maxYields: number;
}

/** No faults at all (used to drain retries at the end of a run). */
export const NO_FAULTS: FaultRates = {
  failWrite: 0,
  lostAck: 0,
  interloper: 0,
  readFail: 0,
  badSnapshot: 0,
  snapshotSaveFail: 0,
  maxYields: 0,
};

/** Yields to the microtask queue `n` times: deterministic, unlike timers. */
export async function yields(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** An injected store error (its message starts with `injected:`). */
export function injected(what: string, outcomeUnknown = false): StoreError {
  return new StoreError('store-unavailable', `injected: ${what}`, { outcomeUnknown });
}

/** True for a message of an injected failure. */
export const isInjected = (message: string): boolean => message.startsWith('injected:');

/** Counts of what was injected, by kind. */
export type FaultCounts = Record<string, number>;

/**
 * Wraps a store and injects faults. `inner` can be replaced (the file store is reopened after a
 * simulated crash) and `rates` changed (faults are switched off to drain retries at the end).
 */
export class FaultyStore implements Store {
  readonly counts: FaultCounts = {};
  /** Snapshots saved so far per budget (to hand back an older, still valid one). */
  private readonly history = new Map<string, Snapshot[]>();
  /** Called before an append the interloper fault picked: appends something else to the budget first. */
  interloper: ((budgetId: string, events: readonly PendingEvent[]) => Promise<void>) | null = null;

  constructor(
    public inner: Store,
    private readonly rng: Prng,
    public rates: FaultRates,
  ) {}

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private async before(): Promise<void> {
    if (this.rates.maxYields > 0) await yields(this.rng.int(0, this.rates.maxYields));
  }

  private readFault(what: string): void {
    if (this.rng.chance(this.rates.readFail)) {
      this.count('read-fail');
      throw injected(`${what} failed`);
    }
  }

  async append(
    budgetId: string,
    events: readonly PendingEvent[],
    expected: ExpectedVersion,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    await this.before();
    if (this.rng.chance(this.rates.failWrite)) {
      this.count('fail-write');
      throw injected('write failed before anything was written');
    }
    if (this.interloper !== null && this.rng.chance(this.rates.interloper)) {
      this.count('interloper');
      await this.interloper(budgetId, events);
    }
    const lose = this.rng.chance(this.rates.lostAck);
    const r = await this.inner.append(budgetId, events, expected, options);
    await this.before();
    if (lose) {
      this.count('lost-ack');
      throw injected('connection lost after the write was committed', true);
    }
    return r;
  }

  async readStream(
    budgetId: string,
    options?: { readonly fromVersion?: number },
  ): Promise<readonly LedgerEvent[]> {
    await this.before();
    this.readFault('readStream');
    return this.inner.readStream(budgetId, options);
  }

  async head(budgetId: string): Promise<StreamHead> {
    await this.before();
    this.readFault('head');
    return this.inner.head(budgetId);
  }

  async readCommand(budgetId: string, commandId: string): Promise<readonly LedgerEvent[]> {
    await this.before();
    this.readFault('readCommand');
    return this.inner.readCommand(budgetId, commandId);
  }

  readAll(options?: { readonly after?: Checkpoint; readonly limit?: number }): Promise<ReadAllResult> {
    return this.inner.readAll(options);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.before();
    if (this.rng.chance(this.rates.snapshotSaveFail)) {
      this.count('snapshot-save-fail');
      throw injected('snapshot not saved');
    }
    await this.inner.saveSnapshot(snapshot);
    const h = this.history.get(snapshot.budgetId) ?? [];
    h.push(snapshot);
    this.history.set(snapshot.budgetId, h.slice(-4));
  }

  async loadSnapshot(budgetId: string): Promise<Snapshot | null> {
    await this.before();
    const real = await this.inner.loadSnapshot(budgetId);
    if (real === null || !this.rng.chance(this.rates.badSnapshot)) return real;
    const lie = lyingSnapshot(real, this.rng, this.history);
    this.count(`snapshot-${lie.kind}`);
    return lie.snapshot;
  }

  deleteSnapshot(budgetId: string): Promise<void> {
    return this.inner.deleteSnapshot(budgetId);
  }

  loadProjection(name: string): Promise<SavedProjection | null> {
    return this.inner.loadProjection(name);
  }

  async saveProjection(name: string, saved: SavedProjection): Promise<void> {
    if (this.rng.chance(this.rates.snapshotSaveFail)) {
      this.count('projection-save-fail');
      throw injected('projection state not saved');
    }
    await this.inner.saveProjection(name, saved);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * A snapshot that must not be trusted as it is (or an older one that is still valid): the
 * handler has to notice and replay, or fold on from the older one.
 */
export function lyingSnapshot(
  real: Snapshot,
  rng: Prng,
  history: ReadonlyMap<string, readonly Snapshot[]>,
): { kind: string; snapshot: Snapshot } {
  const older = (history.get(real.budgetId) ?? []).filter((s) => s.version < real.version);
  const others = [...history.entries()].filter(([id]) => id !== real.budgetId).flatMap(([, s]) => s);
  const kind = rng.pick(['wrong-hash', 'ahead', 'garbage', 'older-valid', 'other-state', 'older-state']);
  const hex = (): string => Array.from({ length: 64 }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
  switch (kind) {
    case 'wrong-hash':
      return { kind, snapshot: { ...real, hash: hex() } };
    case 'ahead':
      return { kind, snapshot: { ...real, version: real.version + rng.int(1, 5) } };
    case 'garbage':
      return { kind, snapshot: { ...real, state: rng.pick(['', '{', 'null', '{"version":1}', '[]']) } };
    case 'older-valid': {
      const o = older.length > 0 ? rng.pick(older) : null;
      return { kind, snapshot: o ?? real };
    }
    case 'other-state': {
      const o = others.length > 0 ? rng.pick(others) : null;
      if (o === null) return { kind, snapshot: { ...real, hash: hex() } };
      // another budget's state under this budget's version and hash
      const state = decodeBudgetState(o.state);
      return { kind, snapshot: { ...real, state: encodeBudgetState({ ...state, version: real.version }) } };
    }
    default: {
      // this budget's older state, claiming to be the newer version
      const o = older.length > 0 ? rng.pick(older) : null;
      return {
        kind,
        snapshot: o === null ? { ...real, version: real.version + 1 } : { ...real, state: o.state },
      };
    }
  }
}

/** What the file-store I/O hooks may do to one write or sync. */
export interface IoRates {
  /** Fail with ENOSPC before writing. */
  readonly enospc: number;
  /** Write part of the data, then fail with EIO. */
  readonly partialEio: number;
  /** Write only part of the data (a short write; the store must write the rest). */
  readonly short: number;
  /** Write part of the data, then the process dies (never returns). */
  readonly crashMidWrite: number;
  /** The sync fails with EIO. */
  readonly syncEio: number;
  /** The process dies after writing, before the sync returns. */
  readonly crashBeforeSync: number;
}

/** No I/O faults. */
export const NO_IO_FAULTS: IoRates = {
  enospc: 0,
  partialEio: 0,
  short: 0,
  crashMidWrite: 0,
  syncEio: 0,
  crashBeforeSync: 0,
};

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  const e = new Error(`injected: ${code}: ${message}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/**
 * File-store I/O hooks with faults. A "crash" writes what it writes, then calls `onCrash` and
 * never settles: the simulation abandons the store as a dead process would.
 */
export class FaultyIo {
  readonly counts: FaultCounts = {};
  /** Faults are injected only while armed (during a command, not while opening or repairing). */
  armed = false;
  /** The handle the last crash happened on (to close it, as the OS would). */
  crashedHandle: FileHandle | null = null;
  /** Set by the simulation for each command: called once when a crash happens. */
  onCrash: (() => void) | null = null;
  /** Number of faults injected so far (a failure without one is a real bug). */
  injectedTotal = 0;

  constructor(
    private readonly rng: Prng,
    public rates: IoRates,
  ) {}

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.injectedTotal += 1;
  }

  private crash(handle: FileHandle): Promise<never> {
    this.crashedHandle = handle;
    const cb = this.onCrash;
    this.onCrash = null;
    cb?.();
    return new Promise<never>(() => undefined);
  }

  /** The hooks to pass as `FileStoreOptions.io`. */
  hooks(): FileStoreIo {
    return {
      write: async (handle, data) => {
        if (this.armed) {
          const r = this.rng;
          const fault = r.weighted({
            none: 1,
            enospc: this.rates.enospc,
            partialEio: this.rates.partialEio,
            short: this.rates.short,
            crashMidWrite: this.rates.crashMidWrite,
          });
          if (fault === 'enospc') {
            this.count('enospc');
            throw errnoError('ENOSPC', 'no space left on device');
          }
          if (fault !== 'none' && data.length > 1) {
            const n = r.int(1, data.length - 1);
            const { bytesWritten } = await handle.write(data, 0, n, null);
            if (fault === 'short') {
              this.count('short-write');
              return bytesWritten;
            }
            if (fault === 'partialEio') {
              this.count('partial-eio');
              throw errnoError('EIO', 'input/output error after a partial write');
            }
            this.count('crash-mid-write');
            return this.crash(handle);
          }
        }
        return (await handle.write(data, 0, data.length, null)).bytesWritten;
      },
      sync: async (handle) => {
        if (this.armed) {
          const fault = this.rng.weighted({
            none: 1,
            syncEio: this.rates.syncEio,
            crashBeforeSync: this.rates.crashBeforeSync,
          });
          if (fault === 'syncEio') {
            this.count('sync-eio');
            throw errnoError('EIO', 'fdatasync failed');
          }
          if (fault === 'crashBeforeSync') {
            this.count('crash-before-sync');
            return this.crash(handle);
          }
        }
        await handle.datasync();
      },
    };
  }
}
