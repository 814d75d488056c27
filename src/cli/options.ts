/**
 * The options the `ipb` subcommands share (`--json`, `--as-of`, `--known-at`, `--budget`,
 * `--tolerant`, `--workers`...), their parsers, and the conventions of every subcommand's
 * `--help` ({@link withConventions}).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { dateProblem, timestampProblem } from '../events/primitives.js';
import type { ParallelOptions } from '../log/parallel.js';
import type { TimeFilter } from '../projections/time-filter.js';
import { EXIT } from './output.js';

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
