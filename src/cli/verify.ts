import type { Command } from 'commander';
import { manifestPathOf } from '../log/manifest.js';
import { describeProblem } from '../log/line-record.js';
import { verifyLogParallel } from '../log/parallel.js';
import { verifyLog, type VerifyResult } from '../log/verify.js';
import { EXIT, printJson, printOut, runAction } from './output.js';
import { checkLogFile, progressBar } from './log-file.js';
import {
  jsonOption,
  parallelOptionsOf,
  withLogOptions,
  type LogCliOptions,
  withConventions,
} from './options.js';

/** Options of `ipb verify`. */
export interface VerifyCliOptions extends LogCliOptions {
  readonly json?: boolean;
  readonly manifest?: string;
}

/** The JSON `ipb verify --json` prints: `ok`, `events`, `firstError`; `manifest` and `skipped` when relevant. */
export function verifyJson(r: VerifyResult, tolerant: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ok: r.ok, events: r.events, firstError: r.firstError };
  if (r.manifest !== null) out['manifest'] = r.manifest;
  if (tolerant) out['skipped'] = r.skipped;
  return out;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The verdict of `ipb verify` in words. */
export function verifyText(r: VerifyResult, log: string, tolerant: boolean): string {
  const lines: string[] = [];
  if (r.ok) {
    lines.push(
      `intact: ${plural(r.events, 'event')} in ${plural(r.budgets, 'budget')}; every line matches the contract, seq runs without gaps, every prevHash and hash checks, every split adds up`,
    );
  } else {
    const e = r.firstError;
    lines.push(`NOT INTACT: ${e === null ? 'unknown problem' : describeProblem(e, e.reason)}`);
  }
  if (tolerant && r.skipped > 0) {
    lines.push(
      `warning: ${plural(r.skipped, 'event')} of unknown types skipped (--tolerant); they may move money this reader cannot see`,
    );
  }
  if (r.manifest === null) {
    lines.push(
      `no manifest (${manifestPathOf(log)} not found): a cut at a line end, dropped budgets or re-sealed last events cannot be seen from the lines alone`,
    );
  } else if (r.manifest.ok === true) {
    lines.push(
      `manifest ${r.manifest.path} checked: events, every budget's last seq and hash, and the file's SHA-256 match`,
    );
  } else if (r.manifest.ok === false) {
    lines.push(`manifest ${r.manifest.path} checked: the log does not match it`);
  } else {
    lines.push(`manifest ${r.manifest.path} not compared: a bad line stopped verification first`);
  }
  return lines.join('\n');
}

/** Registers `ipb verify LOG [--json]`. */
export function registerVerify(program: Command): void {
  withConventions(
    withLogOptions(
      program
        .command('verify')
        .description(
          'check that a log is intact: every line, the contract shape, seq per budget, the hash chain, every hash, split sums, and the manifest beside it when there is one (exit 0 intact, 1 not intact, 2 usage or I/O error)',
        )
        .argument('<log>', 'the event log (JSON Lines)')
        .option('--manifest <path>', 'the manifest to check (default: <log>.manifest.json when it exists)')
        .addOption(jsonOption()),
    ),
    {
      ok: 'the log is intact (and matches its manifest when there is one)',
      failed:
        'the log is not intact: a bad line, a broken chain, a wrong hash or split, or a manifest it does not match',
      example: 'ipb verify examples/logs/karl.jsonl',
    },
  ).action(async (log: string, opts: VerifyCliOptions) =>
    runAction('verify', async () => {
      const size = await checkLogFile(log);
      const bar = progressBar('verify', size, opts.progress);
      let r: VerifyResult;
      const manifest = opts.manifest === undefined ? {} : { manifest: opts.manifest };
      try {
        // On every core when the log is big enough; the result is the same for any --workers.
        r =
          (opts.workers === 1
            ? null
            : await verifyLogParallel(log, {
                ...parallelOptionsOf(opts, (b) => bar.update(b)),
                ...manifest,
              })) ??
          (await verifyLog(log, {
            maxLineBytes: opts.maxLineBytes,
            tolerant: opts.tolerant === true,
            onProgress: (b) => bar.update(b),
            ...manifest,
          }));
      } finally {
        bar.stop();
      }
      const tolerant = opts.tolerant === true;
      if (opts.json === true) printJson(verifyJson(r, tolerant));
      else printOut(verifyText(r, log, tolerant));
      return r.ok ? EXIT.ok : EXIT.failed;
    }),
  );
}
