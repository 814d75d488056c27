/** Double-entry postings: every event balances, and postings give the ledger's own balances. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Ledger,
  Money,
  accountBalancesOf,
  accountComponent,
  accounts,
  balanceAssertions,
  balances,
  budgetIdOfComponent,
  eventIdFor,
  journalOf,
  journalSafeText,
  journalText,
  periodEnds,
  projectedAccountBalances,
  transactionSum,
  writeJournal,
  MONEY_EVENT_TYPES,
  type Command,
  type JournalSink,
  type LedgerEvent,
  type TimeFilter,
} from 'ipb-ledger';
import { KARL, karlLedger } from '../examples/karl.js';
import { RUNS, eventsOf, historyArb } from './arbitraries.js';
import { generateLog } from './journal-gen.js';

/** Logs from the core generators (few budgets, short) and from the journal generator (backdated, wide). */
const logArb: fc.Arbitrary<readonly LedgerEvent[]> = fc.oneof(
  historyArb.map(eventsOf),
  fc
    .record({ seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), size: fc.integer({ min: 10, max: 250 }) })
    .map(({ seed, size }) => generateLog(seed, size, 1 + (seed % 4)).events),
);

/** A log and a time filter drawn from its own event times (or none). */
const logAndFilterArb = logArb.chain((events) => {
  const times = events.flatMap((e) => [e.occurredAt, e.recordedAt]);
  const time =
    times.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...times), { nil: undefined });
  return fc.tuple(fc.constant(events), time, time).map(([ev, asOf, knownAt]) => {
    const filter: { asOf?: string; knownAt?: string } = {};
    if (asOf !== undefined) filter.asOf = asOf;
    if (knownAt !== undefined) filter.knownAt = knownAt;
    return { events: ev, filter: filter as TimeFilter };
  });
});

function sameBalances(a: ReadonlyMap<string, Money>, b: ReadonlyMap<string, Money>): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k) ?? Money.zero;
    const y = b.get(k) ?? Money.zero;
    if (!x.equals(y)) out.push(`${k}: postings ${x}, projections ${y}`);
  }
  return out.sort();
}

describe('postings (property)', () => {
  it("every event's postings sum to zero, and every money event that moves money has them", () => {
    fc.assert(
      fc.property(logArb, (events) => {
        const j = journalOf(events);
        for (const t of j.transactions) {
          expect(transactionSum(t).isZero(), `${t.type} ${t.eventId}`).toBe(true);
          expect(t.postings.length).toBeGreaterThanOrEqual(2);
          expect(MONEY_EVENT_TYPES).toContain(t.type);
          for (const p of t.postings) expect(p.amount.isZero(), p.account).toBe(false);
        }
        const booked = new Set(j.transactions.map((t) => t.eventId));
        for (const e of events) {
          const moves =
            e.type === 'FundingAllocated' ||
            e.type === 'FundsPaid' ||
            e.type === 'SurplusReclaimed' ||
            e.type === 'FundingAdjusted' ||
            e.type === 'SpendRecorded';
          if (moves) expect(booked.has(e.eventId), `${e.type} ${e.eventId} has no postings`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, 180_000);

  it("balances from postings equal the ledger's projections, account by account, under any time filter", () => {
    fc.assert(
      fc.property(logAndFilterArb, ({ events, filter }) => {
        const fromPostings = accountBalancesOf(journalOf(events, filter).transactions);
        const fromProjections = projectedAccountBalances(events, filter);
        expect(sameBalances(fromPostings, fromProjections)).toEqual([]);
        // and the budget-level figures are the contract balances exactly
        for (const b of balances(events, filter).budgets) {
          for (const [stream, x] of b.streams) {
            const spent = Money.sum(
              [...fromPostings]
                .filter(([a]) => a.startsWith(`budget:${accountComponent(b.budgetId)}:${stream}:spent:`))
                .map(([, m]) => m),
            );
            expect(spent.toString()).toBe(x.spent.toString());
            expect((fromPostings.get(accounts.available(b.budgetId, stream)) ?? Money.zero).toString()).toBe(
              x.remaining.toString(),
            );
            expect(
              (fromPostings.get(accounts.funder(stream, b.budgetId)) ?? Money.zero).negate().toString(),
            ).toBe(x.allocated.toString());
          }
        }
      }),
      { numRuns: RUNS },
    );
  }, 180_000);

  it('each period-end assertion (from the projections) equals the postings dated up to that day', () => {
    fc.assert(
      fc.property(logArb, (events) => {
        const j = journalOf(events);
        const asserted = balanceAssertions(j.events, j.budgetIds, 'month');
        const budgets = new Set(events.filter((e) => e.type === 'BudgetOpened').map((e) => e.budgetId));
        if (budgets.size > 0 && j.transactions.length > 0) expect(asserted.length).toBeGreaterThan(0);
        for (const a of asserted) {
          const sum = Money.sum(
            j.transactions
              .filter((t) => t.date <= a.date)
              .flatMap((t) => t.postings.filter((p) => p.account === a.account).map((p) => p.amount)),
          );
          expect(sum.toString(), `${a.account} on ${a.date}`).toBe(a.balance.toString());
        }
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
  }, 180_000);
});

describe('postings (examples)', () => {
  const events = karlLedger().events();
  const text = journalText(events);

  it("books Karl's first 50/50 spend as two balanced pairs, with the odd penny on health", () => {
    expect(text).toContain(
      [
        '2018-04-30 * notts-karl-2018 spend sp-0001 on line pa-support (personal-assistant): Personal assistant (April)',
        `    ; event:${eventIdFor('notts-karl-2018', 'karl-cmd-011', 0)}, seq:11, type:SpendRecorded`,
        '    budget:notts-karl-2018:health:spent:personal-assistant  750.01 GBP',
        '    budget:notts-karl-2018:health:available  -750.01 GBP',
        '    budget:notts-karl-2018:social-care:spent:personal-assistant  750.00 GBP',
        '    budget:notts-karl-2018:social-care:available  -750.00 GBP',
      ].join('\n'),
    );
  });

  it('asserts each stream at each month end with the balances the ledger reports', () => {
    expect(text).toContain(
      [
        '2018-07-31 * notts-karl-2018 balances at period end',
        '    budget:notts-karl-2018:health:available  0.00 GBP = 12900.82 GBP',
        '    budget:notts-karl-2018:social-care:available  0.00 GBP = 12995.84 GBP',
      ].join('\n'),
    );
    const months = [
      ...text.matchAll(/^(\d{4}-\d{2}-\d{2}) \* notts-karl-2018 balances at period end$/gm),
    ].map((m) => m[1]);
    expect(months).toEqual(['2018-04-30', '2018-05-31', '2018-06-30', '2018-07-31']);
  });

  it('declares no commodity (so no display precision can hide an imbalance) and dates every line', () => {
    expect(text).not.toMatch(/^\s*commodity\b/m);
    expect(text).not.toMatch(/^D /m);
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith(';') || line.startsWith('    ')) continue;
      expect(line).toMatch(/^\d{4}-\d{2}-\d{2} \* \S/);
    }
  });

  it('a reversal recorded as occurring before its spend is dated on the spend’s date', () => {
    const l = new Ledger();
    const at = (t: string, occurred = t) => ({ occurredAt: occurred, recordedAt: t });
    const base = { budgetId: 'rv', actor: { id: 'fin', role: 'finance' as const } };
    const cmds: Command[] = [
      {
        ...base,
        type: 'OpenBudget',
        commandId: 'c1',
        ...at('2025-01-01T09:00:00.000Z'),
        data: {
          personRef: 'p',
          site: 's',
          cohort: 'other',
          basis: 'joint',
          streams: ['health'],
          periodStart: '2025-01-01',
          periodEnd: '2025-12-31',
        },
      },
      {
        ...base,
        type: 'AllocateFunding',
        commandId: 'c2',
        ...at('2025-01-02T09:00:00.000Z'),
        data: { stream: 'health', amount: Money.of('100.00'), stage: 'agreed' },
      },
      {
        ...base,
        actor: { id: 'co', role: 'coordinator' },
        type: 'ProposePlan',
        commandId: 'c3',
        ...at('2025-01-03T09:00:00.000Z'),
        data: {
          planVersion: 1,
          lines: [
            {
              lineId: 'L',
              category: 'therapy',
              option: 'notional',
              amount: Money.of('100.00'),
              shares: { health: 1 },
            },
          ],
        },
      },
      {
        ...base,
        actor: { id: 'p', role: 'holder' },
        type: 'AgreePlan',
        commandId: 'c4',
        ...at('2025-01-03T10:00:00.000Z'),
        data: { planVersion: 1, agreedOn: '2025-01-03' },
      },
      {
        ...base,
        type: 'RecordSpend',
        commandId: 'c5',
        ...at('2025-03-10T09:00:00.000Z'),
        data: {
          spendId: 's1',
          lineId: 'L',
          amount: Money.of('10.00'),
          spentOn: '2025-03-10',
          payee: 'x',
          evidenceRef: 'e',
        },
      },
      {
        ...base,
        type: 'ReverseSpend',
        commandId: 'c6',
        ...at('2025-03-11T09:00:00.000Z', '2025-02-01T09:00:00.000Z'),
        data: { spendId: 's1', reason: 'entered in error' },
      },
    ];
    for (const c of cmds) l.recordOrThrow(c);
    const j = journalOf(l.events());
    const reversal = j.transactions.find((t) => t.type === 'SpendReversed');
    expect(reversal?.date).toBe('2025-03-10');
    // at the end of February the ledger shows no spend at all (the spend had not happened)
    const feb = balanceAssertions(j.events, j.budgetIds, 'month').find((a) => a.date === '2025-02-28');
    expect(feb?.balance.toString()).toBe('100.00');
  });

  it('keeps budget ids with ":" as one account component, reversibly', () => {
    expect(accountComponent('site:2019:7')).toBe('site%3A2019%3A7');
    expect(budgetIdOfComponent(accountComponent('site:2019:7'))).toBe('site:2019:7');
    expect(accounts.available('a:b', 'health')).toBe('budget:a%3Ab:health:available');
  });

  it('makes free text safe for one journal line', () => {
    expect(journalSafeText('Agency; "quoted"\nsecond\tline')).toBe('Agency, "quoted" second line');
    expect(journalSafeText('x'.repeat(200))).toHaveLength(80);
    expect(journalSafeText(`${'é'.repeat(79)}\ud83d\ude00\ud83d\ude00`)).toBe(`${'é'.repeat(77)}...`);
    expect(journalSafeText('lone \ud800 surrogate')).toBe('lone ? surrogate');
  });

  it('lists period ends by month or quarter (with the last month end)', () => {
    expect(periodEnds('2024-01-15', '2024-04-02', 'month')).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    expect(periodEnds('2024-01-15', '2024-08-02', 'quarter')).toEqual([
      '2024-03-31',
      '2024-06-30',
      '2024-08-31',
    ]);
    expect(journalText(events, { assertions: 'none' })).not.toContain('balances at period end');
  });

  it('a time filter exports only what the ledger knew then', () => {
    const filter = { knownAt: '2018-05-31T23:59:59.999Z' };
    const j = journalOf(events, filter);
    expect(j.transactions.every((t) => t.date <= '2018-05-31')).toBe(true);
    expect(sameBalances(accountBalancesOf(j.transactions), projectedAccountBalances(events, filter))).toEqual(
      [],
    );
    expect(journalOf(events, { asOf: '2018-01-01T00:00:00.000Z' }).budgetIds).toEqual([]);
  });

  it('writeJournal waits for drain and writes the same text', async () => {
    const chunks: string[] = [];
    let drains = 0;
    const sink: JournalSink = {
      write(chunk) {
        chunks.push(chunk);
        return chunks.length % 2 === 0;
      },
      once(_event, listener) {
        drains += 1;
        setImmediate(listener);
      },
    };
    const big = generateLog(7, 3000).events;
    const summary = await writeJournal(big, sink);
    expect(chunks.join('')).toBe(journalText(big));
    expect(chunks.length).toBeGreaterThan(1);
    expect(drains).toBeGreaterThan(0);
    expect(summary.transactions).toBe(journalOf(big).transactions.length);
    expect(summary.budgets).toBe(new Set(big.map((e) => e.budgetId)).size);
  }, 120_000);

  it('every money event of Karl’s year is booked once', () => {
    const j = journalOf(events);
    expect(j.budgetIds).toEqual([KARL]);
    expect(j.transactions.map((t) => t.type)).toEqual([
      'FundingAllocated',
      'FundingAllocated',
      'FundingAllocated',
      'FundingAllocated',
      'FundsPaid',
      'FundsPaid',
      'SpendRecorded',
      'SpendRecorded',
      'SpendRecorded',
      'SpendReversed',
      'SpendRecorded',
      'SpendRecorded',
    ]);
  });
});
