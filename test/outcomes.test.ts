import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ExactMultiset,
  Money,
  penceString,
  stringPence,
  balances,
  combineFacts,
  daysOf,
  emptyFacts,
  factsFromJson,
  factsOfEvents,
  factsToJson,
  flagsOf,
  mergeCells,
  mergeFacts,
  outcomeCells,
  outcomesCsv,
  outcomesJson,
  periodOf,
  periodsBetween,
  planHistory,
  replay,
  type Dimension,
  type LedgerEvent,
  type OutcomeCells,
  type OutcomeFacts,
  type OutcomeRowJson,
  type PeriodKind,
} from 'ipb-ledger';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { outcomesInOnePass, outcomesOfHalves } from '../docs/snippets/outcomes.js';
import { handLedger } from './outcomes-fixtures.js';

const hand = handLedger().events();
const site = ipcSiteLedger().events();
const AS_OF_Q2 = { asOf: '2024-09-30T23:59:59.999Z' };

function rowsOf(
  events: readonly LedgerEvent[],
  by: Dimension[],
  period: PeriodKind,
  filter = {},
): readonly OutcomeRowJson[] {
  const facts = factsOfEvents(events, filter);
  const horizon =
    'asOf' in filter ? (filter as { asOf: string }).asOf.slice(0, 10) : (facts.latest as string);
  return outcomesJson(outcomeCells(facts, { by, period, horizon }), by, period, horizon).rows;
}

/** The columns the hand-written tables below list. */
function brief(r: OutcomeRowJson): string[] {
  return [
    Object.values(r.group).join('/'),
    r.period.label,
    r.period.asAt,
    `${r.budgets.live}/${r.budgets.active}`,
    r.money.health.allocated,
    r.money['social-care'].allocated,
    r.money.health.spent,
    r.money['social-care'].spent,
    r.money.health.reclaimed,
    r.money.total.allocatedToDate,
    r.money.total.spentToDate,
    r.money.total.remaining,
    r.money.total.underspend ?? '-',
    r.spendShares.health ?? '-',
    r.spendShares['social-care'] ?? '-',
    String(r.changeRequests),
    `${r.planChangeLeadTime.count} ${r.planChangeLeadTime.medianDays ?? '-'} ${r.planChangeLeadTime.p90Days ?? '-'} ${r.planChangeLeadTime.shareWithin7Days ?? '-'}`,
    `${r.referralToAgreedPlan.count} ${r.referralToAgreedPlan.medianDays ?? '-'} ${r.referralToAgreedPlan.p90Days ?? '-'}`,
    `${r.reviews.onTime}/${r.reviews.late}/${r.reviews.overdueAtEnd}`,
    `${r.flags.overspend} ${r.flags.offPlan} ${r.flags.overspendPer100Budgets ?? '-'} ${r.flags.offPlanPer100Budgets ?? '-'}`,
  ];
}

describe('outcomes of a small multi-site log, worked out by hand', () => {
  it('by site and quarter, as of 30 September 2024', () => {
    // group  period  asAt  live/active  alloc h  alloc sc  spent h  spent sc  reclaimed h
    // allocated to date  spent to date  remaining  underspend  share h  share sc  change requests
    // lead (count median p90 within-7 share)  referral (count median p90)  reviews ok/late/overdue
    // flags (overspend off-plan per-100 per-100)
    expect(rowsOf(hand, ['site'], 'quarter', AS_OF_Q2).map(brief)).toEqual([
      // east Q1: A and B live. A: 1000 + 1000 agreed in March count from 1 April; B: 500.
      // Spent: A 100.01 split 50.01/50.00, B 450.00. A's change: 3 June 10:00 -> 6 June 10:00.
      // A's referral 1 March 09:00 -> first plan agreed 25 March 09:00 = 24 days (counted in
      // the budget's first quarter). A's review on 20 June is before 1 July (3 months): on time.
      [
        'east',
        '2024-25 Q1',
        '2024-06-30',
        '2/2',
        '1000.00',
        '1500.00',
        '50.01',
        '500.00',
        '0.00',
        '2500.00',
        '550.01',
        '1949.99',
        '0.7800',
        '0.0909',
        '0.9091',
        '1',
        '1 3 3 1.0000',
        '1 24 24',
        '1/0/0',
        '0 0 0.00 0.00',
      ],
      // east Q2: B closed on 15 September: active, not live. A spent 300 (the 40 was reversed),
      // B 100 more (550 of 500: the line and the stream are overspent: 2 flags), A 100 reclaimed.
      [
        'east',
        '2024-25 Q2',
        '2024-09-30',
        '1/2',
        '0.00',
        '0.00',
        '150.00',
        '250.00',
        '100.00',
        '2500.00',
        '950.01',
        '1449.99',
        '0.5800',
        '0.3750',
        '0.6250',
        '0',
        '0 - - -',
        '0 - -',
        '0/0/0',
        '2 0 100.00 0.00',
      ],
      // west Q2: C starts 1 July (its June allocation and plan count from then). Change request
      // 1 August 00:00 -> agreed 11 August 00:00 = 10 days. Referral 1 June -> 21 June = 20 days.
      // One off-plan attempt (a holiday). The spend of 5 October is after the as-of date.
      [
        'west',
        '2024-25 Q2',
        '2024-09-30',
        '1/1',
        '1200.00',
        '0.00',
        '100.00',
        '0.00',
        '0.00',
        '1200.00',
        '100.00',
        '1100.00',
        '0.9167',
        '1.0000',
        '0.0000',
        '1',
        '1 10 10 0.0000',
        '1 20 20',
        '0/0/0',
        '0 1 0.00 100.00',
      ],
    ]);
  });

  it('all budgets for the financial year: medians and 90th percentiles interpolate', () => {
    // Lead times {3, 10} days: median 6.5, p90 = 3 + 0.9 * 7 = 9.3; referrals {24, 20}: median
    // 22, p90 = 20 + 0.9 * 4 = 23.6. Flags per 100 of 3 active budgets: 200/3, 100/3.
    expect(rowsOf(hand, [], 'year', AS_OF_Q2).map(brief)).toEqual([
      [
        '',
        '2024-25',
        '2024-09-30',
        '2/3',
        '2200.00',
        '1500.00',
        '300.01',
        '750.00',
        '100.00',
        '3700.00',
        '1050.01',
        '2549.99',
        '0.6892',
        '0.2857',
        '0.7143',
        '2',
        '2 6.5 9.3 0.5000',
        '2 22 23.6',
        '1/0/0',
        '2 1 66.67 33.33',
      ],
    ]);
  });

  it('by management option: a budget is grouped by the plan in force at the period end', () => {
    const rows = rowsOf(hand, ['option'], 'year', AS_OF_Q2);
    // A's plan 2 mixes a direct payment and a notional line; B is notional; C third party.
    expect(rows.map((r) => [r.group.option, r.budgets.live, r.budgets.active, r.money.total.spent])).toEqual([
      ['mixed', 1, 1, '400.01'],
      ['notional', 0, 1, '550.00'],
      ['third-party', 1, 1, '100.00'],
    ]);
    // Spend by the option of the line it was spent on is reported in every row too.
    expect(rows[0]?.spentByOption).toMatchObject({ 'direct-payment': '400.01', notional: '0.00' });
    expect(rows[1]?.spentByCategory).toMatchObject({ 'community-activity': '550.00' });
    expect(rows[1]?.reclaimsByReason.surplus).toEqual({ count: 0, amount: '0.00' });
    expect(rows[0]?.reclaimsByReason.surplus).toEqual({ count: 1, amount: '100.00' });
  });

  it('without --as-of the horizon is the latest date in the log: Q3 shows only what is live then', () => {
    const rows = rowsOf(hand, ['site'], 'quarter');
    const q3 = rows.filter((r) => r.period.label === '2024-25 Q3');
    // B closed in Q2, so it is not active in Q3; the horizon is C's last spend (recorded 6 October).
    expect(
      q3.map((r) => [r.group.site, r.period.asAt, r.budgets.live, r.budgets.active, r.money.total.spent]),
    ).toEqual([
      ['east', '2024-10-06', 1, 1, '0.00'],
      ['west', '2024-10-06', 1, 1, '50.00'],
    ]);
  });

  it('CSV has one header and one line per row, money as exact strings', () => {
    const facts = factsOfEvents(hand, AS_OF_Q2);
    const csv = outcomesCsv(
      outcomesJson(
        outcomeCells(facts, { by: ['site'], period: 'quarter' }),
        ['site'],
        'quarter',
        facts.latest,
      ),
    );
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = (lines[0] as string).split(',');
    const east1 = (lines[1] as string).split(',');
    const col = (name: string) => east1[header.indexOf(name)];
    expect(col('site')).toBe('east');
    expect(col('health_spent')).toBe('50.01');
    expect(col('total_underspend')).toBe('0.7800');
    expect(col('lead_time_median_days')).toBe('3');
    expect(col('education_underspend')).toBe('');
    expect(header.length).toBe(east1.length);
  });
});

describe('outcomes agree with the ledger projections (site example)', () => {
  const facts = factsOfEvents(site);
  const rows = outcomesJson(outcomeCells(facts, { period: 'month' }), [], 'month', facts.latest).rows;

  it('flows summed over every month equal the contract balances of the whole log, to the penny', () => {
    const b = balances(site);
    for (const [i, stream] of (['health', 'social-care', 'education', 'contribution'] as const).entries()) {
      const want = (k: 'allocated' | 'spent' | 'reclaimed') =>
        Money.sum(b.budgets.flatMap((x) => x.streams.filter(([s]) => s === stream).map(([, v]) => v[k])));
      for (const k of ['allocated', 'spent', 'reclaimed'] as const) {
        const got = Money.sum(rows.map((r) => Money.of(r.money[stream][k])));
        expect(got.toString(), `${stream} ${k} (${i})`).toBe(want(k).toString());
      }
      // The last month's row holds the budgets still running then (not ipc-s-006, renewed in October).
      const last = rows[rows.length - 1];
      const running = new Set(
        site.flatMap((e) =>
          e.type === 'BudgetOpened' && e.data.periodEnd >= (last?.period.start ?? '') ? [e.budgetId] : [],
        ),
      );
      expect(running.size).toBe(b.budgets.length - 1);
      expect(last?.money[stream].remaining).toBe(
        Money.sum(
          b.budgets
            .filter((x) => running.has(x.budgetId))
            .flatMap((x) => x.streams.filter(([s]) => s === stream).map(([, v]) => v.remaining)),
        ).toString(),
      );
    }
  });

  it('flags at the horizon and lead times equal flagsOf and planHistory', () => {
    const r = replay(site);
    let overspend = 0;
    let offPlan = 0;
    const leads: number[] = [];
    for (const [id, s] of r.entries()) {
      for (const f of flagsOf(id, s)) {
        if (f.kind === 'overspend-line' || f.kind === 'overspend-stream') overspend += 1;
        if (f.kind === 'off-plan') offPlan += 1;
      }
      for (const p of planHistory(s).plans) if (p.leadTimeDays !== undefined) leads.push(p.leadTimeDays);
    }
    const last = rows[rows.length - 1];
    expect(last?.flags.overspend).toBe(overspend);
    expect(overspend).toBe(2);
    expect(rows.reduce((a, x) => a + x.flags.offPlan, 0)).toBe(offPlan);
    expect(rows.reduce((a, x) => a + x.planChangeLeadTime.count, 0)).toBe(leads.length);
    const year = outcomesJson(outcomeCells(facts, {}), [], 'year', facts.latest).rows[0];
    const m = new ExactMultiset();
    for (const d of leads) m.add(Math.round(d * 86_400_000));
    expect(year?.planChangeLeadTime.medianDays).toBe(daysOf(m.median()));
  });

  it('live at the period end never exceeds active in the period', () => {
    for (const r of rows) expect(r.budgets.live).toBeLessThanOrEqual(r.budgets.active);
    const handRows = rowsOf(hand, ['site'], 'month');
    expect(handRows.some((r) => r.budgets.live < r.budgets.active)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Merging: any partition of a log gives the same facts and the same outcomes.

const canon = (f: OutcomeFacts): string => JSON.stringify(factsToJson(f));
const canonCells = (c: OutcomeCells): string =>
  JSON.stringify(outcomesJson(c, ['site', 'cohort', 'option'], 'quarter', null).rows);
const OPTS = { by: ['site', 'cohort', 'option'] as Dimension[], period: 'quarter' as const };

/** Cuts a list into contiguous parts at sorted cut points. */
function cut<T>(xs: readonly T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (xs.length + 1)))].sort((a, b) => a - b);
  const parts: T[][] = [];
  let from = 0;
  for (const p of [...points, xs.length]) {
    parts.push(xs.slice(from, p));
    from = p;
  }
  return parts;
}

describe('outcome facts merge exactly', () => {
  const whole = factsOfEvents(site);
  const wholeText = canon(whole);
  const horizon = whole.latest as string;
  const wholeCells = canonCells(outcomeCells(whole, { ...OPTS, horizon }));
  const budgetIds = [...new Set(site.map((e) => e.budgetId))];

  it('property: contiguous chunks of the log (as byte ranges give) merge into the one-pass facts', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 9 }), (cuts) => {
        const merged = cut(site, cuts)
          .map((part) => factsOfEvents(part))
          .reduce((a, b) => mergeFacts(a, b), emptyFacts());
        expect(canon(merged)).toBe(wholeText);
      }),
      { numRuns: 40 },
    );
  });

  it('property: any partition by budget merges into the same facts; by person, its cells into the same cells', () => {
    const personOf = new Map(
      site.flatMap((e) => (e.type === 'BudgetOpened' ? [[e.budgetId, e.data.personRef] as const] : [])),
    );
    const people = [...new Set(personOf.values())].sort();
    expect(people.length).toBeLessThan(budgetIds.length); // the example has renewals
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 4 }), { minLength: budgetIds.length, maxLength: budgetIds.length }),
        fc.array(fc.nat({ max: 4 }), { minLength: people.length, maxLength: people.length }),
        (groups, personGroups) => {
          const part = new Map(budgetIds.map((id, i) => [id, groups[i] ?? 0]));
          const parts = [0, 1, 2, 3, 4].map((g) => site.filter((e) => part.get(e.budgetId) === g));
          const facts = parts.map((p) => factsOfEvents(p));
          expect(canon(facts.reduce((a, b) => combineFacts(a, b), emptyFacts()))).toBe(wholeText);
          // Cells hold people (counted once over their budgets): they merge over sets of people.
          const byPerson = new Map(people.map((p, i) => [p, personGroups[i] ?? 0]));
          const personParts = [0, 1, 2, 3, 4].map((g) =>
            site.filter((e) => byPerson.get(personOf.get(e.budgetId) ?? '') === g),
          );
          const cells = personParts.map((p) => outcomeCells(factsOfEvents(p), { ...OPTS, horizon }));
          expect(canonCells(cells.reduce((a, b) => mergeCells(a, b), new Map()))).toBe(wholeCells);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('property: merging is associative and commutative, the empty facts are its identity', () => {
    const parts = cut(site, [100, 250, 251, 500]).map((p) => factsOfEvents(p));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }),
        fc.nat(),
        (order, split) => {
          const k = split % (order.length + 1);
          const left = order.slice(0, k).reduce((a, b) => combineFacts(a, b), emptyFacts());
          const right = order.slice(k).reduce((a, b) => combineFacts(a, b), emptyFacts());
          expect(canon(combineFacts(right, left))).toBe(wholeText);
          expect(canon(combineFacts(emptyFacts(), left))).toBe(canon(left));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the JSON form round-trips and carries money as strings', () => {
    const json = factsToJson(whole);
    expect(canon(factsFromJson(JSON.parse(JSON.stringify(json))))).toBe(wholeText);
    // A spend crosses as [seq, spendId, lineId, spentOn, ...parts], its parts as money strings.
    expect(JSON.stringify(json)).toMatch(
      /\[\d+,"[^"]+","[^"]+","\d{4}-\d{2}-\d{2}","\d+\.\d{2}","\d+\.\d{2}"/,
    );
    expect(() => factsFromJson({ ...json, schema: 'nope' } as never)).toThrow('unknown schema');
  });

  it('fails when a part is merged twice (the property can catch double counting)', () => {
    const [a, b] = cut(site, [300]).map((p) => factsOfEvents(p));
    const twice = mergeFacts(
      mergeFacts(factsOfEvents([]), a as OutcomeFacts),
      factsFromJson(factsToJson(a as OutcomeFacts)),
    );
    expect(canon(mergeFacts(twice, b as OutcomeFacts))).not.toBe(wholeText);
  });
});

describe('money between workers', () => {
  it('property: pence to contract string and back is exact and agrees with Money', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (p) => {
        const s = penceString(p);
        expect(s).toBe(Money.fromPence(p).toString());
        expect(stringPence(s)).toBe(p);
      }),
    );
    expect(() => stringPence('-0.00')).toThrow('not a money string');
    expect(() => stringPence(12.5)).toThrow('not a money string');
  });

  it('the docs snippet: outcomes of two halves merged equal one pass', () => {
    const csv = outcomesOfHalves(site);
    expect(csv).toBe(outcomesInOnePass(site));
    expect(csv.split('\n')[1]).toMatch(/^north,2024-25 Q1,/);
  });
});

describe('exact quantiles', () => {
  /** Type 7 on a sorted list, with exact rationals written out by hand. */
  function reference(xs: number[], qNum: number, qDen: number): number {
    const s = [...xs].sort((a, b) => a - b);
    const h = ((s.length - 1) * qNum) / qDen;
    const k = Math.floor(h);
    const lo = s[k] as number;
    const hi = s[Math.min(k + 1, s.length - 1)] as number;
    return lo + (h - k) * (hi - lo);
  }

  it('property: the quantile of merged multisets equals the quantile of all values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 50 * 86_400_000 }), { maxLength: 30 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom([1, 2], [9, 10], [1, 4], [0, 1], [1, 1]),
        (parts, [qNum, qDen]) => {
          const merged = new ExactMultiset();
          for (const p of parts) {
            const m = new ExactMultiset();
            for (const v of p) m.add(v);
            merged.addAll(m);
          }
          const all = parts.flat();
          const q = merged.quantile(qNum as number, qDen as number);
          if (all.length === 0) {
            expect(q).toBeNull();
            return;
          }
          expect(q).not.toBeNull();
          const exact = Number(q?.num) / Number(q?.den);
          expect(Math.abs(exact - reference(all, qNum as number, qDen as number))).toBeLessThan(1e-3);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('median of an even count is the mean of the middle two, kept exact', () => {
    const m = ExactMultiset.fromEntries([
      [1, 1],
      [2, 1],
    ]);
    expect(m.median()).toEqual({ num: 3n, den: 2n });
    expect(m.quantile(9, 10)).toEqual({ num: 19n, den: 10n });
    expect(m.countAtMost(1)).toBe(1);
  });
});

describe('periods', () => {
  it('financial years and their quarters run April to March', () => {
    expect(periodOf('year', '2025-03-31')).toEqual({
      label: '2024-25',
      start: '2024-04-01',
      end: '2025-03-31',
    });
    expect(periodOf('year', '2025-04-01').label).toBe('2025-26');
    expect(periodOf('quarter', '2024-07-01')).toEqual({
      label: '2024-25 Q2',
      start: '2024-07-01',
      end: '2024-09-30',
    });
    expect(periodOf('quarter', '2025-02-28')).toEqual({
      label: '2024-25 Q4',
      start: '2025-01-01',
      end: '2025-03-31',
    });
    expect(periodOf('month', '2024-02-10')).toEqual({
      label: '2024-02',
      start: '2024-02-01',
      end: '2024-02-29',
    });
    expect(periodOf('year', '1999-12-31').label).toBe('1999-00');
  });

  it('lists the periods a span overlaps', () => {
    expect(periodsBetween('quarter', '2024-06-30', '2024-10-01').map((p) => p.label)).toEqual([
      '2024-25 Q1',
      '2024-25 Q2',
      '2024-25 Q3',
    ]);
    expect(periodsBetween('month', '2024-06-30', '2024-06-01')).toEqual([]);
  });
});
