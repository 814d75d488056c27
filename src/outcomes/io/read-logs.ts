/**
 * Reads one or more logs for outcomes, in parallel with `worker_threads` when asked: the files
 * are cut into byte ranges at line starts, each worker reads ranges into partial facts, and the
 * main thread merges them (facts merge exactly, in any order) and joins the hash chains range
 * by range. The result is the same for any number of workers.
 */
import { stat } from 'node:fs/promises';
import { manifestPathOf, readManifest, sha256OfFile } from '../../log/manifest.js';
import { runPool, siblingModule, type FromWorker as PoolMessage } from '../../log/pool.js';
import { joinRanges } from '../../log/range.js';
import { manifestMismatch } from '../../log/verify.js';
import { emptyFacts, type OutcomeFacts } from '../facts.js';
import { mergeFacts } from '../facts-merge.js';
import {
  readRange,
  rangeResultFromJson,
  splitFile,
  type RangeReadOptions,
  type RangeResult,
  type RangeResultJson,
  type RangeTask,
  type SkipProblem,
} from './read-range.js';

import { DEFAULT_MIN_RANGE_BYTES } from '../../log/parallel.js';

export { DEFAULT_MIN_RANGE_BYTES };

/** Options of {@link readLogsForOutcomes}. */
export interface OutcomeReadOptions extends RangeReadOptions {
  /**
   * Readers (default 1: this thread alone). With N > 1, this thread and N - 1 worker threads
   * read byte ranges side by side.
   */
  readonly workers?: number;
  /**
   * Byte ranges to cut the input into, shared among the files by size (default: one per
   * worker). With one worker the ranges are read one after another in this thread.
   */
  readonly ranges?: number;
  /**
   * Smallest byte range worth a task of its own (default {@link DEFAULT_MIN_RANGE_BYTES}: a
   * worker thread costs about as much to start and warm up as reading some 30 MB).
   */
  readonly minRangeBytes?: number;
  /** Called as bytes are read, with the total. */
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Check `<log>.manifest.json` when present (default true). */
  readonly manifests?: boolean;
}

/** The first problem found in the inputs (strict reading refuses the logs on it). */
export interface InputProblem {
  readonly path: string;
  /** File line (1-based), or null for whole-file problems (manifest). */
  readonly line: number | null;
  readonly budgetId: string | null;
  readonly seq: number | null;
  readonly reason: string;
}

/** What was read from one file. */
export interface FileReadSummary {
  readonly path: string;
  readonly bytes: number;
  readonly lines: number;
  /** `absent`, `ok`, or why the log does not match its manifest. */
  readonly manifest: 'absent' | 'ok' | { readonly problem: string };
}

/** Everything read from the inputs: the merged facts and what the checks found. */
export interface OutcomeReadResult {
  readonly facts: OutcomeFacts;
  readonly files: readonly FileReadSummary[];
  /** Lines read in all files. */
  readonly lines: number;
  /** Lines skipped (tolerant mode), by problem. */
  readonly skipped: Partial<Record<SkipProblem, number>>;
  readonly skippedLines: number;
  /** Breaks in budgets' hash chains (missing, repeated, moved or re-sealed events). */
  readonly chainBreaks: number;
  /** The first problem, or null when every log verifies. */
  readonly firstProblem: InputProblem | null;
  /** Readers that took part: this thread and the worker threads started (1: this thread alone). */
  readonly workersUsed: number;
}

/** Messages between the main thread and a worker. */
export type ToWorker = { readonly task: RangeTask; readonly options: RangeReadOptions };
/** What a worker sends back. */
export type FromWorker = PoolMessage<RangeResultJson>;

/**
 * Reads the tasks with `workers` readers: this thread and `workers - 1` worker threads, each
 * taking the next task when it is done. Returns how many readers took part.
 */
function runTasks(
  tasks: readonly RangeTask[],
  options: RangeReadOptions,
  workers: number,
  onResult: (r: RangeResult) => void,
  onBytes: (task: number, bytes: number) => void,
): Promise<number> {
  return runPool(
    tasks,
    {
      workers,
      worker: siblingModule(import.meta.url, 'worker'),
      message: (task) => ({ task, options }) satisfies ToWorker,
      here: (task, progress) => readRange(task, options, progress),
      fromJson: (j: RangeResultJson) => rangeResultFromJson(j),
    },
    (_i, r) => onResult(r),
    onBytes,
  );
}

/**
 * Reads logs into merged outcome facts, checking each log as `ipb verify` does (lines, contract,
 * hashes, chains, and the manifest beside it when there is one). Strict by default: reading
 * stops at the first problem, reported in `firstProblem`. With `tolerant`, lines that fail are
 * skipped and counted, and chain breaks are counted; every readable, self-consistent event is used.
 */
export async function readLogsForOutcomes(
  paths: readonly string[],
  options: OutcomeReadOptions = {},
): Promise<OutcomeReadResult> {
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const tasks: RangeTask[] = [];
  for (const [fileIndex, path] of paths.entries()) {
    const size = sizes[fileIndex] as number;
    const wanted = Math.max(1, Math.floor(options.ranges ?? workers));
    const share = wanted <= 1 ? 1 : Math.max(1, Math.ceil((wanted * size) / Math.max(1, total)));
    const ranges = await splitFile(path, size, share, options.minRangeBytes ?? DEFAULT_MIN_RANGE_BYTES);
    ranges.forEach(([start, end], rangeIndex) => tasks.push({ path, fileIndex, rangeIndex, start, end }));
  }
  const rangeOptions: RangeReadOptions = {
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.tolerant === undefined ? {} : { tolerant: options.tolerant }),
    ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
  };

  const checkManifests = options.manifests !== false;
  const manifests = await Promise.all(
    paths.map(async (p) =>
      checkManifests ? readManifest(manifestPathOf(p)) : ({ kind: 'absent' } as const),
    ),
  );
  const shas = paths.map((p, i) => (manifests[i]?.kind === 'ok' ? sha256OfFile(p) : Promise.resolve('')));
  shas.forEach((s) => s.catch(() => undefined));

  const facts = emptyFacts();
  const results: RangeResult[] = [];
  const progress = tasks.map(() => 0);
  let done = 0;
  const onBytes = (i: number, bytes: number): void => {
    done += bytes - (progress[i] ?? 0);
    progress[i] = bytes;
    options.onProgress?.(done, total);
  };
  const onResult = (r: RangeResult): void => {
    mergeFacts(facts, r.facts);
    results.push(r);
  };
  const readers = await runTasks(tasks, rangeOptions, workers, onResult, onBytes);

  const files: FileReadSummary[] = [];
  const skipped: Partial<Record<SkipProblem, number>> = {};
  let lines = 0;
  let chainBreaks = 0;
  let firstProblem: InputProblem | null = null;
  for (const [fileIndex, path] of paths.entries()) {
    const rs = results.filter((r) => r.fileIndex === fileIndex).sort((a, b) => a.rangeIndex - b.rangeIndex);
    const joined = joinRanges(rs);
    const offset = joined.lines;
    lines += offset;
    chainBreaks += joined.chain.breaks.length;
    for (const r of rs) {
      for (const [k, n] of Object.entries(r.skipped) as [SkipProblem, number][])
        skipped[k] = (skipped[k] ?? 0) + n;
    }
    // The first problem of this file: the earliest range with one, then the earliest line in it.
    const first = joined.first;
    if (firstProblem === null && first !== null) {
      firstProblem = {
        path,
        line: first.line,
        budgetId: first.budgetId,
        seq: first.seq,
        reason: first.reason,
      };
    }
    const m = manifests[fileIndex];
    let manifest: FileReadSummary['manifest'] = 'absent';
    if (m?.kind === 'invalid') manifest = { problem: `the manifest ${m.path} cannot be used: ${m.problem}` };
    if (m?.kind === 'ok') {
      // The same check, and the same words, as `ipb verify` (the line and budget it names are
      // left out: an outcome read names the file and the reason).
      const problem = manifestMismatch(
        m.manifest,
        offset,
        joined.chain.heads,
        null,
        await (shas[fileIndex] as Promise<string>),
      );
      manifest =
        problem === null ? 'ok' : { problem: `does not match its manifest ${m.path}: ${problem.reason}` };
    }
    if (typeof manifest === 'object' && firstProblem === null) {
      firstProblem = { path, line: null, budgetId: null, seq: null, reason: manifest.problem };
    }
    files.push({ path, bytes: sizes[fileIndex] as number, lines: offset, manifest });
  }
  const skippedLines = Object.values(skipped).reduce((a, b) => a + (b ?? 0), 0);
  return {
    facts,
    files,
    lines,
    skipped,
    skippedLines,
    chainBreaks,
    firstProblem,
    workersUsed: readers,
  };
}
