/** The budget's rules, one given / when / then each. */
import { describe, expect, it } from 'vitest';
import {
  COMMAND_ROLES,
  Money,
  decide,
  initialState,
  type Command,
  type EventDataMap,
  type PendingEvent,
} from 'ipb-ledger';
import { actors, c, cmd, fundedBudget, given, stateAfter } from './spec.js';

function data<T extends PendingEvent['type']>(events: PendingEvent[], type: T): EventDataMap[T] {
  const found = events.find((e) => e.type === type);
  if (found === undefined) throw new Error(`no ${type} event`);
  return found.data as EventDataMap[T];
}

describe('who may do what', () => {
  it('only commissioners and finance officers allocate funding', () => {
    given(c.open())
      .when(c.allocate('health', '100.00', 'agreed', actors.coordinator))
      .thenRefused('role-not-allowed', (e) => {
        expect(e.message).toContain('a coordinator may not allocate funding');
      });
    given(c.open())
      .when(c.allocate('health', '100.00', 'agreed', actors.commissioner))
      .then(['FundingAllocated']);
  });

  it('an auditor never writes, whatever the command', () => {
    const state = stateAfter(fundedBudget());
    for (const type of Object.keys(COMMAND_ROLES)) {
      expect(COMMAND_ROLES[type as keyof typeof COMMAND_ROLES]).not.toContain('auditor');
    }
    const r = decide(c.spend('s1', 'pa', '10.00', actors.auditor), state);
    expect(r._tag === 'Left' && r.left.code).toBe('role-not-allowed');
  });

  it('the holder or coordinator records spend on a direct payment; the holder may not record notional spend', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '10.00', actors.holder))
      .then(['SpendRecorded']);
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '10.00', actors.coordinator))
      .then(['SpendRecorded']);
    given(...fundedBudget())
      .when(c.spend('s1', 'physio', '10.00', actors.holder))
      .thenRefused('role-not-allowed', (e) => {
        // the holder may record spend in general: the notional line is why not here, and it says so
        expect(e.message).toBe(
          'a holder may not record spend on a notional line; on such a line: coordinator, commissioner, finance',
        );
        expect(e.code === 'role-not-allowed' && e.option).toBe('notional');
      });
  });

  it('a holder may only act on their own budget', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '10.00', actors.otherHolder))
      .thenRefused('not-your-budget');
  });

  it('a representative acts only once authorised by an event on the budget', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '10.00', actors.rep))
      .thenRefused('not-your-budget');
    given(
      ...fundedBudget(),
      cmd('AuthoriseRepresentative', actors.coordinator, {
        representativeId: 'rep-1',
        reason: 'holder asked',
      }),
    )
      .when(c.spend('s1', 'pa', '10.00', actors.rep))
      .then(['SpendRecorded']);
  });
});

describe('decisions that lower a budget or refuse a request carry a reason', () => {
  it('a funding reduction needs a reason', () => {
    given(c.open())
      .when(
        cmd('AdjustFunding', actors.finance, { stream: 'health', delta: Money.of('-50.00'), reason: '  ' }),
      )
      .thenRefused('reason-required', (e) => expect(e.message).toContain('entitled'));
  });
  it('a plan rejection needs a reason', () => {
    given(c.open(), c.plan())
      .when(cmd('RejectPlan', actors.commissioner, { planVersion: 1, reason: '' }))
      .thenRefused('reason-required');
  });
  it('a suspension needs a reason', () => {
    given(c.open())
      .when(cmd('SuspendDirectPayment', actors.finance, { reason: '' }))
      .thenRefused('reason-required');
  });
  it('a reclaim gives its reason and notice, and is recorded', () => {
    given(...fundedBudget(), c.pay('health', '100.00'))
      .when(c.reclaim('health', '40.00'))
      .then(['SurplusReclaimed'], (events) => {
        expect(data(events, 'SurplusReclaimed').reason).toBe('surplus');
        expect(data(events, 'SurplusReclaimed').deadline).toBe('2025-06-30');
      });
  });
});

describe('no contribution on chc or s117 budgets', () => {
  it.each(['chc', 's117'] as const)(
    '%s: no assessment, no contribution stream, no contribution shares',
    (basis) => {
      given(c.open({ basis, streams: ['health'] }))
        .when(cmd('AssessContribution', actors.finance, { amount: Money.of('10.00') }))
        .thenRefused('contribution-not-allowed', (e) =>
          expect(e.message).toContain('free at the point of use'),
        );
      given()
        .when(c.open({ basis, streams: ['health', 'contribution'] }))
        .thenRefused('contribution-not-allowed');
    },
  );
  it('care-act budgets may assess a contribution', () => {
    given(c.open({ basis: 'care-act', streams: ['social-care', 'contribution'] }))
      .when(cmd('AssessContribution', actors.finance, { amount: Money.of('10.00') }))
      .then(['ContributionAssessed']);
  });
});

describe('plans: proposed, then agreed or rejected', () => {
  it('versions are proposed in order', () => {
    given(c.open())
      .when(c.plan(2))
      .thenRefused('plan-version-out-of-order', (e) => expect(e.message).toContain('next plan version is 1'));
  });
  it('only a proposed plan can be agreed, and only once', () => {
    given(c.open()).when(c.agree(1)).thenRefused('plan-not-pending');
    given(c.open(), c.plan(), c.agree())
      .when(c.agree())
      .thenRefused('plan-not-pending', (e) => expect(e.message).toContain('is agreed'));
  });
  it('a plan line may only use the budget’s streams', () => {
    given(c.open())
      .when(
        c.plan(1, {
          lines: [
            {
              lineId: 'x',
              category: 'other',
              option: 'notional',
              amount: Money.of('1.00'),
              shares: { education: 1 },
            },
          ],
        }),
      )
      .thenRefused('plan-invalid', (e) => expect(e.message).toContain('not funded by the education stream'));
  });
  it('a line id appears once per plan', () => {
    const line = {
      lineId: 'x',
      category: 'other',
      option: 'notional',
      amount: Money.of('1.00'),
      shares: { health: 1 },
    } as const;
    given(c.open())
      .when(c.plan(1, { lines: [line, line] }))
      .thenRefused('plan-invalid');
  });
  it('a change request is answered by a plan that names it', () => {
    given(...fundedBudget())
      .when(c.plan(2, { changeRequestId: 'cr-9' }))
      .thenRefused('unknown-change-request');
    given(
      ...fundedBudget(),
      cmd('RequestChange', actors.holder, { changeRequestId: 'cr-1', summary: 'more hours' }),
    )
      .when(c.plan(2, { changeRequestId: 'cr-1' }))
      .then(['PlanProposed']);
  });
});

describe('spend', () => {
  it('is split from the line’s shares with the largest-remainder rule and stored in the event', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '100.01'))
      .then(['SpendRecorded'], (events) => {
        const split = data(events, 'SpendRecorded').split;
        expect(split.health?.toString()).toBe('50.01');
        expect(split['social-care']?.toString()).toBe('50.00');
      });
  });
  it('is recorded against the plan agreed at the spend date', () => {
    const base = fundedBudget();
    const v2 = c.plan(2, {
      lines: [
        {
          lineId: 'pa',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('1000.00'),
          shares: { health: 3, 'social-care': 1 },
        },
      ],
    });
    const later = [...base, v2, c.agree(2, '2025-05-01')];
    given(...later)
      .when(c.spend('s1', 'pa', '100.00', actors.holder, '2025-04-15'))
      .then(['SpendRecorded'], (events) =>
        expect(data(events, 'SpendRecorded').split.health?.toString()).toBe('50.00'),
      );
    given(...later)
      .when(c.spend('s2', 'pa', '100.00', actors.holder, '2025-05-02'))
      .then(['SpendRecorded'], (events) =>
        expect(data(events, 'SpendRecorded').split.health?.toString()).toBe('75.00'),
      );
  });
  it('on an unknown line is not recorded as spend: it is kept as an off-plan flag that moves no money', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'holiday', '80.00'))
      .then(['OffPlanSpendFlagged'], (events) =>
        expect(data(events, 'OffPlanSpendFlagged').problem).toBe('unknown-line'),
      );
    given(c.open(), c.allocate('health', '10.00'))
      .when(c.spend('s1', 'pa', '5.00', actors.coordinator))
      .then(['OffPlanSpendFlagged'], (events) =>
        expect(data(events, 'OffPlanSpendFlagged').problem).toBe('no-agreed-plan'),
      );
  });
  it('above what the line or stream has left is accepted (health care is never blocked) and flagged', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '5000.00'))
      .then(['SpendRecorded']);
  });
  it('a spend id is used once', () => {
    given(...fundedBudget(), c.spend('s1', 'pa', '1.00'))
      .when(c.spend('s1', 'pa', '2.00'))
      .thenRefused('duplicate-spend');
  });
});

describe('reversal, never edit or delete', () => {
  it('reverses a recorded spend once', () => {
    given(...fundedBudget(), c.spend('s1', 'pa', '10.00'))
      .when(c.reverse('s1'))
      .then(['SpendReversed']);
    given(...fundedBudget(), c.spend('s1', 'pa', '10.00'), c.reverse('s1'))
      .when(c.reverse('s1'))
      .thenRefused('spend-already-reversed');
    given(...fundedBudget())
      .when(c.reverse('nope'))
      .thenRefused('unknown-spend');
  });
  it('needs a reason', () => {
    given(...fundedBudget(), c.spend('s1', 'pa', '10.00'))
      .when(c.reverse('s1', ''))
      .thenRefused('reason-required');
  });
});

describe('a closed budget accepts only reclaims and reversals', () => {
  const closed = (): Command[] => [
    ...fundedBudget(),
    c.pay('social-care', '50.00'),
    c.spend('s1', 'pa', '10.00'),
    cmd('CloseBudget', actors.commissioner, { closedOn: '2025-06-01', reason: 'moved area' }),
  ];
  it('refuses new spend and funding', () => {
    given(...closed())
      .when(c.spend('s2', 'pa', '1.00'))
      .thenRefused('budget-closed');
    given(...closed())
      .when(c.allocate('health', '1.00'))
      .thenRefused('budget-closed');
  });
  it('accepts reversals and reclaims', () => {
    given(...closed())
      .when(c.reverse('s1'))
      .then(['SpendReversed']);
    given(...closed())
      .when(c.reclaim('social-care', '5.00', 'N-2', 'death'))
      .then(['SurplusReclaimed']);
  });
});

describe('direct payments', () => {
  it('suspended: no money is paid in; resumed: it is again; stopped: for good', () => {
    const pay = () =>
      cmd('PayFunds', actors.finance, {
        stream: 'health',
        amount: Money.of('100.00'),
        option: 'direct-payment',
        reference: 'P1',
      });
    const suspended = [
      ...fundedBudget(),
      cmd('SuspendDirectPayment', actors.finance, { reason: 'misuse being looked into' }),
    ];
    given(...suspended)
      .when(pay())
      .thenRefused('direct-payment-state');
    given(...suspended, cmd('ResumeDirectPayment', actors.finance, { reason: 'cleared' }))
      .when(pay())
      .then(['FundsPaid']);
    given(
      ...fundedBudget(),
      cmd('StopDirectPayment', actors.finance, { reason: 'moved to a managed account' }),
    )
      .when(cmd('ResumeDirectPayment', actors.finance, { reason: 'x' }))
      .thenRefused('direct-payment-state');
  });
});

describe('the budget exists once, and commands name the right budget', () => {
  it('opens once', () => {
    given(c.open()).when(c.open()).thenRefused('budget-already-opened');
  });
  it('nothing before opening', () => {
    given().when(c.allocate('health', '1.00')).thenRefused('budget-not-opened');
  });
  it('a budget period ends after it starts', () => {
    given()
      .when(c.open({ periodStart: '2025-04-01', periodEnd: '2025-03-31' }))
      .thenRefused('period-invalid');
  });
  it('a stream must fund the budget', () => {
    given(c.open()).when(c.allocate('education', '1.00')).thenRefused('stream-not-in-budget');
  });
  it('recorded time never goes back within a budget', () => {
    const first = c.open();
    const late = { ...c.allocate('health', '1.00'), recordedAt: '2020-01-01T00:00:00.000Z' } as Command;
    given(first).when(late).thenRefused('recorded-before-previous');
  });
});

describe('idempotency', () => {
  it('a command repeated with the same commandId produces nothing new', () => {
    const base = fundedBudget();
    const spend = c.spend('s1', 'pa', '10.00');
    const s = stateAfter([...base, spend]);
    const again = decide(spend, s);
    expect(again._tag === 'Right' && again.right).toEqual([]);
  });
});

describe('bad input gets an error that names the field', () => {
  it('money as a JS number', () => {
    const bad = { ...c.spend('s1', 'pa', '1.00') } as unknown as { data: Record<string, unknown> };
    bad.data = { ...bad.data, amount: 12.5 };
    const r = decide(bad as unknown as Command, initialState);
    expect(r._tag === 'Left' && r.left.code).toBe('invalid-command');
    expect(r._tag === 'Left' && r.left.message).toBe(
      'data.amount: expected money string like "12.50", got the number 12.5',
    );
  });
  it('a missing field', () => {
    const bad = { ...c.open() } as unknown as { data: Record<string, unknown> };
    const { site: _site, ...rest } = bad.data;
    const r = decide({ ...bad, data: rest } as unknown as Command, initialState);
    expect(r._tag === 'Left' && r.left.message).toBe('data.site: is required (expected reference)');
  });
  it('a date that does not exist', () => {
    const r = decide(c.open({ periodStart: '2025-02-30' }), initialState);
    expect(r._tag === 'Left' && r.left.message).toContain(
      'data.periodStart: expected a real calendar date, got "2025-02-30"',
    );
  });
  it('an unknown actor role', () => {
    const r = decide({ ...c.open(), actor: { id: 'x', role: 'mayor' } } as unknown as Command, initialState);
    expect(r._tag === 'Left' && r.left.message).toContain('actor.role: expected one of holder');
  });
});
