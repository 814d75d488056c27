import type { Command } from 'commander';
import { foldBalancesParallel } from '../log/parallel.js';
import { BalancesFold, balancesJson, balancesJsonPieces } from '../projections/balances.js';
import { balancesTable } from '../projections/text.js';
import { CliError, EXIT, printJson, printOut, runAction } from './output.js';
import {
  asOfOption,
  budgetOption,
  jsonOption,
  knownAtOption,
  timeFilterOf,
  withLogOptions,
  type ReplayCliOptions,
  withConventions,
} from './options.js';
import { foldLogFile, readLogFileInParallel, warnSkipped } from './log-file.js';

/** Options of `ipb balances`. */
export interface BalancesCliOptions extends ReplayCliOptions {
  readonly budget?: string;
  readonly json?: boolean;
}

/** Registers `ipb balances LOG [--budget ID] [--as-of T] [--known-at T] [--json]`. */
export function registerBalances(program: Command): void {
  withConventions(
    withLogOptions(
      program
        .command('balances')
        .description(
          'allocated, indicative, spent, reclaimed and remaining money per budget and stream, as the log contract defines them',
        )
        .argument('<log>', 'the event log (JSON Lines)')
        .addOption(budgetOption())
        .addOption(asOfOption())
        .addOption(knownAtOption())
        .addOption(jsonOption()),
    ),
    {
      ok: 'the balances were printed',
      failed: 'a line of the log is bad (run ipb verify for a full check), or --budget names no budget in it',
      example: 'ipb balances examples/logs/karl.jsonl --as-of 2018-06-30',
    },
  ).action(async (log: string, opts: BalancesCliOptions) =>
    runAction('balances', async () => {
      // A fold of money only: memory stays small whatever the size of the log. On every core
      // when the log is big enough (ranges folded apart and merged exactly), else on this thread.
      const filter = timeFilterOf(opts);
      const only = opts.budget === undefined ? {} : { budgetId: opts.budget };
      const r =
        (await readLogFileInParallel(log, opts, (p) =>
          foldBalancesParallel(log, filter, { ...p, ...only }),
        )) ?? (await foldLogFile(log, new BalancesFold(filter), opts, only));
      warnSkipped(r);
      const fold = r.fold;
      if (opts.json === true && opts.budget === undefined) {
        // Every budget: written as it is made, a few hundred budgets at a time (the same text as
        // one JSON.stringify, without holding it or the report of every budget).
        for (const piece of balancesJsonPieces(fold.eachBudget())) process.stdout.write(piece);
        process.stdout.write('\n');
        return EXIT.ok;
      }
      const report = fold.report(opts.budget);
      if (opts.budget !== undefined && report.budgets.length === 0) {
        throw new CliError(
          `no budget ${JSON.stringify(opts.budget)} in ${log}${opts.asOf !== undefined || opts.knownAt !== undefined ? ' by the times given' : ''}`,
          EXIT.failed,
        );
      }
      if (opts.json === true) printJson(balancesJson(report));
      else printOut(report.budgets.length === 0 ? 'no budgets' : balancesTable(report));
      return EXIT.ok;
    }),
  );
}
