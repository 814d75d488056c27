/** docs/recording.md: one budget's life, from opening to closing, and what the ledger shows. */
import {
  Ledger,
  Money,
  command,
  auditTrail,
  balances,
  balancesTable,
  planHistory,
  type Actor,
  type CommandDataMap,
  type CommandType,
} from 'ipb-ledger';

const holder: Actor = { id: 'person-12', role: 'holder' };
const coordinator: Actor = { id: 'coord-3', role: 'coordinator' };
const icb: Actor = { id: 'icb-finance-1', role: 'finance' };
const council: Actor = { id: 'council-commissioner-2', role: 'commissioner' };

export function budgetLife(): string {
  const ledger = new Ledger();
  let n = 0;
  const record = <K extends CommandType>(type: K, actor: Actor, at: string, data: CommandDataMap[K]) => {
    n += 1;
    const time = `${at}T10:00:00.000Z`;
    const meta = { commandId: `life-${n}`, budgetId: 'ipb-12', actor, occurredAt: time, recordedAt: time };
    return ledger.recordOrThrow(command(type, meta, data));
  };
  // #region open
  record('OpenBudget', coordinator, '2025-04-01', {
    personRef: 'person-12',
    site: 'nottinghamshire',
    cohort: 'serious-mental-illness',
    basis: 'joint',
    streams: ['health', 'social-care'],
    periodStart: '2025-04-01',
    periodEnd: '2026-03-31',
    referredAt: '2025-03-10T09:00:00.000Z',
  });
  record('AllocateFunding', icb, '2025-04-02', {
    stream: 'health',
    amount: Money.of('6000.00'),
    stage: 'indicative',
  });
  // #endregion open
  // #region plan
  record('ProposePlan', coordinator, '2025-04-08', {
    planVersion: 1,
    lines: [
      {
        lineId: 'pa',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('9000.00'),
        shares: { health: 1, 'social-care': 1 },
      },
      {
        lineId: 'gym',
        category: 'community-activity',
        option: 'direct-payment',
        amount: Money.of('300.00'),
        shares: { 'social-care': 1 },
      },
    ],
  });
  record('AgreePlan', holder, '2025-04-10', { planVersion: 1, agreedOn: '2025-04-10' });
  record('AllocateFunding', icb, '2025-04-11', {
    stream: 'health',
    amount: Money.of('4650.00'),
    stage: 'agreed',
  });
  record('AllocateFunding', council, '2025-04-11', {
    stream: 'social-care',
    amount: Money.of('4650.00'),
    stage: 'agreed',
  });
  record('PayFunds', icb, '2025-04-14', {
    stream: 'health',
    amount: Money.of('1162.50'),
    option: 'direct-payment',
    reference: 'DP-Q1-H',
  });
  // #endregion plan
  // #region spend
  record('RecordSpend', holder, '2025-04-30', {
    spendId: 'pa-04',
    lineId: 'pa',
    amount: Money.of('750.01'),
    spentOn: '2025-04-30',
    payee: 'Personal assistant (April)',
    evidenceRef: 'payslip-04',
    purpose: 'care-and-support',
  });
  record('RecordSpend', holder, '2025-05-02', {
    spendId: 'gym-05',
    lineId: 'gym',
    amount: Money.of('25.00'),
    spentOn: '2025-05-02',
    payee: 'Leisure centre',
    evidenceRef: 'receipt-0502',
  });
  record('ReverseSpend', holder, '2025-05-03', {
    spendId: 'gym-05',
    reason: 'the centre refunded the month',
  });
  // #endregion spend
  // #region change
  record('RequestChange', holder, '2025-06-02', {
    changeRequestId: 'cr-1',
    summary: 'more PA hours after a hospital stay',
  });
  record('ProposePlan', coordinator, '2025-06-04', {
    planVersion: 2,
    changeRequestId: 'cr-1',
    lines: [
      {
        lineId: 'pa',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('9300.00'),
        shares: { health: 2, 'social-care': 1 },
      },
    ],
  });
  record('AgreePlan', holder, '2025-06-06', { planVersion: 2, agreedOn: '2025-06-06' });
  record('RecordSpend', holder, '2025-06-30', {
    spendId: 'pa-06',
    lineId: 'pa',
    amount: Money.of('800.00'),
    spentOn: '2025-06-30',
    payee: 'Personal assistant (June)',
    evidenceRef: 'payslip-06',
  });
  record('CompleteReview', coordinator, '2025-07-01', { reviewedOn: '2025-07-01', outcome: 'no-change' });
  record('RecordOutcome', coordinator, '2025-07-01', {
    instrument: 'gas',
    measuredOn: '2025-07-01',
    respondent: 'person',
    items: [
      { item: 'goal-1', score: 1, label: 'cook a meal for friends' },
      { item: 'goal-2', score: 0 },
    ],
  });
  // #endregion change
  // #region end
  record('AdjustFunding', council, '2025-09-30', {
    stream: 'social-care',
    delta: Money.of('-300.00'),
    reason: 'gym line removed from the plan',
  });
  record('ReclaimSurplus', icb, '2025-10-01', {
    stream: 'health',
    amount: Money.of('100.00'),
    reason: 'surplus',
    noticeRef: 'notice-2025-10-01',
    deadline: '2025-10-29',
  });
  record('CloseBudget', coordinator, '2025-10-15', { closedOn: '2025-10-15', reason: 'moved out of area' });
  // #endregion end
  // #region report
  const events = ledger.eventsOf('ipb-12');
  const history = planHistory(ledger.stateOf('ipb-12'));
  const change = history.plans.find((p) => p.changeRequestId === 'cr-1');
  return [
    balancesTable(balances(events)),
    '',
    `referral to first agreed plan: ${history.referralToAgreedDays?.toFixed(1)} days`,
    `change cr-1 asked for to agreed: ${change?.leadTimeDays?.toFixed(1)} days`,
    '',
    ...auditTrail(events).map((e) => `${e.seq}. ${e.actorId} (${e.role}) ${e.what}`),
  ].join('\n');
  // #endregion report
}
