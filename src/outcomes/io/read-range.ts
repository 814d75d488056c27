/**
 * Reading logs for outcomes: one byte range of one file at a time (what a worker does), with
 * every check of the log contract, into mergeable outcome facts.
 *
 * A range starts at the beginning of a line and ends just after a newline (or at the end of
 * the file), so every line belongs to exactly one range. Each range is read with the streaming
 * reader's line splitter; every event's hash is recomputed; the chain is checked inside the
 * range and joined across ranges afterwards (`joinRanges` in `src/log/range.ts`, which stitches with `src/log/chain.ts`).
 */
import type { TimeFilter } from '../../projections/time-filter.js';
import { chainFromJson, chainToJson, type RangeChain, type RangeChainJson } from '../../log/chain.js';
import { checkRange, type LineFailure, type RangeTask, type SkipProblem } from '../../log/range.js';
import { addEventToFacts, emptyFacts, type OutcomeFacts } from '../facts.js';
import { factsFromJson, factsToJson, type OutcomeFactsJson } from '../facts-json.js';

export { splitFile, type RangeTask, type LineFailure, type SkipProblem } from '../../log/range.js';

/** How to read ranges. */
export interface RangeReadOptions {
  /** Count only events that pass this filter (as for balances). */
  readonly filter?: TimeFilter;
  /** Skip and count lines that fail a check instead of stopping at the first. */
  readonly tolerant?: boolean;
  /** Longest accepted line in bytes. */
  readonly maxLineBytes?: number;
  /** Bytes per read. */
  readonly chunkBytes?: number;
}

/** What reading one range gives. */
export interface RangeResult {
  readonly fileIndex: number;
  readonly rangeIndex: number;
  /** Lines in the range. */
  readonly lines: number;
  readonly bytes: number;
  readonly facts: OutcomeFacts;
  readonly chain: RangeChain;
  /** Lines that failed their own checks (strict mode: at most the first). */
  readonly failures: LineFailure[];
  /** Failed lines by problem (tolerant mode: every one). */
  readonly skipped: Partial<Record<SkipProblem, number>>;
}

/** JSON form of {@link RangeResult} (what a worker sends back). */
export interface RangeResultJson {
  readonly fileIndex: number;
  readonly rangeIndex: number;
  readonly lines: number;
  readonly bytes: number;
  readonly facts: OutcomeFactsJson;
  readonly chain: RangeChainJson;
  readonly failures: readonly LineFailure[];
  readonly skipped: Partial<Record<SkipProblem, number>>;
}

/** The JSON form of a range result. */
export function rangeResultToJson(r: RangeResult): RangeResultJson {
  return { ...r, facts: factsToJson(r.facts), chain: chainToJson(r.chain) };
}

/** Rebuilds a range result from its JSON form. */
export function rangeResultFromJson(j: RangeResultJson): RangeResult {
  return { ...j, failures: [...j.failures], facts: factsFromJson(j.facts), chain: chainFromJson(j.chain) };
}

/** The key of a budget in the facts: its id, scoped by file after the first file. */
export function budgetKey(fileIndex: number, budgetId: string): string {
  return fileIndex === 0 ? budgetId : `${fileIndex}\t${budgetId}`;
}

/**
 * Reads one range: every line is split, parsed, decoded and its hash recomputed ({@link checkRange},
 * the checks every parallel reader shares); events that pass the time filter are folded into
 * outcome facts; chain ends and breaks are recorded. In strict mode reading stops at the first
 * line that fails (the caller refuses the log).
 */
export async function readRange(
  task: RangeTask,
  options: RangeReadOptions = {},
  onBytes?: (bytesDone: number) => void,
): Promise<RangeResult> {
  const filter = options.filter ?? {};
  const facts = emptyFacts();
  const r = await checkRange(
    task,
    {
      skipBad: options.tolerant === true,
      ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
      chunkBytes: options.chunkBytes ?? 1_048_576,
    },
    (rec) => addEventToFacts(facts, rec.event, filter, budgetKey(task.fileIndex, rec.event.budgetId)),
    onBytes,
  );
  return {
    fileIndex: r.fileIndex,
    rangeIndex: r.rangeIndex,
    lines: r.lines,
    bytes: r.bytes,
    facts,
    chain: r.chain,
    failures: r.failures,
    skipped: r.skipped,
  };
}
