/**
 * Reading one log on every core: `ipb verify`, `ipb balances`, `ipb audit` and `ipb flags` with
 * `--workers N`. The file is cut into byte ranges at line starts; each range is read, decoded,
 * hashed and chain-checked by a worker thread (or this thread) with {@link checkRange}, the
 * same code `ipb outcomes` uses; the chains are stitched at the range boundaries by
 * {@link joinRanges}; money is folded per range and merged in file order, exactly. The earliest
 * bad line in the file is the one reported, whichever reader found it, with the same words as
 * the one-reader path, so the output is the same for any number of workers. A file too small to
 * cut into ranges worth a thread each is read by this thread alone.
 */
import { stat } from 'node:fs/promises';
import type { LedgerEvent } from '../events/envelope.js';
import { BalancesFold } from '../projections/balances.js';
import type { TimeFilter } from '../projections/time-filter.js';
import { manifestPathOf, readManifest, sha256OfFile, type ManifestRead } from './manifest.js';
import { defaultWorkers, runPool, siblingModule } from './pool.js';
import {
  checkRange,
  joinRanges,
  lineIdentity,
  rangeCheckFromJson,
  rangeCheckToJson,
  splitFile,
  type JoinedRanges,
  type RangeCheck,
  type RangeCheckJson,
  type RangeCheckOptions,
  type RangeTask,
} from './range.js';
import { LogReadError, recordOfLine, type LineError } from './line-record.js';
import { invalidManifest, manifestMismatch, type VerifyError, type VerifyResult } from './verify.js';

/** Default smallest byte range worth a thread of its own: 32 MiB (a thread costs about that much reading to start and warm up). */
export const DEFAULT_MIN_RANGE_BYTES = 32 * 1_048_576;

/**
 * Young generation of each reader thread's V8 heap, in MB. V8 grows a young generation to 32 MB
 * when objects keep surviving; a reader's lines die young and what it keeps (chain heads, a
 * fold) is promoted at once, so a small one (4 MB) saves about 28 MB a thread for a little more collecting.
 */
export const READER_YOUNG_GENERATION_MB = 4;

/** How many readers, and how small a range may be. */
export interface ParallelOptions {
  /**
   * Readers (default: the cores available): this thread and `workers - 1` worker threads, or
   * for {@link foldBalancesParallel} `workers` worker threads while this thread merges.
   */
  readonly workers?: number;
  /** Smallest byte range worth a reader (default {@link DEFAULT_MIN_RANGE_BYTES}). */
  readonly minRangeBytes?: number;
  /** Events of unknown types: skipped and counted (true), or an error (default). */
  readonly tolerant?: boolean;
  /** Longest accepted line in bytes. */
  readonly maxLineBytes?: number;
  /** Called as bytes are read, with the total done. */
  readonly onProgress?: (bytesDone: number) => void;
}

/** What a range job does besides the checks. */
export type RangeJob =
  /** Only the checks (`ipb verify`). */
  | { readonly kind: 'check'; readonly hashes?: boolean }
  /** Fold the balances of every budget, or of one (`ipb balances`). */
  | {
      readonly kind: 'balances';
      readonly filter: TimeFilter;
      readonly budgetId?: string;
      readonly hashes?: boolean;
      /**
       * The range is the last of the file: its spends are not sent back (no later range can
       * reverse them), which is most of what a range's fold holds.
       */
      readonly last?: boolean;
    }
  /** Keep the lines of one budget's events (`ipb audit`). */
  | { readonly kind: 'budget-lines'; readonly budgetId: string };

/** A range job as sent to a worker. */
export interface RangeJobMessage {
  readonly task: RangeTask;
  readonly options: RangeCheckOptions;
  readonly job: RangeJob;
}

/** What a range job gives. */
export interface RangeJobResult {
  readonly check: RangeCheck;
  /** The range's fold (a job done in this thread; a worker sends {@link RangeJobResult.balances}). */
  readonly fold?: BalancesFold;
  /** The range's fold as JSON lines ({@link BalancesFold.toJsonLines}, from a worker). */
  readonly balances?: string;
  readonly lines?: ReadonlyArray<readonly [number, string]>;
}

/** JSON form of {@link RangeJobResult}. */
export type RangeJobResultJson = Omit<RangeJobResult, 'check' | 'fold'> & { readonly check: RangeCheckJson };

/** Does one range job (in a worker or this thread). */
export async function doRangeJob(
  m: RangeJobMessage,
  onBytes?: (bytes: number) => void,
): Promise<RangeJobResult> {
  const { job } = m;
  if (job.kind === 'check') {
    const check = await checkRange(
      m.task,
      { ...m.options, hashes: job.hashes !== false },
      () => undefined,
      onBytes,
    );
    return { check };
  }
  if (job.kind === 'balances') {
    const fold = m.task.start === 0 ? new BalancesFold(job.filter) : BalancesFold.partial(job.filter);
    const only = job.budgetId;
    const check = await checkRange(
      m.task,
      { ...m.options, hashes: job.hashes !== false },
      (rec) => {
        if (only === undefined || rec.event.budgetId === only) fold.add(rec.event);
      },
      onBytes,
    );
    return { check, fold };
  }
  const lines: Array<readonly [number, string]> = [];
  const check = await checkRange(
    m.task,
    m.options,
    (rec) => {
      if (rec.event.budgetId === job.budgetId && rec.text !== undefined) lines.push([rec.line, rec.text]);
    },
    onBytes,
  );
  return { check, lines };
}

/** The JSON form of a range job's result (a fold as JSON, without its spends for the last range). */
export function rangeJobResultToJson(r: RangeJobResult, job?: RangeJob): RangeJobResultJson {
  const { fold, ...rest } = r;
  const last = job?.kind === 'balances' && job.last === true;
  return {
    ...rest,
    ...(fold === undefined ? {} : { balances: fold.toJsonLines({ last }) }),
    check: rangeCheckToJson(r.check),
  };
}

function rangeJobResultFromJson(j: RangeJobResultJson): RangeJobResult {
  return { ...j, check: rangeCheckFromJson(j.check) };
}

/** The byte ranges to read a file in, or null when one reader is all it is worth. */
export async function planRanges(path: string, options: ParallelOptions): Promise<RangeTask[] | null> {
  const workers = Math.max(1, Math.floor(options.workers ?? defaultWorkers()));
  if (workers <= 1) return null;
  const st = await stat(path);
  if (!st.isFile()) return null;
  const ranges = await splitFile(path, st.size, workers, options.minRangeBytes ?? DEFAULT_MIN_RANGE_BYTES);
  if (ranges.length <= 1) return null;
  return ranges.map(([start, end], rangeIndex) => ({ path, fileIndex: 0, rangeIndex, start, end }));
}

/** Runs a job over every range with the pool; the results in file order. */
async function runRanges(
  tasks: readonly RangeTask[],
  job: RangeJob,
  options: ParallelOptions,
  hereReads = true,
): Promise<RangeJobResult[]> {
  const checkOptions: RangeCheckOptions = {
    unknownTypes: options.tolerant === true ? 'skip' : 'fail',
    ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
  };
  const lastRange = tasks.length - 1;
  const jobFor = (task: RangeTask): RangeJob =>
    job.kind === 'balances' && task.rangeIndex === lastRange ? { ...job, last: true } : job;
  const out: RangeJobResult[] = [];
  const done = tasks.map(() => 0);
  let total = 0;
  await runPool(
    tasks,
    {
      workers: Math.max(1, Math.floor(options.workers ?? defaultWorkers())),
      worker: siblingModule(import.meta.url, 'worker'),
      message: (task): RangeJobMessage => ({ task, options: checkOptions, job: jobFor(task) }),
      here: (task, onBytes) => doRangeJob({ task, options: checkOptions, job: jobFor(task) }, onBytes),
      fromJson: rangeJobResultFromJson,
      hereReads,
      resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB },
    },
    (i, r) => {
      out[i] = r;
    },
    (i, bytes) => {
      total += bytes - (done[i] ?? 0);
      done[i] = bytes;
      options.onProgress?.(total);
    },
  );
  return out;
}

/** Unknown-type events skipped in the ranges, in file order, up to file line `upTo`. */
function unknownSkipped(
  results: readonly RangeJobResult[],
  joined: JoinedRanges,
  upTo = Number.POSITIVE_INFINITY,
): { count: number; types: Map<string, number> } {
  const types = new Map<string, number>();
  let count = 0;
  for (const [i, r] of results.entries()) {
    const offset = joined.offsets[i] as number;
    for (const [line, type] of r.check.unknown) {
      if (line + offset > upTo) break;
      count += 1;
      types.set(type, (types.get(type) ?? 0) + 1);
    }
  }
  return { count, types };
}

/**
 * Verifies a log file on every core ({@link verifyLog}'s checks and result, the same for any
 * number of workers), or returns null when the file is too small to be worth more than one
 * reader (the caller then reads it with {@link verifyLog}).
 */
export async function verifyLogParallel(
  path: string,
  options: ParallelOptions & { readonly manifest?: string | false } = {},
): Promise<VerifyResult | null> {
  const tasks = await planRanges(path, options);
  if (tasks === null) return null;
  const manifestPath = options.manifest === false ? null : (options.manifest ?? manifestPathOf(path));
  const read: ManifestRead = manifestPath === null ? { kind: 'absent' } : await readManifest(manifestPath);
  if (read.kind === 'invalid') return invalidManifest(read);
  const manifest = read.kind === 'ok' ? read.manifest : null;
  const sha = manifest === null ? null : sha256OfFile(path);
  sha?.catch(() => undefined);
  const results = await runRanges(tasks, { kind: 'check' }, options);
  const joined = joinRanges(results.map((r) => r.check));
  const checked = (ok: boolean | null) =>
    manifest === null || manifestPath === null ? null : { path: manifestPath, ok };
  const first = joined.first;
  if (first !== null) {
    let budgets = 0;
    for (const h of joined.chain.heads.values()) if (h.firstLine < first.line) budgets += 1;
    const firstError: VerifyError = {
      line: first.line,
      budgetId: first.budgetId,
      seq: first.seq,
      reason: first.reason,
    };
    return {
      ok: false,
      events: first.line,
      firstError,
      budgets,
      skipped: unknownSkipped(results, joined, first.line).count,
      manifest: checked(null),
    };
  }
  const base = {
    events: joined.lines,
    budgets: joined.chain.heads.size,
    skipped: unknownSkipped(results, joined).count,
  };
  if (manifest === null) return { ...base, ok: true, firstError: null, manifest: null };
  let beyond: { budgetId: string | null; seq: number | null } | null = null;
  if (joined.lines > manifest.events) {
    const line = manifest.events + 1;
    let ri = 0;
    while (ri + 1 < tasks.length && (joined.offsets[ri + 1] as number) < line) ri += 1;
    beyond = await lineIdentity(tasks[ri] as RangeTask, line - (joined.offsets[ri] as number));
  }
  const problem = manifestMismatch(
    manifest,
    joined.lines,
    joined.chain.heads,
    beyond,
    await (sha as Promise<string>),
  );
  return problem === null
    ? { ...base, ok: true, firstError: null, manifest: checked(true) }
    : { ...base, ok: false, firstError: problem, manifest: checked(false) };
}

/** The error a replaying reader throws for the first problem of a joined file. */
function firstLineError(joined: JoinedRanges): LogReadError | null {
  const first = joined.first;
  if (first === null) return null;
  const e: LineError = {
    line: first.line,
    problem: first.problem === 'hash' ? 'chain' : first.problem,
    message: first.reason,
    budgetId: first.budgetId,
    seq: first.seq,
  };
  return new LogReadError(e);
}

/** What a parallel replay read: lines and the unknown-type events skipped (tolerant mode). */
export interface ParallelReadSummary {
  readonly lines: number;
  readonly skipped: number;
  readonly skippedTypes: ReadonlyMap<string, number>;
}

/**
 * Folds the balances of a log file on every core: each range is folded into a partial
 * {@link BalancesFold} by a worker thread and the folds are merged in file order by this thread,
 * exactly (the same as one fold over the whole file), keeping only the spends a later range
 * reverses. Throws {@link LogReadError} at the first bad line of the file, as
 * `foldLog` does. Null when the file is too small to be worth more than one reader.
 */
export async function foldBalancesParallel(
  path: string,
  filter: TimeFilter,
  options: ParallelOptions & { readonly budgetId?: string; readonly checkHashes?: boolean } = {},
): Promise<(ParallelReadSummary & { readonly fold: BalancesFold }) | null> {
  const tasks = await planRanges(path, options);
  if (tasks === null) return null;
  const results = await runRanges(
    tasks,
    {
      kind: 'balances',
      filter,
      ...(options.budgetId === undefined ? {} : { budgetId: options.budgetId }),
      hashes: options.checkHashes !== false,
    },
    options,
    // Every range in a worker thread, whose heap has a small young generation (this thread's
    // cannot be made smaller once it runs): this thread only merges.
    false,
  );
  const joined = joinRanges(results.map((r) => r.check));
  const bad = firstLineError(joined);
  if (bad !== null) throw bad;
  const u = unknownSkipped(results, joined);
  // The first range's fold, when this thread folded it, is the whole fold so far (it starts at
  // the file's first line): the others merge into it, in file order, and are let go as they are.
  const first = results[0]?.fold;
  const fold = first ?? new BalancesFold(filter);
  // Of the spends merged, only those a later range reverses without having seen them can still
  // change a balance: the others are not kept (most of what a fold holds).
  const keepSpends = new Map<string, Set<string>>();
  for (const r of results.slice(1)) {
    for (const [id, spends] of BalancesFold.reversedUnseen(r.fold ?? r.balances ?? [])) {
      const ids = keepSpends.get(id);
      if (ids === undefined) keepSpends.set(id, spends);
      else for (const s of spends) ids.add(s);
    }
  }
  for (let i = first === undefined ? 0 : 1; i < results.length; i++) {
    const r = results[i] as RangeJobResult;
    fold.merge(r.fold ?? r.balances ?? [], { keepSpends });
    results[i] = { check: r.check };
  }
  return { fold, lines: joined.lines, skipped: u.count, skippedTypes: u.types };
}

/**
 * The events of one budget in a log file, read on every core (every line of the file checked
 * as `foldLog` checks it). Throws {@link LogReadError} at the first bad line. Null when the file
 * is too small to be worth more than one reader.
 */
export async function budgetEventsParallel(
  path: string,
  budgetId: string,
  options: ParallelOptions = {},
): Promise<(ParallelReadSummary & { readonly events: LedgerEvent[] }) | null> {
  const tasks = await planRanges(path, options);
  if (tasks === null) return null;
  const results = await runRanges(tasks, { kind: 'budget-lines', budgetId }, options);
  const joined = joinRanges(results.map((r) => r.check));
  const bad = firstLineError(joined);
  if (bad !== null) throw bad;
  const events: LedgerEvent[] = [];
  for (const [i, r] of results.entries()) {
    for (const [line, text] of r.lines ?? []) {
      const rec = recordOfLine(text, line + (joined.offsets[i] as number), false, options.tolerant === true);
      if (rec.kind === 'event') events.push(rec.event);
    }
  }
  const u = unknownSkipped(results, joined);
  return { events, lines: joined.lines, skipped: u.count, skippedTypes: u.types };
}

/**
 * Checks a log file with worker threads only (every line decoded, hashed and chain-checked, as
 * `foldLog` does), leaving this thread free to fold the events at the same time without
 * recomputing hashes. Resolves to the first problem as a {@link LogReadError}, or null when the
 * file checks; null too (`'too-small'`) when the file is not worth more than one reader.
 */
export async function checkLogInWorkers(
  path: string,
  options: ParallelOptions = {},
): Promise<LogReadError | null | 'too-small'> {
  const tasks = await planRanges(path, options);
  if (tasks === null) return 'too-small';
  const workers = Math.max(1, Math.floor(options.workers ?? defaultWorkers()));
  const results = await runRanges(tasks, { kind: 'check' }, { ...options, workers: workers - 1 }, false);
  return firstLineError(joinRanges(results.map((r) => r.check)));
}
