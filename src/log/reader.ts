/**
 * Streaming reader of contract logs (JSON Lines, `ipb.event/1`).
 *
 * Reads large chunks (1 MiB by default), splits them on `\n` without copying whole chunks,
 * parses each line once with `JSON.parse` and decodes it with {@link decodeEvent}. Memory does
 * not grow with the file: at most one chunk and one partial line are held, and every record is
 * handed to the caller and dropped. Each record carries its 1-based line number and the raw
 * parsed object (so a verifier hashes exactly what was written, unknown fields included).
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { LedgerEvent } from '../events/envelope.js';
import { decodeEvent } from '../events/envelope.js';
import { jsonSyntaxProblem, type DecodeIssue } from '../events/report.js';
import { fastDecodeEvent } from './fast-decode.js';

/** Default longest line accepted, in bytes (without the newline). */
export const DEFAULT_MAX_LINE_BYTES = 1_048_576;
/** Default size of each read from a file. */
export const DEFAULT_CHUNK_BYTES = 262_144;
/**
 * Default read size for {@link readLogBatches}: smaller, because a batch's records all stay
 * alive until the caller is done with it, and short-lived objects are what the GC does cheaply.
 */
export const BATCH_CHUNK_BYTES = 65_536;

/** Bytes of a string (UTF-8) or a view on existing bytes, without copying them. */
export function toBuffer(text: string | Uint8Array): Buffer {
  return typeof text === 'string'
    ? Buffer.from(text, 'utf8')
    : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}

/** What went wrong with a line. */
export type LineProblem =
  /** Longer than `maxLineBytes`. */
  | 'too-long'
  /** Ends with `\r\n`. */
  | 'carriage-return'
  /** Starts the file with a UTF-8 byte-order mark. */
  | 'bom'
  /** Empty line. */
  | 'blank'
  /** Bytes that are not UTF-8. */
  | 'not-utf8'
  /** Not JSON. */
  | 'not-json'
  /** The final line ends mid-way (no newline, not complete JSON). */
  | 'truncated'
  /** JSON, but not an event of the contract. */
  | 'invalid'
  /** An event type this reader does not know (strict mode). */
  | 'unknown-type'
  /** A break in a budget's chain: `seq`, `prevHash`, `hash` or `recordedAt`. */
  | 'chain';

/** One bad line: where, what kind, and a message a person can act on. */
export interface LineError {
  readonly line: number;
  readonly problem: LineProblem;
  /** The reason, without the line number, e.g. `data.amount: expected money string like "12.50", got the number 12.5`. */
  readonly message: string;
  /** `budgetId` written on the line, when readable. */
  readonly budgetId: string | null;
  /** `seq` written on the line, when readable. */
  readonly seq: number | null;
  /** Every decoding issue (for `invalid` lines). */
  readonly issues?: readonly DecodeIssue[];
}

/** A parsed line exactly as written (the object `JSON.parse` returned). */
export type RawLine = Readonly<Record<string, unknown>>;

/** What the reader gives for each line. */
export type LogRecord =
  | {
      readonly kind: 'event';
      readonly line: number;
      /** The parsed line as written (hash it, keep unknown fields). */
      readonly raw: RawLine;
      /** The decoded, upcast event. */
      readonly event: LedgerEvent;
      /** The line's text as written (without its newline), so its hash can come from its own characters. */
      readonly text?: string;
    }
  | {
      /** Tolerant mode: a valid envelope with an event type this reader does not know. */
      readonly kind: 'skipped';
      readonly line: number;
      readonly raw: RawLine;
      readonly type: string;
      /** The line's text as written. */
      readonly text?: string;
    }
  | { readonly kind: 'error'; readonly line: number; readonly error: LineError };

/** Options of the log reader. */
export interface ReadLogOptions {
  /** Longest line accepted, in bytes, without its newline. Default {@link DEFAULT_MAX_LINE_BYTES}. */
  readonly maxLineBytes?: number;
  /** Skip (as `skipped` records) events of unknown types instead of reporting them as errors. */
  readonly tolerant?: boolean;
  /** Bytes per read. Default {@link DEFAULT_CHUNK_BYTES}. */
  readonly chunkBytes?: number;
  /** Called after each chunk with the bytes read so far (for a progress bar). */
  readonly onProgress?: (bytesRead: number) => void;
  /** Called with each chunk of raw bytes, in order (e.g. to hash the whole file). */
  readonly onBytes?: (chunk: Uint8Array) => void;
}

function fieldOf(raw: unknown, key: 'budgetId' | 'seq'): string | number | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const v = (raw as Record<string, unknown>)[key];
  if (key === 'budgetId') return typeof v === 'string' ? v : null;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

function lineError(
  line: number,
  problem: LineProblem,
  message: string,
  raw?: unknown,
  issues?: readonly DecodeIssue[],
): LineError {
  const base = {
    line,
    problem,
    message,
    budgetId: fieldOf(raw, 'budgetId') as string | null,
    seq: fieldOf(raw, 'seq') as number | null,
  };
  return issues === undefined ? base : { ...base, issues };
}

/** Parses and decodes one line's text (the caller has already checked framing). */
export function recordOfLine(text: string, line: number, final: boolean, tolerant: boolean): LogRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    if (final) {
      return {
        kind: 'error',
        line,
        error: lineError(
          line,
          'truncated',
          `the file ends in the middle of this line (no newline, not complete JSON): the log was cut`,
        ),
      };
    }
    return {
      kind: 'error',
      line,
      error: lineError(line, 'not-json', `not JSON: ${jsonSyntaxProblem(e)}`),
    };
  }
  const fast = fastDecodeEvent(raw);
  if (fast !== null) return { kind: 'event', line, raw: raw as RawLine, event: fast, text };
  const d = decodeEvent(raw);
  if (d._tag === 'Right') return { kind: 'event', line, raw: raw as RawLine, event: d.right, text };
  const err = d.left;
  if (err.unknownType !== undefined) {
    if (tolerant) return { kind: 'skipped', line, raw: raw as RawLine, type: err.unknownType, text };
    return {
      kind: 'error',
      line,
      error: lineError(
        line,
        'unknown-type',
        `unknown event type ${JSON.stringify(err.unknownType)}: this reader does not know it (with --tolerant it is skipped and counted)`,
        raw,
        err.issues,
      ),
    };
  }
  return { kind: 'error', line, error: lineError(line, 'invalid', err.message, raw, err.issues) };
}

/**
 * Splits bytes into lines and turns each line into a {@link LogRecord}, handed to `sink` at
 * once (so records die young and the garbage collector stays cheap). Push chunks in order, then
 * call {@link LineSplitter.end}. After `stop()` no more records are produced.
 */
export class LineSplitter {
  private carry: Buffer | null = null;
  private skipping = false;
  private lineNo = 0;
  private stopped = false;
  private readonly maxLineBytes: number;
  private readonly tolerant: boolean;

  constructor(
    private readonly sink: (rec: LogRecord) => void,
    options: ReadLogOptions = {},
    /** True when the bytes start at the beginning of a file (false for a byte range further in). */
    private readonly atFileStart = true,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.tolerant = options.tolerant === true;
  }

  /** Produces no more records (the rest of the input is ignored). */
  stop(): void {
    this.stopped = true;
  }

  /** True after {@link LineSplitter.stop}. */
  get isStopped(): boolean {
    return this.stopped;
  }

  private out(rec: LogRecord): void {
    if (!this.stopped) this.sink(rec);
  }

  /** Lines completed so far (including a final line without newline after {@link end}). */
  get lines(): number {
    return this.lineNo;
  }

  /** Feeds the next chunk of bytes. The chunk may be reused by the caller afterwards. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    let start = 0;
    const len = chunk.length;
    if (this.skipping || this.carry !== null) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        if (!this.skipping) this.extendCarry(chunk);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
      } else {
        const carry = this.carry as Buffer;
        this.carry = null;
        if (carry.length + nl > this.maxLineBytes) {
          this.lineNo += 1;
          this.tooLong();
        } else {
          const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
          this.emit(line, 0, line.length, false);
        }
      }
      start = nl + 1;
    }
    let nl = chunk.indexOf(10, start);
    while (nl !== -1 && !this.stopped) {
      if (nl - start > this.maxLineBytes) {
        this.lineNo += 1;
        this.tooLong();
      } else {
        this.emit(chunk, start, nl, false);
      }
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (this.stopped) return;
    if (start < len) {
      if (len - start > this.maxLineBytes) {
        this.lineNo += 1;
        this.tooLong();
        this.skipping = true;
      } else {
        this.carry = Buffer.from(chunk.subarray(start, len));
      }
    }
  }

  private extendCarry(chunk: Buffer): void {
    const carry = this.carry as Buffer;
    if (carry.length + chunk.length > this.maxLineBytes) {
      this.carry = null;
      this.lineNo += 1;
      this.tooLong();
      this.skipping = true;
      return;
    }
    this.carry = Buffer.concat([carry, chunk]);
  }

  private tooLong(): void {
    const line = this.lineNo;
    this.out({
      kind: 'error',
      line,
      error: lineError(
        line,
        'too-long',
        `line is longer than ${this.maxLineBytes} bytes (the limit; raise it with --max-line-bytes / maxLineBytes if lines this long are expected)`,
      ),
    });
  }

  /** Ends the input: a final line without newline is read (and named truncated if it is not whole JSON). */
  end(): void {
    if (this.stopped) return;
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const carry = this.carry;
    this.carry = null;
    if (carry !== null && carry.length > 0) this.emit(carry, 0, carry.length, true);
  }

  private emit(buf: Buffer, start: number, end: number, final: boolean): void {
    this.lineNo += 1;
    const line = this.lineNo;
    if (end === start) {
      this.out({
        kind: 'error',
        line,
        error: lineError(line, 'blank', 'blank line: every line must hold one event'),
      });
      return;
    }
    if (
      line === 1 &&
      this.atFileStart &&
      end - start >= 3 &&
      buf[start] === 0xef &&
      buf[start + 1] === 0xbb &&
      buf[start + 2] === 0xbf
    ) {
      this.out({
        kind: 'error',
        line,
        error: lineError(
          line,
          'bom',
          'the file starts with a byte-order mark (BOM): logs are UTF-8 without one',
        ),
      });
      return;
    }
    if (buf[end - 1] === 13) {
      this.out({
        kind: 'error',
        line,
        error: lineError(
          line,
          'carriage-return',
          'line ends with "\\r\\n" (Windows line end): lines must end with "\\n" only',
        ),
      });
      return;
    }
    const text = buf.toString('utf8', start, end);
    if (text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
      this.out({
        kind: 'error',
        line,
        error: lineError(line, 'not-utf8', 'line is not valid UTF-8'),
      });
      return;
    }
    this.out(recordOfLine(text, line, final, this.tolerant));
  }
}

/** A log source: a file path, or any async iterable of byte chunks (a stream, stdin). */
export type LogSource = string | AsyncIterable<Uint8Array>;

async function* chunksOf(source: LogSource, chunkBytes: number): AsyncGenerator<Buffer> {
  if (typeof source !== 'string') {
    for await (const c of source)
      yield Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    return;
  }
  const fh = await open(source, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Reads a log and hands each record to `visit` as soon as its line is read (the fastest way:
 * no promise and no array per line). Return `false` from `visit` to stop; the file is closed.
 * Resolves to the number of lines read.
 */
export async function scanLog(
  source: LogSource,
  visit: (rec: LogRecord) => boolean | void,
  options: ReadLogOptions = {},
): Promise<number> {
  let splitter: LineSplitter | null = null;
  splitter = new LineSplitter((rec) => {
    if (visit(rec) === false) splitter?.stop();
  }, options);
  let bytes = 0;
  for await (const chunk of chunksOf(source, options.chunkBytes ?? DEFAULT_CHUNK_BYTES)) {
    options.onBytes?.(chunk);
    splitter.push(chunk);
    bytes += chunk.length;
    options.onProgress?.(bytes);
    if (splitter.isStopped) break;
  }
  splitter.end();
  return splitter.lines;
}

/**
 * Reads a log in batches: each batch holds the records of one chunk of input, in line order.
 * Stop early by breaking out of the loop; the file is closed.
 */
export async function* readLogBatches(
  source: LogSource,
  options: ReadLogOptions = {},
): AsyncGenerator<LogRecord[], void, undefined> {
  let batch: LogRecord[] = [];
  const splitter = new LineSplitter((rec) => batch.push(rec), options);
  let bytes = 0;
  for await (const chunk of chunksOf(source, options.chunkBytes ?? BATCH_CHUNK_BYTES)) {
    options.onBytes?.(chunk);
    splitter.push(chunk);
    bytes += chunk.length;
    options.onProgress?.(bytes);
    if (batch.length > 0) {
      const out = batch;
      batch = [];
      yield out;
    }
  }
  splitter.end();
  if (batch.length > 0) yield batch;
}

/** Reads a log record by record (see {@link scanLog} for the fastest form). */
export async function* readLog(
  source: LogSource,
  options: ReadLogOptions = {},
): AsyncGenerator<LogRecord, void, undefined> {
  for await (const batch of readLogBatches(source, options)) yield* batch;
}

/** Reads a whole log held in memory (a string or bytes): every record, in order. */
export function parseLog(text: string | Uint8Array, options: ReadLogOptions = {}): LogRecord[] {
  const out: LogRecord[] = [];
  const splitter = new LineSplitter((rec) => out.push(rec), options);
  splitter.push(toBuffer(text));
  splitter.end();
  return out;
}

/** The decoded events of a log held in memory; throws {@link LogReadError} at the first bad line. */
export function eventsOfLog(text: string | Uint8Array, options: ReadLogOptions = {}): LedgerEvent[] {
  const out: LedgerEvent[] = [];
  for (const r of parseLog(text, options)) {
    if (r.kind === 'error') throw new LogReadError(r.error);
    if (r.kind === 'event') out.push(r.event);
  }
  return out;
}

/** A bad line as a thrown error: `line 17 (budget b-1, seq 4): data.amount: ...`. */
export class LogReadError extends Error {
  override readonly name = 'LogReadError';
  constructor(readonly error: LineError) {
    super(describeLineError(error));
  }
}

/** `line 17 (budget b-1, seq 4): reason` */
export function describeLineError(e: LineError): string {
  return describeProblem(e, e.message);
}

/**
 * Where a problem is and what it is, the one format every message uses:
 * `line 17 (budget b-1, seq 4): reason`; without a line (a whole-file problem)
 * `budget b-1: reason` or `the log as a whole: reason`.
 */
export function describeProblem(
  at: { readonly line: number | null; readonly budgetId: string | null; readonly seq: number | null },
  reason: string,
): string {
  const detail = [
    at.budgetId === null ? null : `budget ${at.budgetId}`,
    at.seq === null ? null : `seq ${at.seq}`,
  ].filter((x) => x !== null);
  if (at.line === null) return `${detail.length > 0 ? detail.join(', ') : 'the log as a whole'}: ${reason}`;
  return `line ${at.line}${detail.length > 0 ? ` (${detail.join(', ')})` : ''}: ${reason}`;
}
