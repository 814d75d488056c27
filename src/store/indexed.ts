/**
 * The shared core of the in-process stores (memory and file): an index of streams, command
 * ids and global positions, and one append at a time.
 */
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import {
  EMPTY_HEAD,
  checkBatch,
  fromVersionOf,
  limitOf,
  sealBatch,
  type HeadInfo,
  type SealedBatch,
} from './append.js';
import {
  DEFAULT_READ_LIMIT,
  StoreError,
  checkSameCommand,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type ExpectedVersion,
  type ReadAllResult,
  type SavedProjection,
  type Snapshot,
  type Store,
  type StoredEvent,
  type StreamHead,
} from './port.js';

interface StreamIndex {
  /** Global positions (1-based) of the stream's events, in `seq` order. */
  readonly positions: number[];
  head: HeadInfo;
  /** First and last `seq` of each command. */
  readonly commands: Map<string, readonly [number, number]>;
  /**
   * The fingerprint given with each command id appended by this process (see
   * `AppendOptions`); none for commands read back from a log on open.
   */
  readonly fingerprints: Map<string, string>;
}

/** An event with its stored line. */
export interface Entry {
  readonly event: LedgerEvent;
  readonly line: string;
}

/**
 * Base of the memory and file stores: the global position of an event is its 1-based place in
 * append order (the line number in a file store), and the checkpoint is that number.
 */
export abstract class IndexedStore implements Store {
  /** `append` honours `AppendOptions.expectedHash`. */
  readonly checksExpectedHash = true;
  private readonly streams = new Map<string, StreamIndex>();
  /** Number of events in the store (the last global position). */
  protected total = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;

  /** Writes a sealed batch durably; positions `first`..`first + n - 1` are theirs. */
  protected abstract write(batch: SealedBatch, first: number): Promise<void>;
  /** The stored entries at the given global positions (ascending). */
  protected abstract entries(positions: readonly number[]): Promise<Entry[]>;
  /** Releases the adapter's resources (called once, after pending appends finish). */
  protected abstract release(): Promise<void>;

  abstract saveSnapshot(snapshot: Snapshot): Promise<void>;
  abstract loadSnapshot(budgetId: string): Promise<Snapshot | null>;
  abstract deleteSnapshot(budgetId: string): Promise<void>;
  abstract loadProjection(name: string): Promise<SavedProjection | null>;
  abstract saveProjection(name: string, saved: SavedProjection): Promise<void>;

  /** Adds sealed events (already durable) to the index. */
  protected register(events: readonly LedgerEvent[]): void {
    for (const e of events) {
      let s = this.streams.get(e.budgetId);
      if (s === undefined) {
        s = { positions: [], head: EMPTY_HEAD, commands: new Map(), fingerprints: new Map() };
        this.streams.set(e.budgetId, s);
      }
      this.total += 1;
      s.positions.push(this.total);
      s.head = { version: e.seq, hash: e.hash, recordedAt: e.recordedAt };
      if (e.commandId !== undefined) {
        const c = s.commands.get(e.commandId);
        s.commands.set(e.commandId, [c?.[0] ?? e.seq, e.seq]);
      }
    }
  }

  /** The head of a stream as the index knows it. */
  protected headInfo(budgetId: string): HeadInfo {
    return this.streams.get(budgetId)?.head ?? EMPTY_HEAD;
  }

  /** Throws `store-closed` once {@link close} was called. */
  protected ensureOpen(): void {
    if (this.closing !== null) throw new StoreError('store-closed', 'the store is closed');
  }

  /** Runs `fn` after every earlier exclusive call has finished (appends run one at a time). */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async append(
    budgetId: string,
    events: readonly PendingEvent[],
    expected: ExpectedVersion,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.ensureOpen();
    const commandId = checkBatch(budgetId, events);
    return this.exclusive(async () => {
      this.ensureOpen();
      const s = this.streams.get(budgetId);
      if (commandId !== undefined && s !== undefined) {
        const seen = s.commands.get(commandId);
        if (seen !== undefined) {
          const original = (await this.streamEntries(s, seen[0], seen[1])).map((x) => x.event);
          checkSameCommand(budgetId, commandId, original, s.fingerprints.get(commandId), options.fingerprint);
          return { events: original, version: s.head.version, duplicate: true };
        }
      }
      const head = s?.head ?? EMPTY_HEAD;
      const batch = sealBatch(budgetId, events, expected, head, options.expectedHash);
      await this.write(batch, this.total + 1);
      this.register(batch.events);
      if (commandId !== undefined && options.fingerprint !== undefined) {
        this.streams.get(budgetId)?.fingerprints.set(commandId, options.fingerprint);
      }
      return { events: batch.events, version: this.headInfo(budgetId).version, duplicate: false };
    });
  }

  private streamEntries(s: StreamIndex, fromSeq: number, toSeq: number): Promise<Entry[]> {
    return this.entries(s.positions.slice(fromSeq - 1, toSeq));
  }

  async readStream(
    budgetId: string,
    options?: { readonly fromVersion?: number },
  ): Promise<readonly LedgerEvent[]> {
    this.ensureOpen();
    const from = fromVersionOf(options);
    const s = this.streams.get(budgetId);
    if (s === undefined) return [];
    return (await this.streamEntries(s, from, s.positions.length)).map((x) => x.event);
  }

  async head(budgetId: string): Promise<StreamHead> {
    this.ensureOpen();
    const h = this.headInfo(budgetId);
    return { version: h.version, hash: h.hash };
  }

  async readCommand(budgetId: string, commandId: string): Promise<readonly LedgerEvent[]> {
    this.ensureOpen();
    const s = this.streams.get(budgetId);
    const seen = s?.commands.get(commandId);
    if (s === undefined || seen === undefined) return [];
    return (await this.streamEntries(s, seen[0], seen[1])).map((x) => x.event);
  }

  async readAll(options?: { readonly after?: Checkpoint; readonly limit?: number }): Promise<ReadAllResult> {
    this.ensureOpen();
    const limit = limitOf(options?.limit, DEFAULT_READ_LIMIT);
    const after = options?.after === undefined ? 0 : this.parseCheckpoint(options.after);
    const end = Math.min(this.total, after + limit);
    if (end <= after) return { events: [], checkpoint: options?.after };
    const positions: number[] = [];
    for (let p = after + 1; p <= end; p++) positions.push(p);
    const got = await this.entries(positions);
    const events: StoredEvent[] = got.map((x, i) => ({ ...x, position: String(after + 1 + i) }));
    return { events, checkpoint: String(end) };
  }

  private parseCheckpoint(c: Checkpoint): number {
    const n = /^(0|[1-9][0-9]{0,15})$/.test(c) ? Number(c) : NaN;
    if (!Number.isSafeInteger(n)) {
      throw new RangeError(
        `checkpoint ${JSON.stringify(c)} was not made by this store (expected a position number)`,
      );
    }
    if (n > this.total) {
      throw new RangeError(
        `checkpoint ${c} is past the end of the store (${this.total} events): it was not made by this store`,
      );
    }
    return n;
  }

  /** Every budget id with events, in first-append order. */
  budgetIds(): string[] {
    return [...this.streams.keys()];
  }

  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = this.queue.then(() => this.release());
    }
    return this.closing;
  }
}
