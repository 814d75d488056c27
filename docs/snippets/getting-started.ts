/** docs/getting-started.md: a first budget, a refusal, balances, the log and reading it back. */
import {
  Ledger,
  Money,
  command,
  balances,
  balancesTable,
  decodeEvent,
  type Actor,
  type Command,
  type CommandDataMap,
  type CommandType,
} from 'ipb-ledger';

export function gettingStarted(): string {
  const out: string[] = [];
  // #region command
  const budgetId = 'budget-7';
  let n = 0;
  function cmd<K extends CommandType>(type: K, actor: Actor, day: string, data: CommandDataMap[K]): Command {
    n += 1;
    const at = `2025-04-${day}T09:00:00.000Z`;
    // `command` types `data` by `type`: no cast needed.
    return command(type, { commandId: `cmd-${n}`, budgetId, actor, occurredAt: at, recordedAt: at }, data);
  }
  // #endregion command

  // #region record
  const coordinator: Actor = { id: 'coord-1', role: 'coordinator' };
  const finance: Actor = { id: 'icb-finance-1', role: 'finance' };
  const person: Actor = { id: 'person-7', role: 'holder' };
  const ledger = new Ledger();
  ledger.recordOrThrow(
    cmd('OpenBudget', coordinator, '01', {
      personRef: 'person-7',
      site: 'nottinghamshire',
      cohort: 'older-people-ltc',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
  );
  ledger.recordOrThrow(
    cmd('AllocateFunding', finance, '02', {
      stream: 'health',
      amount: Money.of('2400.00'),
      stage: 'agreed',
    }),
  );
  ledger.recordOrThrow(
    cmd('AllocateFunding', finance, '02', {
      stream: 'social-care',
      amount: Money.of('2400.00'),
      stage: 'agreed',
    }),
  );
  ledger.recordOrThrow(
    cmd('ProposePlan', coordinator, '03', {
      planVersion: 1,
      lines: [
        {
          lineId: 'home-care',
          category: 'agency-care',
          option: 'notional',
          amount: Money.of('4800.00'),
          shares: { health: 1, 'social-care': 1 },
        },
      ],
    }),
  );
  ledger.recordOrThrow(cmd('AgreePlan', person, '04', { planVersion: 1, agreedOn: '2025-04-04' }));
  ledger.recordOrThrow(
    cmd('RecordSpend', finance, '28', {
      spendId: 'inv-0428',
      lineId: 'home-care',
      amount: Money.of('399.99'),
      spentOn: '2025-04-28',
      payee: 'Home care agency',
      evidenceRef: 'invoice-0428',
    }),
  );
  // #endregion record

  // #region refusal
  const result = ledger.record(
    cmd('RecordSpend', finance, '29', {
      spendId: 'rcpt-0429',
      lineId: 'home-care',
      amount: Money.of('12.00'),
      spentOn: '2025-04-29',
      payee: 'Off-licence',
      evidenceRef: 'receipt-0429',
      purpose: 'alcohol',
    }),
  );
  if (result._tag === 'Left') {
    const error = result.left; // a LedgerError: branch on error.code
    out.push(`refused (${error.code}): ${error.message}`);
  }
  // #endregion refusal

  // #region balances
  out.push(balancesTable(balances(ledger.events())));
  // #endregion balances

  // #region log
  const log = ledger.toLog(); // JSON Lines, one sealed event per line: the contract's bytes
  const events = log
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => decodeEvent(JSON.parse(line)));
  out.push(`${events.length} events, all readable: ${events.every((e) => e._tag === 'Right')}`);
  // #endregion log
  return out.join('\n');
}
