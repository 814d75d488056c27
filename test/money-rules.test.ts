/** The money rules of the domain, decided when a command arrives: one given / when / then each. */
import { describe, expect, it } from 'vitest';
import {
  Ledger,
  Money,
  auditTrail,
  balances,
  execute,
  flagsOf,
  foldEvents,
  initialState,
  type Actor,
  type Command,
  type EventDataMap,
  type LedgerError,
  type PendingEvent,
} from 'ipb-ledger';
import { actors, c, cmd, fundedBudget, given, stateAfter } from './spec.js';

function data<T extends PendingEvent['type']>(events: PendingEvent[], type: T): EventDataMap[T] {
  const found = events.find((e) => e.type === type);
  if (found === undefined) throw new Error(`no ${type} event`);
  return found.data as EventDataMap[T];
}

/** The events a sequence of commands records (each must be accepted). */
function ledgerOf(commands: readonly Command[]): Ledger {
  const l = new Ledger();
  for (const command of commands) l.recordOrThrow(command);
  return l;
}

const careAct = (): Command =>
  c.open({ basis: 'care-act', streams: ['social-care', 'contribution'], site: 'north' });

describe('every amount the contract requires positive is positive, typed Money included', () => {
  it('a negative allocation or spend given as Money is refused, naming the field', () => {
    given(c.open())
      .when(
        cmd('AllocateFunding', actors.finance, {
          stream: 'health',
          amount: Money.of('-100.00'),
          stage: 'agreed',
        }),
      )
      .thenRefused('invalid-command', (e) => {
        expect(e.code === 'invalid-command' && e.field).toBe('data.amount');
        expect(e.message).toContain('above 0.00');
      });
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '-5.00'))
      .thenRefused('invalid-command', (e) =>
        expect(e.code === 'invalid-command' && e.field).toBe('data.amount'),
      );
  });
  it('zero payments and amounts too long for the log are refused', () => {
    given(...fundedBudget())
      .when(c.pay('health', '0.00'))
      .thenRefused('invalid-command');
    given(c.open())
      .when(
        cmd('AllocateFunding', actors.finance, {
          stream: 'health',
          amount: Money.fromPence(10n ** 30n),
          stage: 'agreed',
        }),
      )
      .thenRefused('invalid-command', (e) => expect(e.message).toContain('too long'));
  });
  it('a contribution is assessed at 0.00 or more', () => {
    given(careAct())
      .when(cmd('AssessContribution', actors.finance, { amount: Money.of('-1.00') }))
      .thenRefused('invalid-command');
    given(careAct())
      .when(cmd('AssessContribution', actors.finance, { amount: Money.zero }))
      .then(['ContributionAssessed']);
  });
  it('an adjustment may lower a stream to 0.00, not below', () => {
    given(...fundedBudget())
      .when(
        cmd('AdjustFunding', actors.finance, {
          stream: 'health',
          delta: Money.of('-500.00'),
          reason: 'ended',
        }),
      )
      .then(['FundingAdjusted']);
    given(...fundedBudget())
      .when(
        cmd('AdjustFunding', actors.finance, {
          stream: 'health',
          delta: Money.of('-500.01'),
          reason: 'ended',
        }),
      )
      .thenRefused('allocation-below-zero', (e) => expect(e.message).toContain('-£0.01'));
  });
});

describe('a contribution is a charge for social care only', () => {
  it('a budget carries a contribution stream only beside a social-care stream', () => {
    given()
      .when(c.open({ basis: 'ehcp', streams: ['education', 'contribution'] }))
      .thenRefused('contribution-without-social-care');
    given().when(careAct()).then(['BudgetOpened']);
  });
  it('on a plan line the contribution share is never larger than the social-care share, nor without it', () => {
    const open = c.open({ streams: ['health', 'social-care', 'contribution'] });
    const line = (shares: Record<string, number>) =>
      c.plan(1, {
        lines: [
          {
            lineId: 'pa',
            category: 'personal-assistant',
            option: 'direct-payment',
            amount: Money.of('100.00'),
            shares,
          },
        ],
      });
    given(open)
      .when(line({ health: 1, contribution: 1 }))
      .thenRefused('contribution-without-social-care', (e) =>
        expect(e.code === 'contribution-without-social-care' && e.field).toBe(
          'data.lines[0].shares.contribution',
        ),
      );
    given(open)
      .when(line({ 'social-care': 1, contribution: 2 }))
      .thenRefused('contribution-without-social-care', (e) =>
        expect(e.message).toContain('may not be larger'),
      );
    given(open)
      .when(line({ 'social-care': 2, contribution: 1 }))
      .then(['PlanProposed']);
    given(open)
      .when(line({ health: 1, 'social-care': 1, contribution: 1 }))
      .then(['PlanProposed']);
  });
  it('is allocated only after an assessment, and only up to the amount assessed', () => {
    given(careAct()).when(c.allocate('contribution', '10.00')).thenRefused('contribution-not-assessed');
    const assessed = [careAct(), cmd('AssessContribution', actors.finance, { amount: Money.of('50.00') })];
    given(...assessed)
      .when(c.allocate('contribution', '50.00'))
      .then(['FundingAllocated']);
    given(...assessed)
      .when(c.allocate('contribution', '50.01'))
      .thenRefused('contribution-above-assessed', (e) => expect(e.message).toContain('£50.00 assessed'));
    given(...assessed, c.allocate('contribution', '40.00'))
      .when(
        cmd('AdjustFunding', actors.finance, {
          stream: 'contribution',
          delta: Money.of('10.01'),
          reason: 'x',
        }),
      )
      .thenRefused('contribution-above-assessed');
    given(...assessed, c.allocate('contribution', '40.00'))
      .when(cmd('AssessContribution', actors.finance, { amount: Money.of('30.00') }))
      .thenRefused('contribution-above-assessed', (e) =>
        expect(e.message).toContain('adjust the contribution'),
      );
  });
});

describe('a reclaim takes only direct-payment surplus, with written notice', () => {
  it('nothing paid into the account: nothing to reclaim (the £9,999.00 reclaim of the issue)', () => {
    given(...fundedBudget())
      .when(c.reclaim('health', '9999.00'))
      .thenRefused('reclaim-above-surplus', (e) => {
        expect(e.code === 'reclaim-above-surplus' && e.surplus.toString()).toBe('0.00');
        expect(e.message).toContain('£0.00 of health money');
      });
  });
  it('at most what was paid in, less spend from the account and earlier reclaims', () => {
    // 100.00 paid for health; 60.00 spent on the 50/50 direct-payment line: 30.00 of it health
    const held = [...fundedBudget(), c.pay('health', '100.00'), c.spend('s1', 'pa', '60.00')];
    given(...held)
      .when(c.reclaim('health', '70.01'))
      .thenRefused('reclaim-above-surplus');
    given(...held)
      .when(c.reclaim('health', '70.00'))
      .then(['SurplusReclaimed']);
    given(...held, c.reclaim('health', '50.00', 'N-1'))
      .when(c.reclaim('health', '20.01', 'N-2'))
      .thenRefused('reclaim-above-surplus');
    // spend on a notional line and cash paid to a third party are not in the person's account
    given(
      ...fundedBudget(),
      c.pay('health', '100.00', 'third-party'),
      c.spend('s2', 'physio', '10.00', actors.coordinator),
    )
      .when(c.reclaim('health', '0.01'))
      .thenRefused('reclaim-above-surplus');
    given(...fundedBudget(), c.pay('health', '100.00', 'managed-account'))
      .when(c.reclaim('health', '100.00'))
      .then(['SurplusReclaimed']);
  });
  it('gives a listed reason, a notice used once, and a deadline not before the notice', () => {
    const paid = [...fundedBudget(), c.pay('health', '100.00')];
    const reclaim = (over: Record<string, unknown>) =>
      ({
        ...c.reclaim('health', '10.00'),
        data: { ...c.reclaim('health', '10.00').data, ...over },
      }) as Command;
    given(...paid)
      .when(reclaim({ reason: 'because' }))
      .thenRefused('invalid-command', (e) =>
        expect(e.code === 'invalid-command' && e.field).toBe('data.reason'),
      );
    given(...paid)
      .when(reclaim({ deadline: undefined }))
      .thenRefused('invalid-command', (e) =>
        expect(e.code === 'invalid-command' && e.field).toBe('data.deadline'),
      );
    given(...paid)
      .when(reclaim({ deadline: '2025-03-01' }))
      .thenRefused('invalid-command', (e) => expect(e.message).toContain('before the notice'));
    given(...paid, c.reclaim('health', '10.00', 'N-1'))
      .when(c.reclaim('health', '10.00', 'N-1'))
      .thenRefused('duplicate-notice');
  });
});

describe('the holder may ask for reconsideration; the funder answers and money moves back', () => {
  const reclaimed = () => [...fundedBudget(), c.pay('health', '100.00'), c.reclaim('health', '80.00', 'N-1')];
  const ask = (actor: Actor = actors.holder) =>
    cmd('RequestReconsideration', actor, {
      noticeRef: 'N-1',
      reason: 'the surplus is for respite booked in June',
    });
  const answer = (outcome: 'upheld' | 'reduced' | 'withdrawn', returned: string) =>
    cmd('AnswerReconsideration', actors.finance, {
      noticeRef: 'N-1',
      outcome,
      returned: Money.of(returned),
      reason: 'respite invoices seen',
    });
  it('the holder or representative asks, once, about a reclaim that exists', () => {
    given(...reclaimed())
      .when(ask())
      .then(['ReconsiderationRequested']);
    given(...reclaimed())
      .when(ask(actors.coordinator))
      .thenRefused('role-not-allowed');
    given(...reclaimed(), ask())
      .when(ask())
      .thenRefused('reconsideration-state');
    given(...reclaimed())
      .when(cmd('RequestReconsideration', actors.holder, { noticeRef: 'N-9', reason: 'x' }))
      .thenRefused('unknown-reclaim');
    given(...reclaimed())
      .when(answer('upheld', '0.00'))
      .thenRefused('reconsideration-state');
  });
  it('withdrawn or reduced, the money goes back to the stream; upheld, it stays reclaimed', () => {
    const reclaimedOf = (commands: Command[]) =>
      balances(ledgerOf(commands).events())
        .budgets[0]?.streams.find(([s]) => s === 'health')?.[1]
        .reclaimed.toString();
    expect(reclaimedOf(reclaimed())).toBe('80.00');
    expect(reclaimedOf([...reclaimed(), ask(), answer('withdrawn', '80.00')])).toBe('0.00');
    expect(reclaimedOf([...reclaimed(), ask(), answer('reduced', '30.00')])).toBe('50.00');
    expect(reclaimedOf([...reclaimed(), ask(), answer('upheld', '0.00')])).toBe('80.00');
    given(...reclaimed(), ask())
      .when(answer('withdrawn', '80.00'))
      .then(['ReclaimReconsidered'], (events) =>
        expect(data(events, 'ReclaimReconsidered').stream).toBe('health'),
      );
  });
  it('the amount returned must fit the outcome', () => {
    given(...reclaimed(), ask())
      .when(answer('withdrawn', '79.99'))
      .thenRefused('invalid-command');
    given(...reclaimed(), ask())
      .when(answer('reduced', '80.00'))
      .thenRefused('invalid-command');
    given(...reclaimed(), ask())
      .when(answer('upheld', '1.00'))
      .thenRefused('invalid-command');
    given(...reclaimed(), ask(), answer('upheld', '0.00'))
      .when(answer('upheld', '0.00'))
      .thenRefused('reconsideration-state');
  });
  it('still works after the budget is closed (a reclaim on death, say)', () => {
    const closed = [
      ...reclaimed(),
      cmd('CloseBudget', actors.coordinator, { closedOn: '2025-06-01', reason: 'died' }),
    ];
    given(...closed)
      .when(ask())
      .then(['ReconsiderationRequested']);
  });
});

describe('suspended and stopped direct payments', () => {
  const suspended = () => [
    ...fundedBudget(),
    cmd('SuspendDirectPayment', actors.finance, { reason: 'misuse looked into' }),
  ];
  it('a suspended direct payment takes no payment in by any route into the person’s account', () => {
    given(...suspended())
      .when(c.pay('health', '10.00', 'direct-payment'))
      .thenRefused('direct-payment-state');
    given(...suspended())
      .when(c.pay('health', '10.00', 'managed-account'))
      .thenRefused('direct-payment-state', (e) => expect(e.message).toContain('managed-account'));
    given(...suspended())
      .when(c.pay('health', '10.00', 'third-party'))
      .then(['FundsPaid']);
  });
  it('after a stop, the holder and representative no longer spend on direct-payment lines; the flag says so', () => {
    const stopped = [
      ...fundedBudget(),
      cmd('StopDirectPayment', actors.finance, { reason: 'moved to a managed service' }),
    ];
    given(...stopped)
      .when(c.spend('s1', 'pa', '10.00', actors.holder))
      .thenRefused('direct-payment-state', (e) => expect(e.message).toContain('moved to a managed service'));
    given(...stopped)
      .when(c.spend('s1', 'pa', '10.00', actors.coordinator))
      .then(['SpendRecorded']);
    const flags = flagsOf('b-1', stateAfter(stopped));
    expect(flags.find((f) => f.kind === 'direct-payment-stopped')).toMatchObject({ budgetId: 'b-1' });
    expect(flagsOf('b-1', stateAfter(fundedBudget())).some((f) => f.kind === 'direct-payment-stopped')).toBe(
      false,
    );
  });
  it('messages read properly', () => {
    const stopped = [...fundedBudget(), cmd('StopDirectPayment', actors.finance, { reason: 'ended' })];
    given(...stopped)
      .when(cmd('ResumeDirectPayment', actors.finance, { reason: 'x' }))
      .thenRefused('direct-payment-state', (e) =>
        expect(e.message).toBe('direct payments are stopped for good, so they cannot be resumed'),
      );
    given(...stopped)
      .when(cmd('StopDirectPayment', actors.finance, { reason: 'x' }))
      .thenRefused('direct-payment-state', (e) =>
        expect(e.message).not.toMatch(/stoped|resumeed|suspended?ed/),
      );
    given(...suspended())
      .when(cmd('SuspendDirectPayment', actors.finance, { reason: 'x' }))
      .thenRefused('direct-payment-state', (e) =>
        expect(e.message).toBe('direct payments are suspended, so they cannot be suspended'),
      );
  });
});

describe('spend dated outside the budget period matches no active line', () => {
  it('is flagged off-plan with the reason, moving no money', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '10.00', actors.holder, '2026-06-01'))
      .then(['OffPlanSpendFlagged'], (events) =>
        expect(data(events, 'OffPlanSpendFlagged').problem).toBe('outside-budget-period'),
      );
    const s = stateAfter([...fundedBudget(), c.spend('s1', 'pa', '10.00', actors.holder, '2025-03-31')]);
    expect(flagsOf('b-1', s).find((f) => f.kind === 'off-plan')).toMatchObject({
      problem: 'outside-budget-period',
    });
    expect(s.totals.get('health')?.spent.toString()).toBe('0.00');
  });
});

describe('plans are agreed by the holder or their representative, or in best interests by the coordinator', () => {
  it('a coordinator or commissioner cannot agree a plan alone', () => {
    given(c.open(), c.plan())
      .when(c.agree(1, '2025-04-01', actors.coordinator))
      .thenRefused('role-not-allowed');
    given(c.open(), c.plan())
      .when(c.agree(1, '2025-04-01', actors.commissioner))
      .thenRefused('role-not-allowed');
    given(c.open(), c.plan())
      .when(c.agree(1, '2025-04-01', actors.holder))
      .then(['PlanAgreed']);
  });
  it('best interests: the coordinator records it with the reason; the audit trail shows it', () => {
    const bi = (): Command =>
      cmd('AgreePlanInBestInterests', actors.coordinator, {
        planVersion: 1,
        agreedOn: '2025-04-01',
        bestInterestsReason: 'lacks capacity to agree; family consulted',
      });
    given(c.open(), c.plan())
      .when(bi())
      .then(['PlanAgreed'], (events) =>
        expect(data(events, 'PlanAgreed').bestInterestsReason).toBe(
          'lacks capacity to agree; family consulted',
        ),
      );
    given(c.open(), c.plan())
      .when(((x) => ({ ...x, data: { ...x.data, bestInterestsReason: ' ' } }) as Command)(bi()))
      .thenRefused('reason-required');
    given(c.open(), c.plan())
      .when({ ...bi(), actor: actors.holder })
      .thenRefused('role-not-allowed');
    const base = [c.open(), c.plan()];
    const trail = auditTrail(ledgerOf([...base, bi()]).events());
    expect(trail.map((x) => x.what).join('\n')).toContain(
      'in the best interests of a person who cannot agree',
    );
  });
});

describe('a change request can be declined, with a reason the holder is entitled to', () => {
  const asked = () => [
    ...fundedBudget(),
    cmd('RequestChange', actors.holder, { changeRequestId: 'cr-1', summary: 'more hours' }),
  ];
  const decline = (actor: Actor = actors.coordinator, reason = 'no change in assessed need') =>
    cmd('DeclineChangeRequest', actor, { changeRequestId: 'cr-1', reason });
  it('by the coordinator or commissioner, once, with a reason', () => {
    given(...asked())
      .when(decline())
      .then(['ChangeRequestDeclined']);
    given(...asked())
      .when(decline(actors.commissioner))
      .then(['ChangeRequestDeclined']);
    given(...asked())
      .when(decline(actors.holder))
      .thenRefused('role-not-allowed');
    given(...asked())
      .when(decline(actors.coordinator, ''))
      .thenRefused('reason-required');
    given(...asked(), decline())
      .when(decline())
      .thenRefused('change-request-closed');
    given(...fundedBudget())
      .when(decline())
      .thenRefused('unknown-change-request');
  });
  it('not once a plan answering it was agreed', () => {
    given(...asked(), c.plan(2, { changeRequestId: 'cr-1' }), c.agree(2, '2025-04-10'))
      .when(decline())
      .thenRefused('change-request-closed', (e) => expect(e.message).toContain('plan version 2'));
  });
});

describe('an overspend is explained by the coordinator and an exception approved by the commissioner', () => {
  const over = () => [...fundedBudget(), c.spend('s1', 'pa', '1100.00')];
  const explain = (target: { lineId?: string; stream?: 'health' }, actor: Actor = actors.coordinator) =>
    cmd('ExplainOverspend', actor, { ...target, reason: 'extra care after a fall' });
  const approve = (target: { lineId?: string; stream?: 'health' }) =>
    cmd('ApproveOverspendException', actors.commissioner, { ...target, reason: 'approved at panel' });
  const lineFlag = (commands: Command[]) =>
    flagsOf('b-1', stateAfter(commands)).find((f) => f.kind === 'overspend-line');
  it('flags separate unexplained, explained and approved overspend', () => {
    expect(lineFlag(over())).toMatchObject({ lineId: 'pa', explanation: 'unexplained' });
    expect(lineFlag([...over(), explain({ lineId: 'pa' })])).toMatchObject({ explanation: 'explained' });
    expect(lineFlag([...over(), explain({ lineId: 'pa' }), approve({ lineId: 'pa' })])).toMatchObject({
      explanation: 'exception-approved',
    });
    // more overspend after the explanation is unexplained again
    expect(lineFlag([...over(), explain({ lineId: 'pa' }), c.spend('s2', 'pa', '1.00')])).toMatchObject({
      explanation: 'unexplained',
    });
  });
  it('records the overspend it covers, and needs an overspend, a target and a reason', () => {
    given(...over())
      .when(explain({ lineId: 'pa' }))
      .then(['OverspendExplained'], (events) =>
        expect(data(events, 'OverspendExplained').over.toString()).toBe('100.00'),
      );
    given(...fundedBudget())
      .when(explain({ lineId: 'pa' }))
      .thenRefused('no-overspend');
    given(...over())
      .when(explain({}))
      .thenRefused('invalid-command');
    given(...over())
      .when(explain({ lineId: 'pa', stream: 'health' }))
      .thenRefused('invalid-command');
    given(...over())
      .when(explain({ lineId: 'pa' }, actors.commissioner))
      .thenRefused('role-not-allowed');
    given(...over())
      .when(approve({ stream: 'health' }))
      .then(['OverspendExceptionApproved']);
  });
});

describe('local exclusions are policy data in the log', () => {
  const withLine = () => [
    c.open(),
    c.allocate('social-care', '500.00'),
    c.plan(1, {
      lines: [
        {
          lineId: 'sc',
          category: 'other',
          option: 'notional',
          amount: Money.of('100.00'),
          shares: { 'social-care': 1 },
        },
      ],
    }),
    c.agree(),
  ];
  const exclude = (): Command =>
    cmd('SetLocalExclusions', actors.commissioner, {
      exclusions: [
        {
          stream: 'social-care',
          purpose: 'tobacco',
          ruleId: 'notts-sc-1',
          text: 'council money does not buy tobacco',
        },
      ],
      reason: 'site policy 2025',
    });
  const tobacco = (): Command =>
    ({
      ...c.spend('t1', 'sc', '5.00', actors.coordinator),
      data: { ...c.spend('t1', 'sc', '5.00').data, purpose: 'tobacco' },
    }) as Command;
  it('a site’s exclusion refuses spend of that funder’s money for that purpose, naming the local rule', () => {
    given(...withLine())
      .when(tobacco())
      .then(['SpendRecorded']);
    given(...withLine(), exclude())
      .when(tobacco())
      .thenRefused('prohibited-purpose', (e) =>
        expect(e.code === 'prohibited-purpose' && e.rule).toBe('notts-sc-1'),
      );
  });
  it('a replay decides exactly as the original decision did', () => {
    const ledger = ledgerOf([...withLine(), exclude()]);
    const replayed = foldEvents(ledger.events());
    const r = execute(tobacco(), replayed, ledger.events());
    expect(r._tag === 'Left' && (r.left as LedgerError).code).toBe('prohibited-purpose');
  });
  it('only the commissioner sets them, for the budget’s streams', () => {
    given(...withLine())
      .when({ ...exclude(), actor: actors.coordinator })
      .thenRefused('role-not-allowed');
    given(...withLine())
      .when(
        cmd('SetLocalExclusions', actors.commissioner, {
          exclusions: [{ stream: 'education', purpose: 'tobacco', ruleId: 'r', text: 't' }],
          reason: 'x',
        }),
      )
      .thenRefused('invalid-command', (e) =>
        expect(e.code === 'invalid-command' && e.field).toBe('data.exclusions[0].stream'),
      );
  });
});

describe('a contingency is held outside the budget and returned if unused', () => {
  const hold = (): Command =>
    cmd('HoldContingency', actors.commissioner, {
      contingencyId: 'k-1',
      stream: 'health',
      amount: Money.of('100.00'),
      reason: 'winter pressures',
    });
  const ret = (amount: string) =>
    cmd('ReturnContingency', actors.finance, {
      contingencyId: 'k-1',
      amount: Money.of(amount),
      reason: 'not needed',
    });
  it('moves no budget money and shows in the audit trail', () => {
    const before = JSON.stringify(balances(ledgerOf(fundedBudget()).events()));
    const ledger = ledgerOf([...fundedBudget(), hold(), ret('60.00')]);
    expect(JSON.stringify(balances(ledger.events()))).toBe(before);
    const what = auditTrail(ledger.events()).map((x) => x.what);
    expect(what).toContain('held a contingency k-1 of £100.00 of health money outside the budget');
    expect(what).toContain('returned £60.00 of contingency k-1 unused');
  });
  it('returns at most what is still held; ids are known and used once', () => {
    given(...fundedBudget(), hold(), ret('60.00'))
      .when(ret('40.01'))
      .thenRefused('contingency-above-held');
    given(...fundedBudget(), hold(), ret('60.00'))
      .when(ret('40.00'))
      .then(['ContingencyReturned']);
    given(...fundedBudget())
      .when(ret('1.00'))
      .thenRefused('unknown-contingency');
    given(...fundedBudget(), hold())
      .when(hold())
      .thenRefused('duplicate-contingency');
  });
});

describe('a role refusal names the line’s management option when that is why', () => {
  it('a holder on a notional line', () => {
    given(...fundedBudget())
      .when(c.spend('s1', 'physio', '10.00', actors.holder))
      .thenRefused('role-not-allowed', (e) => {
        expect(e.message).toContain('on a notional line');
        expect(e.code === 'role-not-allowed' && e.option).toBe('notional');
      });
    given(...fundedBudget())
      .when(c.spend('s1', 'pa', '10.00', actors.auditor))
      .thenRefused('role-not-allowed', (e) =>
        expect(e.code === 'role-not-allowed' && e.option).toBeUndefined(),
      );
  });
});

describe('idempotency keys cannot lie', () => {
  it('a different command under a used command id is refused, naming the id, in Ledger and execute', () => {
    const funded = fundedBudget();
    const spend = c.spend('s1', 'pa', '10.00');
    const close = {
      ...cmd('CloseBudget', actors.coordinator, { closedOn: '2025-06-01', reason: 'moved' }),
      commandId: spend.commandId,
    };
    const ledger = ledgerOf([...funded, spend]);
    const r = ledger.record(close);
    expect(r._tag === 'Left' && r.left.code).toBe('command-id-reused');
    expect(r._tag === 'Left' && r.left.message).toContain(spend.commandId);
    expect(ledger.stateOf('b-1').status).toBe('open');
    const x = execute(close, foldEvents(ledger.events()), ledger.events());
    expect(x._tag === 'Left' && x.left.code).toBe('command-id-reused');
  });
  it('the same command again returns the original events, even with another recordedAt', () => {
    const funded = fundedBudget();
    const spend = c.spend('s1', 'pa', '10.00');
    const ledger = ledgerOf([...funded, spend]);
    const again = ledger.record({ ...spend, recordedAt: '2025-05-01T00:00:00.000Z' });
    expect(again._tag === 'Right' && again.right.duplicate).toBe(true);
    expect(again._tag === 'Right' && again.right.events.map((e) => e.type)).toEqual(['SpendRecorded']);
    const changed = ledger.record({
      ...spend,
      data: { ...spend.data, amount: Money.of('10.01') },
    } as Command);
    expect(changed._tag === 'Left' && changed.left.code).toBe('command-id-reused');
    expect(initialState.commands.size).toBe(0);
  });
});
