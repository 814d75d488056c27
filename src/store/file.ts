/**
 * The embedded store: one append-only JSON Lines file in the log contract's format, so the
 * file itself is an exported log that `ipb verify` accepts.
 *
 * - Durable: an append returns after the bytes are written and `fdatasync`ed.
 * - Crash-safe: a crash mid-write leaves at most a truncated last line, cut on the next open
 *   (back to the last complete, verified event) and reported in {@link FileEventStore.recovery}.
 *   A command with several events first writes the log's size to `<log>.pending`; an open that
 *   finds it there rolls the unfinished append back, so no half command is ever visible.
 * - One writer: `<log>.lock` (see `lock.ts`) refuses a second process with `store-locked`.
 * - Snapshots live in `<log>.snapshots/`, projection state in `<log>.projections/`: one file
 *   each, replaced atomically (write, fsync, rename, fsync the directory).
 *
 * Longer than 400 lines on purpose: opening (recovery, the pending marker, the lock), appending
 * and the snapshot and projection files share the file handle, the index and the order of
 * writes and syncs that make them crash-safe; split apart, that order would be spread over
 * modules that each look correct alone.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeEvent, type LedgerEvent } from '../events/envelope.js';
import { BUDGET_ID_RE } from '../events/primitives.js';
import { jsonSyntaxProblem } from '../events/report.js';
import { hashOfEnvelope } from '../log/hash.js';
import { EMPTY_HEAD, type HeadInfo, type SealedBatch } from './append.js';
import { IndexedStore, type Entry } from './indexed.js';
import { acquireLock, releaseLock, type HeldLock } from './lock.js';
import { StoreError, type SavedProjection, type Snapshot } from './port.js';

/** The file operations an append uses; replace them in tests to inject faults (disk full, I/O errors). */
export interface FileStoreIo {
  /** Writes some of `data` at the end of the file; returns the number of bytes written. */
  write(handle: FileHandle, data: Uint8Array): Promise<number>;
  /** Makes written data durable (`fdatasync`). */
  sync(handle: FileHandle): Promise<void>;
}

const defaultIo: FileStoreIo = {
  async write(handle, data) {
    return (await handle.write(data, 0, data.length, null)).bytesWritten;
  },
  sync(handle) {
    return handle.datasync();
  },
};

/** Options of {@link FileEventStore.open}. */
export interface FileStoreOptions {
  /** Open for reading only: no lock, no repair, appends refused with `store-read-only`. */
  readonly readOnly?: boolean;
  /** Fault injection for tests. */
  readonly io?: Partial<FileStoreIo>;
}

/** Something the store repaired or noticed when it opened the file. */
export interface Recovery {
  readonly kind: 'truncated-tail' | 'rolled-back-append' | 'added-final-newline' | 'stale-lock';
  /** What happened, for an operator's log. */
  readonly message: string;
}

const NL = 0x0a;
const CHUNK = 1 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Turns an I/O error into a store error with a message naming the file and what happened. */
function ioError(err: unknown, what: string, outcomeUnknown = false): StoreError {
  const code = errno(err);
  const detail = (err as Error).message;
  const opts = { cause: err, outcomeUnknown };
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new StoreError('store-full', `${what}: no space left (${detail})`, opts);
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StoreError('store-read-only', `${what}: the file cannot be written (${detail})`, opts);
  }
  return new StoreError('store-unavailable', `${what}: ${detail}`, opts);
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

let tmpCounter = 0;

/** Replaces `path` with `content` atomically and durably. */
async function writeFileAtomic(path: string, content: string): Promise<void> {
  tmpCounter += 1;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tmpCounter}.tmp`);
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(content);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Why one complete line is not the next event of a valid log, or its event. */
function checkLine(
  bytes: Buffer,
  heads: ReadonlyMap<string, HeadInfo>,
): { ok: true; event: LedgerEvent } | { ok: false; reason: string; parsed: boolean } {
  if (bytes.length === 0) return { ok: false, reason: 'blank line', parsed: false };
  if (bytes[bytes.length - 1] === 0x0d)
    return { ok: false, reason: 'line ends with \\r (CRLF)', parsed: false };
  let u: unknown;
  try {
    u = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    return { ok: false, reason: `not JSON (${jsonSyntaxProblem(err)})`, parsed: false };
  }
  const d = decodeEvent(u);
  if (d._tag === 'Left') return { ok: false, reason: d.left.message, parsed: true };
  const e = d.right;
  if (hashOfEnvelope(u as Record<string, unknown>) !== e.hash) {
    return {
      ok: false,
      reason: `budget ${e.budgetId} seq ${e.seq}: hash does not match the content`,
      parsed: true,
    };
  }
  const head = heads.get(e.budgetId) ?? EMPTY_HEAD;
  if (e.seq !== head.version + 1) {
    return {
      ok: false,
      reason: `budget ${e.budgetId}: seq ${e.seq} follows seq ${head.version}`,
      parsed: true,
    };
  }
  if (e.prevHash !== head.hash) {
    return {
      ok: false,
      reason: `budget ${e.budgetId} seq ${e.seq}: prevHash does not match the previous event`,
      parsed: true,
    };
  }
  if (head.recordedAt !== null && e.recordedAt < head.recordedAt) {
    return { ok: false, reason: `budget ${e.budgetId} seq ${e.seq}: recordedAt goes back`, parsed: true };
  }
  return { ok: true, event: e };
}

/** A file store's view of its bytes: where every line starts. */
interface Layout {
  /** Byte offset of each line's start; `starts[total]` is the end of the last complete line. */
  readonly starts: number[];
}

/** The JSON Lines file store. Open it with {@link FileEventStore.open}. */
export class FileEventStore extends IndexedStore {
  /** What the store repaired or noticed when it opened (empty when the file was clean). */
  readonly recovery: Recovery[] = [];
  private readonly layout: Layout = { starts: [0] };
  private broken: StoreError | null = null;
  private pendingHandle: FileHandle | null = null;
  private lock: HeldLock | null = null;
  private readonly io: FileStoreIo;

  private constructor(
    /** The log file. */
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly readOnly: boolean,
    io: Partial<FileStoreIo>,
  ) {
    super();
    this.io = { ...defaultIo, ...io };
  }

  /** Bytes of the log that hold complete events. */
  get size(): number {
    return this.layout.starts[this.total] ?? 0;
  }

  /**
   * Opens (creating it if missing, unless read-only) a log file: takes the writer lock, rolls
   * back an unfinished multi-event append, verifies every line, cuts a truncated last line.
   *
   * @throws {@link StoreError} `store-locked` (another writer), `store-corrupt` (a complete line
   *   does not verify: nothing is changed, run `ipb verify` on the file), `store-read-only`,
   *   `store-unavailable`
   */
  static async open(path: string, options: FileStoreOptions = {}): Promise<FileEventStore> {
    const readOnly = options.readOnly ?? false;
    let lock: HeldLock | null = null;
    if (!readOnly) {
      try {
        lock = await acquireLock(`${path}.lock`, path);
      } catch (err) {
        if (err instanceof StoreError) throw err;
        throw ioError(
          err,
          `cannot create the lock file ${path}.lock to write ${path} (its directory must be writable)`,
        );
      }
    }
    let handle: FileHandle;
    try {
      let created = false;
      if (readOnly) handle = await open(path, 'r');
      else {
        try {
          handle = await open(
            path,
            constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
            0o644,
          );
          created = true;
        } catch (err) {
          if (errno(err) !== 'EEXIST') throw err;
          handle = await open(path, 'a+');
        }
      }
      if (created) await syncDir(dirname(path));
    } catch (err) {
      if (lock !== null) await releaseLock(lock).catch(() => undefined);
      const what = readOnly ? `cannot open ${path}` : `cannot open ${path} for writing`;
      const e = ioError(err, what);
      if (e.code === 'store-read-only') {
        throw new StoreError('store-read-only', `${e.message}; open it with { readOnly: true } to read it`, {
          cause: err,
        });
      }
      throw e;
    }
    const store = new FileEventStore(path, handle, readOnly, options.io ?? {});
    store.lock = lock;
    if (lock?.replaced) {
      const r = lock.replaced;
      store.recovery.push({
        kind: 'stale-lock',
        message: `took over a stale lock of process ${r.pid} (since ${r.since}), which is no longer running`,
      });
    }
    try {
      if (!readOnly) await store.rollBackPending();
      await store.scan();
    } catch (err) {
      await store.release().catch(() => undefined);
      if (err instanceof StoreError) throw err;
      throw ioError(err, `cannot read ${path}`);
    }
    return store;
  }

  /** Rolls back a multi-event append that did not finish (its size marker is still there). */
  private async rollBackPending(): Promise<void> {
    const markerPath = `${this.path}.pending`;
    const text = await readOptional(markerPath);
    this.pendingHandle = await open(markerPath, text === null ? 'w+' : 'r+', 0o644);
    if (text === null) await syncDir(dirname(this.path));
    if (text === null || text.trim() === '') return;
    let size: number | undefined;
    try {
      const m = JSON.parse(text) as { size?: unknown; events?: unknown };
      if (typeof m.size === 'number' && Number.isSafeInteger(m.size) && m.size >= 0) size = m.size;
    } catch {
      // a marker cut short by a crash: its append never started writing events
    }
    const { size: now } = await this.handle.stat();
    if (size !== undefined && now > size) {
      await this.handle.truncate(size);
      await this.handle.datasync();
      this.recovery.push({
        kind: 'rolled-back-append',
        message: `rolled back an unfinished append of ${now - size} bytes at offset ${size} (a crash interrupted a command with several events; it was never acknowledged)`,
      });
    }
    await this.pendingHandle.truncate(0);
    await this.pendingHandle.datasync();
  }

  /** Reads and verifies every line, building the index; cuts or reports a truncated tail. */
  private async scan(): Promise<void> {
    const heads = new Map<string, HeadInfo>();
    const { size } = await this.handle.stat();
    let offset = 0;
    let lineNo = 0;
    let carry: Buffer = Buffer.alloc(0);
    const buf = Buffer.alloc(CHUNK);
    while (offset < size) {
      const { bytesRead } = await this.handle.read(buf, 0, Math.min(CHUNK, size - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const data =
        carry.length === 0 ? buf.subarray(0, bytesRead) : Buffer.concat([carry, buf.subarray(0, bytesRead)]);
      let from = 0;
      for (let nl = data.indexOf(NL, from); nl !== -1; nl = data.indexOf(NL, from)) {
        lineNo += 1;
        const r = checkLine(data.subarray(from, nl), heads);
        if (!r.ok) {
          throw new StoreError(
            'store-corrupt',
            `${this.path} line ${lineNo}: ${r.reason}. The file was not changed; run \`ipb verify ${this.path}\` for details.`,
          );
        }
        this.accept(r.event, nl + 1 - from, heads);
        from = nl + 1;
      }
      carry = Buffer.from(data.subarray(from));
    }
    if (carry.length > 0) await this.tail(carry, lineNo + 1, heads);
  }

  private accept(e: LedgerEvent, bytes: number, heads: Map<string, HeadInfo>): void {
    const start = this.layout.starts[this.total] ?? 0;
    this.register([e]);
    this.layout.starts.push(start + bytes);
    heads.set(e.budgetId, { version: e.seq, hash: e.hash, recordedAt: e.recordedAt });
  }

  /** The bytes after the last newline: a complete last event without its newline, or a cut line. */
  private async tail(bytes: Buffer, lineNo: number, heads: Map<string, HeadInfo>): Promise<void> {
    const r = checkLine(bytes, heads);
    const at = this.size;
    if (r.ok) {
      this.accept(r.event, bytes.length, heads);
      if (!this.readOnly) {
        await this.appendRaw(Buffer.from('\n'));
        this.layout.starts[this.total] = at + bytes.length + 1;
        this.recovery.push({
          kind: 'added-final-newline',
          message: `added the missing newline after line ${lineNo}`,
        });
      }
      return;
    }
    const onlyNul = bytes.every((b) => b === 0);
    if (r.parsed || (!onlyNul && bytes[0] !== 0x7b)) {
      throw new StoreError(
        'store-corrupt',
        `${this.path} line ${lineNo} (the last, without a newline): ${r.reason}. It is not a line cut short by a crash, so the file was not changed; run \`ipb verify ${this.path}\` for details.`,
      );
    }
    const message = `line ${lineNo} was cut short (${bytes.length} bytes, ${r.reason}): a crash interrupted an append that was never acknowledged`;
    if (this.readOnly) {
      this.recovery.push({ kind: 'truncated-tail', message: `${message}; ignored (read-only)` });
      return;
    }
    await this.handle.truncate(at);
    await this.handle.datasync();
    this.recovery.push({
      kind: 'truncated-tail',
      message: `${message}; cut back to the ${this.total} complete events (offset ${at})`,
    });
  }

  private async appendRaw(data: Buffer): Promise<void> {
    let done = 0;
    while (done < data.length) done += await this.io.write(this.handle, data.subarray(done));
    await this.io.sync(this.handle);
  }

  protected async write(batch: SealedBatch): Promise<void> {
    if (this.readOnly)
      throw new StoreError('store-read-only', `${this.path} is open read-only: nothing was appended`);
    if (this.broken !== null) throw this.broken;
    const before = this.size;
    const data = Buffer.from(batch.lines.map((l) => `${l}\n`).join(''), 'utf8');
    const multi = batch.events.length > 1;
    if (multi) {
      try {
        await this.setPending(JSON.stringify({ size: before, events: batch.events.length }));
      } catch (err) {
        throw ioError(err, `cannot append to ${this.path}; nothing was appended`);
      }
    }
    try {
      await this.appendRaw(data);
      if (multi) await this.setPending('');
    } catch (err) {
      await this.undo(before, err);
    }
    let start = before;
    for (const line of batch.lines) {
      start += Buffer.byteLength(line, 'utf8') + 1;
      this.layout.starts.push(start);
    }
  }

  private async setPending(text: string): Promise<void> {
    const fh = this.pendingHandle;
    if (fh === null) throw new StoreError('store-closed', 'the store is closed');
    await fh.truncate(0);
    if (text !== '') await fh.write(text, 0, 'utf8');
    await fh.datasync();
  }

  /** Cuts the file back to `before` after a failed append; if even that fails, the store stops writing. */
  private async undo(before: number, err: unknown): Promise<never> {
    try {
      await this.handle.truncate(before);
      await this.handle.datasync();
      await this.setPending('').catch(() => undefined);
    } catch (err2) {
      this.broken = ioError(
        err2,
        `${this.path} may end with a partial line after a failed append (${(err as Error).message}); reopen the store to repair it`,
        true,
      );
      throw this.broken;
    }
    throw ioError(err, `cannot append to ${this.path}; nothing was appended`);
  }

  protected async entries(positions: readonly number[]): Promise<Entry[]> {
    const out: Entry[] = [];
    let i = 0;
    while (i < positions.length) {
      // read runs of consecutive positions with one read
      let j = i;
      while (j + 1 < positions.length && (positions[j + 1] as number) === (positions[j] as number) + 1) j++;
      const first = positions[i] as number;
      const last = positions[j] as number;
      const from = this.layout.starts[first - 1];
      const to = this.layout.starts[last];
      if (from === undefined || to === undefined)
        throw new StoreError('store-corrupt', `no event at position ${first}`);
      const buf = Buffer.alloc(to - from);
      const { bytesRead } = await this.handle.read(buf, 0, buf.length, from);
      if (bytesRead !== buf.length) {
        throw new StoreError(
          'store-corrupt',
          `${this.path} is shorter than expected: was it changed by another program?`,
        );
      }
      for (let p = first; p <= last; p++) {
        const a = (this.layout.starts[p - 1] as number) - from;
        let b = (this.layout.starts[p] as number) - from;
        if (buf[b - 1] === NL) b -= 1;
        const line = buf.toString('utf8', a, b);
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch (err) {
          throw new StoreError(
            'store-corrupt',
            `${this.path} line ${p} is not JSON (${jsonSyntaxProblem(err)}): was it changed by another program?`,
          );
        }
        const d = decodeEvent(parsed);
        if (d._tag === 'Left') {
          throw new StoreError(
            'store-corrupt',
            `${this.path} line ${p}: ${d.left.message} (changed by another program?)`,
          );
        }
        out.push({ event: d.right, line });
      }
      i = j + 1;
    }
    return out;
  }

  protected async release(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await this.pendingHandle?.close().catch(() => undefined);
    if (this.lock !== null) await releaseLock(this.lock).catch(() => undefined);
  }

  private snapshotPath(budgetId: string): string {
    if (!BUDGET_ID_RE.test(budgetId)) throw new RangeError(`not a budget id: ${JSON.stringify(budgetId)}`);
    return join(`${this.path}.snapshots`, `snap-${budgetId}.json`);
  }

  private projectionPath(name: string): string {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      throw new RangeError(
        `projection name must be 1-100 characters [A-Za-z0-9._-], got ${JSON.stringify(name)}`,
      );
    }
    return join(`${this.path}.projections`, `proj-${name}.json`);
  }

  private async writeSide(path: string, content: string): Promise<void> {
    this.ensureOpen();
    if (this.readOnly) throw new StoreError('store-read-only', `${this.path} is open read-only`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, content);
    } catch (err) {
      throw ioError(err, `cannot write ${path}`);
    }
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const path = this.snapshotPath(snapshot.budgetId);
    await this.exclusive(async () => {
      const old = await this.loadSnapshot(snapshot.budgetId);
      if (old !== null && old.format === snapshot.format && old.version > snapshot.version) return;
      await this.writeSide(path, JSON.stringify(snapshot));
    });
  }

  async loadSnapshot(budgetId: string): Promise<Snapshot | null> {
    this.ensureOpen();
    const text = await readOptional(this.snapshotPath(budgetId));
    if (text === null) return null;
    try {
      const s = JSON.parse(text) as Snapshot;
      const ok =
        s.budgetId === budgetId &&
        Number.isSafeInteger(s.version) &&
        typeof s.hash === 'string' &&
        typeof s.format === 'string' &&
        typeof s.state === 'string';
      return ok ? s : null;
    } catch {
      return null; // a damaged snapshot is just a missing one
    }
  }

  async deleteSnapshot(budgetId: string): Promise<void> {
    this.ensureOpen();
    if (this.readOnly) throw new StoreError('store-read-only', `${this.path} is open read-only`);
    await rm(this.snapshotPath(budgetId), { force: true });
  }

  async loadProjection(name: string): Promise<SavedProjection | null> {
    this.ensureOpen();
    const text = await readOptional(this.projectionPath(name));
    if (text === null) return null;
    const u = JSON.parse(text) as { checkpoint?: unknown; state?: unknown };
    if (typeof u.state !== 'string' || (u.checkpoint !== null && typeof u.checkpoint !== 'string')) {
      throw new StoreError('store-corrupt', `${this.projectionPath(name)} is not a saved projection`);
    }
    return { checkpoint: u.checkpoint ?? undefined, state: u.state };
  }

  async saveProjection(name: string, saved: SavedProjection): Promise<void> {
    await this.writeSide(
      this.projectionPath(name),
      JSON.stringify({ checkpoint: saved.checkpoint ?? null, state: saved.state }),
    );
  }
}
