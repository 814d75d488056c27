/**
 * Reading logs for outcomes: one byte range of one file at a time (what a worker does), with
 * every check of the log contract, into mergeable outcome facts.
 *
 * A range starts at the beginning of a line and ends just after a newline (or at the end of
 * the file), so every line belongs to exactly one range. Each range is read with the streaming
 * reader's line splitter; every event's hash is recomputed; the chain is checked inside the
 * range and joined across ranges afterwards ({@link ./chain.ts}).
 */
import { open } from 'node:fs/promises';
import { fastHashOfEnvelope } from '../log/hash.js';
import { LineSplitter, type LineProblem, type LogRecord } from '../log/reader.js';
import type { TimeFilter } from '../projections/replay.js';
import {
  RangeChainBuilder,
  chainFromJson,
  chainToJson,
  type RangeChain,
  type RangeChainJson,
} from './chain.js';
import {
  addEventToFacts,
  emptyFacts,
  factsFromJson,
  factsToJson,
  type OutcomeFacts,
  type OutcomeFactsJson,
} from './facts.js';

/** One byte range of one log file. */
export interface RangeTask {
  readonly path: string;
  /** Position of the file among the inputs (budgets of different files never mix). */
  readonly fileIndex: number;
  /** Position of the range in its file. */
  readonly rangeIndex: number;
  /** First byte (a line start). */
  readonly start: number;
  /** One past the last byte (just after a newline, or the file size). */
  readonly end: number;
}

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

/** Why a line was not used: the reader's problems, plus a hash that does not recompute. */
export type SkipProblem = LineProblem | 'hash';

/** A line that failed its own checks: where (line inside the range), and why. */
export interface LineFailure {
  readonly line: number;
  readonly problem: SkipProblem;
  readonly budgetId: string | null;
  readonly seq: number | null;
  readonly reason: string;
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

const short = (h: string): string => `${h.slice(0, 12)}...`;

/**
 * Reads one range: every line is split, parsed, decoded and its hash recomputed; events that
 * pass the time filter are folded into outcome facts; chain ends and breaks are recorded. In
 * strict mode reading stops at the first line that fails (the caller refuses the log).
 */
export async function readRange(
  task: RangeTask,
  options: RangeReadOptions = {},
  onBytes?: (bytesDone: number) => void,
): Promise<RangeResult> {
  const tolerant = options.tolerant === true;
  const filter = options.filter ?? {};
  const facts = emptyFacts();
  const chain = new RangeChainBuilder();
  const failures: LineFailure[] = [];
  const skipped: Partial<Record<SkipProblem, number>> = {};
  let stop = false;
  const fail = (f: LineFailure): void => {
    skipped[f.problem] = (skipped[f.problem] ?? 0) + 1;
    if (!tolerant) {
      failures.push(f);
      stop = true;
    } else if (failures.length < 20) {
      failures.push(f);
    }
  };
  const take = (rec: LogRecord): void => {
    if (stop) return;
    if (rec.kind === 'error') {
      const e = rec.error;
      fail({ line: e.line, problem: e.problem, budgetId: e.budgetId, seq: e.seq, reason: e.message });
      return;
    }
    const raw = rec.raw;
    const budgetId = raw['budgetId'] as string;
    const seq = raw['seq'] as number;
    if (rec.kind === 'skipped') {
      fail({
        line: rec.line,
        problem: 'unknown-type',
        budgetId,
        seq,
        reason: `unknown event type ${JSON.stringify(rec.type)}: this reader does not know it (with --tolerant it is skipped and counted)`,
      });
      return;
    }
    const hash = raw['hash'] as string;
    let actual: string;
    try {
      actual = fastHashOfEnvelope(raw);
    } catch (e) {
      actual = `(none: ${e instanceof Error ? e.message : String(e)})`;
    }
    if (actual !== hash) {
      fail({
        line: rec.line,
        problem: 'hash',
        budgetId,
        seq,
        reason: `hash ${short(hash)} does not match the line's contents (they hash to ${short(actual)}): the line was changed after it was sealed`,
      });
      return;
    }
    const brk = chain.add(budgetId, {
      seq,
      prevHash: raw['prevHash'] as string,
      hash,
      recordedAt: raw['recordedAt'] as string,
      line: rec.line,
    });
    if (brk !== null && !tolerant) {
      stop = true;
      return;
    }
    addEventToFacts(facts, rec.event, filter, budgetKey(task.fileIndex, budgetId));
  };
  const splitter = new LineSplitter(take, {
    tolerant: true,
    ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
  });

  const chunkBytes = options.chunkBytes ?? 1_048_576;
  const fh = await open(task.path, 'r');
  let done = 0;
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    while (!stop && task.start + done < task.end) {
      const want = Math.min(chunkBytes, task.end - task.start - done);
      const { bytesRead } = await fh.read(buf, 0, want, task.start + done);
      if (bytesRead === 0) break;
      splitter.push(buf.subarray(0, bytesRead));
      done += bytesRead;
      onBytes?.(done);
    }
    if (!stop) splitter.end();
  } finally {
    await fh.close();
  }
  return {
    fileIndex: task.fileIndex,
    rangeIndex: task.rangeIndex,
    lines: splitter.lines,
    bytes: done,
    facts,
    chain: chain.result(),
    failures,
    skipped,
  };
}

/**
 * Splits a file of `size` bytes into at most `parts` ranges of at least `minBytes`, each moved
 * forward to the next line start (found by reading a little past each cut).
 */
export async function splitFile(
  path: string,
  size: number,
  parts: number,
  minBytes = 1_048_576,
): Promise<[number, number][]> {
  const n = Math.max(1, Math.min(parts, Math.floor(size / Math.max(1, minBytes))));
  if (n <= 1 || size === 0) return [[0, size]];
  const cuts: number[] = [0];
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(65_536);
    for (let i = 1; i < n; i++) {
      let pos = Math.max(Math.floor((size * i) / n), cuts[cuts.length - 1] as number);
      let found = -1;
      while (found === -1 && pos < size) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl !== -1) found = pos + nl + 1;
        else pos += bytesRead;
      }
      if (found === -1 || found >= size) break;
      if (found > (cuts[cuts.length - 1] as number)) cuts.push(found);
    }
  } finally {
    await fh.close();
  }
  return cuts.map((c, i) => [c, i + 1 < cuts.length ? (cuts[i + 1] as number) : size] as [number, number]);
}
