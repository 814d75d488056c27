/**
 * The `ipb` command line on the example logs, through the real binary: outputs equal the
 * library's projections, exit codes follow the contract, stdout carries only data.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEntryJson,
  auditTrail,
  balances,
  balancesJson,
  flagJson,
  flagsOf,
  replay,
  type LedgerEvent,
} from 'ipb-ledger';
import { KARL, karlLedger } from '../examples/karl.js';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { hasStackTrace, ipb } from './cli-helpers.js';

const KARL_LOG = 'examples/logs/karl.jsonl';
const SITE_LOG = 'examples/logs/ipc-site.jsonl';
const TAMPERED_LOG = 'examples/logs/tampered.jsonl';

const karlEvents: readonly LedgerEvent[] = karlLedger().events();
const siteEvents: readonly LedgerEvent[] = ipcSiteLedger().events();

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ipb', () => {
  it('lists its subcommands, each with --help, and exits 0', async () => {
    const r = await ipb(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['verify', 'balances', 'audit', 'flags', 'replay']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} \\[options\\] <log>`, 'm'));
      const h = await ipb([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^Usage: ipb ${c} <log> (--budget <id> )?\\[options\\]\n`));
    }
  });

  it('ends usage errors with exit code 2 and a hint, never a stack trace', async () => {
    for (const args of [
      ['no-such-command'],
      ['verify'],
      ['audit', KARL_LOG],
      ['balances', KARL_LOG, '--as-of', '2018-02-30'],
      ['balances', KARL_LOG, '--known-at', 'yesterday'],
      ['verify', KARL_LOG, '--max-line-bytes', '-5'],
      ['flags', KARL_LOG, '--on', '2018-13-01'],
    ]) {
      const r = await ipb(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: .*\n\(run with --help for usage\)\n$/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    const bad = await ipb(['balances', KARL_LOG, '--as-of', '2018-02-30']);
    expect(bad.stderr).toContain(
      `error: option '--as-of <time>' argument '2018-02-30' is invalid. expected a real calendar date, got "2018-02-30"`,
    );
  });

  it('prints its version', async () => {
    const r = await ipb(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});

describe('ipb verify', () => {
  it('says an intact log with its manifest is intact (exit 0), and prints nothing on stderr off a terminal', async () => {
    const r = await ipb(['verify', KARL_LOG]);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'intact: 20 events in 1 budget; every line matches the contract, seq runs without gaps, every prevHash and hash checks, every split adds up\n' +
        "manifest examples/logs/karl.jsonl.manifest.json checked: events, every budget's last seq and hash, and the file's SHA-256 match\n",
    });
  });

  it('--json: ok, events, firstError and the manifest it checked', async () => {
    const r = await ipb(['verify', '--json', SITE_LOG]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      events: siteEvents.length,
      firstError: null,
      manifest: { path: `${SITE_LOG}.manifest.json`, ok: true },
    });
  });

  it('names the line where the tampered example breaks (exit 1)', async () => {
    const r = await ipb(['verify', '--json', TAMPERED_LOG]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { firstError: { reason: string } };
    expect(out).toEqual({
      ok: false,
      events: 13,
      firstError: {
        line: 13,
        budgetId: KARL,
        seq: 13,
        reason: expect.stringMatching(
          /^prevHash [0-9a-f]{12}\.\.\. does not match the hash [0-9a-f]{12}\.\.\. of seq 12 \(line 12\): that event was changed and re-sealed, or an event was inserted or removed$/,
        ) as unknown,
      },
    });
  });

  it('checks a manifest copied beside a cut log and finds the cut (exit 1)', async () => {
    const log = join(dir, 'cut.jsonl');
    const text = await readFile(KARL_LOG, 'utf8');
    await writeFile(log, text.split('\n').slice(0, 12).join('\n') + '\n');
    await copyFile(`${KARL_LOG}.manifest.json`, `${log}.manifest.json`);
    const r = await ipb(['verify', log]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'NOT INTACT: line 13: the log ends after 12 lines but its manifest lists 20 events: the file was cut or events were removed',
    );
    expect(r.stdout).toContain(`manifest ${log}.manifest.json checked: the log does not match it`);
    // without the manifest the cut cannot be seen, and verify says so
    const alone = join(dir, 'cut-alone.jsonl');
    await copyFile(log, alone);
    const a = await ipb(['verify', alone]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('no manifest');
  });
});

describe('ipb balances', () => {
  it('--json equals the library projection on the example logs', async () => {
    for (const [log, events] of [
      [KARL_LOG, karlEvents],
      [SITE_LOG, siteEvents],
    ] as const) {
      const r = await ipb(['balances', '--json', log]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(balancesJson(balances(events)));
    }
  });

  it('--budget, --as-of and --known-at select like the library', async () => {
    const id = siteEvents[5]?.budgetId as string;
    const r = await ipb(['balances', '--json', SITE_LOG, '--budget', id, '--as-of', '2024-06-30']);
    expect(JSON.parse(r.stdout)).toEqual(
      balancesJson(balances(siteEvents, { asOf: '2024-06-30T23:59:59.999Z' }, id)),
    );
    const k = await ipb(['balances', '--json', SITE_LOG, '--known-at', '2024-05-15T12:00:00.000Z']);
    expect(JSON.parse(k.stdout)).toEqual(
      balancesJson(balances(siteEvents, { knownAt: '2024-05-15T12:00:00.000Z' })),
    );
  });

  it('prints a table', async () => {
    const r = await ipb(['balances', KARL_LOG]);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'budget           stream       allocated  indicative    spent  reclaimed  remaining',
      '---------------  -----------  ---------  ----------  -------  ---------  ---------',
      'notts-karl-2018  health        15000.00    15000.00  2099.18       0.00   12900.82',
    ]);
  });

  it('says when a budget is not in the log (exit 1)', async () => {
    const r = await ipb(['balances', KARL_LOG, '--budget', 'nobody']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `ipb balances: no budget "nobody" in ${KARL_LOG}\n` });
  });
});

describe('ipb audit', () => {
  it('--json gives every event with who, role, what, amounts, reason, times and balances after it', async () => {
    const r = await ipb(['audit', '--json', KARL_LOG, '--budget', KARL]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      budgetId: KARL,
      entries: auditTrail(karlEvents).map(auditEntryJson),
    });
  });

  it('prints the trail as a table, stopping at --as-of', async () => {
    const r = await ipb(['audit', KARL_LOG, '--budget', KARL, '--as-of', '2018-05-21']);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^seq\s+occurred\s+recorded\s+who\s+what\s+health left\s+social-care left$/);
    // One row per event (long descriptions wrap onto continuation lines with no seq).
    expect(rows.filter((l) => /^[0-9]+ /.test(l))).toHaveLength(14);
    expect(rows.slice(-2).join('\n')).toMatch(
      /^14\s+2018-05-21\s+2018-05-21\s+rep-helen \(representative\)\s+reversed spend sp-0003 - because: entered twice; the centre\s+13929\.99\s+14250\.00\n\s+refunded the session$/,
    );
  });
});

describe('ipb flags', () => {
  it('--json equals the library flags', async () => {
    const r = await ipb(['flags', '--json', SITE_LOG, '--on', '2024-12-31']);
    expect(r.code).toBe(0);
    const rp = replay(siteEvents);
    const expected = [...rp.entries()].flatMap(([id, s]) =>
      flagsOf(id, s, { onDate: '2024-12-31' }).map(flagJson),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(JSON.parse(r.stdout)).toEqual({ onDate: '2024-12-31', flags: expected });
  });

  it('prints one line per flag', async () => {
    const r = await ipb(['flags', SITE_LOG, '--on', '2024-12-31']);
    expect(r.stdout).toMatch(/^flags on 2024-12-31:\n/);
    expect(r.stdout).toContain('ipc-n-006: off-plan spend ipc-n-006-2024-08-x of £420.00 on line holiday');
  });
});

describe('ipb replay', () => {
  it('summarises a log: events, budgets, by type, time span', async () => {
    const r = await ipb(['replay', '--json', SITE_LOG]);
    const byType: Record<string, number> = {};
    for (const e of siteEvents) byType[e.type] = (byType[e.type] ?? 0) + 1;
    const times = siteEvents.map((e) => e.occurredAt).sort();
    expect(JSON.parse(r.stdout)).toEqual({
      events: siteEvents.length,
      budgets: new Set(siteEvents.map((e) => e.budgetId)).size,
      counted: siteEvents.length,
      skipped: 0,
      byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : 1))),
      occurred: { first: times[0], last: times[times.length - 1] },
      recorded: expect.objectContaining({ first: expect.any(String) as unknown }) as unknown,
    });
    const t = await ipb(['replay', KARL_LOG]);
    expect(t.stdout).toMatch(
      /^events: 20\nbudgets: 1\noccurred: 2018-04-03T09:00:00\.000Z to 2018-07-02T14:00:00\.000Z\n/,
    );
  });

  it('stops at a bad line and names it (exit 1)', async () => {
    const r = await ipb(['replay', TAMPERED_LOG]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^ipb replay: examples\/logs\/tampered\.jsonl: line 13 \(budget notts-karl-2018, seq 13\): prevHash .* \(run "ipb verify examples\/logs\/tampered\.jsonl" for a full check\)\n$/,
    );
  });
});
