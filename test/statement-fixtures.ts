/**
 * A busy budget for the statement tests: four funders, every kind of waiting item (a change
 * request with no answer, one whose plan was turned down, a reclaim, a paused direct payment,
 * an overdue review, an overspend, a payment not counted), a very long payee with no spaces
 * (for the A4 print test), and other budgets in the same ledger whose free text is full of
 * marker strings (for the isolation test).
 */
import { Ledger, Money, type Actor, type Command, type CommandDataMap, type CommandType } from 'ipb-ledger';

/** The busy budget's id. */
export const BUSY = 'busy-2024';

/** A marker no statement of {@link BUSY} may contain: it is only in other budgets' free text. */
export const OTHER_MARKER = 'OTHERBUDGETQXJW';
/** Finds any piece (6 characters or more) of the marker. */
export const OTHER_LEAK = /QXJW|OTHERB|THERBU|HERBUD|ERBUDG|RBUDGE|BUDGET QXJ|GETQXJ|ETQXJW/;

/** The busy budget and two other budgets full of markers, in one ledger. */
export function busyLedger(): Ledger {
  const ledger = new Ledger();
  let n = 0;
  const run = <K extends CommandType>(
    budgetId: string,
    type: K,
    actor: Actor,
    at: string,
    data: CommandDataMap[K],
  ): void => {
    n += 1;
    ledger.recordOrThrow({
      type,
      commandId: `busy-${n}`,
      budgetId,
      actor,
      occurredAt: `${at}T10:00:00.000Z`,
      recordedAt: `${at}T10:00:00.000Z`,
      data,
    } as Command);
  };
  const holder: Actor = { id: 'person-ann', role: 'holder' };
  const coord: Actor = { id: 'coord-ward-2', role: 'coordinator' };
  const fin: Actor = { id: 'fin-lee', role: 'finance' };
  const comm: Actor = { id: 'comm-joy', role: 'commissioner' };

  // Other budgets first, interleaved with the busy one below.
  const others = ['other-1', 'other-2'];
  const mark = (k: string) => `${OTHER_MARKER} ${k} ${OTHER_MARKER}`;
  for (const b of others) {
    run(b, 'OpenBudget', { id: `coord-${OTHER_MARKER}`, role: 'coordinator' }, '2024-04-01', {
      personRef: mark('person'),
      site: `site-${OTHER_MARKER}`,
      cohort: 'older-people-ltc',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2024-04-01',
      periodEnd: '2025-03-31',
    });
  }
  run(BUSY, 'OpenBudget', coord, '2024-04-01', {
    personRef: 'person-ann',
    site: 'west',
    cohort: 'children-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care', 'education', 'contribution'],
    periodStart: '2024-04-01',
    periodEnd: '2025-03-31',
  });
  for (const b of others) {
    const fo: Actor = { id: `fin-${OTHER_MARKER}`, role: 'finance' };
    run(b, 'AllocateFunding', fo, '2024-04-02', {
      stream: 'health',
      amount: Money.of('999.99'),
      stage: 'agreed',
      reason: mark('allocation reason'),
    });
    run(b, 'AuthoriseRepresentative', { id: `coord-${OTHER_MARKER}`, role: 'coordinator' }, '2024-04-02', {
      representativeId: `rep-${OTHER_MARKER}`,
      reason: mark('representative reason'),
    });
    run(b, 'ProposePlan', { id: `coord-${OTHER_MARKER}`, role: 'coordinator' }, '2024-04-03', {
      planVersion: 1,
      lines: [
        {
          lineId: 'L1',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('500.00'),
          shares: { health: 1 },
        },
      ],
    });
    run(b, 'AgreePlan', { id: mark('person'), role: 'holder' }, '2024-04-03', {
      planVersion: 1,
      agreedOn: '2024-04-03',
    });
    run(b, 'RecordSpend', { id: mark('person'), role: 'holder' }, '2024-04-10', {
      spendId: 'sp-1',
      lineId: 'L1',
      amount: Money.of('77.77'),
      spentOn: '2024-04-10',
      payee: mark('payee'),
      evidenceRef: `ev-${OTHER_MARKER}`,
    });
    run(b, 'ReverseSpend', fo, '2024-04-11', { spendId: 'sp-1', reason: mark('reversal reason') });
    run(b, 'RequestChange', { id: mark('person'), role: 'holder' }, '2024-04-12', {
      changeRequestId: 'cr-1',
      summary: mark('change summary'),
    });
    run(b, 'SuspendDirectPayment', fo, '2024-04-13', { reason: mark('suspension reason') });
  }

  // a contribution is allocated only after it is assessed
  run(BUSY, 'AssessContribution', fin, '2024-04-02', { amount: Money.of('300.00') });
  for (const [stream, amount] of [
    ['health', '6000.00'],
    ['social-care', '4000.00'],
    ['education', '1500.00'],
    ['contribution', '300.00'],
  ] as const) {
    run(BUSY, 'AllocateFunding', fin, '2024-04-02', { stream, amount: Money.of(amount), stage: 'agreed' });
  }
  run(BUSY, 'AllocateFunding', fin, '2024-04-02', {
    stream: 'education',
    amount: Money.of('250.00'),
    stage: 'indicative',
  });
  run(BUSY, 'AdjustFunding', comm, '2024-04-05', {
    stream: 'social-care',
    delta: Money.of('-500.00'),
    reason: 'Fewer night visits are needed',
  });
  run(BUSY, 'ProposePlan', coord, '2024-04-06', {
    planVersion: 1,
    lines: [
      {
        lineId: 'pa',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('6000.00'),
        shares: { health: 2, 'social-care': 1, contribution: 1 },
      },
      {
        lineId: 'tutor',
        category: 'other',
        option: 'managed-account',
        amount: Money.of('1500.00'),
        shares: { education: 1 },
      },
      {
        lineId: 'ot',
        category: 'therapy',
        option: 'notional',
        amount: Money.of('200.00'),
        shares: { health: 1 },
      },
      {
        lineId: 'ot-2',
        category: 'therapy',
        option: 'third-party',
        amount: Money.of('900.00'),
        shares: { health: 1, 'social-care': 1, education: 1 },
      },
    ],
  });
  run(BUSY, 'AgreePlan', holder, '2024-04-07', { planVersion: 1, agreedOn: '2024-04-07' });
  run(BUSY, 'PayFunds', fin, '2024-04-08', {
    stream: 'health',
    amount: Money.of('2000.00'),
    option: 'direct-payment',
    reference: 'DP-1',
  });
  run(BUSY, 'RecordSpend', holder, '2024-04-20', {
    spendId: 's1',
    lineId: 'pa',
    amount: Money.of('100.03'),
    spentOn: '2024-04-20',
    payee: 'Sam the personal assistant',
    evidenceRef: 'payslip-1',
  });
  run(BUSY, 'RecordSpend', coord, '2024-04-21', {
    spendId: 's2',
    lineId: 'ot',
    amount: Money.of('250.00'),
    spentOn: '2024-04-21',
    payee: 'Occupational therapy service',
    evidenceRef: 'inv-2',
  });
  run(BUSY, 'RecordSpend', holder, '2024-04-22', {
    spendId: 's3',
    lineId: 'pa',
    amount: Money.of('55.00'),
    spentOn: '2024-04-22',
    payee: `Pay${'ee'.repeat(60)}WithAVeryLongNameAndNoSpacesAtAll`,
    evidenceRef: 'receipt-3',
  });
  run(BUSY, 'ReverseSpend', holder, '2024-04-23', { spendId: 's3', reason: 'Paid by mistake' });
  run(BUSY, 'RecordSpend', holder, '2024-04-24', {
    spendId: 's4',
    lineId: 'swimming',
    amount: Money.of('12.00'),
    spentOn: '2024-04-24',
    payee: 'Leisure centre',
    evidenceRef: 'receipt-4',
  });
  run(BUSY, 'ReclaimSurplus', fin, '2024-05-01', {
    stream: 'health',
    amount: Money.of('400.00'),
    reason: 'surplus',
    noticeRef: 'RN-2024-17',
    deadline: '2024-05-29',
  });
  run(BUSY, 'RequestChange', holder, '2024-05-02', {
    changeRequestId: 'cr-a',
    summary: 'Swimming lessons twice a week',
  });
  run(BUSY, 'RequestChange', holder, '2024-05-03', {
    changeRequestId: 'cr-b',
    summary: 'A different tutor',
  });
  run(BUSY, 'ProposePlan', coord, '2024-05-10', {
    planVersion: 2,
    changeRequestId: 'cr-b',
    lines: [
      {
        lineId: 'pa',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('6000.00'),
        shares: { health: 2, 'social-care': 1, contribution: 1 },
      },
    ],
  });
  run(BUSY, 'RejectPlan', holder, '2024-05-11', { planVersion: 2, reason: 'The tutor line is missing' });
  run(BUSY, 'SuspendDirectPayment', fin, '2024-06-01', { reason: 'Bank statements not sent for 2 months' });
  return ledger;
}
