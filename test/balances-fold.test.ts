/**
 * `BalancesFold` (what `ipb balances` runs: money only, each spend's parts kept as short text)
 * against `balances` (the full `Replay` of every budget's state): the same report for any
 * history, any time filter, any chunking, and for the odd logs a writer other than this
 * library could produce (a spend reversed twice, a spend id reused, a reversal of nothing).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BalancesFold,
  Money,
  balances,
  balancesJson,
  type LedgerEvent,
  type PendingEvent,
  type TimeFilter,
} from 'ipb-ledger';
import { RUNS, historyArb } from './arbitraries.js';

const json = (r: ReturnType<BalancesFold['report']>): string => JSON.stringify(balancesJson(r));

/** A time filter somewhere among the events' own times (or none). */
function filterAt(events: readonly LedgerEvent[], pick: number, kind: number): TimeFilter {
  const e = events[pick % Math.max(1, events.length)];
  if (e === undefined || kind === 0) return {};
  if (kind === 1) return { asOf: e.occurredAt };
  if (kind === 2) return { knownAt: e.recordedAt };
  return { asOf: e.occurredAt, knownAt: e.recordedAt };
}

/** Folds the events cut at `cuts` into one fold per part (partial after the first), merged in order. */
function mergedOver(
  events: readonly PendingEvent[],
  cuts: readonly number[],
  filter: TimeFilter,
  viaJson: boolean,
): BalancesFold {
  const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((x, y) => x - y);
  const bounds = [0, ...at, events.length];
  const whole = new BalancesFold(filter);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = events.slice(bounds[i], bounds[i + 1]);
    if (i === 0) {
      whole.addAll(part);
      continue;
    }
    const fold = BalancesFold.partial(filter).addAll(part);
    whole.merge(
      viaJson ? (JSON.parse(JSON.stringify(fold.toJson())) as ReturnType<BalancesFold['toJson']>) : fold,
    );
  }
  return whole;
}

describe('BalancesFold', () => {
  it('gives what balances() gives from a full replay, for any history and time filter', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.integer({ min: 0, max: 3 }), (h, pick, kind) => {
        const events = h.ledger.events();
        const filter = filterAt(events, pick, kind);
        const fold = new BalancesFold(filter).addAll(events);
        expect(json(fold.report())).toBe(JSON.stringify(balancesJson(balances(events, filter))));
        const first = events[0]?.budgetId;
        if (first !== undefined) {
          expect(json(fold.report(first))).toBe(
            JSON.stringify(balancesJson(balances(events, filter, first))),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same report however the events are fed in', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), (h, cut) => {
        const events = h.ledger.events();
        const at = cut % (events.length + 1);
        const fold = new BalancesFold();
        for (const e of events.slice(0, at)) fold.add(e);
        fold.addAll(events.slice(at));
        expect(json(fold.report())).toBe(json(new BalancesFold().addAll(events).report()));
      }),
      { numRuns: RUNS },
    );
  });

  it('property: folding any cuts of a history apart (partial folds) and merging in order gives the one fold', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.boolean(),
        (h, cuts, kind, pick, viaJson) => {
          const events = h.ledger.events();
          const filter = filterAt(events, pick, kind);
          expect(json(mergedOver(events, cuts, filter, viaJson).report())).toBe(
            json(new BalancesFold(filter).addAll(events).report()),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('agrees with the replay on reversals of nothing, twice-reversed spends and reused spend ids', () => {
    const base = {
      budgetId: 'b-odd',
      occurredAt: '2024-05-01T10:00:00.000Z',
      recordedAt: '2024-05-01T10:00:00.000Z',
      actor: { id: 'c', role: 'coordinator' },
      v: 1,
    } as const;
    let n = 0;
    const ev = (type: string, data: unknown): PendingEvent =>
      ({
        ...base,
        eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
        type,
        data,
      }) as PendingEvent;
    const spend = (spendId: string, health: string, care: string): PendingEvent =>
      ev('SpendRecorded', {
        spendId,
        lineId: 'l1',
        amount: Money.of(health).plus(Money.of(care)),
        spentOn: '2024-05-01',
        payee: 'p',
        evidenceRef: 'e',
        purpose: 'unspecified',
        split: { health: Money.of(health), 'social-care': Money.of(care) },
      });
    const events: PendingEvent[] = [
      ev('BudgetOpened', {
        personRef: 'p',
        site: 's',
        cohort: 'other',
        basis: 'joint',
        streams: ['health', 'social-care'],
        periodStart: '2024-04-01',
        periodEnd: '2025-03-31',
      }),
      ev('FundingAllocated', { stream: 'health', amount: Money.of('1000.00'), stage: 'agreed' }),
      ev('FundingAllocated', { stream: 'social-care', amount: Money.of('500.00'), stage: 'indicative' }),
      ev('FundingAdjusted', { stream: 'social-care', delta: Money.of('-20.00'), reason: 'r' }),
      spend('s1', '10.01', '10.00'),
      ev('SpendReversed', { spendId: 's1', reason: 'wrong' }),
      ev('SpendReversed', { spendId: 's1', reason: 'again' }),
      ev('SpendReversed', { spendId: 'never-recorded', reason: 'r' }),
      spend('s2', '1.00', '2.00'),
      spend('s2', '3.00', '0.00'),
      ev('SpendReversed', { spendId: 's2', reason: 'r' }),
      spend('s1', '5.00', '5.00'),
      ev('SurplusReclaimed', {
        stream: 'health',
        amount: Money.of('7.50'),
        reason: 'surplus',
        noticeRef: 'n',
      }),
    ];
    const report = new BalancesFold().addAll(events).report();
    expect(json(report)).toBe(JSON.stringify(balancesJson(balances(events))));
    // cut anywhere, twice: the partial folds merged in order give the same report
    for (let a = 0; a <= events.length; a++) {
      for (let b = a; b <= events.length; b++) {
        expect(json(mergedOver(events, [a, b], {}, (a + b) % 2 === 0).report()), `cuts ${a}, ${b}`).toBe(
          json(report),
        );
      }
    }
    const health = report.budgets[0]?.streams.find(([s]) => s === 'health')?.[1];
    // s1 reversed once (10.01 back), s2 recorded twice then reversed (the later split back), s1 again
    expect(health?.spent.toString()).toBe('6.00');
    expect(health?.remaining.toString()).toBe('986.50');
  });
});
