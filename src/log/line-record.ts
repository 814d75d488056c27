/**
 * One line of a contract log as a record: what can be wrong with a line ({@link LineProblem},
 * {@link LineError}), the record the reader gives ({@link LogRecord}), parsing and decoding one
 * line's text ({@link recordOfLine}), and the one format every message names a line with
 * ({@link describeProblem}).
 */
import type { LedgerEvent } from '../events/envelope.js';
import { decodeEvent } from '../events/envelope.js';
import { jsonSyntaxProblem, type DecodeIssue } from '../events/report.js';
import { fastDecodeEvent } from './fast-decode.js';

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

function fieldOf(raw: unknown, key: 'budgetId' | 'seq'): string | number | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const v = (raw as Record<string, unknown>)[key];
  if (key === 'budgetId') return typeof v === 'string' ? v : null;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

/** A {@link LineError}, with the `budgetId` and `seq` written on the line when readable. */
export function lineError(
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
