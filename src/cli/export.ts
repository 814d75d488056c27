/**
 * `ipb export LOG --out DIR`: exports a verified log for a third party, with its manifest;
 * `--pseudonymise --key-file K` makes a pseudonymised release for evaluators.
 *
 * One exporter per `--format` ({@link EXPORTERS}); `jsonl` is the contract log.
 *
 * @module
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { readLogsForOutcomes } from '../outcomes/io/read-logs.js';
import { releaseKeyProblem } from '../outcomes/pseudonymise.js';
import { writeCopy, writeRelease, type ExportSummary } from '../outcomes/io/release.js';
import type { LedgerEvent } from '../events/envelope.js';
import { journalChunks, type JournalSummary } from '../journal/writer.js';
import { readLog } from '../log/reader.js';
import {
  CliError,
  EXIT,
  printOut,
  messageOf,
  runAction,
  printError,
  toStdout,
  type ExitCode,
} from './output.js';
import { checkLogFile, progressBar } from './log-file.js';
import { maxLineOption, progressOption, withConventions } from './options.js';

/** Options of `ipb export`. */
export interface ExportCliOptions {
  readonly format: string;
  /** A directory for jsonl; a file for hledger (absent or `-`: standard output). */
  readonly out?: string;
  readonly pseudonymise?: boolean;
  readonly keyFile?: string;
  readonly tolerant?: boolean;
  readonly maxLineBytes: number;
  readonly progress: boolean;
}

/** Reads a release key file: its bytes, without a trailing newline; at least 32 bytes. */
export async function readKeyFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new CliError(
      `cannot read the key file ${path}: ${code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}`,
    );
  }
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13)) end -= 1;
  const key = bytes.subarray(0, end);
  const problem = releaseKeyProblem(key);
  if (problem !== null) throw new CliError(`key file ${path}: ${problem}`);
  return key;
}

/**
 * Checks the log as `ipb verify` does (lines, contract, hashes, chains, manifest). Refuses a log
 * that does not verify unless `tolerant`; returns the lines left out.
 */
async function verifyForExport(log: string, opts: ExportCliOptions, size: number): Promise<number> {
  const bar = progressBar('verifying', size, opts.progress);
  try {
    const r = await readLogsForOutcomes([log], {
      workers: Math.min(8, availableParallelism()),
      tolerant: opts.tolerant === true,
      maxLineBytes: opts.maxLineBytes,
      onProgress: (done) => bar.update(done),
    });
    const p = r.firstProblem;
    if (p !== null && opts.tolerant !== true) {
      const where = [
        p.line === null ? null : `line ${p.line}`,
        p.budgetId === null ? null : `budget ${p.budgetId}`,
      ]
        .filter((x) => x !== null)
        .join(', ');
      throw new CliError(
        `${log}${where === '' ? '' : `: ${where}`}: ${p.reason}\nThe log does not verify, so nothing was exported (add --tolerant to leave out the lines that fail).`,
        EXIT.failed,
      );
    }
    return r.skippedLines;
  } finally {
    bar.stop();
  }
}

async function exportJsonl(log: string, opts: ExportCliOptions): Promise<ExitCode> {
  const outDir = opts.out;
  if (outDir === undefined || toStdout(outDir)) {
    throw new CliError(
      '--format jsonl writes a log and its manifest, two files: give --out DIR (standard output is for --format hledger)',
    );
  }
  if (opts.keyFile !== undefined && opts.pseudonymise !== true) {
    throw new CliError('--key-file is only used with --pseudonymise');
  }
  if (opts.pseudonymise === true && opts.keyFile === undefined) {
    throw new CliError(
      '--pseudonymise needs --key-file K: a file with at least 32 random bytes, one per release',
    );
  }
  const key = opts.keyFile === undefined ? null : await readKeyFile(opts.keyFile);
  const size = await checkLogFile(log);
  const skipped = await verifyForExport(log, opts, size);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create ${outDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const target = join(outDir, basename(log));
  if (resolve(target) === resolve(log)) {
    throw new CliError(`--out ${outDir} would overwrite the input ${log}: choose another directory`);
  }
  let summary: ExportSummary;
  try {
    summary =
      key === null
        ? await writeCopy(log, target)
        : await writeRelease(log, target, key, { maxLineBytes: opts.maxLineBytes });
  } catch (e) {
    throw new CliError(`cannot write ${target}: ${e instanceof Error ? e.message : String(e)}`);
  }
  printOut(
    `exported ${summary.events} events of ${summary.budgets} budgets to ${summary.path}` +
      `${key === null ? '' : ' (pseudonymised)'}, manifest ${summary.manifestPath}` +
      `${skipped > 0 ? `; ${skipped} line(s) that failed their checks were left out` : ''}`,
  );
  return EXIT.ok;
}

/**
 * `--format hledger`: the verified log as a plain-text double-entry journal that hledger and
 * ledger read (chart of accounts in docs/journal.md), with a balance assertion per budget
 * stream at each month end. `--out` is the journal file; without it (or with `--out -`) the
 * journal goes to standard output and the summary to standard error.
 */
async function exportHledger(log: string, opts: ExportCliOptions): Promise<ExitCode> {
  if (opts.pseudonymise === true || opts.keyFile !== undefined) {
    throw new CliError(
      '--pseudonymise and --key-file make evaluator releases (--format jsonl), not journals',
    );
  }
  const size = await checkLogFile(log);
  const skipped = await verifyForExport(log, opts, size);
  const out = opts.out;
  const stdout = out === undefined || toStdout(out);
  if (!stdout && resolve(out) === resolve(log)) {
    throw new CliError(`--out ${out} would overwrite the input ${log}: choose another file`);
  }
  const events: LedgerEvent[] = [];
  for await (const rec of readLog(log, {
    tolerant: opts.tolerant === true,
    maxLineBytes: opts.maxLineBytes,
  })) {
    if (rec.kind === 'event') events.push(rec.event);
  }
  let summary: JournalSummary = { events: 0, budgets: 0, transactions: 0, assertions: 0 };
  const chunks = journalChunks(events, {}, (s) => (summary = s));
  if (stdout) {
    await writeToStdout(chunks);
  } else {
    try {
      await mkdir(dirname(resolve(out)), { recursive: true });
      await writeFile(resolve(out), chunks);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${messageOf(e)}`);
    }
  }
  const where = stdout ? 'standard output' : out;
  const message =
    `exported ${summary.events} events of ${summary.budgets} budgets as a journal to ${where}: ` +
    `${summary.transactions} transactions, ${summary.assertions} balance assertions` +
    `${stdout ? '' : ` (check it with: hledger -f ${out} check)`}` +
    `${skipped > 0 ? `; ${skipped} line(s) that failed their checks were left out` : ''}`;
  // The journal owns standard output when it goes there: the summary goes to standard error.
  if (stdout) printError(message);
  else printOut(message);
  return EXIT.ok;
}

/** Writes chunks to standard output, waiting when the pipe is full. */
async function writeToStdout(chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!process.stdout.write(chunk)) {
      await new Promise<void>((done, fail) => {
        const onError = (e: Error): void => {
          process.stdout.removeListener('drain', onDrain);
          fail(e);
        };
        const onDrain = (): void => {
          process.stdout.removeListener('error', onError);
          done();
        };
        process.stdout.once('drain', onDrain);
        process.stdout.once('error', onError);
      });
    }
  }
}

/**
 * The exporters by `--format`. Another format (e.g. a journal for accounting tools) is one more
 * entry here; `--format` offers every key.
 */
export const EXPORTERS: Record<string, (log: string, opts: ExportCliOptions) => Promise<ExitCode>> = {
  jsonl: exportJsonl,
  hledger: exportHledger,
};

/** Registers `ipb export`. */
export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description(
      'export a verified log with its manifest; --pseudonymise makes a release for evaluators (identifiers keyed-hashed, free text withheld, re-sealed)',
    )
    .argument('<log>', 'the event log (JSON Lines)')
    .addOption(
      new Option('--format <format>', 'what to write').choices(Object.keys(EXPORTERS)).default('jsonl'),
    )
    .addOption(
      new Option(
        '--out <path>',
        'where to write: a directory for jsonl (required there: a log and its manifest); a file for hledger ("-" or no --out: standard output)',
      ),
    )
    .addOption(
      new Option(
        '--pseudonymise',
        'replace identifiers by HMAC-SHA-256 pseudonyms under the release key and withhold free text',
      ),
    )
    .addOption(
      new Option('--key-file <file>', 'the per-release key (at least 32 random bytes) for --pseudonymise'),
    )
    .addOption(new Option('--tolerant', 'export a log that does not verify, leaving out the lines that fail'))
    .addOption(maxLineOption())
    .addOption(progressOption());
  withConventions(cmd, {
    ok: 'the log verified and was written',
    failed:
      'the log does not verify, so nothing was written (add --tolerant to leave out the lines that fail)',
    example: 'ipb export examples/logs/karl.jsonl --format hledger',
  }).action(async (log: string, opts: ExportCliOptions) =>
    runAction('export', async () => {
      const exporter = EXPORTERS[opts.format];
      if (exporter === undefined) throw new CliError(`unknown format ${JSON.stringify(opts.format)}`);
      return exporter(log, opts);
    }),
  );
}
