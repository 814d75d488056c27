/**
 * A hand-written log for the people, requests and outcome-change figures: three people at two
 * sites holding five budgets (a renewal, two budgets at once, a closure), change requests agreed
 * fast, agreed late, still waiting and waiting on a closed budget, and outcome measures on
 * three instruments (one person measured across a renewal). The figures are worked out by hand
 * in test/outcomes-people.test.ts.
 */
import { Ledger, Money, type Actor, type Command, type CommandDataMap, type CommandType } from 'ipb-ledger';

/** The people's references and free text that a release must not carry. */
export const PEOPLE_SECRETS = {
  personRefs: ['NHS-111-222-3333', 'SC-444-555-XY', 'MH-777-888-ZZ'],
  freeText: ['walk to the shops with Mary', 'she is sleeping better', 'moved to Leeds'],
};

const [P1, P2, P3] = PEOPLE_SECRETS.personRefs as [string, string, string];
const coord: Actor = { id: 'coord-kim-lee', role: 'coordinator' };
const fin: Actor = { id: 'finance-raj-patel', role: 'finance' };
const m = Money.of;

interface Step {
  readonly budgetId: string;
  readonly at: string;
  readonly actor: Actor;
  readonly type: CommandType;
  readonly data: unknown;
}

const steps: Step[] = [];
const add = <K extends CommandType>(
  budgetId: string,
  at: string,
  actor: Actor,
  type: K,
  data: CommandDataMap[K],
): void => {
  steps.push({ budgetId, at: `${at}:00.000Z`, actor, type, data });
};
const open = (
  id: string,
  at: string,
  personRef: string,
  site: string,
  cohort: CommandDataMap['OpenBudget']['cohort'],
  basis: CommandDataMap['OpenBudget']['basis'],
  streams: CommandDataMap['OpenBudget']['streams'],
  periodStart: string,
  periodEnd: string,
) => add(id, at, coord, 'OpenBudget', { personRef, site, cohort, basis, streams, periodStart, periodEnd });
const plan = (
  id: string,
  at: string,
  planVersion: number,
  line: CommandDataMap['ProposePlan']['lines'][number],
  changeRequestId?: string,
) =>
  add(id, at, coord, 'ProposePlan', {
    planVersion,
    lines: [line],
    ...(changeRequestId === undefined ? {} : { changeRequestId }),
  });
const holderOf: Record<string, string> = { E1: P1, E2: P1, E3: P2, E4: P2, W1: P3 };
const agree = (id: string, at: string, planVersion: number) =>
  add(id, at, { id: holderOf[id] ?? '-', role: 'holder' }, 'AgreePlan', {
    planVersion,
    agreedOn: at.slice(0, 10),
  });
const measure = (
  id: string,
  at: string,
  instrument: string,
  respondent: CommandDataMap['RecordOutcome']['respondent'],
  scores: readonly number[],
  label?: string,
) =>
  add(id, at, coord, 'RecordOutcome', {
    instrument,
    measuredOn: at.slice(0, 10),
    respondent,
    items: scores.map((score, i) => ({
      item: instrument === 'gas' ? `goal-${i + 1}` : `q${i + 1}`,
      score,
      ...(label === undefined || i > 0 ? {} : { label }),
    })),
  });

// P1: E1 (joint, April to September), then its renewal E2 (CHC, from October).
open(
  'E1',
  '2024-03-20T09:00',
  P1,
  'east',
  'older-people-ltc',
  'joint',
  ['health', 'social-care'],
  '2024-04-01',
  '2024-09-30',
);
add('E1', '2024-04-01T09:00', fin, 'AllocateFunding', {
  stream: 'health',
  amount: m('1000.00'),
  stage: 'agreed',
});
add('E1', '2024-04-01T09:05', fin, 'AllocateFunding', {
  stream: 'social-care',
  amount: m('1000.00'),
  stage: 'agreed',
});
plan('E1', '2024-04-01T10:00', 1, {
  lineId: 'E1-pa',
  category: 'personal-assistant',
  option: 'direct-payment',
  amount: m('2000.00'),
  shares: { health: 1, 'social-care': 1 },
});
agree('E1', '2024-04-02T10:00', 1);
measure('E1', '2024-04-02T11:00', 'gas', 'person', [-1, -2], 'walk to the shops with Mary');
measure('E1', '2024-09-01T10:00', 'gas', 'person', [1, 0]);
open('E2', '2024-09-25T09:00', P1, 'east', 'older-people-ltc', 'chc', ['health'], '2024-10-01', '2025-03-31');
add('E2', '2024-10-01T09:00', fin, 'AllocateFunding', {
  stream: 'health',
  amount: m('2000.00'),
  stage: 'agreed',
});
plan('E2', '2024-10-01T10:00', 1, {
  lineId: 'E2-care',
  category: 'agency-care',
  option: 'notional',
  amount: m('2000.00'),
  shares: { health: 1 },
});
agree('E2', '2024-10-01T11:00', 1);
measure('E2', '2024-11-01T10:00', 'gas', 'person', [2]);
add('E2', '2024-11-30T16:00', coord, 'RecordSpend', {
  spendId: 'E2-s1',
  lineId: 'E2-care',
  amount: m('100.00'),
  spentOn: '2024-11-30',
  payee: 'Homecare Ltd',
  evidenceRef: 'inv-E2-1',
});

// P2: E3 (social care, third party, all year) and E4 (CHC, notional, from July) at once.
open(
  'E3',
  '2024-03-20T10:00',
  P2,
  'east',
  'learning-disabilities',
  'care-act',
  ['social-care'],
  '2024-04-01',
  '2025-03-31',
);
add('E3', '2024-04-01T09:10', fin, 'AllocateFunding', {
  stream: 'social-care',
  amount: m('3000.00'),
  stage: 'agreed',
});
const day = {
  lineId: 'E3-day',
  category: 'community-activity',
  option: 'third-party',
  amount: m('3000.00'),
  shares: { 'social-care': 1 },
} as const;
plan('E3', '2024-04-01T10:10', 1, day);
agree('E3', '2024-04-03T10:00', 1);
const holder2: Actor = { id: P2, role: 'holder' };
add('E3', '2024-05-01T10:00', holder2, 'RequestChange', {
  changeRequestId: 'E3-cr1',
  summary: 'different day centre',
});
measure('E3', '2024-05-01T12:00', 'poet', 'representative', [2, 3, 1], 'she is sleeping better');
plan('E3', '2024-05-02T10:00', 2, day, 'E3-cr1');
agree('E3', '2024-05-04T10:00', 2);
add('E3', '2024-06-26T09:00', holder2, 'RequestChange', { changeRequestId: 'E3-cr2', summary: 'more hours' });
plan('E3', '2024-07-09T09:00', 3, day, 'E3-cr2');
agree('E3', '2024-07-10T09:00', 3);
measure('E3', '2024-11-15T10:00', 'poet', 'representative', [2, 2, 2]);
open(
  'E4',
  '2024-06-20T09:00',
  P2,
  'east',
  'learning-disabilities',
  'chc',
  ['health'],
  '2024-07-01',
  '2025-03-31',
);
add('E4', '2024-07-01T09:00', fin, 'AllocateFunding', {
  stream: 'health',
  amount: m('1500.00'),
  stage: 'agreed',
});
plan('E4', '2024-07-01T10:00', 1, {
  lineId: 'E4-th',
  category: 'therapy',
  option: 'notional',
  amount: m('1500.00'),
  shares: { health: 1 },
});
agree('E4', '2024-07-02T10:00', 1);
add('E4', '2024-09-20T12:00', holder2, 'RequestChange', {
  changeRequestId: 'E4-cr3',
  summary: 'a new therapist',
});
add('E4', '2024-11-28T12:00', holder2, 'RequestChange', { changeRequestId: 'E4-cr4', summary: 'swimming' });

// P3: W1 (s117, health money only, no plan ever agreed), closed in August.
open(
  'W1',
  '2024-03-21T09:00',
  P3,
  'west',
  'serious-mental-illness',
  's117',
  ['health', 'social-care'],
  '2024-04-01',
  '2025-03-31',
);
add('W1', '2024-04-01T09:20', fin, 'AllocateFunding', {
  stream: 'health',
  amount: m('500.00'),
  stage: 'agreed',
});
plan('W1', '2024-04-01T10:20', 1, {
  lineId: 'W1-sup',
  category: 'community-activity',
  option: 'notional',
  amount: m('500.00'),
  shares: { health: 1 },
});
measure('W1', '2024-06-01T10:00', 'swemwbs', 'person', [3, 3, 3, 3, 3, 3, 3]);
add('W1', '2024-08-01T00:00', { id: P3, role: 'holder' }, 'RequestChange', {
  changeRequestId: 'W1-cr5',
  summary: 'a peer support group',
});
measure('W1', '2024-08-10T10:00', 'swemwbs', 'person', [2, 2, 2, 2, 2, 2, 2]);
add('W1', '2024-08-15T09:00', coord, 'CloseBudget', { closedOn: '2024-08-15', reason: 'moved to Leeds' });

/** The log as a ledger: steps recorded in time order (budgets interleaved). */
export function peopleLedger(): Ledger {
  const ordered = steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.at !== b.s.at ? (a.s.at < b.s.at ? -1 : 1) : a.i - b.i));
  const ledger = new Ledger();
  for (const { s, i } of ordered) {
    ledger.recordOrThrow({
      type: s.type,
      commandId: `cmd-${String(i + 1).padStart(3, '0')}`,
      budgetId: s.budgetId,
      actor: s.actor,
      occurredAt: s.at,
      recordedAt: s.at,
      data: s.data as CommandDataMap[CommandType],
    } as Command);
  }
  return ledger;
}
