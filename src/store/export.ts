import type { EventStore } from './port.js';

/**
 * The store's contents as a contract log, line by line (each with its `\n`), in the store's
 * global order (every budget in `seq` order): the exact bytes that were hashed, so the result
 * verifies as an exported log.
 */
export async function* storeLines(store: EventStore, batchSize = 1000): AsyncGenerator<string> {
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), limit: batchSize });
    if (page.events.length === 0) return;
    for (const x of page.events) yield `${x.line}\n`;
    after = page.checkpoint;
  }
}

/** Writes the whole store as a contract log through `write`; returns the number of events. */
export async function exportStore(
  store: EventStore,
  write: (chunk: string) => void | Promise<void>,
  batchSize = 1000,
): Promise<number> {
  let n = 0;
  for await (const line of storeLines(store, batchSize)) {
    await write(line);
    n += 1;
  }
  return n;
}
