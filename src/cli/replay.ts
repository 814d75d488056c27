/**
 * `ipb replay LOG`: reads a whole log, every line checked, and summarises it (events, budgets,
 * events by type, time span). The file is named for its subcommand, as every file in
 * `src/cli/` is; folding a log file is `src/log/fold-log.ts`, folding events into every
 * budget's state is `src/projections/budget-states.ts`.
 */
import type { Command } from 'commander';
import { EXIT, printJson, printOut, runAction } from './output.js';
import {
  asOfOption,
  jsonOption,
  knownAtOption,
  withLogOptions,
  type ReplayCliOptions,
  withConventions,
} from './options.js';
import { replayLogFile, warnSkipped } from './log-file.js';

/** Options of `ipb replay`. */
export interface ReplayCliOptionsWithJson extends ReplayCliOptions {
  readonly json?: boolean;
}

/** What `ipb replay` reports about a log. */
export interface ReplaySummary {
  /** Lines read. */
  readonly events: number;
  /** Budgets opened (by the times given, if any). */
  readonly budgets: number;
  /** Events that passed `--as-of` / `--known-at` (all of them without). */
  readonly counted: number;
  /** Events of unknown types skipped (`--tolerant`). */
  readonly skipped: number;
  /** Events per type, types in alphabetical order. */
  readonly byType: Readonly<Record<string, number>>;
  /** Earliest and latest `occurredAt`, or null for no events. */
  readonly occurred: { readonly first: string; readonly last: string } | null;
  /** Earliest and latest `recordedAt`, or null for no events. */
  readonly recorded: { readonly first: string; readonly last: string } | null;
}

class Span {
  first: string | null = null;
  last: string | null = null;
  add(t: string): void {
    if (this.first === null || t < this.first) this.first = t;
    if (this.last === null || t > this.last) this.last = t;
  }
  json(): { first: string; last: string } | null {
    return this.first === null || this.last === null ? null : { first: this.first, last: this.last };
  }
}

/** The summary as text. */
export function replayText(s: ReplaySummary): string {
  const width = Math.max(...Object.keys(s.byType).map((k) => k.length), 4);
  return [
    `events: ${s.events}${s.counted !== s.events - s.skipped ? ` (${s.counted} by the times given)` : ''}`,
    `budgets: ${s.budgets}`,
    ...(s.skipped > 0 ? [`skipped (unknown types): ${s.skipped}`] : []),
    `occurred: ${s.occurred === null ? '-' : `${s.occurred.first} to ${s.occurred.last}`}`,
    `recorded: ${s.recorded === null ? '-' : `${s.recorded.first} to ${s.recorded.last}`}`,
    'by type:',
    ...Object.entries(s.byType).map(([k, n]) => `  ${k.padEnd(width)}  ${String(n).padStart(8)}`),
  ].join('\n');
}

/** Registers `ipb replay LOG [--as-of T] [--known-at T] [--json]`. */
export function registerReplay(program: Command): void {
  withConventions(
    withLogOptions(
      program
        .command('replay')
        .description('replay a whole log and summarise it: events, budgets, events by type, time span')
        .argument('<log>', 'the event log (JSON Lines)')
        .addOption(asOfOption())
        .addOption(knownAtOption())
        .addOption(jsonOption()),
    ),
    {
      ok: 'the summary was printed',
      failed: 'a line of the log is bad (run ipb verify for a full check)',
      example: 'ipb replay examples/logs/karl.jsonl --known-at 2018-05-01',
    },
  ).action(async (log: string, opts: ReplayCliOptionsWithJson) =>
    runAction('replay', async () => {
      const byType = new Map<string, number>();
      const occurred = new Span();
      const recorded = new Span();
      const r = await replayLogFile(log, opts, {
        onEvent: (e) => {
          byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
          occurred.add(e.occurredAt);
          recorded.add(e.recordedAt);
        },
      });
      warnSkipped(r);
      const summary: ReplaySummary = {
        events: r.lines,
        budgets: r.replay.budgetIds().length,
        counted: r.replay.counted,
        skipped: r.skipped,
        byType: Object.fromEntries([...byType.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
        occurred: occurred.json(),
        recorded: recorded.json(),
      };
      if (opts.json === true) printJson(summary);
      else printOut(replayText(summary));
      return EXIT.ok;
    }),
  );
}
