/**
 * What every adapter does on append, in one place: check the events, check the expected
 * version, and seal them into the hash chain after the stream's last event.
 */
import { GENESIS_HASH, type LedgerEvent, type PendingEvent } from '../events/envelope.js';
import { decodeEventFast } from '../log/fast-decode.js';
import { eventLine, sealEvents } from '../log/hash.js';
import { StoreError, VersionConflict, satisfies, type ExpectedVersion } from './port.js';

/** The end of a stream as an adapter knows it. */
export interface HeadInfo {
  readonly version: number;
  readonly hash: string;
  /** `recordedAt` of the last event, null for an empty stream. */
  readonly recordedAt: string | null;
}

/** The head of a stream with no events. */
export const EMPTY_HEAD: HeadInfo = { version: 0, hash: GENESIS_HASH, recordedAt: null };

/**
 * Checks what does not depend on the stored stream: at least one event, every event of
 * `budgetId`, all of one command. Returns the command id (undefined when the events carry none).
 */
export function checkBatch(budgetId: string, events: readonly PendingEvent[]): string | undefined {
  const first = events[0];
  if (first === undefined) throw new StoreError('invalid-append', `nothing to append to budget ${budgetId}`);
  const commandId = first.commandId;
  for (const [i, e] of events.entries()) {
    if (e.budgetId !== budgetId) {
      throw new StoreError(
        'invalid-append',
        `event ${i} is for budget ${JSON.stringify(e.budgetId)}, not ${JSON.stringify(budgetId)}: one append is one budget's stream`,
      );
    }
    if (e.commandId !== commandId) {
      throw new StoreError(
        'invalid-append',
        `event ${i} has commandId ${JSON.stringify(e.commandId ?? null)}, event 0 has ${JSON.stringify(commandId ?? null)}: one append is one command`,
      );
    }
  }
  return commandId;
}

/** A sealed batch: the events and their exact log lines. */
export interface SealedBatch {
  readonly events: readonly LedgerEvent[];
  readonly lines: readonly string[];
}

/**
 * Checks the expected version (and hash, when given) and time order against the stream's head, then seals the events
 * after it. Every line is decoded back before anything is written, so a store never holds a
 * line a verifier would refuse.
 *
 * @throws {@link VersionConflict} when the head is not at the expected version
 * @throws {@link StoreError} `invalid-append` when an event cannot be part of a valid log
 */
export function sealBatch(
  budgetId: string,
  events: readonly PendingEvent[],
  expected: ExpectedVersion,
  head: HeadInfo,
  expectedHash?: string,
): SealedBatch {
  if (!satisfies(expected, head.version) || !hashMatches(expected, head, expectedHash))
    throw new VersionConflict(budgetId, expected, head.version);
  let last = head.recordedAt;
  for (const [i, e] of events.entries()) {
    if (last !== null && e.recordedAt < last) {
      throw new StoreError(
        'invalid-append',
        `event ${i} was recorded at ${e.recordedAt}, before the stream's previous event (${last}): recordedAt never goes back within a budget`,
      );
    }
    last = e.recordedAt;
  }
  let sealed: LedgerEvent[];
  let lines: string[];
  try {
    sealed = sealEvents(events, { seq: head.version, hash: head.hash });
    lines = sealed.map(eventLine);
  } catch (err) {
    throw new StoreError('invalid-append', `cannot seal the events: ${(err as Error).message}`, {
      cause: err,
    });
  }
  for (const [i, line] of lines.entries()) {
    const back = decodeEventFast(JSON.parse(line));
    if (back._tag === 'Left') {
      throw new StoreError(
        'invalid-append',
        `event ${i} would not be a valid log line: ${back.left.message}`,
      );
    }
  }
  return { events: sealed.map((e) => Object.freeze(e)), lines };
}

/**
 * False when the caller named the hash of the event at the version it expects
 * (`AppendOptions.expectedHash`, with an `exactly` expectation) and the head has another.
 */
function hashMatches(expected: ExpectedVersion, head: HeadInfo, expectedHash?: string): boolean {
  return expectedHash === undefined || expected.kind !== 'exactly' || head.hash === expectedHash;
}

/** The head after a sealed batch. */
export function headAfter(batch: SealedBatch, before: HeadInfo): HeadInfo {
  const last = batch.events[batch.events.length - 1];
  return last === undefined ? before : { version: last.seq, hash: last.hash, recordedAt: last.recordedAt };
}

/** Checks a `fromVersion` option. */
export function fromVersionOf(options: { readonly fromVersion?: number } | undefined): number {
  const from = options?.fromVersion ?? 1;
  if (!Number.isSafeInteger(from) || from < 1) {
    throw new RangeError(`fromVersion must be a whole number >= 1, got ${String(from)}`);
  }
  return from;
}

/** Checks a `limit` option. */
export function limitOf(limit: number | undefined, fallback: number): number {
  const n = limit ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`limit must be a whole number >= 1, got ${String(n)}`);
  return n;
}
