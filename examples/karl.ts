/**
 * Karl's budget: the Nottinghamshire joint budgets pilot (2018).
 *
 * Karl, 21, has a personal budget covering his health and social care needs. It "started
 * 50/50 health and social care"; his person-centred plan was written with him, and when his
 * needs changed the plan was changed "within a week". Names and amounts here are illustrative.
 */
import { pathToFileURL } from 'node:url';
import {
  Ledger,
  Money,
  command,
  auditTable,
  auditTrail,
  balances,
  balancesTable,
  flagsOf,
  flagsText,
  planHistory,
  type Actor,
  type Command,
  type CommandDataMap,
  type CommandType,
} from 'ipb-ledger';

export const KARL = 'notts-karl-2018';
const karl: Actor = { id: 'person-karl', role: 'holder' };
const helen: Actor = { id: 'rep-helen', role: 'representative' };
const coordinator: Actor = { id: 'coord-notts-07', role: 'coordinator' };
const icb: Actor = { id: 'icb-notts-finance', role: 'finance' };
const council: Actor = { id: 'ncc-commissioner-3', role: 'commissioner' };

let n = 0;
function cmd<K extends CommandType>(type: K, actor: Actor, at: string, data: CommandDataMap[K]): Command {
  n += 1;
  const commandId = `karl-cmd-${String(n).padStart(3, '0')}`;
  return command(type, { commandId, budgetId: KARL, actor, occurredAt: at, recordedAt: at }, data);
}

/** Replays Karl's year into a fresh ledger and returns it. */
export function karlLedger(): Ledger {
  n = 0;
  const ledger = new Ledger();
  const run = (c: Command) => ledger.recordOrThrow(c);
  run(
    cmd('OpenBudget', coordinator, '2018-04-03T09:00:00.000Z', {
      personRef: 'person-karl',
      site: 'nottinghamshire',
      cohort: 'learning-disabilities',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2018-04-01',
      periodEnd: '2019-03-31',
      referredAt: '2018-03-12T10:00:00.000Z',
    }),
  );
  run(
    cmd('AuthoriseRepresentative', coordinator, '2018-04-03T09:05:00.000Z', {
      representativeId: 'rep-helen',
      reason: 'Karl asked for his mother Helen to act for him',
    }),
  );
  run(
    cmd('AllocateFunding', icb, '2018-04-04T10:00:00.000Z', {
      stream: 'health',
      amount: Money.of('15000.00'),
      stage: 'indicative',
    }),
  );
  run(
    cmd('AllocateFunding', council, '2018-04-04T10:05:00.000Z', {
      stream: 'social-care',
      amount: Money.of('15000.00'),
      stage: 'indicative',
    }),
  );
  run(
    cmd('ProposePlan', coordinator, '2018-04-10T14:00:00.000Z', {
      planVersion: 1,
      lines: [
        {
          lineId: 'pa-support',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('18000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
        {
          lineId: 'physio',
          category: 'therapy',
          option: 'notional',
          amount: Money.of('4000.00'),
          shares: { health: 1 },
        },
        {
          lineId: 'day-activities',
          category: 'community-activity',
          option: 'direct-payment',
          amount: Money.of('6000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
      ],
    }),
  );
  run(cmd('AgreePlan', karl, '2018-04-12T11:00:00.000Z', { planVersion: 1, agreedOn: '2018-04-12' }));
  run(
    cmd('AllocateFunding', icb, '2018-04-12T15:00:00.000Z', {
      stream: 'health',
      amount: Money.of('15000.00'),
      stage: 'agreed',
    }),
  );
  run(
    cmd('AllocateFunding', council, '2018-04-12T15:10:00.000Z', {
      stream: 'social-care',
      amount: Money.of('15000.00'),
      stage: 'agreed',
    }),
  );
  run(
    cmd('PayFunds', icb, '2018-04-16T09:00:00.000Z', {
      stream: 'health',
      amount: Money.of('3000.00'),
      option: 'direct-payment',
      reference: 'DP-2018-04-H',
    }),
  );
  run(
    cmd('PayFunds', council, '2018-04-16T09:00:00.000Z', {
      stream: 'social-care',
      amount: Money.of('3000.00'),
      option: 'direct-payment',
      reference: 'DP-2018-04-S',
    }),
  );
  run(
    cmd('RecordSpend', helen, '2018-04-30T17:00:00.000Z', {
      spendId: 'sp-0001',
      lineId: 'pa-support',
      amount: Money.of('1500.01'),
      spentOn: '2018-04-30',
      payee: 'Personal assistant (April)',
      evidenceRef: 'payslip-2018-04',
    }),
  );
  run(
    cmd('RecordSpend', coordinator, '2018-05-08T12:00:00.000Z', {
      spendId: 'sp-0002',
      lineId: 'physio',
      amount: Money.of('320.00'),
      spentOn: '2018-05-08',
      payee: 'Community physiotherapy',
      evidenceRef: 'inv-physio-0508',
    }),
  );
  run(
    cmd('RecordSpend', helen, '2018-05-20T17:00:00.000Z', {
      spendId: 'sp-0003',
      lineId: 'day-activities',
      amount: Money.of('240.00'),
      spentOn: '2018-05-19',
      payee: 'Newark day centre',
      evidenceRef: 'receipt-2018-05-19',
    }),
  );
  run(
    cmd('ReverseSpend', helen, '2018-05-21T09:00:00.000Z', {
      spendId: 'sp-0003',
      reason: 'entered twice; the centre refunded the session',
    }),
  );
  // Karl's needs change: the family asks for more support at home and less day-centre time.
  run(
    cmd('RequestChange', helen, '2018-06-04T10:00:00.000Z', {
      changeRequestId: 'cr-1',
      summary: 'More support at home after a change in needs',
    }),
  );
  run(
    cmd('ProposePlan', coordinator, '2018-06-07T15:00:00.000Z', {
      planVersion: 2,
      changeRequestId: 'cr-1',
      lines: [
        {
          lineId: 'pa-support',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('22000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
        {
          lineId: 'physio',
          category: 'therapy',
          option: 'notional',
          amount: Money.of('4000.00'),
          shares: { health: 1 },
        },
        {
          lineId: 'respite',
          category: 'respite',
          option: 'third-party',
          amount: Money.of('2000.00'),
          shares: { health: 1, 'social-care': 3 },
        },
      ],
    }),
  );
  run(cmd('AgreePlan', karl, '2018-06-08T16:30:00.000Z', { planVersion: 2, agreedOn: '2018-06-08' }));
  run(
    cmd('RecordSpend', helen, '2018-06-30T17:00:00.000Z', {
      spendId: 'sp-0004',
      lineId: 'pa-support',
      amount: Money.of('1833.33'),
      spentOn: '2018-06-30',
      payee: 'Personal assistant (June)',
      evidenceRef: 'payslip-2018-06',
    }),
  );
  run(
    cmd('RecordSpend', coordinator, '2018-07-02T10:00:00.000Z', {
      spendId: 'sp-0005',
      lineId: 'respite',
      amount: Money.of('450.00'),
      spentOn: '2018-07-01',
      payee: 'Short breaks provider',
      evidenceRef: 'inv-sb-0701',
    }),
  );
  run(
    cmd('CompleteReview', coordinator, '2018-07-02T14:00:00.000Z', {
      reviewedOn: '2018-07-02',
      outcome: 'no-change',
    }),
  );
  return ledger;
}

/** Prints balances, one spend's split and the audit trail: what `npm run demo` shows. */
export function karlReport(ledger: Ledger): string {
  const events = ledger.eventsOf(KARL);
  const state = ledger.stateOf(KARL);
  const history = planHistory(state);
  const first = events.find((e) => e.type === 'SpendRecorded');
  const split =
    first?.type === 'SpendRecorded'
      ? `${first.data.amount.format()} on ${first.data.lineId} split 50/50: ${Object.entries(first.data.split)
          .map(([s, m]) => `${s} ${m.format()}`)
          .join(' + ')}`
      : '';
  const cr = history.plans.find((p) => p.changeRequestId === 'cr-1');
  return [
    `Karl's joint health and social care budget (${KARL})`,
    '',
    'Balances',
    balancesTable(balances(events)),
    '',
    'Split to the penny',
    split,
    '',
    `Plan change cr-1 agreed ${cr?.leadTimeDays?.toFixed(1) ?? '?'} days after it was asked for; referral to first agreed plan ${history.referralToAgreedDays?.toFixed(1) ?? '?'} days`,
    '',
    'Flags',
    flagsText(flagsOf(KARL, state, { onDate: '2018-07-31' })),
    '',
    'Audit trail',
    auditTable(auditTrail(events)),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(karlReport(karlLedger()));
}
