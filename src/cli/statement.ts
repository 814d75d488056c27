import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { StatementFold, statementJson } from '../projections/statement.js';
import { statementHtml } from '../projections/statement-html.js';
import { statementText } from '../projections/statement-text.js';
import { CliError, EXIT, printError, runAction, toStdout } from './output.js';
import {
  asOfOption,
  budgetOption,
  knownAtOption,
  parsePositiveInt,
  withConventions,
  timeFilterOf,
  withLogOptions,
  type ReplayCliOptions,
} from './options.js';
import { foldLogFile, warnSkipped } from './log-file.js';

/** Output formats of `ipb statement`. */
export const STATEMENT_FORMATS = ['text', 'html', 'json'] as const;

/** Options of `ipb statement`. */
export interface StatementCliOptions extends ReplayCliOptions {
  readonly budget: string;
  readonly format: (typeof STATEMENT_FORMATS)[number];
  readonly out?: string;
  readonly surplusWeeks: number;
}

/** Registers `ipb statement LOG --budget ID [--as-of T] [--format text|html|json] [--out FILE]`. */
export function registerStatement(program: Command): void {
  withConventions(
    withLogOptions(
      program
        .command('statement')
        .description(
          "one budget's statement for the person it belongs to, in plain words: money from each funder and what is left, the plan, spending, what is waiting, and who did what",
        )
        .argument('<log>', 'the event log (JSON Lines)')
        .addOption(budgetOption(true))
        .addOption(asOfOption())
        .addOption(knownAtOption())
        .addOption(
          new Option('--format <format>', 'output format').choices(STATEMENT_FORMATS).default('text'),
        )
        .addOption(
          new Option('--out <file>', 'write the statement to this file instead of stdout ("-": stdout)'),
        )
        .addOption(
          new Option('--surplus-weeks <n>', 'surplus threshold in weeks of direct-payment funding')
            .argParser(parsePositiveInt('--surplus-weeks'))
            .default(8),
        ),
    ),
    {
      ok: 'the statement was written',
      failed: 'the log has a bad line, or has no such budget by the time given',
      example: 'ipb statement examples/logs/karl.jsonl --budget notts-karl-2018',
    },
  ).action(async (log: string, opts: StatementCliOptions) =>
    runAction('statement', async () => {
      const fold = new StatementFold(opts.budget, timeFilterOf(opts));
      const r = await foldLogFile(log, fold, opts, { budgetId: opts.budget });
      warnSkipped(r);
      const st = fold.statement({ surplusWeeks: opts.surplusWeeks });
      if (st === null) {
        throw new CliError(
          `no budget ${JSON.stringify(opts.budget)} in ${log}${opts.asOf !== undefined || opts.knownAt !== undefined ? ' by the times given' : ''}`,
          EXIT.failed,
        );
      }
      const text =
        opts.format === 'json'
          ? `${JSON.stringify(statementJson(st))}\n`
          : opts.format === 'html'
            ? statementHtml(st)
            : statementText(st);
      const out = opts.out;
      if (out === undefined || toStdout(out)) {
        process.stdout.write(text);
      } else {
        try {
          await writeFile(out, text, 'utf8');
        } catch (e) {
          throw new CliError(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
        }
        printError(`wrote ${out}`);
      }
      return EXIT.ok;
    }),
  );
}
