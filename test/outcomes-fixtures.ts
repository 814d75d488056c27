/**
 * A small multi-site log written by hand for the outcome tests: three budgets at two sites,
 * with a closure, a reversal, a reclaim, two change requests, an off-plan attempt, an
 * overspend, and one spend after the as-of date. The expected outcomes are worked out by hand
 * in test/outcomes.test.ts.
 */
import { Ledger, Money, type Actor, type Command, type CommandDataMap, type CommandType } from 'ipb-ledger';

/** Person references and free text that must never appear in a pseudonymised release. */
export const SECRETS = {
  personRefs: ['NHS-943-476-5919', 'SC-778812-KT', 'MH-5550123-RW'],
  freeText: [
    'Jane Smith PA services',
    'receipt-jane-smith-0510',
    'Mrs Example fell at home',
    'duplicate invoice from Jane',
    'Sunrise Day Centre Ltd',
    'moved to Sheffield with her daughter',
    'wants a different therapist, Dr Okafor',
    'Costa del Sol holiday package',
    'budget agreed at panel on 20 March',
  ],
};

interface Step {
  readonly type: CommandType;
  readonly budgetId: string;
  readonly at: string;
  readonly actor: Actor;
  readonly data: unknown;
}

const coord = (site: string): Actor => ({ id: `coordinator-${site}-ann-jones`, role: 'coordinator' });
const fin = (site: string): Actor => ({ id: `finance-${site}-bob-brown`, role: 'finance' });
const m = Money.of;

/** The steps, each budget's in its own order; they are interleaved by time when recorded. */
export const HAND_STEPS: readonly Step[] = [
  // Budget A: east, older people, joint health + social care, direct payment.
  {
    type: 'OpenBudget',
    budgetId: 'east-A',
    at: '2024-03-01T09:00:00.000Z',
    actor: coord('east'),
    data: {
      personRef: 'NHS-943-476-5919',
      site: 'east',
      cohort: 'older-people-ltc',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2024-04-01',
      periodEnd: '2025-03-31',
      referredAt: '2024-03-01T09:00:00.000Z',
    },
  },
  {
    type: 'AllocateFunding',
    budgetId: 'east-A',
    at: '2024-03-20T10:00:00.000Z',
    actor: fin('east'),
    data: {
      stream: 'health',
      amount: m('1000.00'),
      stage: 'agreed',
      reason: 'budget agreed at panel on 20 March',
    },
  },
  {
    type: 'AllocateFunding',
    budgetId: 'east-A',
    at: '2024-03-20T10:05:00.000Z',
    actor: fin('east'),
    data: { stream: 'social-care', amount: m('1000.00'), stage: 'agreed' },
  },
  {
    type: 'ProposePlan',
    budgetId: 'east-A',
    at: '2024-03-22T10:00:00.000Z',
    actor: coord('east'),
    data: {
      planVersion: 1,
      lines: [
        {
          lineId: 'A-pa',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: m('2000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
      ],
    },
  },
  {
    type: 'AgreePlan',
    budgetId: 'east-A',
    at: '2024-03-25T09:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: { planVersion: 1, agreedOn: '2024-03-25' },
  },
  {
    type: 'RecordSpend',
    budgetId: 'east-A',
    at: '2024-05-11T12:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: {
      spendId: 'A-s1',
      lineId: 'A-pa',
      amount: m('100.01'),
      spentOn: '2024-05-10',
      payee: 'Jane Smith PA services',
      evidenceRef: 'receipt-jane-smith-0510',
    },
  },
  {
    type: 'RequestChange',
    budgetId: 'east-A',
    at: '2024-06-03T10:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: { changeRequestId: 'A-cr1', summary: 'Mrs Example fell at home' },
  },
  {
    type: 'ProposePlan',
    budgetId: 'east-A',
    at: '2024-06-04T10:00:00.000Z',
    actor: coord('east'),
    data: {
      planVersion: 2,
      changeRequestId: 'A-cr1',
      lines: [
        {
          lineId: 'A-pa',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: m('2000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
        {
          lineId: 'A-kit',
          category: 'equipment',
          option: 'notional',
          amount: m('200.00'),
          shares: { health: 1 },
        },
      ],
    },
  },
  {
    type: 'AgreePlan',
    budgetId: 'east-A',
    at: '2024-06-06T10:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: { planVersion: 2, agreedOn: '2024-06-06' },
  },
  {
    type: 'CompleteReview',
    budgetId: 'east-A',
    at: '2024-06-20T15:00:00.000Z',
    actor: coord('east'),
    data: { reviewedOn: '2024-06-20', outcome: 'no-change' },
  },
  {
    type: 'RecordSpend',
    budgetId: 'east-A',
    at: '2024-07-16T09:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: {
      spendId: 'A-s2',
      lineId: 'A-pa',
      amount: m('300.00'),
      spentOn: '2024-07-15',
      payee: 'Jane Smith PA services',
      evidenceRef: 'receipt-jane-smith-0715',
    },
  },
  {
    type: 'RecordSpend',
    budgetId: 'east-A',
    at: '2024-07-21T09:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: {
      spendId: 'A-s3',
      lineId: 'A-pa',
      amount: m('40.00'),
      spentOn: '2024-07-20',
      payee: 'Jane Smith PA services',
      evidenceRef: 'receipt-jane-smith-0720',
    },
  },
  {
    type: 'ReverseSpend',
    budgetId: 'east-A',
    at: '2024-07-22T09:00:00.000Z',
    actor: { id: 'NHS-943-476-5919', role: 'holder' },
    data: { spendId: 'A-s3', reason: 'duplicate invoice from Jane' },
  },
  {
    type: 'PayFunds',
    budgetId: 'east-A',
    at: '2024-07-31T09:00:00.000Z',
    actor: fin('east'),
    data: {
      stream: 'health',
      amount: m('5000.00'),
      option: 'direct-payment',
      reference: 'dp-east-A-2024-07',
    },
  },
  {
    type: 'ReclaimSurplus',
    budgetId: 'east-A',
    at: '2024-08-01T09:00:00.000Z',
    actor: fin('east'),
    data: {
      stream: 'health',
      amount: m('100.00'),
      reason: 'surplus',
      noticeRef: 'notice-east-A-2024-08',
      deadline: '2024-08-29',
    },
  },
  // Budget B: east, learning disabilities, Care Act, notional; overspends, then closes.
  {
    type: 'OpenBudget',
    budgetId: 'east-B',
    at: '2024-03-10T09:00:00.000Z',
    actor: coord('east'),
    data: {
      personRef: 'SC-778812-KT',
      site: 'east',
      cohort: 'learning-disabilities',
      basis: 'care-act',
      streams: ['social-care'],
      periodStart: '2024-04-01',
      periodEnd: '2025-03-31',
    },
  },
  {
    type: 'AllocateFunding',
    budgetId: 'east-B',
    at: '2024-04-02T09:00:00.000Z',
    actor: fin('east'),
    data: { stream: 'social-care', amount: m('500.00'), stage: 'agreed' },
  },
  {
    type: 'ProposePlan',
    budgetId: 'east-B',
    at: '2024-04-02T10:00:00.000Z',
    actor: coord('east'),
    data: {
      planVersion: 1,
      lines: [
        {
          lineId: 'B-day',
          category: 'community-activity',
          option: 'notional',
          amount: m('500.00'),
          shares: { 'social-care': 1 },
        },
      ],
    },
  },
  {
    type: 'AgreePlan',
    budgetId: 'east-B',
    at: '2024-04-02T11:00:00.000Z',
    actor: { id: 'SC-778812-KT', role: 'holder' },
    data: { planVersion: 1, agreedOn: '2024-04-02' },
  },
  {
    type: 'RecordSpend',
    budgetId: 'east-B',
    at: '2024-05-02T10:00:00.000Z',
    actor: coord('east'),
    data: {
      spendId: 'B-s1',
      lineId: 'B-day',
      amount: m('450.00'),
      spentOn: '2024-05-01',
      payee: 'Sunrise Day Centre Ltd',
      evidenceRef: 'invoice-sunrise-5001',
    },
  },
  {
    type: 'RecordSpend',
    budgetId: 'east-B',
    at: '2024-08-02T10:00:00.000Z',
    actor: coord('east'),
    data: {
      spendId: 'B-s2',
      lineId: 'B-day',
      amount: m('100.00'),
      spentOn: '2024-08-01',
      payee: 'Sunrise Day Centre Ltd',
      evidenceRef: 'invoice-sunrise-5002',
    },
  },
  {
    type: 'CloseBudget',
    budgetId: 'east-B',
    at: '2024-09-15T10:00:00.000Z',
    actor: coord('east'),
    data: { closedOn: '2024-09-15', reason: 'moved to Sheffield with her daughter' },
  },
  // Budget C: west, serious mental illness, s117 aftercare, third party; starts in July.
  {
    type: 'OpenBudget',
    budgetId: 'west-C',
    at: '2024-06-01T10:00:00.000Z',
    actor: coord('west'),
    data: {
      personRef: 'MH-5550123-RW',
      site: 'west',
      cohort: 'serious-mental-illness',
      basis: 's117',
      streams: ['health'],
      periodStart: '2024-07-01',
      periodEnd: '2025-06-30',
      referredAt: '2024-06-01T00:00:00.000Z',
    },
  },
  {
    type: 'AllocateFunding',
    budgetId: 'west-C',
    at: '2024-06-20T09:00:00.000Z',
    actor: fin('west'),
    data: { stream: 'health', amount: m('1200.00'), stage: 'agreed' },
  },
  {
    type: 'ProposePlan',
    budgetId: 'west-C',
    at: '2024-06-20T10:00:00.000Z',
    actor: coord('west'),
    data: {
      planVersion: 1,
      lines: [
        {
          lineId: 'C-sup',
          category: 'therapy',
          option: 'third-party',
          amount: m('1200.00'),
          shares: { health: 1 },
        },
      ],
    },
  },
  {
    type: 'AgreePlan',
    budgetId: 'west-C',
    at: '2024-06-21T00:00:00.000Z',
    actor: { id: 'MH-5550123-RW', role: 'holder' },
    data: { planVersion: 1, agreedOn: '2024-06-21' },
  },
  {
    type: 'RecordSpend',
    budgetId: 'west-C',
    at: '2024-07-11T09:00:00.000Z',
    actor: coord('west'),
    data: {
      spendId: 'C-s1',
      lineId: 'C-sup',
      amount: m('100.00'),
      spentOn: '2024-07-10',
      payee: 'Riverside Therapy CIC',
      evidenceRef: 'invoice-riverside-77',
    },
  },
  {
    type: 'RequestChange',
    budgetId: 'west-C',
    at: '2024-08-01T00:00:00.000Z',
    actor: coord('west'),
    data: { changeRequestId: 'C-cr1', summary: 'wants a different therapist, Dr Okafor' },
  },
  {
    type: 'ProposePlan',
    budgetId: 'west-C',
    at: '2024-08-05T09:00:00.000Z',
    actor: coord('west'),
    data: {
      planVersion: 2,
      changeRequestId: 'C-cr1',
      lines: [
        {
          lineId: 'C-sup',
          category: 'therapy',
          option: 'third-party',
          amount: m('1500.00'),
          shares: { health: 1 },
        },
      ],
    },
  },
  {
    type: 'RecordSpend',
    budgetId: 'west-C',
    at: '2024-08-06T09:00:00.000Z',
    actor: coord('west'),
    data: {
      spendId: 'C-x',
      lineId: 'C-holiday',
      amount: m('80.00'),
      spentOn: '2024-08-05',
      payee: 'Costa del Sol holiday package',
      evidenceRef: 'booking-costa-991',
    },
  },
  {
    type: 'AgreePlan',
    budgetId: 'west-C',
    at: '2024-08-11T00:00:00.000Z',
    actor: { id: 'MH-5550123-RW', role: 'holder' },
    data: { planVersion: 2, agreedOn: '2024-08-11' },
  },
  {
    type: 'RecordSpend',
    budgetId: 'west-C',
    at: '2024-10-06T09:00:00.000Z',
    actor: coord('west'),
    data: {
      spendId: 'C-s2',
      lineId: 'C-sup',
      amount: m('50.00'),
      spentOn: '2024-10-05',
      payee: 'Riverside Therapy CIC',
      evidenceRef: 'invoice-riverside-78',
    },
  },
];

/** The hand-written log as a ledger: steps recorded in time order (budgets interleaved). */
export function handLedger(): Ledger {
  const steps = HAND_STEPS.map((s, i) => ({ s, i })).sort((a, b) =>
    a.s.at !== b.s.at ? (a.s.at < b.s.at ? -1 : 1) : a.i - b.i,
  );
  const ledger = new Ledger();
  for (const { s, i } of steps) {
    ledger.recordOrThrow({
      type: s.type,
      commandId: `cmd-${String(i + 1).padStart(3, '0')}-${s.budgetId}`,
      budgetId: s.budgetId,
      actor: s.actor,
      occurredAt: s.at,
      recordedAt: s.at,
      data: s.data as CommandDataMap[CommandType],
    } as Command);
  }
  return ledger;
}
