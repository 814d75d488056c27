import type { Command } from 'commander';
import { checkLogInWorkers, planRanges } from '../log/parallel.js';
import { LogReadError } from '../log/line-record.js';
import { flagJson, flagsOf, type Flag } from '../projections/flags.js';
import { flagsText } from '../projections/text.js';
import { CliError, EXIT, printJson, printOut, runAction } from './output.js';
import {
  asOfOption,
  budgetOption,
  jsonOption,
  knownAtOption,
  parseDateArg,
  parsePositiveInt,
  parallelOptionsOf,
  withLogOptions,
  type ReplayCliOptions,
  withConventions,
} from './options.js';
import { badLogError, replayLogFile, checkLogFile, warnSkipped } from './log-file.js';
import { Option } from 'commander';

/** Options of `ipb flags`. */
export interface FlagsCliOptions extends ReplayCliOptions {
  readonly budget?: string;
  readonly on?: string;
  readonly surplusWeeks?: number;
  readonly json?: boolean;
}

/**
 * The date reviews are judged on: `--on`, else the date of `--as-of`, else today (UTC). The
 * command line is the edge of the system, so it may read the clock; the projections never do.
 */
export function reviewDate(opts: FlagsCliOptions): string {
  if (opts.on !== undefined) return opts.on;
  if (opts.asOf !== undefined) return opts.asOf.slice(0, 10);
  return new Date().toISOString().slice(0, 10);
}

/** Registers `ipb flags LOG [--budget ID] [--on DATE] [--surplus-weeks N] [--as-of T] [--known-at T] [--json]`. */
export function registerFlags(program: Command): void {
  withConventions(
    withLogOptions(
      program
        .command('flags')
        .description(
          'what an officer must look at: overspends (per line and per stream), off-plan spend, overdue reviews and direct-payment surpluses',
        )
        .argument('<log>', 'the event log (JSON Lines)')
        .addOption(budgetOption())
        .addOption(
          new Option(
            '--on <date>',
            'judge reviews as overdue on this date (default: the --as-of date, else today)',
          ).argParser(parseDateArg),
        )
        .addOption(
          new Option('--surplus-weeks <n>', 'surplus threshold in weeks of direct-payment funding')
            .argParser(parsePositiveInt('--surplus-weeks'))
            .default(8),
        )
        .addOption(asOfOption())
        .addOption(knownAtOption())
        .addOption(jsonOption()),
    ),
    {
      ok: 'the flags were printed (also when there are none)',
      failed: 'a line of the log is bad (run ipb verify for a full check), or --budget names no budget in it',
      example: 'ipb flags examples/logs/ipc-site.jsonl --on 2025-03-31',
    },
  ).action(async (log: string, opts: FlagsCliOptions) =>
    runAction('flags', async () => {
      const only = opts.budget === undefined ? {} : { budgetId: opts.budget };
      // Flags need each budget's whole state, folded on this thread. When the log is big enough,
      // worker threads check every line (decode, hash, chain) at the same time, so this thread
      // skips recomputing hashes; the first bad line they find is the one reported.
      await checkLogFile(log); // a missing file, a directory or an empty file: a usage error, not a crash
      const parallel = opts.workers !== 1 && (await planRanges(log, parallelOptionsOf(opts))) !== null;
      let r: Awaited<ReturnType<typeof replayLogFile>>;
      if (!parallel) {
        r = await replayLogFile(log, opts, only);
      } else {
        const checked = checkLogInWorkers(log, parallelOptionsOf(opts));
        checked.catch(() => undefined);
        const replayed = replayLogFile(log, opts, { ...only, checkHashes: false });
        replayed.catch(() => undefined);
        const bad = await checked;
        if (bad instanceof LogReadError) throw badLogError(log, bad);
        r = await replayed;
      }
      warnSkipped(r);
      const onDate = reviewDate(opts);
      const flags: Flag[] = [];
      let found = false;
      for (const [id, s] of r.replay.entries()) {
        if (opts.budget !== undefined && id !== opts.budget) continue;
        found = true;
        flags.push(...flagsOf(id, s, { onDate, surplusWeeks: opts.surplusWeeks ?? 8 }));
      }
      if (opts.budget !== undefined && !found) {
        throw new CliError(`no budget ${JSON.stringify(opts.budget)} in ${log}`, EXIT.failed);
      }
      if (opts.json === true) printJson({ onDate, flags: flags.map(flagJson) });
      else printOut(`flags on ${onDate}:\n${flagsText(flags)}`);
      return EXIT.ok;
    }),
  );
}
