/**
 * Reading one log on every core (`--workers N`): `ipb verify`, `balances`, `audit` and `flags`
 * print the same bytes, exit with the same code and name the same first bad line for 1, 2 and 4
 * workers, on generated logs intact and tampered (edits with and without re-sealing, deletions,
 * two problems in different ranges, a cut, lines beyond the manifest, unknown types). The logs
 * are cut into small ranges (`--min-range-bytes`) so that every worker count really splits them;
 * the API tests check that the parallel path ran and agrees with the one-thread reader.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BalancesFold, balancesJson, foldLog, hashOfEnvelope, verifyLog } from 'ipb-ledger';
import type * as Lib from 'ipb-ledger';
import { generateLog } from '../bench/generate.js';
import { ipb, type Run } from './cli-helpers.js';
import { ensureBuilt } from './outcomes-build.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RANGE = '25000';
const base = join(dir, 'base.jsonl');
let lines: string[] = [];

type Obj = Record<string, unknown>;
const parse = (l: string): Obj => JSON.parse(l) as Obj;
/** Re-seals an edited event (its own hash recomputes; the next event of its budget breaks). */
const reseal = (o: Obj): string => {
  const { hash: _h, ...rest } = o;
  const c = JSON.parse(JSON.stringify(rest)) as Obj;
  return JSON.stringify(
    Object.fromEntries(
      Object.entries({ ...c, hash: hashOfEnvelope(c) }).sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  );
};
/** The index of the first spend line at or after `from`. */
const spendAt = (from: number): number => {
  for (let i = from; i < lines.length; i++)
    if ((lines[i] as string).includes('"type":"SpendRecorded"')) return i;
  throw new Error('no spend');
};
const budgetOf = (i: number): string => parse(lines[i] as string)['budgetId'] as string;

interface Variant {
  readonly name: string;
  readonly text: () => string;
  readonly manifest: boolean;
  /** The line `ipb verify` must name (null: intact). */
  readonly badLine: () => number | null;
  /** A budget the tampering touches (for audit). */
  readonly budget: () => string;
}

const join_ = (ls: readonly string[]): string => `${ls.join('\n')}\n`;
const VARIANTS: Variant[] = [
  {
    name: 'intact',
    text: () => join_(lines),
    manifest: true,
    badLine: () => null,
    budget: () => budgetOf(100),
  },
  {
    name: 'an edit without re-sealing, late in the file',
    text: () => {
      const ls = [...lines];
      const i = spendAt(Math.floor(ls.length * 0.8));
      ls[i] = (ls[i] as string).replace(/"payee":"payee /, '"payee":"payee X');
      return join_(ls);
    },
    manifest: true,
    badLine: () => spendAt(Math.floor(lines.length * 0.8)) + 1,
    budget: () => budgetOf(spendAt(Math.floor(lines.length * 0.8))),
  },
  {
    name: 'an edit re-sealed (the next event of its budget breaks, often in a later range)',
    text: () => {
      const ls = [...lines];
      const i = spendAt(Math.floor(ls.length * 0.3));
      ls[i] = reseal({ ...parse(ls[i] as string), evidenceRef: 'forged' });
      return join_(ls);
    },
    manifest: true,
    badLine: () => {
      const i = spendAt(Math.floor(lines.length * 0.3));
      const b = budgetOf(i);
      for (let j = i + 1; j < lines.length; j++) if (budgetOf(j) === b) return j + 1;
      return null;
    },
    budget: () => budgetOf(spendAt(Math.floor(lines.length * 0.3))),
  },
  {
    name: 'a deleted line',
    text: () => join_(lines.filter((_, i) => i !== spendAt(Math.floor(lines.length * 0.6)))),
    manifest: true,
    badLine: () => {
      const i = spendAt(Math.floor(lines.length * 0.6));
      const b = budgetOf(i);
      for (let j = i + 1; j < lines.length; j++) if (budgetOf(j) === b) return j; // one line earlier now
      return null;
    },
    budget: () => budgetOf(spendAt(Math.floor(lines.length * 0.6))),
  },
  {
    name: 'two problems in different ranges (the earlier one wins)',
    text: () => {
      const ls = [...lines];
      ls[Math.floor(ls.length * 0.9)] = '{"not": "an event"';
      const i = spendAt(Math.floor(ls.length * 0.35));
      ls[i] = (ls[i] as string).replace(/"payee":"payee /, '"payee":"payee Y');
      return join_(ls);
    },
    manifest: true,
    badLine: () => spendAt(Math.floor(lines.length * 0.35)) + 1,
    budget: () => budgetOf(spendAt(Math.floor(lines.length * 0.35))),
  },
  {
    name: 'a file cut in the middle of its last line',
    text: () => join_(lines).slice(0, -40),
    manifest: true,
    badLine: () => lines.length,
    budget: () => budgetOf(lines.length - 1),
  },
  {
    name: 'a line added beyond the manifest',
    text: () => join_([...lines, lines[5] as string]),
    manifest: true,
    badLine: () => lines.length + 1,
    budget: () => budgetOf(5),
  },
  {
    name: 'an event of an unknown type (strict refuses it; --tolerant skips and counts it)',
    text: () => {
      const ls = [...lines];
      const e = { ...parse(ls[0] as string), budgetId: 'zz-unknown', type: 'SomethingNew', data: { x: 1 } };
      ls.splice(Math.floor(ls.length * 0.55), 0, reseal(e));
      return join_(ls);
    },
    manifest: false,
    badLine: () => Math.floor(lines.length * 0.55) + 1,
    budget: () => budgetOf(3),
  },
];

/** The variants every command runs on (the others: verify and balances only, to keep the test short). */
const EVERY_COMMAND = new Set([
  'intact',
  'an edit re-sealed (the next event of its budget breaks, often in a later range)',
  'two problems in different ranges (the earlier one wins)',
]);

const pathOf = (v: Variant): string => join(dir, `${VARIANTS.indexOf(v)}.jsonl`);

beforeAll(async () => {
  await ensureBuilt();
  await generateLog(base, { events: 1500, seed: 7, active: 40, months: [3, 8], spendsPerMonth: [2, 5] });
  lines = readFileSync(base, 'utf8').trimEnd().split('\n');
  for (const v of VARIANTS) {
    writeFileSync(pathOf(v), v.text());
    if (v.manifest) copyFileSync(`${base}.manifest.json`, `${pathOf(v)}.manifest.json`);
  }
}, 180_000);

/** Runs the command with 1, 2 and 4 workers; expects the same code, stdout and stderr. */
async function sameForAnyWorkers(args: readonly string[]): Promise<Run> {
  const runs = await Promise.all(
    ['1', '2', '4'].map((w) => ipb([...args, '--workers', w, '--min-range-bytes', RANGE])),
  );
  const [one, ...rest] = runs as [Run, ...Run[]];
  for (const [i, r] of rest.entries()) {
    expect(r.stdout, `stdout, ${i === 0 ? 2 : 4} workers: ${args.join(' ')}`).toBe(one.stdout);
    expect(r.stderr, `stderr, ${i === 0 ? 2 : 4} workers: ${args.join(' ')}`).toBe(one.stderr);
    expect(r.code, `exit code, ${i === 0 ? 2 : 4} workers: ${args.join(' ')}`).toBe(one.code);
  }
  return one;
}

describe('the same output for 1, 2 and 4 workers', () => {
  for (const v of VARIANTS) {
    it(`verify, balances, audit and flags: ${v.name}`, async () => {
      const log = pathOf(v);
      const bad = v.badLine();
      const verify = await sameForAnyWorkers(['verify', log, '--json']);
      const vj = JSON.parse(verify.stdout) as { ok: boolean; firstError: { line: number | null } | null };
      if (bad === null) {
        expect(verify.code).toBe(0);
        expect(vj.ok).toBe(true);
      } else {
        expect(verify.code).toBe(1);
        expect(vj.firstError?.line).toBe(bad);
      }
      if (v.name === 'intact' || v.name.startsWith('two problems')) await sameForAnyWorkers(['verify', log]);
      const balances = await sameForAnyWorkers(['balances', log, '--json']);
      if (bad !== null) {
        expect(balances.code).toBe(1);
        expect(balances.stderr).toContain(`line ${bad}`);
      } else {
        expect(balances.code).toBe(0);
        expect((JSON.parse(balances.stdout) as { budgets: unknown[] }).budgets.length).toBeGreaterThan(30);
      }
      if (EVERY_COMMAND.has(v.name)) {
        await sameForAnyWorkers(['balances', log, '--as-of', '2017-01-31']);
        await sameForAnyWorkers(['audit', log, '--budget', v.budget(), '--json']);
        await sameForAnyWorkers(['flags', log, '--on', '2018-01-01', '--json']);
      }
      if (v.name.startsWith('an event of an unknown type')) {
        const tv = await sameForAnyWorkers(['verify', log, '--json', '--tolerant']);
        expect(JSON.parse(tv.stdout)).toMatchObject({ ok: true, skipped: 1 });
        const tb = await sameForAnyWorkers(['balances', log, '--tolerant']);
        expect(tb.code).toBe(0);
        expect(tb.stderr).toContain('SomethingNew x1');
      }
    }, 600_000);
  }
});

// Real worker threads, from the built package (the worker is a .js file in dist/).
const dist = async (): Promise<typeof Lib> =>
  (await import(join(process.cwd(), 'dist/src/index.js'))) as typeof Lib;

describe('the parallel readers in the API (the dist build, real threads)', () => {
  it("verifyLogParallel cuts the log and gives verifyLog's result, intact or not", async () => {
    const { verifyLogParallel } = await dist();
    for (const v of VARIANTS.slice(0, 5)) {
      const par = await verifyLogParallel(pathOf(v), { workers: 3, minRangeBytes: 25_000 });
      expect(par, v.name).not.toBeNull();
      expect(par, v.name).toEqual(await verifyLog(pathOf(v)));
    }
    // too small to cut: null, the caller reads it on one thread
    expect(await verifyLogParallel(base, { workers: 4 })).toBeNull();
  }, 600_000);

  it('foldBalancesParallel merges the ranges into the one-thread fold', async () => {
    const { foldBalancesParallel } = await dist();
    for (const filter of [
      {},
      { asOf: '2017-02-01T00:00:00.000Z' },
      { knownAt: '2016-11-30T00:00:00.000Z' },
    ]) {
      const par = await foldBalancesParallel(base, filter, { workers: 3, minRangeBytes: 25_000 });
      expect(par).not.toBeNull();
      const one = await foldLog(base, new BalancesFold(filter));
      expect(JSON.stringify(balancesJson(par?.fold.report() ?? { budgets: [] }))).toBe(
        JSON.stringify(balancesJson(one.fold.report())),
      );
      expect(par?.lines).toBe(lines.length);
    }
  }, 600_000);
});
