/** docs/stores.md: recording through a store, on a file and on PostgreSQL, and a projection that catches up. */
import {
  CatchUpRunner,
  CommandHandler,
  FileEventStore,
  Money,
  PostgresEventStore,
  balancesOfStates,
  balancesProjection,
  balancesTable,
  type Command,
  type Store,
} from 'ipb-ledger';

const at = '2025-04-01T09:00:00.000Z';

/** Two commands a service might receive: open a budget, allocate its health money. */
export function firstCommands(budgetId: string): Command[] {
  return [
    {
      type: 'OpenBudget',
      commandId: `${budgetId}-open`,
      budgetId,
      actor: { id: 'coord-1', role: 'coordinator' },
      occurredAt: at,
      recordedAt: at,
      data: {
        personRef: 'person-7',
        site: 'nottinghamshire',
        cohort: 'older-people-ltc',
        basis: 'joint',
        streams: ['health', 'social-care'],
        periodStart: '2025-04-01',
        periodEnd: '2026-03-31',
      },
    },
    {
      type: 'AllocateFunding',
      commandId: `${budgetId}-fund`,
      budgetId,
      actor: { id: 'icb-finance-1', role: 'finance' },
      occurredAt: at,
      recordedAt: at,
      data: { stream: 'health', amount: Money.of('6000.00'), stage: 'agreed' },
    },
  ];
}

/** Records commands through a handler; returns one line per command. */
export async function record(store: Store, commands: readonly Command[]): Promise<string[]> {
  const out: string[] = [];
  // #region handle
  const handler = new CommandHandler(store, { clock: () => new Date().toISOString() });
  for (const command of commands) {
    const result = await handler.handle(command);
    if (result._tag === 'Left') {
      out.push(`${command.commandId}: refused (${result.left.code}): ${result.left.message}`);
    } else {
      const { events, version, duplicate } = result.right;
      out.push(
        `${command.commandId}: ${duplicate ? 'already recorded' : 'recorded'} ${events.map((e) => e.type).join(', ')} (version ${version})`,
      );
    }
  }
  // #endregion handle
  return out;
}

/** The embedded store: one log file. */
export async function onAFile(path: string): Promise<string[]> {
  // #region file
  const store = await FileEventStore.open(path);
  for (const r of store.recovery) console.warn(`${path}: ${r.message}`);
  try {
    return await record(store, firstCommands('budget-7'));
  } finally {
    await store.close();
  }
  // #endregion file
}

/** PostgreSQL: your own server, from DATABASE_URL. */
export async function onPostgres(databaseUrl: string, schema = 'ipb'): Promise<string[]> {
  // #region postgres
  const store = await PostgresEventStore.connect({ connectionString: databaseUrl, schema });
  await store.migrate(); // creates or updates the tables; safe to run on every start
  try {
    return await record(store, firstCommands('budget-7'));
  } finally {
    await store.close();
  }
  // #endregion postgres
}

/** A balances projection that catches up with the store and saves where it got to. */
export async function balancesNow(store: Store): Promise<string> {
  // #region catch-up
  const runner = new CatchUpRunner(store, store, balancesProjection());
  await runner.catchUp(); // reads what is new since the last save, applies it, saves
  return balancesTable(balancesOfStates(runner.current().state));
  // #endregion catch-up
}
