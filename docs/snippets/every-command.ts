/**
 * docs/api.md: every command of the ledger built with the typed builders, recorded through a
 * store, and the budget read back in one call, from the file store and from PostgreSQL.
 * test/every-command.test.ts runs it.
 */
import {
  CommandHandler,
  FileEventStore,
  Money,
  PostgresEventStore,
  auditTable,
  balancesTable,
  commands,
  flagsText,
  loadBudget,
  type BudgetView,
  type Command,
  type CommandMeta,
  type EventStore,
} from 'ipb-ledger';

const budgetId = 'budget-every';
const coordinator = { id: 'coord-1', role: 'coordinator' } as const;
const commissioner = { id: 'council-commissioner-1', role: 'commissioner' } as const;
const finance = { id: 'icb-finance-1', role: 'finance' } as const;
const holder = { id: 'person-1', role: 'holder' } as const;

/** Ids, times and actor of a command: the ledger never reads a clock or a random source. */
function meta(commandId: string, date: string, actor: CommandMeta['actor']): CommandMeta {
  const at = `${date}T09:00:00.000Z`;
  return { commandId, budgetId, actor, occurredAt: at, recordedAt: at };
}

/** A budget's life that uses every command type once or more. */
export function everyCommand(): Command[] {
  const line = (amount: string) => ({
    lineId: 'pa',
    category: 'personal-assistant' as const,
    option: 'direct-payment' as const,
    amount: Money.of(amount),
    shares: { health: 1, 'social-care': 1 },
  });
  return [
    commands.openBudget(meta('c-01', '2025-04-01', coordinator), {
      personRef: 'person-1',
      site: 'nottinghamshire',
      cohort: 'learning-disabilities',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
    commands.authoriseRepresentative(meta('c-02', '2025-04-01', coordinator), {
      representativeId: 'rep-1',
      reason: 'the holder asked for their sister to act for them',
    }),
    commands.allocateFunding(meta('c-03', '2025-04-02', finance), {
      stream: 'health',
      amount: Money.of('6000.00'),
      stage: 'agreed',
    }),
    commands.allocateFunding(meta('c-04', '2025-04-02', commissioner), {
      stream: 'social-care',
      amount: Money.of('6000.00'),
      stage: 'agreed',
    }),
    commands.adjustFunding(meta('c-05', '2025-04-03', commissioner), {
      stream: 'social-care',
      delta: Money.of('-500.00'),
      reason: 'the assessment was revised',
    }),
    commands.assessContribution(meta('c-06', '2025-04-03', commissioner), { amount: Money.of('20.00') }),
    commands.setLocalExclusions(meta('c-06a', '2025-04-03', commissioner), {
      exclusions: [
        {
          stream: 'social-care',
          purpose: 'gambling',
          ruleId: 'dp-policy-7',
          text: 'Council money does not pay for gambling',
        },
      ],
      reason: "the council's direct payment policy",
    }),
    commands.holdContingency(meta('c-06b', '2025-04-03', finance), {
      contingencyId: 'cont-1',
      stream: 'health',
      amount: Money.of('300.00'),
      reason: 'held back for winter',
    }),
    commands.proposePlan(meta('c-07', '2025-04-04', coordinator), {
      planVersion: 1,
      lines: [line('12000.00')],
    }),
    commands.rejectPlan(meta('c-08', '2025-04-05', holder), {
      planVersion: 1,
      reason: 'more than the money agreed',
    }),
    commands.proposePlan(meta('c-09', '2025-04-06', coordinator), {
      planVersion: 2,
      lines: [line('11000.00')],
    }),
    commands.agreePlan(meta('c-10', '2025-04-07', holder), { planVersion: 2, agreedOn: '2025-04-07' }),
    commands.payFunds(meta('c-11', '2025-04-08', finance), {
      stream: 'health',
      amount: Money.of('1000.00'),
      option: 'direct-payment',
      reference: 'dp-2025-04',
    }),
    commands.recordSpend(meta('c-12', '2025-04-30', holder), {
      spendId: 'sp-1',
      lineId: 'pa',
      amount: Money.of('100.01'),
      spentOn: '2025-04-30',
      payee: 'PA wages',
      evidenceRef: 'payslip-04',
    }),
    commands.recordSpend(meta('c-13', '2025-05-01', { id: 'rep-1', role: 'representative' }), {
      spendId: 'sp-2',
      lineId: 'pa',
      amount: Money.of('100.01'),
      spentOn: '2025-04-30',
      payee: 'PA wages',
      evidenceRef: 'payslip-04',
    }),
    commands.reverseSpend(meta('c-14', '2025-05-02', holder), {
      spendId: 'sp-2',
      reason: 'entered twice',
    }),
    commands.requestChange(meta('c-15', '2025-05-03', holder), {
      changeRequestId: 'cr-1',
      summary: 'more respite over the summer',
    }),
    commands.declineChangeRequest(meta('c-15a', '2025-05-10', coordinator), {
      changeRequestId: 'cr-1',
      reason: 'respite is already in the plan',
    }),
    commands.proposePlan(meta('c-15b', '2025-05-12', coordinator), {
      planVersion: 3,
      lines: [
        line('10990.00'),
        {
          lineId: 'kit',
          category: 'equipment',
          option: 'direct-payment',
          amount: Money.of('10.00'),
          shares: { health: 1, 'social-care': 1 },
        },
      ],
    }),
    commands.agreePlanInBestInterests(meta('c-15c', '2025-05-13', coordinator), {
      planVersion: 3,
      agreedOn: '2025-05-13',
      bestInterestsReason: 'the holder was too unwell to decide; a best-interests meeting with her sister',
    }),
    commands.recordSpend(meta('c-15d', '2025-05-20', holder), {
      spendId: 'sp-3',
      lineId: 'kit',
      amount: Money.of('12.00'),
      spentOn: '2025-05-20',
      payee: 'Mobility shop',
      evidenceRef: 'receipt-05',
    }),
    commands.explainOverspend(meta('c-15e', '2025-05-21', coordinator), {
      lineId: 'kit',
      reason: 'the price rose after the plan was agreed',
    }),
    commands.approveOverspendException(meta('c-15f', '2025-05-22', commissioner), {
      lineId: 'kit',
      reason: 'a one-off rise',
    }),
    commands.recordOutcome(meta('c-16a', '2025-06-30', coordinator), {
      instrument: 'poet',
      measuredOn: '2025-06-30',
      respondent: 'person',
      items: [
        { item: 'q1', score: 3 },
        { item: 'q2', score: 4 },
      ],
    }),
    commands.completeReview(meta('c-16', '2025-06-30', coordinator), {
      reviewedOn: '2025-06-30',
      outcome: 'no-change',
    }),
    commands.suspendDirectPayment(meta('c-17', '2025-07-01', commissioner), {
      reason: 'receipts missing for June',
    }),
    commands.resumeDirectPayment(meta('c-18', '2025-07-15', commissioner), { reason: 'receipts received' }),
    commands.reclaimSurplus(meta('c-19', '2025-08-01', finance), {
      stream: 'health',
      amount: Money.of('200.00'),
      reason: 'surplus',
      noticeRef: 'notice-1',
      deadline: '2025-08-29',
    }),
    commands.requestReconsideration(meta('c-19a', '2025-08-05', holder), {
      noticeRef: 'notice-1',
      reason: 'the PA invoices for July are late',
    }),
    commands.answerReconsideration(meta('c-19b', '2025-08-20', finance), {
      noticeRef: 'notice-1',
      outcome: 'reduced',
      returned: Money.of('50.00'),
      reason: 'half of the July invoices came in',
    }),
    commands.stopDirectPayment(meta('c-20', '2025-09-01', commissioner), {
      reason: 'the holder moved to a managed account',
    }),
    commands.revokeRepresentative(meta('c-21', '2025-09-02', coordinator), {
      representativeId: 'rep-1',
      reason: 'the holder asked',
    }),
    commands.returnContingency(meta('c-21a', '2026-03-30', finance), {
      contingencyId: 'cont-1',
      amount: Money.of('300.00'),
      reason: 'not needed this year',
    }),
    commands.closeBudget(meta('c-22', '2026-03-31', coordinator), {
      closedOn: '2026-03-31',
      reason: 'end of the budget period',
    }),
  ];
}

/** Records the commands through a handler; a refusal is a value, turned into an error here. */
export async function recordAll(store: EventStore): Promise<number> {
  const handler = new CommandHandler(store);
  let version = 0;
  for (const command of everyCommand()) {
    const result = await handler.handle(command);
    if (result._tag === 'Left') throw new Error(`${command.commandId} refused: ${result.left.message}`);
    version = result.right.version;
  }
  return version;
}

/** Records the budget in a log file and reads it back. */
export async function onTheFileStore(path: string): Promise<BudgetView | null> {
  const store = await FileEventStore.open(path);
  try {
    await recordAll(store);
    return await loadBudget(store, budgetId, { flags: { onDate: '2026-03-31' } });
  } finally {
    await store.close();
  }
}

/** Records the budget in PostgreSQL (the server in DATABASE_URL) and reads it back. */
export async function onPostgres(schema: string): Promise<BudgetView | null> {
  const store = await PostgresEventStore.connect({ schema }); // no connectionString: DATABASE_URL
  try {
    await store.migrate();
    await recordAll(store);
    return await loadBudget(store, budgetId, { flags: { onDate: '2026-03-31' } });
  } finally {
    await store.close();
  }
}

/** What a caseworker would print from the view. */
export function describeView(view: BudgetView): string {
  return [
    balancesTable({ budgets: [view.balances] }),
    '',
    flagsText(view.flags),
    '',
    auditTable(view.auditTrail.slice(-3)),
  ].join('\n');
}
