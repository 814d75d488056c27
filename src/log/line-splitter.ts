/**
 * Cutting bytes into lines: {@link LineSplitter} takes chunks in order, splits them on `\n`
 * without copying whole chunks, checks each line's framing (length, `\r\n`, byte-order mark,
 * blank, UTF-8) and hands a record per line to its sink at once. Every reader uses it: the
 * streaming reader, the verifier and the byte-range readers.
 */
import { isUtf8 } from 'node:buffer';
import { lineError, recordOfLine, type LogRecord } from './line-record.js';
import type { ReadLogOptions } from './reader.js';

/** Default longest line accepted, in bytes (without the newline). */
export const DEFAULT_MAX_LINE_BYTES = 1_048_576;

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
