/**
 * `ipb outcomes LOG...`: outcome metrics for evaluators, by site, cohort, basis, management
 * option and period, as a table, CSV, JSON or a self-contained HTML report. Several files, or
 * one large one cut into byte ranges, are read in parallel (`--workers N`); the result is the
 * same for any N.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DIMENSIONS, type Dimension } from '../outcomes/cells.js';
import { outcomeCells } from '../outcomes/metrics.js';
import { outcomesHtml } from '../outcomes/html.js';
import { readLogsForOutcomes, type OutcomeReadResult } from '../outcomes/io/read-logs.js';
import { parsePeriodKind, type PeriodKind } from '../outcomes/periods.js';
import { OUTCOME_PRESETS, phbReturnCsv, phbReturnTable, type OutcomePreset } from '../outcomes/phb-return.js';
import { outcomesJson, type OutcomesJson } from '../outcomes/results.js';
import { outcomesCsv } from '../outcomes/results-csv.js';
import { outcomesTable } from '../outcomes/results-table.js';
import { CliError, EXIT, printError, runAction, toStdout } from './output.js';
import {
  asOfOption,
  knownAtOption,
  maxLineOption,
  parsePositiveInt,
  progressOption,
  timeFilterOf,
  withConventions,
} from './options.js';
import { checkLogFile, progressBar } from './log-file.js';

/** Output formats of `ipb outcomes`. */
export const OUTCOME_FORMATS = ['table', 'csv', 'json', 'html'] as const;
/** An output format of `ipb outcomes`. */
export type OutcomeFormat = (typeof OUTCOME_FORMATS)[number];

/** Options of `ipb outcomes`. */
export interface OutcomesCliOptions {
  readonly by: readonly Dimension[];
  readonly period: PeriodKind;
  readonly asOf?: string;
  readonly knownAt?: string;
  readonly format: OutcomeFormat;
  readonly out?: string;
  readonly workers: number;
  readonly minRangeBytes?: number;
  readonly tolerant?: boolean;
  readonly maxLineBytes: number;
  readonly progress: boolean;
  /** `phb-return`: people by management option per quarter (table and CSV); sets the period to quarter. */
  readonly preset?: OutcomePreset;
}

/** Parses `--by site,cohort`: known dimensions, each once. */
export function parseBy(value: string): Dimension[] {
  const out: Dimension[] = [];
  for (const raw of value.split(',')) {
    const d = raw.trim();
    if (d === '') continue;
    if (!(DIMENSIONS as readonly string[]).includes(d)) {
      throw new InvalidArgumentError(
        `unknown dimension ${JSON.stringify(d)} (expected ${DIMENSIONS.join(', ')})`,
      );
    }
    if (out.includes(d as Dimension)) throw new InvalidArgumentError(`${d} is given twice`);
    out.push(d as Dimension);
  }
  return out;
}

function parsePeriod(value: string): PeriodKind {
  const k = parsePeriodKind(value);
  if (k === null)
    throw new InvalidArgumentError(`expected month, quarter or year, got ${JSON.stringify(value)}`);
  return k;
}

/** What `--format json` prints: the outcomes and what was read. */
export interface OutcomesCliJson extends OutcomesJson {
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly input: {
    readonly files: ReadonlyArray<{
      readonly path: string;
      readonly lines: number;
      readonly manifest: string;
    }>;
    readonly lines: number;
    readonly eventsCounted: number;
    readonly verified: boolean;
    readonly skippedLines: number;
    readonly skipped: Readonly<Record<string, number>>;
    readonly chainBreaks: number;
  };
}

function manifestText(m: OutcomeReadResult['files'][number]['manifest']): string {
  return typeof m === 'string' ? m : `mismatch: ${m.problem}`;
}

/** The input summary every format reports. */
function inputOf(r: OutcomeReadResult): OutcomesCliJson['input'] {
  return {
    files: r.files.map((f) => ({ path: f.path, lines: f.lines, manifest: manifestText(f.manifest) })),
    lines: r.lines,
    eventsCounted: r.facts.counted,
    verified: r.firstProblem === null,
    skippedLines: r.skippedLines,
    skipped: Object.fromEntries(Object.entries(r.skipped).sort()) as Record<string, number>,
    chainBreaks: r.chainBreaks,
  };
}

/** Runs `ipb outcomes`; returns the text to write (stdout or `--out`). */
export async function runOutcomes(logs: readonly string[], given: OutcomesCliOptions): Promise<string> {
  const opts: OutcomesCliOptions = given.preset === 'phb-return' ? { ...given, period: 'quarter' } : given;
  let total = 0;
  for (const log of logs) total += await checkLogFile(log);
  const bar = progressBar('outcomes', total, opts.progress);
  let read: OutcomeReadResult;
  try {
    read = await readLogsForOutcomes(logs, {
      workers: opts.workers,
      ...(opts.minRangeBytes === undefined ? {} : { minRangeBytes: opts.minRangeBytes }),
      filter: timeFilterOf(opts),
      tolerant: opts.tolerant === true,
      maxLineBytes: opts.maxLineBytes,
      onProgress: (done) => bar.update(done),
    });
  } finally {
    bar.stop();
  }
  const p = read.firstProblem;
  if (p !== null && opts.tolerant !== true) {
    const where = [
      p.line === null ? null : `line ${p.line}`,
      p.budgetId === null ? null : `budget ${p.budgetId}`,
      p.seq === null ? null : `seq ${p.seq}`,
    ].filter((x) => x !== null);
    throw new CliError(
      `${p.path}${where.length > 0 ? `: ${where.join(', ')}` : ''}: ${p.reason}\n` +
        `The log does not verify, so no outcomes are computed from it. Run "ipb verify ${p.path}" for the details, ` +
        'or add --tolerant to skip the lines that fail (they are counted in the output).',
      EXIT.failed,
    );
  }
  if (read.skippedLines > 0 || read.chainBreaks > 0 || p !== null) {
    const kinds = Object.entries(read.skipped)
      .map(([k, n]) => `${k} x${n}`)
      .join(', ');
    printError(
      `warning: the input does not verify (${p?.reason ?? 'see the counts'}); skipped ${read.skippedLines} line(s)` +
        `${kinds === '' ? '' : ` (${kinds})`} and found ${read.chainBreaks} chain break(s); the outcomes use every other event`,
    );
  }
  const horizon = opts.asOf?.slice(0, 10) ?? read.facts.latest;
  const input = inputOf(read);
  if (opts.format === 'html') {
    if (horizon === null) throw new CliError('no events to report on', EXIT.failed);
    return outcomesHtml({
      facts: read.facts,
      by: opts.by,
      period: opts.period,
      horizon,
      input: {
        files: input.files,
        counted: read.facts.counted,
        skippedLines: read.skippedLines,
        chainBreaks: read.chainBreaks,
        ...(opts.asOf === undefined ? {} : { asOf: opts.asOf }),
        ...(opts.knownAt === undefined ? {} : { knownAt: opts.knownAt }),
      },
    });
  }
  const cells =
    horizon === null ? new Map() : outcomeCells(read.facts, { by: opts.by, period: opts.period, horizon });
  const result = outcomesJson(cells, opts.by, opts.period, horizon);
  switch (opts.format) {
    case 'json': {
      const json: OutcomesCliJson = {
        schema: result.schema,
        by: result.by,
        period: result.period,
        horizon: result.horizon,
        asOf: opts.asOf ?? null,
        knownAt: opts.knownAt ?? null,
        input,
        rows: result.rows,
      };
      return `${JSON.stringify(json, null, 2)}\n`;
    }
    case 'csv':
      return opts.preset === 'phb-return' ? phbReturnCsv(result) : outcomesCsv(result);
    case 'table': {
      if (opts.preset === 'phb-return') {
        const note = `People with a budget live at the end of each quarter (to ${horizon ?? '-'}), each counted once, by the management options of the lines of the plans in force on their live budgets; integrated: health and social-care money on their live budgets.`;
        return `${phbReturnTable(result)}\n\n${note}\n`;
      }
      const note = `${input.eventsCounted} events counted from ${input.lines} lines in ${input.files.length} file(s); reported up to ${horizon ?? '-'}${input.verified ? '; verified' : `; NOT verified: ${input.skippedLines} line(s) skipped, ${input.chainBreaks} chain break(s)`}`;
      return `${outcomesTable(result)}\n\n${note}\n`;
    }
  }
}

/** Registers `ipb outcomes`. */
export function registerOutcomes(program: Command): void {
  const cmd = program
    .command('outcomes')
    .description(
      'outcome metrics for evaluators (budgets live and active, money by stream, shares, spend by category and option, underspend, reclaims, lead times, reviews, flags), by group and period',
    )
    .argument('<logs...>', 'one or more event logs (JSON Lines); each must verify')
    .addOption(
      new Option('--by <dimensions>', `group by any of ${DIMENSIONS.join(', ')} (comma-separated)`)
        .argParser(parseBy)
        .default([], 'no grouping'),
    )
    .addOption(
      new Option(
        '--period <period>',
        'reporting period: month, quarter or year (financial year, April to March)',
      )
        .argParser(parsePeriod)
        .default('year' as PeriodKind),
    )
    .addOption(
      new Option(
        '--preset <name>',
        'phb-return: people by management option per quarter, as national personal health budget returns count them (sets --period quarter)',
      ).choices(OUTCOME_PRESETS),
    )
    .addOption(asOfOption())
    .addOption(knownAtOption())
    .addOption(new Option('--format <format>', 'output format').choices(OUTCOME_FORMATS).default('table'))
    .addOption(new Option('--out <file>', 'write the output to this file ("-" or no --out: standard output)'))
    .addOption(
      new Option('--workers <n>', 'worker threads reading byte ranges in parallel (same result for any n)')
        .argParser(parsePositiveInt('--workers'))
        .default(Math.min(8, availableParallelism()), 'the number of cores, at most 8'),
    )
    .addOption(
      new Option(
        '--min-range-bytes <n>',
        'smallest byte range a worker reads (default 32 MiB: smaller logs are read by one thread)',
      ).argParser(parsePositiveInt('--min-range-bytes')),
    )
    .addOption(
      new Option(
        '--tolerant',
        'compute outcomes from a log that does not verify: skip and count lines that fail their checks, count chain breaks',
      ),
    )
    .addOption(maxLineOption())
    .addOption(progressOption());
  withConventions(cmd, {
    ok: 'the outcomes were written',
    failed: 'a log does not verify (add --tolerant to count what does), or there are no events to report on',
    example: 'ipb outcomes examples/logs/ipc-site.jsonl --by site --period quarter',
  }).action(async (logs: string[], opts: OutcomesCliOptions) =>
    runAction('outcomes', async () => {
      const text = await runOutcomes(logs, opts);
      const out = opts.out;
      if (out === undefined || toStdout(out)) {
        process.stdout.write(text);
      } else {
        try {
          await writeFile(out, text, 'utf8');
        } catch (e) {
          throw new CliError(`cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`);
        }
        printError(`wrote ${opts.out}`);
      }
      return EXIT.ok;
    }),
  );
}
