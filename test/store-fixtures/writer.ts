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
 *   writer.ts file <log> torn <id> multi|single
 *     Records three small commands (`ack <commandId> <events> <file size>` after each), then one
 *     large append: 120 events of about 5 kB (multi) or one event of about 9 kB (single). The
 *     store writes at most 4 KiB per write call (a short write, as the kernel may do) and the
 *     writer prints `wrote <bytes>` after each, pausing 10 ms, so the test can kill it in the
 *     middle of the append: a torn tail made by a real crash.
 */
import { statSync, writeSync } from 'node:fs';
import {
  CommandHandler,
  ExpectedVersion,
  FileEventStore,
  PostgresEventStore,
  StoreError,
  foldEvents,
  type Store,
} from 'ipb-ledger';
import {
  allocate,
  command,
  coordinator,
  finance,
  multiPending,
  openBudget,
  pending,
  turnCommand,
} from '../store-support.js';
import { Money, type PendingEvent } from 'ipb-ledger';

const [kind, where, mode, idText, countText, budgetsText] = process.argv.slice(2);
const id = Number(idText);

function say(line: string): void {
  writeSync(1, `${line}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openFile(
  path: string,
  options: Parameters<typeof FileEventStore.open>[1] = {},
): Promise<{ store: FileEventStore; refusals: number }> {
  let refusals = 0;
  for (;;) {
    try {
      return { store: await FileEventStore.open(path, options), refusals };
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

/** Three small commands, then one large append that the test kills halfway. */
async function torn(path: string, shape: string): Promise<void> {
  const { store } = await openFile(path, {
    io: {
      async write(handle, data) {
        const n = Math.min(data.length, 4096);
        const { bytesWritten } = await handle.write(data, 0, n, null);
        say(`wrote ${bytesWritten}`);
        await sleep(10);
        return bytesWritten;
      },
    },
  });
  say(`ready ${store.recovery.map((r) => r.kind).join(',')}`);
  const budgetId = 'tb';
  let state = foldEvents(await store.readStream(budgetId));
  if (state.version === 0) {
    const r = await store.append(budgetId, pending(openBudget(budgetId), state), ExpectedVersion.noStream);
    state = foldEvents(r.events, state);
  }
  for (let n = 0; n < 3; n++) {
    const commandId = `t${id}-${n}`;
    const r = await store.append(
      budgetId,
      pending(allocate(budgetId, commandId, '1.00'), state),
      ExpectedVersion.exactly(state.version),
    );
    state = foldEvents(r.events, state);
    say(`ack ${commandId} ${r.events.length} ${statSync(path).size}`);
  }
  const commandId = `t${id}-big`;
  let events: PendingEvent[];
  if (shape === 'multi') {
    events = [];
    let s = state;
    for (let i = 0; i < 120; i++) {
      const c = command('AllocateFunding', budgetId, `${commandId}#${i}`, finance, {
        stream: 'health',
        amount: Money.of('1.00'),
        stage: 'indicative',
        reason: `${i} ${'r'.repeat(5000)}`,
      });
      const [e] = pending(c, s);
      const ev = { ...e, commandId } as PendingEvent;
      events.push(ev);
      s = foldEvents([ev], s);
    }
  } else {
    events = pending(
      command('RequestChange', budgetId, commandId, coordinator, {
        changeRequestId: commandId,
        summary: 's'.repeat(9000),
      }),
      state,
    );
  }
  say(`big ${commandId} ${events.length}`);
  const r = await store.append(budgetId, events, ExpectedVersion.exactly(state.version));
  say(`ack ${commandId} ${r.events.length} ${statSync(path).size}`);
}

async function main(): Promise<void> {
  if (kind === 'file' && mode === 'torn') return torn(where as string, countText ?? 'multi');
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
