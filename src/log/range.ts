/**
 * Reading a log in byte ranges, the unit of work of every parallel reader (`ipb verify`,
 * `ipb balances`, `ipb audit`, `ipb flags` and `ipb outcomes` with `--workers`).
 *
 * A file is cut at line starts ({@link splitFile}), so every line belongs to exactly one range.
 * Each range is read with the streaming reader's line splitter; every line gets the checks a
 * line can have on its own (JSON, the contract, its recomputed `hash`) and the chain checks
 * between the events inside the range ({@link RangeChainBuilder}). The ranges of a file are
 * then joined in order ({@link joinRanges}): the chains are stitched across range boundaries by
 * {@link joinChains}, and the earliest problem in the file is the one reported, whichever range
 * found it, with the same words as a reader going line after line.
 */
import { open } from 'node:fs/promises';
import {
  RangeChainBuilder,
  chainFromJson,
  chainToJson,
  hashProblem,
  joinChains,
  type FileChain,
  type RangeChain,
  type RangeChainJson,
} from './chain.js';
import { LineSplitter } from './line-splitter.js';
import { type LineProblem, type LogRecord } from './line-record.js';

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

/** How to check a range. */
export interface RangeCheckOptions {
  /**
   * Events of types this reader does not know: `fail` (strict, the default), or `skip`: counted,
   * still hashed and chained (a `--tolerant` verify or replay).
   */
  readonly unknownTypes?: 'fail' | 'skip';
  /**
   * Skip and count every line that fails its own checks, and count chain breaks, instead of
   * stopping at the first problem (`ipb outcomes --tolerant`). Default false.
   */
  readonly skipBad?: boolean;
  /** Recompute every line's hash (default true). */
  readonly hashes?: boolean;
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

/** An event a range check hands on: it passed its own checks and its links inside the range. */
export type CheckedRecord = Extract<LogRecord, { kind: 'event' }>;

/** What checking one range gives (besides what the visitor folded). */
export interface RangeCheck {
  readonly fileIndex: number;
  readonly rangeIndex: number;
  /** Lines read in the range (up to the first problem when reading stopped there). */
  readonly lines: number;
  readonly bytes: number;
  readonly chain: RangeChain;
  /** Lines that failed their own checks (strict: at most the first; skipBad: the first 20). */
  readonly failures: LineFailure[];
  /** Failed lines by problem. */
  readonly skipped: Partial<Record<SkipProblem, number>>;
  /** Events of unknown types skipped (`unknownTypes: 'skip'`): line inside the range and type. */
  readonly unknown: Array<readonly [number, string]>;
}

/** JSON form of {@link RangeCheck} (what a worker sends back). */
export type RangeCheckJson = Omit<RangeCheck, 'chain'> & { readonly chain: RangeChainJson };

/** The JSON form of a range check. */
export function rangeCheckToJson(r: RangeCheck): RangeCheckJson {
  return { ...r, chain: chainToJson(r.chain) };
}

/** Rebuilds a range check from its JSON form. */
export function rangeCheckFromJson(j: RangeCheckJson): RangeCheck {
  return {
    ...j,
    failures: [...j.failures],
    unknown: [...j.unknown],
    chain: chainFromJson(j.chain),
  };
}

/**
 * Reads one range: every line is split, parsed, decoded, its hash recomputed and its link to the
 * budget's previous event in the range checked; each event that passes is handed to `visit`.
 * Strict (the default) stops at the first problem: the caller names it after joining the ranges.
 */
export async function checkRange(
  task: RangeTask,
  options: RangeCheckOptions,
  visit: (rec: CheckedRecord) => void,
  onBytes?: (bytesDone: number) => void,
): Promise<RangeCheck> {
  const skipBad = options.skipBad === true;
  const skipUnknown = options.unknownTypes === 'skip';
  const hashes = options.hashes !== false;
  const chain = new RangeChainBuilder();
  const failures: LineFailure[] = [];
  const skipped: Partial<Record<SkipProblem, number>> = {};
  const unknown: Array<readonly [number, string]> = [];
  let stop = false;
  const fail = (f: LineFailure): void => {
    skipped[f.problem] = (skipped[f.problem] ?? 0) + 1;
    if (!skipBad) {
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
    if (rec.kind === 'skipped' && skipUnknown) unknown.push([rec.line, rec.type]);
    if (rec.kind === 'skipped' && !skipUnknown) {
      fail({
        line: rec.line,
        problem: 'unknown-type',
        budgetId,
        seq,
        reason: `unknown event type ${JSON.stringify(rec.type)}: this reader does not know it (with --tolerant it is skipped and counted)`,
      });
      return;
    }
    if (hashes) {
      const bad = hashProblem(raw, rec.text);
      if (bad !== null) {
        fail({ line: rec.line, problem: 'hash', budgetId, seq, reason: bad });
        return;
      }
    }
    const brk = chain.addLine(budgetId, raw, rec.line);
    if (brk !== null && !skipBad) {
      stop = true;
      return;
    }
    if (rec.kind === 'event') visit(rec);
  };
  const splitter = new LineSplitter(
    take,
    {
      tolerant: true,
      ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    },
    task.start === 0,
  );

  const chunkBytes = options.chunkBytes ?? 262_144;
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
    chain: chain.result(),
    failures,
    skipped,
    unknown,
  };
}

/**
 * The budgetId and seq written on line `line` (1-based) of a range, or nulls when unreadable:
 * what a manifest check says about the first line beyond the manifest's count.
 */
export async function lineIdentity(
  task: RangeTask,
  line: number,
): Promise<{ budgetId: string | null; seq: number | null }> {
  let found: { budgetId: string | null; seq: number | null } = { budgetId: null, seq: null };
  const splitter = new LineSplitter(
    (rec) => {
      if (rec.line !== line) return;
      found =
        rec.kind === 'error'
          ? { budgetId: rec.error.budgetId, seq: rec.error.seq }
          : { budgetId: rec.raw['budgetId'] as string, seq: rec.raw['seq'] as number };
      splitter.stop();
    },
    { tolerant: true, maxLineBytes: Number.MAX_SAFE_INTEGER },
    task.start === 0,
  );
  const fh = await open(task.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(262_144);
    let done = 0;
    while (!splitter.isStopped && task.start + done < task.end) {
      const want = Math.min(buf.length, task.end - task.start - done);
      const { bytesRead } = await fh.read(buf, 0, want, task.start + done);
      if (bytesRead === 0) break;
      splitter.push(buf.subarray(0, bytesRead));
      done += bytesRead;
    }
    splitter.end();
  } finally {
    await fh.close();
  }
  return found;
}

/** The first problem of a file, with its line in the file and in its range. */
export interface RangeProblem {
  /** Line in the file (1-based). */
  readonly line: number;
  readonly budgetId: string | null;
  readonly seq: number | null;
  readonly reason: string;
  /** What kind of problem: a line's own, or `chain` for a link between events. */
  readonly problem: SkipProblem;
  /** Position of the range (in the list given to {@link joinRanges}). */
  readonly range: number;
  /** Line inside that range. */
  readonly rangeLine: number;
}

/** The ranges of one file joined. */
export interface JoinedRanges {
  /** Lines in the file (short of the truth when a strict read stopped a range early). */
  readonly lines: number;
  /** Lines before each range. */
  readonly offsets: readonly number[];
  /** The stitched chains: every break, and each budget's last event. */
  readonly chain: FileChain;
  /** The earliest problem in the file (a line's own or a chain break), or null. */
  readonly first: RangeProblem | null;
}

/**
 * Joins the checks of a file's ranges, given in file order: stitches the chains and finds the
 * earliest problem. Problems are ordered by range, then by line inside it (the line counts after
 * a range that stopped early are short, but a problem in an earlier range is earlier in the
 * file); on one line its own problem comes before its link, as a line-by-line reader checks them.
 */
export function joinRanges(
  ranges: ReadonlyArray<Pick<RangeCheck, 'lines' | 'chain' | 'failures'>>,
): JoinedRanges {
  const offsets: number[] = [];
  let lines = 0;
  for (const r of ranges) {
    offsets.push(lines);
    lines += r.lines;
  }
  const chain = joinChains(ranges.map((r, i) => ({ chain: r.chain, lineOffset: offsets[i] as number })));
  let first: RangeProblem | null = null;
  for (const [ri, r] of ranges.entries()) {
    const offset = offsets[ri] as number;
    const own = r.failures.map((f) => ({
      ...f,
      range: ri,
      rangeLine: f.line,
      line: f.line + offset,
      rank: 0,
    }));
    const links = chain.breaks
      .filter((b) => b.range === ri)
      .map((b) => ({ ...b, problem: 'chain' as const, rank: 1 }));
    const best = [...own, ...links].sort((a, b) => a.rangeLine - b.rangeLine || a.rank - b.rank)[0];
    if (best !== undefined) {
      first = {
        line: best.line,
        budgetId: best.budgetId,
        seq: best.seq,
        reason: best.reason,
        problem: best.problem,
        range: ri,
        rangeLine: best.rangeLine,
      };
      break;
    }
  }
  return { lines, offsets, chain, first };
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
