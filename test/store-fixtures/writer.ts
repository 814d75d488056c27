/**
 * A writer process for the store fault tests (spawned with `node --import tsx`).
 *
 *   writer.ts file <log> turns <id> <commands> <budgets>
 *     Takes turns with other processes on one log file: opens it (retrying while another
 *     process holds it: the refusal path), records a few commands, closes, until all its
 *     commands are recorded. Prints one JSON summary line.
 *   writer.ts file <log> crash <id>
 *   writer.ts pg <schema> crash <id>
 *     Appends forever (one-event commands and three-event commands, alternately) and prints
 *     `ack <commandId> <events>` on stdout after each append returns, until it is killed.
 */
import { writeSync } from 'node:fs';
import {
  CommandHandler,
  ExpectedVersion,
  FileEventStore,
  PostgresEventStore,
  StoreError,
  foldEvents,
  type Store,
} from 'ipb-ledger';
import { allocate, multiPending, openBudget, pending, turnCommand } from '../store-support.js';

const [kind, where, mode, idText, countText, budgetsText] = process.argv.slice(2);
const id = Number(idText);

function say(line: string): void {
  writeSync(1, `${line}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openFile(path: string): Promise<{ store: FileEventStore; refusals: number }> {
  let refusals = 0;
  for (;;) {
    try {
      return { store: await FileEventStore.open(path), refusals };
    } catch (err) {
      if (err instanceof StoreError && err.code === 'store-locked') {
        refusals += 1;
        await sleep(5 + (refusals % 7));
        continue;
      }
      throw err;
    }
  }
}

async function turns(path: string): Promise<void> {
  const count = Number(countText);
  const budgets = Number(budgetsText);
  let refusals = 0;
  let i = 0;
  while (i < count) {
    const opened = await openFile(path);
    refusals += opened.refusals;
    const handler = new CommandHandler(opened.store, { maxAttempts: 1 });
    try {
      for (let k = 0; k < 5 && i < count; k++, i++) {
        const r = await handler.handle(turnCommand(id, i, budgets));
        if (r._tag === 'Left') throw new Error(`command ${i} refused: ${r.left.message}`);
      }
    } finally {
      await opened.store.close();
    }
  }
  say(JSON.stringify({ id, refusals, recorded: i }));
}

async function crash(store: Store): Promise<void> {
  const budgetId = 'kb';
  let state = foldEvents(await store.readStream(budgetId));
  if (state.version === 0) {
    const r = await store.append(budgetId, pending(openBudget(budgetId), state), ExpectedVersion.noStream);
    state = foldEvents(r.events, state);
  }
  for (let n = 0; ; n++) {
    const commandId = `k${id}-${n}`;
    const events =
      n % 2 === 0
        ? pending(allocate(budgetId, commandId, '1.00'), state)
        : multiPending(budgetId, commandId, 3, state);
    const r = await store.append(budgetId, events, ExpectedVersion.exactly(state.version));
    state = foldEvents(r.events, state);
    say(`ack ${commandId} ${r.events.length}`);
  }
}

async function main(): Promise<void> {
  if (kind === 'file' && mode === 'turns') return turns(where as string);
  if (kind === 'file' && mode === 'crash') {
    const { store } = await openFile(where as string);
    say(`ready ${store.recovery.map((r) => r.kind).join(',')}`);
    return crash(store);
  }
  if (kind === 'pg' && mode === 'crash') {
    const store = await PostgresEventStore.connect({
      connectionString: process.env['DATABASE_URL'] ?? '',
      schema: where as string,
    });
    say('ready');
    return crash(store);
  }
  throw new Error(`usage: writer.ts file|pg <where> turns|crash <id> [commands budgets]`);
}

main().catch((err: unknown) => {
  process.stderr.write(`writer ${id}: ${(err as Error).message}\n`);
  process.exit(1);
});
