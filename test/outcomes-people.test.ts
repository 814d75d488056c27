/**
 * People, option mix, change requests and outcome change, worked out by hand for the log in
 * test/outcomes-people-fixtures.ts, and the same figures from its pseudonymised release.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  factsOfEvents,
  factsToJson,
  outcomeCells,
  outcomesCsv,
  outcomesJson,
  pseudonymiseEvents,
  sealEvents,
  type Dimension,
  type LedgerEvent,
  type OutcomeRowJson,
  type PendingEvent,
  type PeriodKind,
} from 'ipb-ledger';
import { ipb } from './cli-helpers.js';
import { ensureBuilt } from './outcomes-build.js';
import { PEOPLE_SECRETS, peopleLedger } from './outcomes-people-fixtures.js';

const events = peopleLedger().events();
const KEY_A = Buffer.from('5c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5c0ffee5', 'utf8');
const KEY_B = Buffer.from('0decaf0decaf0decaf0decaf0decaf0decaf0decaf0decaf0decaf0decaf0de', 'utf8');

function rows(evs: readonly LedgerEvent[], by: Dimension[], period: PeriodKind): readonly OutcomeRowJson[] {
  const facts = factsOfEvents(evs);
  return outcomesJson(outcomeCells(facts, { by, period }), by, period, facts.latest).rows;
}

/** A release of the log, sealed as a log of its own (in the original's order). */
function release(evs: readonly LedgerEvent[], key: Uint8Array): LedgerEvent[] {
  const pending = pseudonymiseEvents(evs, key);
  const byBudget = new Map<string, PendingEvent[]>();
  for (const p of pending) byBudget.set(p.budgetId, [...(byBudget.get(p.budgetId) ?? []), p]);
  const sealed = new Map([...byBudget].map(([id, ps]) => [id, sealEvents(ps)] as const));
  const next = new Map<string, number>();
  return pending.map((p) => {
    const k = next.get(p.budgetId) ?? 0;
    next.set(p.budgetId, k + 1);
    return (sealed.get(p.budgetId) as LedgerEvent[])[k] as LedgerEvent;
  });
}

/** People and option mix: live/active/integrated, then people by option (n tp dp ma mixed none), mixed parts, live budgets by option. */
const people = (r: OutcomeRowJson): string => {
  const p = r.people;
  const o = (x: Record<string, number>) => Object.values(x).join(' ');
  return `${r.group.site ?? '-'} ${r.period.label} | budgets ${r.budgets.live}/${r.budgets.active} | people ${p.live}/${p.active} integrated ${p.integrated} | by option ${o(p.byOption)} | mixed with ${o(p.mixedIncludes)} | budgets by option ${o(r.liveBudgetsByOption)}`;
};
/** Requests: received agreed declined | pending over7 ages | due within share | to decision n median. */
const requests = (r: OutcomeRowJson): string => {
  const q = r.requests;
  const a = q.pendingAgeDays;
  return `${r.group.site ?? '-'} ${r.period.label} | ${q.received} ${q.agreed} ${q.declined} | ${q.pendingAtEnd} ${q.pendingOver7Days} ${a.median ?? '-'}/${a.p90 ?? '-'}/${a.max ?? '-'} | ${q.due7Days} ${q.decidedWithin7Days} ${q.shareDecidedWithin7Days ?? '-'} | ${r.requestToDecision.count} ${r.requestToDecision.medianDays ?? '-'}`;
};
/** Outcome change: instrument measured twice mean improved/unchanged/worse days-between median/p90. */
const change = (r: OutcomeRowJson): string[] =>
  r.outcomeChange.map(
    (o) =>
      `${r.group.site ?? '-'} ${r.period.label} ${o.instrument} | ${o.peopleMeasured} ${o.peopleMeasuredTwice} ${o.meanChange ?? '-'} | ${o.improved}/${o.unchanged}/${o.worse} | ${o.daysBetween.count} ${o.daysBetween.median ?? '-'}/${o.daysBetween.p90 ?? '-'}`,
  );

describe('people, requests and outcome change of a hand-written log (by site and quarter, to 30 November 2024)', () => {
  const bySite = rows(events, ['site'], 'quarter');

  it('counts each person once however many budgets they hold; integrated and option mix per person', () => {
    // east Q1: E1 (P1, health + social care, direct payment) and E3 (P2, social care, third party).
    // east Q2: E4 (P2, health, notional) joins: P2 is integrated and mixed (notional + third party).
    // east Q3: E1 has ended; its renewal E2 (P1, health only, notional) is live: P1 is not integrated.
    // west: W1 (P3) has health money only and no agreed plan (option none); closed on 15 August.
    expect(bySite.map(people)).toEqual([
      'east 2024-25 Q1 | budgets 2/2 | people 2/2 integrated 1 | by option 0 1 1 0 0 0 | mixed with 0 0 0 0 | budgets by option 0 1 1 0 0 0',
      'east 2024-25 Q2 | budgets 3/3 | people 2/2 integrated 2 | by option 0 0 1 0 1 0 | mixed with 1 1 0 0 | budgets by option 1 1 1 0 0 0',
      'east 2024-25 Q3 | budgets 3/3 | people 2/2 integrated 1 | by option 1 0 0 0 1 0 | mixed with 1 1 0 0 | budgets by option 2 1 0 0 0 0',
      'west 2024-25 Q1 | budgets 1/1 | people 1/1 integrated 0 | by option 0 0 0 0 0 1 | mixed with 0 0 0 0 | budgets by option 0 0 0 0 0 1',
      'west 2024-25 Q2 | budgets 0/1 | people 0/1 integrated 0 | by option 0 0 0 0 0 0 | mixed with 0 0 0 0 | budgets by option 0 0 0 0 0 0',
    ]);
    expect(bySite[1]?.people.optionShares).toMatchObject({ 'direct-payment': '0.5000', mixed: '0.5000' });
    expect(bySite[4]?.people.optionShares.none).toBeNull();
  });

  it('over the year, 5 budgets are active but only 3 people; 3 budgets are live but 2 people', () => {
    const [year] = rows(events, [], 'year');
    expect(year?.budgets).toEqual({ live: 3, active: 5 });
    expect(year?.people).toMatchObject({ live: 2, active: 3, integrated: 1 });
  });

  it('allocation shares by stream beside spend shares', () => {
    // east Q2 to date: health 1000 (E1) + 1500 (E4), social care 1000 (E1) + 3000 (E3).
    expect(bySite[1]?.allocationShares).toEqual({
      health: '0.3846',
      'social-care': '0.6154',
      education: '0.0000',
      contribution: '0.0000',
    });
    // east Q3: E2 2000 + E4 1500 health, E3 3000 social care (E1 is no longer active).
    expect(bySite[2]?.allocationShares.health).toBe('0.5385');
    expect(bySite[2]?.spendShares.health).toBe('1.0000'); // the only spend: 100.00 on E2
  });

  it('change requests: received, agreed, waiting with ages, decided within 7 days of those due', () => {
    // Q1: E3-cr1 (1 May 10:00) agreed 4 May 10:00 (3 days); E3-cr2 (26 June 09:00) waits at 30 June
    //     (4 days 15 hours to the end of the day = 4.63), agreed 10 July (14 days): due, not within.
    // Q2: E4-cr3 (20 September 12:00) never answered: 10.5 days old at 30 September, due, not within.
    // Q3: E4-cr3 is 71.5 days old at 30 November, E4-cr4 (28 November 12:00) 2.5 days: median 37,
    //     p90 2.5 + 0.9 x 69 = 64.6; E4-cr4's 7 days have not run out, so nothing is due.
    // west Q2: W1-cr5 (1 August) was never answered (due, not within) but the budget closed on
    //     15 August, so nothing waits at 30 September.
    expect(bySite.map(requests)).toEqual([
      'east 2024-25 Q1 | 2 1 0 | 1 0 4.63/4.63/4.63 | 2 1 0.5000 | 1 3',
      'east 2024-25 Q2 | 1 1 0 | 1 1 10.5/10.5/10.5 | 1 0 0.0000 | 1 14',
      'east 2024-25 Q3 | 1 0 0 | 2 1 37/64.6/71.5 | 0 0 - | 0 -',
      'west 2024-25 Q1 | 0 0 0 | 0 0 -/-/- | 0 0 - | 0 -',
      'west 2024-25 Q2 | 1 0 0 | 0 0 -/-/- | 1 0 0.0000 | 0 -',
    ]);
    // The agreed-only lead time keeps its meaning: E3-cr1 in Q1, E3-cr2 in Q2.
    expect(bySite.map((r) => r.planChangeLeadTime.count)).toEqual([1, 1, 0, 0, 0]);
  });

  it('outcome change per instrument, first to latest across a person’s budgets', () => {
    // P1 gas: 2 April mean(-1, -2) = -1.5 (E1), 1 September mean(1, 0) = 0.5 (E1), 1 November 2 (E2).
    //   Q2: +2.00 after 152 days; Q3: -1.5 -> 2 = +3.50, gaps 152 and 61 days (median 106.5,
    //   p90 61 + 0.9 x 91 = 142.9): E1 is not active in Q3, its measures still count for P1.
    // P2 poet: 1 May mean(2, 3, 1) = 2 (E3), 15 November mean(2, 2, 2) = 2: unchanged after 198 days.
    // P3 swemwbs: 1 June 3, 10 August 2: worse by 1 after 70 days.
    expect(bySite.flatMap(change)).toEqual([
      'east 2024-25 Q1 gas | 1 0 - | 0/0/0 | 0 -/-',
      'east 2024-25 Q1 poet | 1 0 - | 0/0/0 | 0 -/-',
      'east 2024-25 Q2 gas | 1 1 2.00 | 1/0/0 | 1 152/152',
      'east 2024-25 Q2 poet | 1 0 - | 0/0/0 | 0 -/-',
      'east 2024-25 Q3 gas | 1 1 3.50 | 1/0/0 | 2 106.5/142.9',
      'east 2024-25 Q3 poet | 1 1 0.00 | 0/1/0 | 1 198/198',
      'west 2024-25 Q1 swemwbs | 1 0 - | 0/0/0 | 0 -/-',
      'west 2024-25 Q2 swemwbs | 1 1 -1.00 | 0/0/1 | 1 70/70',
    ]);
    expect(bySite.map((r) => r.outcomeRecords)).toEqual([2, 1, 2, 1, 1]);
    // No grouping, whole year: three people measured twice, mean (3.5 + 0 - 1) / 3 = 0.83.
    const [year] = rows(events, [], 'year');
    expect(
      year?.outcomeChange.map((o) => [o.instrument, o.peopleMeasuredTwice, o.meanChange, o.shareImproved]),
    ).toEqual([
      ['gas', 1, '3.50', '1.0000'],
      ['poet', 1, '0.00', '0.0000'],
      ['swemwbs', 1, '-1.00', '0.0000'],
    ]);
  });

  it('the CSV carries the new columns', () => {
    const facts = factsOfEvents(events);
    const csv = outcomesCsv(
      outcomesJson(
        outcomeCells(facts, { by: ['site'], period: 'quarter' }),
        ['site'],
        'quarter',
        facts.latest,
      ),
    );
    const [head, , , q3] = csv.split('\n').map((l) => l.split(','));
    const at = (name: string) => q3?.[head?.indexOf(name) ?? -1];
    expect(at('people_live')).toBe('2');
    expect(at('people_option_mixed')).toBe('1');
    expect(at('requests_pending_at_end')).toBe('2');
    expect(at('requests_pending_age_max_days')).toBe('71.5');
    expect(at('share_of_allocated_health')).toBe('0.5385');
    expect(at('outcome_gas_mean_change')).toBe('3.50');
    expect(at('outcome_poet_median_days_between')).toBe('198');
  });
});

describe('declined requests (counted from the facts; the log gains its declining event with the rules for it)', () => {
  it('a refusal decides a request: it no longer waits, counts as declined and as a decision', () => {
    const facts = factsOfEvents(events);
    const e4 = facts.budgets.get('E4');
    expect(e4?.changeRequests.map((c) => c.id)).toEqual(['E4-cr3', 'E4-cr4']);
    // E4-cr3 (asked 20 September 12:00) declined on 25 September 12:00: 5 days.
    e4?.declines.push({ seq: 99, id: 'E4-cr3', at: '2024-09-25T12:00:00.000Z' });
    // A refusal of a request the budget never had is ignored.
    e4?.declines.push({ seq: 100, id: 'no-such-request', at: '2024-09-26T12:00:00.000Z' });
    const r = outcomesJson(
      outcomeCells(facts, { by: ['site'], period: 'quarter' }),
      ['site'],
      'quarter',
      facts.latest,
    ).rows;
    // Q2: E3-cr2 agreed after 14 days, E4-cr3 declined after 5 (median 9.5); nothing waits;
    // E4-cr3 was decided within its 7 days. Q3: only E4-cr4 (2.5 days) waits.
    expect(r.map(requests).slice(0, 3)).toEqual([
      'east 2024-25 Q1 | 2 1 0 | 1 0 4.63/4.63/4.63 | 2 1 0.5000 | 1 3',
      'east 2024-25 Q2 | 1 1 1 | 0 0 -/-/- | 1 1 1.0000 | 2 9.5',
      'east 2024-25 Q3 | 1 0 0 | 1 0 2.5/2.5/2.5 | 0 0 - | 0 -',
    ]);
    // The facts' JSON form carries refusals across worker boundaries.
    expect(JSON.stringify(factsToJson(facts))).toContain(
      '"declines":[[99,"E4-cr3","2024-09-25T12:00:00.000Z"]',
    );
  });
});

describe('the same figures from a pseudonymised release', () => {
  const a = release(events, KEY_A);
  const b = release(events, KEY_B);
  const personRefs = (evs: readonly LedgerEvent[]) =>
    evs.flatMap((e) => (e.type === 'BudgetOpened' ? [e.data.personRef] : []));

  it('keeps one pseudonym per person within a release, different ones across releases', () => {
    // Budgets E1, E2 (P1), E3, E4 (P2), W1 (P3) in order of opening: P1, P1, P2, P3, P2.
    const original = personRefs(events);
    const inA = personRefs(a);
    const inB = personRefs(b);
    expect(new Set(original).size).toBe(3);
    expect(inA.map((p) => inA.indexOf(p))).toEqual(original.map((p) => original.indexOf(p)));
    expect(new Set(inA).size).toBe(3);
    expect(inA.filter((p) => inB.includes(p))).toEqual([]);
    const text = JSON.stringify(a);
    for (const s of [...PEOPLE_SECRETS.personRefs, ...PEOPLE_SECRETS.freeText]) expect(text).not.toContain(s);
    expect(JSON.stringify(events)).toContain(PEOPLE_SECRETS.freeText[0]);
  });

  it('gives every figure of the original, with every grouping', () => {
    for (const by of [['site'], ['site', 'cohort', 'basis', 'option'], []] as Dimension[][]) {
      for (const period of ['month', 'quarter', 'year'] as PeriodKind[]) {
        const want = JSON.stringify(rows(events, by, period));
        expect(JSON.stringify(rows(a, by, period)), `${by.join(',')} ${period}`).toBe(want);
        expect(JSON.stringify(rows(b, by, period))).toBe(want);
      }
    }
  });
});

describe('ipb outcomes on the hand-written log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ipb-people-'));
  const log = join(dir, 'people.jsonl');
  beforeAll(async () => {
    writeFileSync(log, peopleLedger().toLog());
    await ensureBuilt();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the library figures, byte for byte the same for 1, 2 and 5 readers', async () => {
    const by = 'site,cohort,basis,option';
    const runs = await Promise.all(
      [1, 2, 5].map((w) =>
        ipb([
          'outcomes',
          log,
          '--by',
          by,
          '--period',
          'month',
          '--format',
          'json',
          '--workers',
          String(w),
          '--min-range-bytes',
          '1024',
        ]),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[1]?.stdout).toBe(runs[0]?.stdout);
    expect(runs[2]?.stdout).toBe(runs[0]?.stdout);
    const parsed = JSON.parse(runs[0]?.stdout ?? '{}') as { rows: unknown };
    expect(parsed.rows).toEqual(
      JSON.parse(JSON.stringify(rows(events, by.split(',') as Dimension[], 'month'))),
    );
  });
});
