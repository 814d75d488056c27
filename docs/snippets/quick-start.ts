/** The README's quick start: record a 50/50 budget, a plan and a spend; print the balances. */
import { Ledger, Money, balances, balancesTable, commands, type CommandMeta } from 'ipb-ledger';

const coordinator = { id: 'coordinator-7', role: 'coordinator' } as const;
const finance = { id: 'icb-finance-1', role: 'finance' } as const;
const holder = { id: 'person-42', role: 'holder' } as const;

/** Ids, times and actor come with each command: the ledger reads no clock. */
function meta(commandId: string, day: string, actor: CommandMeta['actor']): CommandMeta {
  const at = `2025-04-${day}T09:00:00.000Z`;
  return { commandId, budgetId: 'budget-42', actor, occurredAt: at, recordedAt: at };
}

/** Records the budget's first month; returns its balances as a table, or the first refusal. */
export function quickStart(): string {
  const ledger = new Ledger();
  const recorded = [
    commands.openBudget(meta('cmd-1', '01', coordinator), {
      personRef: 'person-42',
      site: 'nottinghamshire',
      cohort: 'learning-disabilities',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
    commands.allocateFunding(meta('cmd-2', '02', finance), {
      stream: 'health',
      amount: Money.of('6000.00'),
      stage: 'agreed',
    }),
    commands.allocateFunding(meta('cmd-3', '02', finance), {
      stream: 'social-care',
      amount: Money.of('6000.00'),
      stage: 'agreed',
    }),
    commands.proposePlan(meta('cmd-4', '03', coordinator), {
      planVersion: 1,
      lines: [
        {
          lineId: 'pa',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('12000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
      ],
    }),
    commands.agreePlan(meta('cmd-5', '04', holder), { planVersion: 1, agreedOn: '2025-04-04' }),
    commands.recordSpend(meta('cmd-6', '30', holder), {
      spendId: 'sp-1',
      lineId: 'pa',
      amount: Money.of('100.01'),
      spentOn: '2025-04-30',
      payee: 'PA wages',
      evidenceRef: 'payslip-04',
    }),
  ];
  for (const command of recorded) {
    const result = ledger.record(command);
    if (result._tag === 'Left') return `refused (${result.left.code}): ${result.left.message}`;
  }
  return balancesTable(balances(ledger.events()));
}
