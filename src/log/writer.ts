/**
 * Writing contract logs: one canonical JSON line per sealed event, sealing pending events as
 * they are appended (per-budget chain heads), and the export manifest beside the log.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { GENESIS_HASH, type LedgerEvent, type PendingEvent } from '../events/envelope.js';
import { eventLine, sealEvents } from './hash.js';
import { ManifestBuilder, manifestPathOf, writeManifest, type Manifest } from './manifest.js';

/** The whole log of some sealed events as text (one line each, final newline). */
export function logText(events: Iterable<LedgerEvent>): string {
  let out = '';
  for (const e of events) out += `${eventLine(e)}\n`;
  return out;
}

/** The manifest of a log held in memory (its events must be the lines of `text`, in order). */
export function manifestOf(events: Iterable<LedgerEvent>): Manifest {
  const b = new ManifestBuilder();
  for (const e of events) b.addLine(`${eventLine(e)}\n`, e);
  return b.finish();
}

/** Options of {@link LogWriter}. */
export interface LogWriterOptions {
  /** Also write `<log>.manifest.json` when the writer is closed. Default true. */
  readonly manifest?: boolean;
  /** Bytes buffered before each write to the file. Default 1 MiB. */
  readonly bufferBytes?: number;
}

/**
 * Writes a log file event by event with bounded memory. {@link LogWriter.appendPending} seals
 * pending events on each budget's chain as they are appended; {@link LogWriter.append} writes
 * events already sealed (e.g. read from a store) and checks they continue their chain.
 * {@link LogWriter.close} flushes and writes the manifest.
 */
export class LogWriter {
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  private readonly manifest = new ManifestBuilder();
  private pending: string[] = [];
  private pendingBytes = 0;
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    /** Path of the log being written. */
    readonly path: string,
    private readonly options: LogWriterOptions,
  ) {}

  /** Creates (or truncates) the log file at `path`. */
  static async create(path: string, options: LogWriterOptions = {}): Promise<LogWriter> {
    return new LogWriter(await open(path, 'w'), path, options);
  }

  /** Seals pending events on their budgets' chains and writes them; returns the sealed events. */
  async appendPending(events: readonly PendingEvent[]): Promise<LedgerEvent[]> {
    const out: LedgerEvent[] = [];
    for (const p of events) {
      const [sealed] = sealEvents([p], this.heads.get(p.budgetId) ?? { seq: 0, hash: GENESIS_HASH });
      if (sealed === undefined) continue;
      await this.write(sealed);
      out.push(sealed);
    }
    return out;
  }

  /** Writes sealed events; each must continue its budget's chain (next seq, matching prevHash). */
  async append(events: Iterable<LedgerEvent>): Promise<void> {
    for (const e of events) {
      const head = this.heads.get(e.budgetId) ?? { seq: 0, hash: GENESIS_HASH };
      if (e.seq !== head.seq + 1 || e.prevHash !== head.hash) {
        throw new Error(
          `event ${e.eventId} (budget ${e.budgetId}, seq ${e.seq}) does not continue its chain: expected seq ${head.seq + 1} with prevHash ${head.hash.slice(0, 12)}...`,
        );
      }
      await this.write(e);
    }
  }

  private async write(e: LedgerEvent): Promise<void> {
    if (this.closed) throw new Error(`log ${this.path} is closed`);
    const line = `${eventLine(e)}\n`;
    this.manifest.addLine(line, e);
    this.heads.set(e.budgetId, { seq: e.seq, hash: e.hash });
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= (this.options.bufferBytes ?? 1_048_576)) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    await this.fh.write(text, null, 'utf8');
  }

  /** Closes the file without a manifest (after a failure): the partial log is not vouched for. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush().catch(() => undefined);
    await this.fh.close();
  }

  /** Flushes, closes the file and (unless disabled) writes the manifest beside it; returns the manifest. */
  async close(): Promise<Manifest> {
    if (this.closed) throw new Error(`log ${this.path} is already closed`);
    await this.flush();
    this.closed = true;
    await this.fh.close();
    const m = this.manifest.finish();
    if (this.options.manifest !== false) await writeManifest(manifestPathOf(this.path), m);
    return m;
  }
}

/**
 * Exports sealed events (e.g. `ledger.events()`) to a log file and writes its manifest beside
 * it (`<path>.manifest.json`), as the contract asks of an export to a third party.
 */
export async function exportLog(
  path: string,
  events: Iterable<LedgerEvent>,
  options: LogWriterOptions = {},
): Promise<Manifest> {
  const w = await LogWriter.create(path, options);
  try {
    await w.append(events);
  } catch (e) {
    await w.abort();
    throw e;
  }
  return w.close();
}
