/**
 * Streaming reader of contract logs (JSON Lines, `ipb.event/1`).
 *
 * Reads large chunks, splits them on `\n` without copying whole chunks ({@link LineSplitter},
 * `line-splitter.ts`), parses each line once with `JSON.parse` and decodes it against the
 * contract ({@link recordOfLine}, `line-record.ts`). Memory does
 * not grow with the file: at most one chunk and one partial line are held, and every record is
 * handed to the caller and dropped. Each record carries its 1-based line number and the raw
 * parsed object (so a verifier hashes exactly what was written, unknown fields included).
 */
import { open } from 'node:fs/promises';
import type { LedgerEvent } from '../events/envelope.js';
import { LineSplitter } from './line-splitter.js';
import { LogReadError, type LogRecord } from './line-record.js';

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
