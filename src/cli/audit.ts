import type { Command } from 'commander';
import type { LedgerEvent } from '../events/envelope.js';
import { budgetEventsParallel } from '../log/parallel.js';
import { auditEntryJson, auditTrail } from '../projections/audit.js';
import { auditTable } from '../projections/text.js';
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
import { readLogFileInParallel, replayLogFile, warnSkipped } from './log-file.js';

/** Options of `ipb audit`. */
export interface AuditCliOptions extends ReplayCliOptions {
  readonly budget: string;
  readonly json?: boolean;
}

/** Registers `ipb audit LOG --budget ID [--as-of T] [--known-at T] [--json]`. */
export function registerAudit(program: Command): void {
  withConventions(
    withLogOptions(
      program
        .command('audit')
        .description(
          "one budget's audit trail: every event with who, role, what, amounts, reason, occurred and recorded times, and the balances per stream after it",
        )
        .argument('<log>', 'the event log (JSON Lines)')
        .addOption(budgetOption(true))
        .addOption(asOfOption())
        .addOption(knownAtOption())
        .addOption(jsonOption()),
    ),
    {
      ok: 'the audit trail was printed',
      failed: 'a line of the log is bad (run ipb verify for a full check), or --budget names no budget in it',
      example: 'ipb audit examples/logs/karl.jsonl --budget notts-karl-2018',
    },
  ).action(async (log: string, opts: AuditCliOptions) =>
    runAction('audit', async () => {
      // Only this budget's events are kept (memory grows with one budget, not the log). Every
      // line is still checked, on every core when the log is big enough.
      const parallel = await readLogFileInParallel(log, opts, (p) =>
        budgetEventsParallel(log, opts.budget, p),
      );
      const events: LedgerEvent[] = parallel?.events ?? [];
      if (parallel === null) {
        const r = await replayLogFile(log, opts, {
          budgetId: opts.budget,
          onEvent: (e) => {
            if (e.budgetId === opts.budget) events.push(e);
          },
        });
        warnSkipped(r);
      } else {
        warnSkipped(parallel);
      }
      if (events.length === 0)
        throw new CliError(`no budget ${JSON.stringify(opts.budget)} in ${log}`, EXIT.failed);
      const trail = auditTrail(events, timeFilterOf(opts));
      if (opts.json === true) {
        printJson({ budgetId: opts.budget, entries: trail.map(auditEntryJson) });
      } else {
        printOut(trail.length === 0 ? `no events of ${opts.budget} by the times given` : auditTable(trail));
      }
      return EXIT.ok;
    }),
  );
}
