/**
 * Shared plumbing of the `ipb` subcommands: exit codes, errors printed without stack traces,
 * `--json` output, the progress bar (stderr, only on a terminal) and opening a log file with
 * clear errors. Every subcommand file (`verify.ts`, `balances.ts`, ...) uses these.
 */
import { stat } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { dateProblem, timestampProblem } from '../events/primitives.js';
import { LogReadError } from '../log/reader.js';
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
import type { TimeFilter } from '../projections/time-filter.js';

/** Process exit codes of every `ipb` subcommand. */
export const EXIT = {
  /** Success: the log is intact, the data was printed. */
  ok: 0,
  /** The input was read but is not good: the log is not intact, has bad lines, etc. */
  failed: 1,
  /** Usage error (bad option, missing argument) or I/O error (missing file, directory). */
  usage: 2,
} as const;

/** An exit code of `ipb`. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the person at the terminal: printed as one message, never with a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** The process exit code this error ends with. */
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
  }
}

/** Writes one line to stderr. */
export function printError(message: string): void {
  process.stderr.write(`${message.endsWith('\n') ? message : `${message}\n`}`);
}

/** Writes data to stdout (a final newline is added when missing). */
export function printOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints a value as one line of JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** The message of anything thrown, without a stack. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Runs a subcommand's body: a thrown {@link CliError} becomes its message on stderr and its
 * exit code; anything else becomes "internal error" with exit code 2 (set `IPB_DEBUG=1` to see
 * the stack). The body returns the exit code for normal endings.
 */
export async function runAction(name: string, body: () => Promise<ExitCode> | ExitCode): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    if (e instanceof CliError) {
      printError(`ipb ${name}: ${e.message}`);
      process.exitCode = e.exitCode;
      return;
    }
    if (isBrokenPipe(e)) {
      process.exitCode = EXIT.ok;
      return;
    }
    printError(`ipb ${name}: internal error: ${messageOf(e)}`);
    if (process.env['IPB_DEBUG'] === '1' && e instanceof Error && e.stack !== undefined) printError(e.stack);
    process.exitCode = EXIT.usage;
  }
}

function isBrokenPipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';
}

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

/** `--json`: print the data as JSON on stdout. */
export function jsonOption(): Option {
  return new Option('--json', 'print the result as JSON on stdout');
}

/** `--no-progress`: never draw the progress bar. */
export function progressOption(): Option {
  return new Option('--no-progress', 'do not draw a progress bar on stderr');
}

/** `--tolerant`: skip (and count) events of types this reader does not know. */
export function tolerantOption(): Option {
  return new Option(
    '--tolerant',
    'skip and count events of unknown types instead of failing (they may move money this reader cannot see)',
  );
}

/** `--max-line-bytes N`: longest accepted line. */
export function maxLineOption(): Option {
  return new Option('--max-line-bytes <n>', 'longest accepted line in bytes')
    .argParser(parsePositiveInt('--max-line-bytes'))
    .default(1_048_576, '1 MiB');
}

/** An option value parser for a whole number >= 1 (a usage error, exit 2, otherwise). */
export function parsePositiveInt(_flag: string): (value: string) => number {
  return (value) => {
    if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`expected a whole number >= 1, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}

/** A date given on the command line (`2025-04-01`, a real calendar date), or a usage error. */
export function parseDateArg(value: string): string {
  const p = dateProblem(value);
  if (p !== null) throw new InvalidArgumentError(p);
  return value;
}

/**
 * A time given on the command line: a contract timestamp (`2025-04-01T09:30:00.000Z`) as is,
 * or a date (`2025-04-01`) meaning the end of that day in UTC (`2025-04-01T23:59:59.999Z`), so
 * "as of 1 April" includes everything that happened on 1 April. Throws a usage error otherwise.
 */
export function parseTimeArg(value: string): string {
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return `${parseDateArg(value)}T23:59:59.999Z`;
  const p = timestampProblem(value);
  if (p !== null) throw new InvalidArgumentError(`${p} (or a date like "2025-04-01")`);
  return value;
}

/** An option value parser for a time (see {@link parseTimeArg}). */
export function parseEventTime(_flag: string): (value: string) => string {
  return parseTimeArg;
}

/** `--as-of T`: only events that occurred at or before T. */
export function asOfOption(): Option {
  return new Option(
    '--as-of <time>',
    'count only events that occurred at or before this time (2025-04-01 or 2025-04-01T09:30:00.000Z)',
  ).argParser(parseEventTime('--as-of'));
}

/** `--known-at T`: only events recorded at or before T. */
export function knownAtOption(): Option {
  return new Option(
    '--known-at <time>',
    'count only events the ledger had recorded at or before this time',
  ).argParser(parseEventTime('--known-at'));
}

/** Options every log-reading subcommand has (see {@link withLogOptions}). */
export interface LogCliOptions {
  readonly tolerant?: boolean;
  readonly maxLineBytes: number;
  readonly progress: boolean;
  /** Readers (this thread and worker threads); default: the cores available. */
  readonly workers?: number;
  /** Smallest byte range given to a reader. */
  readonly minRangeBytes?: number;
}

/** `--workers N`: read byte ranges of the log on N threads (the same output for any N). */
export function workersOption(): Option {
  return new Option(
    '--workers <n>',
    'threads reading byte ranges of the log side by side (default: the cores available; the output is the same for any n)',
  ).argParser(parsePositiveInt('--workers'));
}

/** `--min-range-bytes N`: smallest byte range worth a thread (smaller logs are read by one). */
export function minRangeOption(): Option {
  return new Option(
    '--min-range-bytes <n>',
    'smallest byte range worth a thread of its own (default 32 MiB: smaller logs are read by one thread)',
  ).argParser(parsePositiveInt('--min-range-bytes'));
}

/** Adds the usual log-reading options (`--tolerant`, `--max-line-bytes`, `--no-progress`, `--workers`, `--min-range-bytes`). */
export function withLogOptions(cmd: Command): Command {
  return cmd
    .addOption(tolerantOption())
    .addOption(maxLineOption())
    .addOption(progressOption())
    .addOption(workersOption())
    .addOption(minRangeOption());
}

/** The parallel reading options of a subcommand's log options. */
export function parallelOptionsOf(
  opts: LogCliOptions,
  onProgress?: (bytes: number) => void,
): ParallelOptions {
  return {
    tolerant: opts.tolerant === true,
    maxLineBytes: opts.maxLineBytes,
    ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    ...(opts.minRangeBytes === undefined ? {} : { minRangeBytes: opts.minRangeBytes }),
    ...(onProgress === undefined ? {} : { onProgress }),
  };
}

/** A bad line found while reading a log, as the error a subcommand prints (exit 1). */
export function badLogError(log: string, e: LogReadError): CliError {
  return new CliError(`${log}: ${e.message} (run "ipb verify ${log}" for a full check)`, EXIT.failed);
}

/** `--budget ID`: one budget only. */
export function budgetOption(required = false): Option {
  const o = new Option('--budget <id>', 'the budget id');
  return required ? o.makeOptionMandatory() : o;
}

/** Options of subcommands that replay a log (`--as-of`, `--known-at` and the log options). */
export interface ReplayCliOptions extends LogCliOptions {
  readonly asOf?: string;
  readonly knownAt?: string;
}

/** The time filter of `--as-of` / `--known-at`. */
export function timeFilterOf(opts: ReplayCliOptions): TimeFilter {
  return {
    ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
    ...(opts.knownAt === undefined ? {} : { knownAt: opts.knownAt }),
  };
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
 * What every subcommand's `--help` ends with (see {@link withConventions}): what its exit codes
 * mean and one example.
 */
export interface SubcommandHelp {
  /** What exit code 0 means for this subcommand. */
  readonly ok: string;
  /** What exit code 1 means (the input was read but is not good). */
  readonly failed: string;
  /**
   * One example command line, starting with `ipb <name>`, that runs as it is from the
   * repository root (the tests run it and expect exit code 0).
   */
  readonly example: string;
}

/** `--out`: `-` means standard output. */
export const STDOUT = '-';

/** True when `--out` asks for standard output (absent or `-`). */
export function toStdout(out: string | undefined): boolean {
  return out === undefined || out === STDOUT;
}

/** An option the subcommand cannot run without: mandatory, and `(required)` in `--help`. */
export function requiredOption(flags: string, description: string): Option {
  return new Option(flags, `${description} (required)`).makeOptionMandatory();
}

function argumentUsage(cmd: Command): string {
  return cmd.registeredArguments
    .map((a) => {
      const name = `${a.name()}${a.variadic ? '...' : ''}`;
      return a.required ? `<${name}>` : `[${name}]`;
    })
    .join(' ');
}

/**
 * The conventions every `ipb` subcommand follows; call it last, after the arguments and
 * options are added:
 *
 * - the usage line shows the required options (`ipb audit <log> --budget <id> [options]`), and
 *   each is marked `(required)` in the option list;
 * - `--help` ends with the exit codes (0, 1 and 2: usage or I/O error) and one example.
 */
export function withConventions(cmd: Command, help: SubcommandHelp): Command {
  const required = cmd.options.filter((o) => o.mandatory);
  for (const o of required) {
    if (!o.description.endsWith('(required)')) o.description = `${o.description} (required)`;
  }
  cmd.usage(
    [argumentUsage(cmd), ...required.map((o) => o.flags), '[options]'].filter((x) => x !== '').join(' '),
  );
  cmd.addHelpText(
    'after',
    [
      '',
      'Exit codes:',
      `  ${EXIT.ok}  ${help.ok}`,
      `  ${EXIT.failed}  ${help.failed}`,
      `  ${EXIT.usage}  usage error (bad or missing option or argument) or I/O error (missing or unreadable file)`,
      '',
      'Example:',
      `  $ ${help.example}`,
    ].join('\n'),
  );
  return cmd;
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
