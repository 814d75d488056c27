/**
 * docs/stores.md: record through a store (a log file or PostgreSQL), then read it back every
 * way a store offers, and keep a projection that catches up. test/store-docs.test.ts runs it.
 */
import { writeFile } from 'node:fs/promises';
import {
  CatchUpRunner,
  CommandHandler,
  FileEventStore,
  Money,
  PostgresEventStore,
  balancesOfStates,
  balancesProjection,
  balancesTable,
  commands,
  exportStore,
  loadBudget,
  storeLines,
  verifyLog,
  type Command,
  type CommandMeta,
  type Store,
} from 'ipb-ledger';

const at = '2025-04-01T09:00:00.000Z';
const meta = (commandId: string, budgetId: string, actor: CommandMeta['actor']): CommandMeta => ({
  commandId,
  budgetId,
  actor,
  occurredAt: at,
  recordedAt: at,
});

/** Two commands a service might receive: open a budget, allocate its health money. */
export function firstCommands(budgetId: string): Command[] {
  return [
    commands.openBudget(meta(`${budgetId}-open`, budgetId, { id: 'coord-1', role: 'coordinator' }), {
      personRef: 'person-7',
      site: 'nottinghamshire',
      cohort: 'older-people-ltc',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
    commands.allocateFunding(meta(`${budgetId}-fund`, budgetId, { id: 'icb-finance-1', role: 'finance' }), {
      stream: 'health',
      amount: Money.of('6000.00'),
      stage: 'agreed',
    }),
  ];
}

/** Records commands through a handler; returns one line per command. A refusal is a value. */
export async function record(store: Store, recorded: readonly Command[]): Promise<string[]> {
  const handler = new CommandHandler(store, { clock: () => new Date().toISOString() });
  const out: string[] = [];
  for (const command of recorded) {
    const result = await handler.handle(command);
    if (result._tag === 'Left') {
      out.push(`${command.commandId}: refused (${result.left.code}): ${result.left.message}`);
    } else {
      const { events, version, duplicate } = result.right;
      const types = events.map((e) => e.type).join(', ');
      out.push(
        `${command.commandId}: ${duplicate ? 'already recorded' : 'recorded'} ${types} (version ${version})`,
      );
    }
  }
  return out;
}

/** The embedded store: one log file. Opening repairs a crash and says so in `recovery`. */
export async function onAFile(path: string): Promise<string[]> {
  const store = await FileEventStore.open(path);
  for (const r of store.recovery) console.warn(`${path}: ${r.message}`);
  try {
    return await record(store, firstCommands('budget-7'));
  } finally {
    await store.close();
  }
}

/** PostgreSQL: your own server, from DATABASE_URL (or pass `connectionString`). */
export async function onPostgres(schema = 'ipb'): Promise<string[]> {
  const store = await PostgresEventStore.connect({ schema });
  await store.migrate(); // creates or updates the tables; safe to run on every start
  try {
    return await record(store, firstCommands('budget-7'));
  } finally {
    await store.close();
  }
}

/** Reads a store back: one budget's events, the budget in one call, the global order, a log. */
export async function readBack(store: Store, budgetId: string, logPath: string): Promise<string[]> {
  const events = await store.readStream(budgetId); // one budget, in seq order
  const view = await loadBudget(store, budgetId); // state, balances, flags, plans, audit trail
  const page = await store.readAll({ limit: 100 }); // every budget, in the store's global order
  let exported = 0;
  await exportStore(store, () => {
    exported += 1; // a contract log line, e.g. to send to an auditor
  });
  await writeFile(logPath, storeLines(store)); // the same lines, straight into a file
  const verified = await verifyLog(logPath);
  return [
    `readStream: ${events.length} events, seq ${events[0]?.seq} to ${events[events.length - 1]?.seq}`,
    `loadBudget: ${view?.balances.streams.map(([s, b]) => `${s} ${b.remaining.toString()} left`).join(', ')}; ${view?.flags.length} flags; ${view?.auditTrail.length} audit entries`,
    `readAll: ${page.events.length} events of ${new Set(page.events.map((e) => e.event.budgetId)).size} budget(s)`,
    `exportStore: ${exported} lines; ${logPath} ${verified.ok ? 'verifies' : 'does NOT verify'} as a log`,
  ];
}

/** A balances projection that catches up with the store and saves where it got to. */
export async function balancesNow(store: Store): Promise<string> {
  const runner = new CatchUpRunner(store, store, balancesProjection());
  await runner.catchUp(); // reads what is new since the last save, applies it, saves
  return balancesTable(balancesOfStates(runner.current().state));
}
