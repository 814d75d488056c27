/**
 * The hash-chain checks of the log contract, in one place for every reader: `seq` runs 1, 2,
 * 3... per budget, each `prevHash` is the previous `hash` of its budget, `recordedAt` never goes
 * back. {@link ChainChecker} applies them line after line (one reader, the whole file);
 * {@link RangeChainBuilder} applies them inside one byte range read by a worker, and
 * {@link joinChains} stitches the ranges of a file together in order, checking each budget's
 * link across range boundaries and its start at `seq` 1. `ipb verify`, `ipb balances`, the
 * other replaying commands and `ipb outcomes` all use these functions, so a break is named with
 * the same words whichever reader (and however many workers) found it.
 *
 * The order of the checks on one line is fixed: the line's own checks first (JSON, contract
 * shape, then its recomputed `hash`), then its link to the budget's previous event.
 */
import { GENESIS_HASH } from '../events/envelope.js';
import { hashOfLine } from './hash.js';
import type { RawLine } from './line-record.js';

/** One end of a budget's run of events inside a range. */
export interface ChainEnd {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly recordedAt: string;
  /** Line number inside the range (1-based). */
  readonly line: number;
}

/** A problem with the chain: where (line inside its range), which budget and seq, and why. */
export interface ChainBreak {
  readonly line: number;
  readonly budgetId: string;
  readonly seq: number;
  /** Why, naming lines inside the range ({@link joinChains} names them in the file). */
  readonly reason: string;
  /** The two events that do not link (lines inside the range), when the break is between two. */
  readonly prev?: ChainEnd;
  readonly next?: ChainEnd;
}

/** The chain facts of one range. */
export interface RangeChain {
  /** Per budget: its first and last event in the range. */
  readonly budgets: Map<string, { first: ChainEnd; last: ChainEnd }>;
  /** Breaks between events inside the range. */
  readonly breaks: ChainBreak[];
}

/** JSON form of {@link RangeChain} (for worker messages). */
export interface RangeChainJson {
  readonly budgets: ReadonlyArray<readonly [string, ChainEnd, ChainEnd]>;
  readonly breaks: readonly ChainBreak[];
}

/** The first 12 hex digits of a hash and an ellipsis, as messages show hashes. */
export const short = (h: string): string => `${h.slice(0, 12)}...`;

/**
 * Why a line's `hash` does not hold: it does not recompute, or the line has no canonical JSON
 * form. Null when it holds. With the line's text, the hash comes from the text itself when it is
 * already canonical ({@link hashOfLine}).
 */
export function hashProblem(raw: RawLine, text?: string): string | null {
  const hash = raw['hash'] as string;
  let actual: string;
  try {
    actual = hashOfLine(raw, text);
  } catch (e) {
    return `the line has no canonical JSON form (${e instanceof Error ? e.message : String(e)})`;
  }
  if (actual === hash) return null;
  return `hash ${short(hash)} does not match the line's contents (they hash to ${short(actual)}): the line was changed after it was sealed`;
}

/** The chain end of a decoded line (its `seq`, `prevHash`, `hash`, `recordedAt`) at `line`. */
export function chainEndOf(raw: RawLine, line: number): ChainEnd {
  return {
    seq: raw['seq'] as number,
    prevHash: raw['prevHash'] as string,
    hash: raw['hash'] as string,
    recordedAt: raw['recordedAt'] as string,
    line,
  };
}

/**
 * Why `next` cannot follow `prev` in a budget's chain, or null when it can: `seq` one more,
 * `prevHash` equal to the previous `hash`, `recordedAt` not earlier.
 */
export function linkProblem(
  budgetId: string,
  prev: Pick<ChainEnd, 'seq' | 'hash' | 'recordedAt'>,
  prevLine: number,
  next: ChainEnd,
): string | null {
  if (next.seq <= prev.seq) {
    return next.seq === prev.seq
      ? `seq ${next.seq} repeats line ${prevLine}: the event was duplicated or a second event was inserted`
      : `seq ${next.seq} goes back: budget ${budgetId} was already at seq ${prev.seq} (line ${prevLine}); events are out of order`;
  }
  if (next.seq !== prev.seq + 1) {
    return `seq ${next.seq} skips seq ${prev.seq + 1}${next.seq > prev.seq + 2 ? `-${next.seq - 1}` : ''}: expected seq ${prev.seq + 1} after line ${prevLine}; events were removed or moved`;
  }
  if (next.prevHash !== prev.hash) {
    return `prevHash ${short(next.prevHash)} does not match the hash ${short(prev.hash)} of seq ${prev.seq} (line ${prevLine}): that event was changed and re-sealed, or an event was inserted or removed`;
  }
  if (next.recordedAt < prev.recordedAt) {
    return `recordedAt ${next.recordedAt} goes back: seq ${prev.seq} (line ${prevLine}) was recorded at ${prev.recordedAt}`;
  }
  return null;
}

/** Why an event cannot be the first of its budget in the log, or null. */
export function startProblem(budgetId: string, first: ChainEnd): string | null {
  if (first.seq !== 1) {
    return `seq ${first.seq} is the first event of budget ${budgetId} in the log, but a budget starts at seq 1: its earlier events are missing`;
  }
  if (first.prevHash !== GENESIS_HASH) return 'prevHash of seq 1 must be 64 zeros';
  return null;
}

/** Where a budget's chain stands after the lines read so far. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly recordedAt: string;
  /** Line of the budget's last event. */
  readonly line: number;
  /** Line of the budget's first event. */
  readonly firstLine: number;
}

/** A problem found on one line: the line (1-based), its budget and `seq`, and why. */
export interface LineProblemAt {
  readonly line: number;
  readonly budgetId: string;
  readonly seq: number;
  readonly reason: string;
}

/**
 * Checks each budget's chain line after line, one reader over a whole file: the recomputed
 * `hash` (unless `hashes` is false), then the link to the budget's previous event
 * ({@link startProblem}, {@link linkProblem}). Holds one small entry per budget, never the events.
 */
export class ChainChecker {
  // One entry per budget, updated in place line after line (a new object per line would live
  // until the budget's next line and then be garbage in the old generation).
  private readonly heads = new Map<string, { -readonly [K in keyof ChainHead]: ChainHead[K] }>();

  constructor(private readonly hashes = true) {}

  /**
   * Checks one line whose envelope has already been decoded (`text`: the line as written, when
   * at hand); returns the problem or null.
   */
  check(line: number, raw: RawLine, text?: string): LineProblemAt | null {
    const budgetId = raw['budgetId'] as string;
    const end = chainEndOf(raw, line);
    const at = (reason: string): LineProblemAt => ({ line, budgetId, seq: end.seq, reason });
    if (this.hashes) {
      const bad = hashProblem(raw, text);
      if (bad !== null) return at(bad);
    }
    const head = this.heads.get(budgetId);
    const reason =
      head === undefined ? startProblem(budgetId, end) : linkProblem(budgetId, head, head.line, end);
    if (reason !== null) return at(reason);
    if (head === undefined) {
      this.heads.set(budgetId, {
        seq: end.seq,
        hash: end.hash,
        recordedAt: end.recordedAt,
        line,
        firstLine: line,
      });
    } else {
      head.seq = end.seq;
      head.hash = end.hash;
      head.recordedAt = end.recordedAt;
      head.line = line;
    }
    return null;
  }

  /** The chain head of every budget seen so far. */
  budgets(): ReadonlyMap<string, ChainHead> {
    return this.heads;
  }
}

/** Collects the chain facts of one range, event by event in line order. */
export class RangeChainBuilder {
  private readonly chain: RangeChain = { budgets: new Map(), breaks: [] };

  /** Adds an event (already checked on its own); returns the break it makes inside the range, if any. */
  add(budgetId: string, end: ChainEnd): ChainBreak | null {
    const x = this.chain.budgets.get(budgetId);
    if (x === undefined) {
      // `last` is a copy of its own, updated in place from then on (no new object per line)
      this.chain.budgets.set(budgetId, { first: end, last: { ...end } });
      return null;
    }
    const last = x.last as { -readonly [K in keyof ChainEnd]: ChainEnd[K] };
    const reason = linkProblem(budgetId, last, last.line, end);
    const prev = reason === null ? null : { ...last };
    last.seq = end.seq;
    last.prevHash = end.prevHash;
    last.hash = end.hash;
    last.recordedAt = end.recordedAt;
    last.line = end.line;
    if (prev === null || reason === null) return null;
    const b = { line: end.line, budgetId, seq: end.seq, reason, prev, next: end };
    this.chain.breaks.push(b);
    return b;
  }

  /** The chain facts so far. */
  result(): RangeChain {
    return this.chain;
  }
}

/** The JSON form of a range's chain facts. */
export function chainToJson(c: RangeChain): RangeChainJson {
  return {
    budgets: [...c.budgets.entries()].map(([id, x]) => [id, x.first, x.last] as const),
    breaks: c.breaks,
  };
}

/** Rebuilds a range's chain facts from {@link chainToJson}. */
export function chainFromJson(j: RangeChainJson): RangeChain {
  return {
    budgets: new Map(j.budgets.map(([id, first, last]) => [id, { first, last }])),
    breaks: [...j.breaks],
  };
}

/** A break found when joining ranges: its range, line inside the range and line in the file. */
export interface JoinedBreak extends ChainBreak {
  /** Position of the range in the list given to {@link joinChains}. */
  readonly range: number;
  /** Line inside that range. */
  readonly rangeLine: number;
}

/** The joined chain of a whole file. */
export interface FileChain {
  /** Every break, in file order (by range, then line inside it), with file line numbers. */
  readonly breaks: JoinedBreak[];
  /** Each budget's last event (for the manifest check) and first line. */
  readonly heads: Map<string, { seq: number; hash: string; line: number; firstLine: number }>;
}

/**
 * Joins the chain facts of a file's ranges, given in file order with the number of lines before
 * each range: checks each budget's link across range boundaries and its start at `seq` 1.
 * Breaks are ordered by range first, so the first one is right even when a strict read stopped
 * a range early (its line count, and so the offsets after it, are then short).
 */
export function joinChains(ranges: ReadonlyArray<{ chain: RangeChain; lineOffset: number }>): FileChain {
  const breaks: JoinedBreak[] = [];
  const heads = new Map<
    string,
    { seq: number; hash: string; line: number; firstLine: number; end: ChainEnd }
  >();
  for (const [range, { chain, lineOffset }] of ranges.entries()) {
    const at = (b: ChainBreak): JoinedBreak => ({
      line: b.line + lineOffset,
      budgetId: b.budgetId,
      seq: b.seq,
      // the reason again, naming the earlier event's line in the file, not in the range
      reason:
        b.prev === undefined || b.next === undefined
          ? b.reason
          : (linkProblem(b.budgetId, b.prev, b.prev.line + lineOffset, b.next) ?? b.reason),
      range,
      rangeLine: b.line,
    });
    for (const b of chain.breaks) breaks.push(at(b));
    for (const [id, { first, last }] of chain.budgets) {
      const firstG = { ...first, line: first.line + lineOffset };
      const lastG = { ...last, line: last.line + lineOffset };
      const h = heads.get(id);
      const reason = h === undefined ? startProblem(id, firstG) : linkProblem(id, h.end, h.line, firstG);
      if (reason !== null) breaks.push(at({ line: first.line, budgetId: id, seq: first.seq, reason }));
      heads.set(id, {
        seq: lastG.seq,
        hash: lastG.hash,
        line: lastG.line,
        firstLine: h?.firstLine ?? firstG.line,
        end: lastG,
      });
    }
  }
  breaks.sort((a, b) => a.range - b.range || a.rangeLine - b.rangeLine);
  return {
    breaks,
    heads: new Map(
      [...heads].map(([id, h]) => [id, { seq: h.seq, hash: h.hash, line: h.line, firstLine: h.firstLine }]),
    ),
  };
}
