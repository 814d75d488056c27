import { describe, expect, it } from 'vitest';
import {
  Ledger,
  Money,
  auditTrail,
  balances,
  balancesJson,
  flagsOf,
  lineBalances,
  planHistory,
  reviewDue,
  type Command,
  type LedgerEvent,
} from 'ipb-ledger';
import { actors, c, cmd, fundedBudget, BUDGET } from './spec.js';

function ledgerOf(commands: readonly Command[]): Ledger {
  const l = new Ledger();
  for (const x of commands) l.recordOrThrow(x);
  return l;
}

describe('balances as the contract defines them', () => {
  it('count agreed allocations and adjustments, report indicative apart, exclude reversed spend', () => {
    const base = fundedBudget();
    const l = ledgerOf([
      ...base,
      c.allocate('health', '999.00', 'indicative'),
      cmd('AdjustFunding', actors.finance, {
        stream: 'social-care',
        delta: Money.of('-100.00'),
        reason: 'needs reduced',
      }),
      c.spend('s1', 'pa', '100.01'),
      c.spend('s2', 'physio', '20.00', actors.coordinator),
      c.spend('s3', 'pa', '7.00'),
      c.reverse('s3'),
      cmd('PayFunds', actors.finance, {
        stream: 'health',
        amount: Money.of('200.00'),
        option: 'direct-payment',
        reference: 'P-1',
      }),
      cmd('ReclaimSurplus', actors.finance, {
        stream: 'health',
        amount: Money.of('30.00'),
        reason: 'surplus',
        noticeRef: 'N',
        deadline: '2025-05-31',
      }),
    ]);
    expect(balancesJson(balances(l.events()))).toEqual({
      budgets: [
        {
          budgetId: BUDGET,
          streams: {
            health: {
              allocated: '500.00',
              indicative: '999.00',
              spent: '70.01',
              reclaimed: '30.00',
              remaining: '399.99',
            },
            'social-care': {
              allocated: '400.00',
              indicative: '0.00',
              spent: '50.00',
              reclaimed: '0.00',
              remaining: '350.00',
            },
          },
        },
      ],
    });
  });

  it('as-of counts what had happened by then; known-at counts what the ledger knew by then', () => {
    const base = fundedBudget();
    // a spend made on 2 April but recorded only on 20 April
    const late = {
      ...c.spend('late', 'pa', '40.00'),
      occurredAt: '2025-04-02T12:00:00.000Z',
      recordedAt: '2025-04-20T09:00:00.000Z',
    } as Command;
    const l = ledgerOf([...base, late]);
    const spent = (f: Parameters<typeof balances>[1]) =>
      balances(l.events(), f)
        .budgets[0]?.streams.find(([s]) => s === 'health')?.[1]
        .spent.toString();
    expect(spent({ asOf: '2025-04-03T00:00:00.000Z' })).toBe('20.00');
    expect(spent({ knownAt: '2025-04-03T00:00:00.000Z' })).toBe('0.00');
    expect(spent({ asOf: '2025-04-03T00:00:00.000Z', knownAt: '2025-04-20T09:00:00.000Z' })).toBe('20.00');
    // a budget opened after the cut-off is not listed
    expect(balances(l.events(), { asOf: '2025-03-01T00:00:00.000Z' }).budgets).toEqual([]);
  });

  it('a reversal counts only once it passes the time filter too', () => {
    const base = fundedBudget();
    const spend = c.spend('s1', 'pa', '10.00');
    const rev = {
      ...c.reverse('s1'),
      occurredAt: '2025-05-01T00:00:00.000Z',
      recordedAt: '2025-05-01T00:00:00.000Z',
    } as Command;
    const l = ledgerOf([...base, spend, rev]);
    const spent = (asOf: string) =>
      balances(l.events(), { asOf }).budgets[0]?.streams[0]?.[1].spent.toString();
    expect(spent('2025-04-30T00:00:00.000Z')).toBe('5.00');
    expect(spent('2025-05-01T00:00:00.000Z')).toBe('0.00');
  });

  it('does not list a budget whose opening falls outside the filter, even if later events pass', () => {
    const base = fundedBudget();
    const open = { ...(base[0] as Command), occurredAt: '2025-06-01T00:00:00.000Z' } as Command;
    const close = cmd('CloseBudget', actors.commissioner, { closedOn: '2025-05-01', reason: 'moved area' });
    const l = ledgerOf([open, { ...close, occurredAt: '2025-05-01T00:00:00.000Z' } as Command]);
    expect(balances(l.events(), { asOf: '2025-05-15T00:00:00.000Z' }).budgets).toEqual([]);
    expect(balances(l.events()).budgets).toHaveLength(1);
  });

  it('lists budgets in UTF-16 code unit order', () => {
    const l = new Ledger();
    for (const id of ['b', 'B', 'a-1', 'a_1', 'a.1'])
      l.recordOrThrow({ ...c.open(), budgetId: id } as Command);
    expect(balances(l.events()).budgets.map((b) => b.budgetId)).toEqual(['B', 'a-1', 'a.1', 'a_1', 'b']);
  });
});

describe('plan lines, plan history and lead times', () => {
  it('shows budgeted against spent per line of the plan in force', () => {
    const l = ledgerOf([...fundedBudget(), c.spend('s1', 'pa', '1200.00')]);
    const lines = lineBalances(l.stateOf(BUDGET));
    expect(
      lines.map((x) => [x.lineId, x.budgeted.toString(), x.spent.toString(), x.remaining.toString()]),
    ).toEqual([
      ['pa', '1000.00', '1200.00', '-200.00'],
      ['physio', '200.00', '0.00', '200.00'],
    ]);
  });

  it('measures a change request to the agreed plan in days, and referral to first agreed plan', () => {
    const open = { ...c.open({ referredAt: '2025-03-01T09:00:00.000Z' }) } as Command;
    const rest = [c.allocate('health', '1.00'), c.plan(), c.agree()];
    const cr = {
      ...cmd('RequestChange', actors.holder, { changeRequestId: 'cr-1', summary: 'more hours' }),
      occurredAt: '2025-04-10T09:00:00.000Z',
      recordedAt: '2025-04-10T09:00:00.000Z',
    } as Command;
    const v2 = {
      ...c.plan(2, { changeRequestId: 'cr-1' }),
      occurredAt: '2025-04-12T09:00:00.000Z',
      recordedAt: '2025-04-12T09:00:00.000Z',
    } as Command;
    const agreed = {
      ...c.agree(2, '2025-04-16'),
      occurredAt: '2025-04-16T21:00:00.000Z',
      recordedAt: '2025-04-16T21:00:00.000Z',
    } as Command;
    const l = ledgerOf([open, ...rest, cr, v2, agreed]);
    const h = planHistory(l.stateOf(BUDGET));
    expect(h.plans.map((p) => [p.planVersion, p.status])).toEqual([
      [1, 'superseded'],
      [2, 'agreed'],
    ]);
    expect(h.plans[1]?.leadTimeDays).toBe(6.5);
    expect(h.referralToAgreedDays).toBeGreaterThan(30);
    expect(h.openChangeRequests).toEqual([]);
  });
});

describe('flags', () => {
  it('overspend on a line and a stream, never blocking', () => {
    const l = ledgerOf([...fundedBudget(), c.spend('s1', 'pa', '1200.00')]);
    const kinds = flagsOf(BUDGET, l.stateOf(BUDGET)).map((f) => f.kind);
    expect(kinds).toEqual(['overspend-line', 'overspend-stream', 'overspend-stream']);
  });
  it('off-plan attempts', () => {
    const l = ledgerOf([...fundedBudget(), c.spend('s1', 'holiday', '12.00')]);
    expect(flagsOf(BUDGET, l.stateOf(BUDGET))).toMatchObject([
      { kind: 'off-plan', lineId: 'holiday', problem: 'unknown-line' },
    ]);
  });
  it('reviews overdue by the 3-month NHS rule, then 12 months after the last review', () => {
    const l = ledgerOf(fundedBudget());
    const s = l.stateOf(BUDGET);
    expect(reviewDue(s)?.dueOn).toBe('2025-07-01');
    expect(flagsOf(BUDGET, s, { onDate: '2025-07-01' })).toEqual([]);
    expect(flagsOf(BUDGET, s, { onDate: '2025-07-02' }).map((f) => f.kind)).toEqual(['review-overdue']);
    const reviewed = ledgerOf([
      ...fundedBudget().map((x) => ({ ...x, budgetId: 'r' }) as Command),
      {
        ...cmd('CompleteReview', actors.coordinator, { reviewedOn: '2025-06-20', outcome: 'no-change' }),
        budgetId: 'r',
      } as Command,
    ]);
    expect(reviewDue(reviewed.stateOf('r'))?.dueOn).toBe('2026-06-20');
  });
  it('social-care-only direct payments are due within 6 months', () => {
    const base = [c.open({ streams: ['social-care'] }), c.allocate('social-care', '10.00')];
    const plan = c.plan(1, {
      lines: [
        {
          lineId: 'pa',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('10.00'),
          shares: { 'social-care': 1 },
        },
      ],
    });
    const l = ledgerOf([...base, plan]);
    expect(reviewDue(l.stateOf(BUDGET))?.dueOn).toBe('2025-10-01');
  });
  it('a direct-payment surplus above the configured weeks of funding', () => {
    const base = fundedBudget();
    const pay = cmd('PayFunds', actors.finance, {
      stream: 'health',
      amount: Money.of('300.00'),
      option: 'direct-payment',
      reference: 'P',
    });
    const l = ledgerOf([...base, pay]);
    const s = l.stateOf(BUDGET);
    // plan cash lines 1000.00 over 365 days: 8 weeks = 153.42, 52 weeks = 997.26
    expect(flagsOf(BUDGET, s, { surplusWeeks: 8 })).toMatchObject([
      { kind: 'surplus', balance: Money.of('300.00'), threshold: Money.of('153.42') },
    ]);
    expect(flagsOf(BUDGET, s, { surplusWeeks: 52 })).toEqual([]);
  });
});

describe('audit trail', () => {
  it('says who did what, in which role, why, when, with running balances', () => {
    const base = fundedBudget();
    const l = ledgerOf([...base, c.spend('s1', 'pa', '100.01'), c.reverse('s1', 'duplicate invoice')]);
    const trail = auditTrail(l.eventsOf(BUDGET));
    expect(trail).toHaveLength(7);
    const spend = trail[5];
    expect(spend).toMatchObject({
      seq: 6,
      type: 'SpendRecorded',
      actorId: 'person-1',
      role: 'holder',
      reason: null,
    });
    expect(spend?.what).toContain('split health £50.01, social-care £50.00');
    expect(spend?.balancesAfter.map(([s, b]) => [s, b.remaining.toString()])).toEqual([
      ['health', '449.99'],
      ['social-care', '450.00'],
    ]);
    const rev = trail[6];
    expect(rev).toMatchObject({ type: 'SpendReversed', reason: 'duplicate invoice', role: 'finance' });
    expect(rev?.balancesAfter.map(([, b]) => b.remaining.toString())).toEqual(['500.00', '500.00']);
    expect(
      auditTrail(l.eventsOf(BUDGET), { asOf: (l.eventsOf(BUDGET)[5] as LedgerEvent).occurredAt }),
    ).toHaveLength(6);
  });
});
