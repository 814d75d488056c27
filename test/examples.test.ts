import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { balances, balancesJson, flagsOf, planHistory, decodeEvent } from 'ipb-ledger';
import { KARL, karlLedger, karlReport } from '../examples/karl.js';
import { PEOPLE, ipcSiteLedger } from '../examples/ipc-site.js';

describe("Karl's budget (examples/karl.ts)", () => {
  const ledger = karlLedger();

  it('started 50/50 and stays split to the penny', () => {
    const b = balancesJson(balances(ledger.events())).budgets[0];
    // health: 750.01 + 320.00 + 916.67 + 112.50 = 2099.18; social care: 750.00 + 916.66 + 337.50 = 2004.16
    expect(b?.streams.health).toEqual({
      allocated: '15000.00',
      indicative: '15000.00',
      spent: '2099.18',
      reclaimed: '0.00',
      remaining: '12900.82',
    });
    expect(b?.streams['social-care']).toEqual({
      allocated: '15000.00',
      indicative: '15000.00',
      spent: '2004.16',
      reclaimed: '0.00',
      remaining: '12995.84',
    });
  });

  it('had his plan changed within a week', () => {
    const cr = planHistory(ledger.stateOf(KARL)).plans.find((p) => p.changeRequestId === 'cr-1');
    expect(cr?.leadTimeDays).toBeLessThan(7);
  });

  it('replays the same, byte for byte, every time', () => {
    expect(karlLedger().toLog()).toBe(ledger.toLog());
    for (const line of ledger.toLog().trimEnd().split('\n'))
      expect(decodeEvent(JSON.parse(line))._tag).toBe('Right');
  });

  it('prints the demo report, and `npm run demo` runs it from the built package', () => {
    const report = karlReport(ledger);
    expect(report).toContain('£1,500.01 on pa-support split 50/50: health £750.01 + social-care £750.00');
    const out = execFileSync('node', ['dist/examples/karl.js'], { encoding: 'utf8' });
    expect(out.trim()).toBe(report.trim());
  });
});

describe('IPC site (examples/ipc-site.ts)', () => {
  const ledger = ipcSiteLedger();

  it('covers the four IPC cohorts, several bases and every management option', () => {
    const cohorts = new Set(PEOPLE.map((p) => p.cohort));
    for (const cohort of [
      'older-people-ltc',
      'children-disabilities',
      'learning-disabilities',
      'serious-mental-illness',
    ])
      expect(cohorts).toContain(cohort);
    const options = new Set(PEOPLE.flatMap((p) => p.lines.map((l) => l.option)));
    expect(options.size).toBe(4);
    expect(balances(ledger.events()).budgets).toHaveLength(PEOPLE.length);
  });

  it('interleaves budgets and flags what needs explaining', () => {
    const ids = ledger
      .events()
      .slice(0, 40)
      .map((e) => e.budgetId);
    expect(new Set(ids).size).toBeGreaterThan(5);
    const kinds = PEOPLE.flatMap((p) =>
      flagsOf(p.budgetId, ledger.stateOf(p.budgetId), { onDate: '2024-12-31' }).map(
        (f) => `${p.budgetId}:${f.kind}`,
      ),
    );
    expect(kinds).toEqual([
      'ipc-n-006:off-plan',
      'ipc-n-008:overspend-line',
      'ipc-n-008:overspend-stream',
      'ipc-s-002:review-overdue',
    ]);
  });
});
