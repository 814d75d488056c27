/**
 * Hash-chain checks that work on byte ranges read in parallel. Each range records, per budget,
 * the first and last event it holds and checks the links between the events inside it; the
 * ranges of a file are then joined in order ({@link joinChains}), checking each budget's link
 * across range boundaries and that every budget starts at `seq` 1. Together with the per-line
 * checks (contract shape, recomputed hash) this is the contract's verification, the same
 * checks `ipb verify` makes one line after another.
 */
import { GENESIS_HASH } from '../events/envelope.js';

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
  readonly reason: string;
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

const short = (h: string): string => `${h.slice(0, 12)}...`;

/**
 * Why `next` cannot follow `prev` in a budget's chain, or null when it can: `seq` one more,
 * `prevHash` equal to the previous `hash`, `recordedAt` not earlier.
 */
export function linkProblem(
  budgetId: string,
  prev: ChainEnd,
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

/** Collects the chain facts of one range, event by event in line order. */
export class RangeChainBuilder {
  private readonly chain: RangeChain = { budgets: new Map(), breaks: [] };

  /** Adds an event (already checked on its own); returns the break it makes inside the range, if any. */
  add(budgetId: string, end: ChainEnd): ChainBreak | null {
    const x = this.chain.budgets.get(budgetId);
    if (x === undefined) {
      this.chain.budgets.set(budgetId, { first: end, last: end });
      return null;
    }
    const reason = linkProblem(budgetId, x.last, x.last.line, end);
    x.last = end;
    if (reason === null) return null;
    const b = { line: end.line, budgetId, seq: end.seq, reason };
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
      ...b,
      line: b.line + lineOffset,
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
