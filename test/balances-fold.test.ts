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
  balancesJsonPieces,
  type LedgerEvent,
  type PendingEvent,
  type TimeFilter,
} from 'ipb-ledger';
import { RUNS, historyArb } from './arbitraries.js';

const json = (r: ReturnType<BalancesFold['report']>): string => JSON.stringify(balancesJson(r));

/** Makes events of one budget, numbered in order, on one date (for hand-written histories). */
function eventMaker(budgetId: string): (type: string, data: unknown) => PendingEvent {
  const base = {
    budgetId,
    occurredAt: '2024-05-01T10:00:00.000Z',
    recordedAt: '2024-05-01T10:00:00.000Z',
    actor: { id: 'c', role: 'coordinator' },
    v: 1,
  } as const;
  let n = 0;
  return (type, data) =>
    ({
      ...base,
      eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      type,
      data,
    }) as PendingEvent;
}

/** A time filter somewhere among the events' own times (or none). */
function filterAt(events: readonly LedgerEvent[], pick: number, kind: number): TimeFilter {
  const e = events[pick % Math.max(1, events.length)];
  if (e === undefined || kind === 0) return {};
  if (kind === 1) return { asOf: e.occurredAt };
  if (kind === 2) return { knownAt: e.recordedAt };
  return { asOf: e.occurredAt, knownAt: e.recordedAt };
}

/**
 * How a part's fold reaches the merge: as the fold, as its JSON (through text, as between
 * threads), or as its JSON lines; `last`: the last part's JSON leaves its spends out.
 */
type Via = boolean | 'lines' | 'last';

/** Folds the events cut at `cuts` into one fold per part (partial after the first), merged in order. */
function mergedOver(
  events: readonly PendingEvent[],
  cuts: readonly number[],
  filter: TimeFilter,
  via: Via,
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
    const last = i + 2 === bounds.length;
    if (via === 'lines' || (via === 'last' && last)) whole.merge(fold.toJsonLines({ last: via === 'last' }));
    else if (via === false) whole.merge(fold);
    else whole.merge(JSON.parse(JSON.stringify(fold.toJson())) as ReturnType<BalancesFold['toJson']>);
  }
  return whole;
}

/**
 * As `ipb balances` on every core: each part folded apart (the first from the start), sent as
 * itself or as JSON lines (the last without its spends), merged in order into an empty fold that
 * keeps only the spends later parts reverse without having seen them.
 */
function keptOver(
  events: readonly PendingEvent[],
  cuts: readonly number[],
  filter: TimeFilter,
  lines: boolean,
): BalancesFold {
  const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((x, y) => x - y);
  const bounds = [0, ...at, events.length];
  const parts = bounds.slice(0, -1).map((b, i) => {
    const part = events.slice(b, bounds[i + 1]);
    const f = (i === 0 ? new BalancesFold(filter) : BalancesFold.partial(filter)).addAll(part);
    return lines ? f.toJsonLines({ last: i + 2 === bounds.length }) : f;
  });
  const keepSpends = new Map<string, Set<string>>();
  for (const p of parts.slice(1)) {
    for (const [id, spends] of BalancesFold.reversedUnseen(p)) {
      keepSpends.set(id, new Set([...(keepSpends.get(id) ?? []), ...spends]));
    }
  }
  const whole = new BalancesFold(filter);
  for (const p of parts) whole.merge(p, { keepSpends });
  return whole;
}

describe('BalancesFold', () => {
  it('gives what balances() gives from a full replay, for any history and time filter', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.integer({ min: 0, max: 3 }), (h, pick, kind) => {
        const events = h.ledger.events();
        const filter = filterAt(events, pick, kind);
        const fold = new BalancesFold(filter).addAll(events);
        const expected = JSON.stringify(balancesJson(balances(events, filter)));
        expect(json(fold.report())).toBe(expected);
        // what `ipb balances --json` writes, a few budgets at a time: the same text
        expect([...balancesJsonPieces(fold.eachBudget(), 1 + (pick % 3))].join('')).toBe(expected);
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
        fc.constantFrom<Via>(false, true, 'lines', 'last'),
        (h, cuts, kind, pick, via) => {
          const events = h.ledger.events();
          const filter = filterAt(events, pick, kind);
          expect(json(mergedOver(events, cuts, filter, via).report())).toBe(
            json(new BalancesFold(filter).addAll(events).report()),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('property: merging every part into a fold from the start, keeping only the spends later parts reverse unseen, gives the one fold', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.boolean(),
        (h, cuts, kind, pick, lines) => {
          const events = h.ledger.events();
          const filter = filterAt(events, pick, kind);
          expect(json(keptOver(events, cuts, filter, lines).report())).toBe(
            json(new BalancesFold(filter).addAll(events).report()),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reversedUnseen names the spends a part reverses before it saw them; keepSpends is refused on a partial fold', () => {
    const base = {
      budgetId: 'b-1',
      schema: 'ipb.event/1',
      v: 1,
      actor: { id: 'f', role: 'finance' },
      occurredAt: '2025-01-01T00:00:00.000Z',
      recordedAt: '2025-01-01T00:00:00.000Z',
    };
    const reversal = (spendId: string) =>
      ({ ...base, type: 'SpendReversed', data: { spendId, reason: 'wrong' } }) as unknown as PendingEvent;
    const part = BalancesFold.partial().addAll([reversal('s-9'), reversal('s-9'), reversal('s-3')]);
    expect([...(BalancesFold.reversedUnseen(part).get('b-1') ?? [])]).toEqual(['s-9', 's-3']);
    expect([...(BalancesFold.reversedUnseen(part.toJsonLines()).get('b-1') ?? [])]).toEqual(['s-9', 's-3']);
    expect(BalancesFold.reversedUnseen(new BalancesFold().addAll([reversal('s-1')])).size).toBe(0);
    expect(() => BalancesFold.partial().merge(part, { keepSpends: new Map() })).toThrow(/keepSpends/);
  });

  it('agrees with the replay on reversals of nothing, twice-reversed spends and reused spend ids', () => {
    const ev = eventMaker('b-odd');
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
        for (const via of [false, true, 'lines', 'last'] as const) {
          expect(json(mergedOver(events, [a, b], {}, via).report()), `cuts ${a}, ${b} (${via})`).toBe(
            json(report),
          );
        }
        for (const lines of [false, true]) {
          expect(json(keptOver(events, [a, b], {}, lines).report()), `cuts ${a}, ${b} (kept)`).toBe(
            json(report),
          );
        }
      }
    }
    const health = report.budgets[0]?.streams.find(([s]) => s === 'health')?.[1];
    // s1 reversed once (10.01 back), s2 recorded twice then reversed (the later split back), s1 again
    expect(health?.spent.toString()).toBe('6.00');
    expect(health?.remaining.toString()).toBe('986.50');
  });

  it('keeps every size of spend and sum exact: one, two and three parts, past 2^29 and 2^23 pence, past 2^63 pence', () => {
    const ev = eventMaker('b-big');
    const spend = (spendId: string, parts: Record<string, string>): PendingEvent => {
      const split = Object.fromEntries(Object.entries(parts).map(([s, a]) => [s, Money.of(a)]));
      return ev('SpendRecorded', {
        spendId,
        lineId: 'l1',
        amount: Object.values(split).reduce((x, y) => x.plus(y), Money.zero),
        spentOn: '2024-05-01',
        payee: 'p',
        evidenceRef: 'e',
        purpose: 'unspecified',
        split,
      });
    };
    // 2^63 pence is 92233720368547758.08: two of these allocations go past a 64-bit sum
    const huge = '92233720368547758.07';
    const spends: Array<[string, Record<string, string>]> = [
      ['one-small', { health: '5368709.11' }], // 2^29 - 1 pence
      ['one-big', { health: '5368709.12' }], // 2^29 pence
      ['two-small', { health: '83886.07', 'social-care': '0.01' }], // 2^23 - 1 pence
      ['two-big', { health: '0.00', 'social-care': '83886.08' }], // 2^23 pence
      ['three', { health: '1.00', 'social-care': '2.00', contribution: '3.00' }],
      ['over', { contribution: huge }],
    ];
    const events: PendingEvent[] = [
      ev('BudgetOpened', {
        personRef: 'p',
        site: 's',
        cohort: 'other',
        basis: 'joint',
        streams: ['health', 'social-care', 'contribution'],
        periodStart: '2024-04-01',
        periodEnd: '2025-03-31',
      }),
      ev('FundingAllocated', { stream: 'contribution', amount: Money.of(huge), stage: 'agreed' }),
      ev('FundingAllocated', { stream: 'contribution', amount: Money.of(huge), stage: 'agreed' }),
      ev('FundingAdjusted', { stream: 'health', delta: Money.of(`-${huge}`), reason: 'r' }),
      ev('FundingAdjusted', { stream: 'health', delta: Money.of(`-${huge}`), reason: 'r' }),
      ...spends.map(([id, parts]) => spend(id, parts)),
      ...spends.map(([id, parts]) => spend(`${id}-kept`, parts)),
      ...spends.map(([id]) => ev('SpendReversed', { spendId: id, reason: 'r' })),
    ];
    const report = new BalancesFold().addAll(events).report();
    expect(json(report)).toBe(JSON.stringify(balancesJson(balances(events))));
    const contribution = report.budgets[0]?.streams.find(([s]) => s === 'contribution')?.[1];
    expect(contribution?.allocated.toString()).toBe('184467440737095516.14');
    expect(contribution?.spent.toString()).toBe('92233720368547761.07');
    for (let a = 0; a <= events.length; a += 3) {
      for (const via of [false, true, 'lines', 'last'] as const) {
        expect(json(mergedOver(events, [a], {}, via).report()), `cut ${a} (${via})`).toBe(json(report));
      }
      expect(json(keptOver(events, [a], {}, true).report()), `cut ${a} (kept)`).toBe(json(report));
    }
  });
});
