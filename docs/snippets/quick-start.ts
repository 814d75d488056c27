/** The README's quick start: record a 50/50 budget, a plan and a spend; print the balances. */
import { Ledger, Money, balances, balancesTable, type Command } from 'ipb-ledger';

export function quickStart(): string {
  const ledger = new Ledger();
  const at = (day: string) => ({
    occurredAt: `2025-04-${day}T09:00:00.000Z`,
    recordedAt: `2025-04-${day}T09:00:00.000Z`,
  });
  const finance = { id: 'icb-finance-1', role: 'finance' } as const;
  const commands: Command[] = [
    {
      type: 'OpenBudget',
      commandId: 'cmd-1',
      budgetId: 'budget-42',
      actor: { id: 'coordinator-7', role: 'coordinator' },
      ...at('01'),
      data: {
        personRef: 'person-42',
        site: 'nottinghamshire',
        cohort: 'learning-disabilities',
        basis: 'joint',
        streams: ['health', 'social-care'],
        periodStart: '2025-04-01',
        periodEnd: '2026-03-31',
      },
    },
    {
      type: 'AllocateFunding',
      commandId: 'cmd-2',
      budgetId: 'budget-42',
      actor: finance,
      ...at('02'),
      data: { stream: 'health', amount: Money.of('6000.00'), stage: 'agreed' },
    },
    {
      type: 'AllocateFunding',
      commandId: 'cmd-3',
      budgetId: 'budget-42',
      actor: finance,
      ...at('02'),
      data: { stream: 'social-care', amount: Money.of('6000.00'), stage: 'agreed' },
    },
    {
      type: 'ProposePlan',
      commandId: 'cmd-4',
      budgetId: 'budget-42',
      actor: { id: 'coordinator-7', role: 'coordinator' },
      ...at('03'),
      data: {
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
      },
    },
    {
      type: 'AgreePlan',
      commandId: 'cmd-5',
      budgetId: 'budget-42',
      actor: { id: 'person-42', role: 'holder' },
      ...at('04'),
      data: { planVersion: 1, agreedOn: '2025-04-04' },
    },
    {
      type: 'RecordSpend',
      commandId: 'cmd-6',
      budgetId: 'budget-42',
      actor: { id: 'person-42', role: 'holder' },
      ...at('30'),
      data: {
        spendId: 'sp-1',
        lineId: 'pa',
        amount: Money.of('100.01'),
        spentOn: '2025-04-30',
        payee: 'PA wages',
        evidenceRef: 'payslip-04',
      },
    },
  ];
  for (const command of commands) {
    const result = ledger.record(command);
    if (result._tag === 'Left') return `refused: ${result.left.message}`;
  }
  return balancesTable(balances(ledger.events()));
}
