/**
 * Reading a log file for a subcommand: checking the file, the progress bar (stderr, only on a
 * terminal), one reader or every core, and a bad line turned into a {@link CliError} that names
 * the file and the line.
 */
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { LogReadError } from '../log/line-record.js';
import {
  foldLog,
  type EventFold,
  type FoldLogOptions,
  type FoldLogResult,
  type ReplayLogOptions,
  type ReplayLogResult,
} from '../log/fold-log.js';
import type { ParallelOptions } from '../log/parallel.js';
import { Replay } from '../projections/budget-states.js';
import { CliError, EXIT, messageOf, printError } from './output.js';
import { parallelOptionsOf, timeFilterOf, type LogCliOptions, type ReplayCliOptions } from './options.js';

/** Size of a log file, after checking it exists, is a regular file and is not empty. */
export async function checkLogFile(path: string): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') throw new CliError(`cannot read ${path}: no such file`);
    if (code === 'EACCES') throw new CliError(`cannot read ${path}: permission denied`);
    throw new CliError(`cannot read ${path}: ${messageOf(e)}`);
  }
  if (st.isDirectory()) throw new CliError(`cannot read ${path}: it is a directory, not a log file`);
  if (!st.isFile() && !st.isFIFO()) throw new CliError(`cannot read ${path}: not a regular file`);
  if (st.isFile() && st.size === 0) {
    throw new CliError(`${path} is empty: a log has one event per line`, EXIT.failed);
  }
  return st.size;
}

/** A progress bar on stderr that exists only when stderr is a terminal. */
export interface Progress {
  /** Sets how many bytes have been read so far. */
  update(bytes: number): void;
  /** Removes the bar. */
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar over `totalBytes` of input, drawn on stderr only when stderr is a terminal
 * (pipes and CI stay clean) and `--no-progress` was not given.
 */
export function progressBar(label: string, totalBytes: number, enabled = true): Progress {
  if (!enabled || process.stderr.isTTY !== true || totalBytes <= 0) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} MB`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (b: number) => Math.round((b / 1_048_576) * 10) / 10;
  bar.start(mb(totalBytes), 0);
  return {
    update: (bytes) => bar.update(mb(bytes)),
    stop: () => bar.stop(),
  };
}

/** A bad line found while reading a log, as the error a subcommand prints (exit 1). */
export function badLogError(log: string, e: LogReadError): CliError {
  return new CliError(`${log}: ${e.message} (run "ipb verify ${log}" for a full check)`, EXIT.failed);
}

/**
 * Reads a log file into a fold for a subcommand: checks the file, draws the progress bar, and
 * turns a bad line into a {@link CliError} (exit 1) that names the file and the line.
 */
export async function foldLogFile<F extends EventFold>(
  log: string,
  fold: F,
  opts: LogCliOptions,
  extra: Omit<FoldLogOptions, 'tolerant' | 'maxLineBytes' | 'onProgress'> = {},
): Promise<FoldLogResult<F>> {
  const size = await checkLogFile(log);
  const bar = progressBar('reading', size, opts.progress);
  try {
    return await foldLog(log, fold, {
      ...extra,
      tolerant: opts.tolerant === true,
      maxLineBytes: opts.maxLineBytes,
      onProgress: (b) => bar.update(b),
    });
  } catch (e) {
    if (e instanceof LogReadError) throw badLogError(log, e);
    throw e;
  } finally {
    bar.stop();
  }
}

/** Replays a log file into a {@link Replay} for a subcommand (see {@link foldLogFile}). */
export async function replayLogFile(
  log: string,
  opts: ReplayCliOptions,
  extra: Omit<ReplayLogOptions, 'filter' | 'tolerant' | 'maxLineBytes' | 'onProgress'> = {},
): Promise<ReplayLogResult> {
  const r = await foldLogFile(log, new Replay(timeFilterOf(opts), { trackCommands: false }), opts, extra);
  return { replay: r.fold, lines: r.lines, skipped: r.skipped, skippedTypes: r.skippedTypes };
}

/** Warns on stderr when a tolerant read skipped events of unknown types. */
export function warnSkipped(r: Pick<ReplayLogResult, 'skipped' | 'skippedTypes'>): void {
  if (r.skipped === 0) return;
  const types = [...r.skippedTypes.entries()].map(([t, n]) => `${t} x${n}`).join(', ');
  printError(
    `warning: skipped ${r.skipped} event(s) of unknown types (${types}); they may move money this reader cannot see`,
  );
}

/**
 * Reads a log file on every core for a subcommand: checks the file, draws the progress bar, and
 * turns a bad line into a {@link CliError} (exit 1) as {@link foldLogFile} does. `read` returns
 * null when the file is too small to be worth more than one thread; so does this.
 */
export async function readLogFileInParallel<T>(
  log: string,
  opts: LogCliOptions,
  read: (options: ParallelOptions) => Promise<T | null>,
): Promise<T | null> {
  if (opts.workers === 1) return null;
  const size = await checkLogFile(log);
  const bar = progressBar('reading', size, opts.progress);
  try {
    return await read(parallelOptionsOf(opts, (b) => bar.update(b)));
  } catch (e) {
    if (e instanceof LogReadError) throw badLogError(log, e);
    throw e;
  } finally {
    bar.stop();
  }
}
