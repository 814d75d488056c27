import { mkdirSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CatchUpRunner,
  CommandHandler,
  FileEventStore,
  MemoryEventStore,
  balances,
  balancesJson,
  balancesOfStates,
  balancesProjection,
  type ProjectionStateStore,
  type Store,
} from 'ipb-ledger';
import { RUNS, historyArb } from './arbitraries.js';
import { allocate, setupBudget, tmpDir } from './store-support.js';

const dir = tmpDir('projection');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Saves that fail (a crash between applying a batch and saving it) on the chosen save numbers. */
function crashingSaves(store: Store, crashOn: ReadonlySet<number>): ProjectionStateStore & { saves: number } {
  const s = {
    saves: 0,
    loadProjection: (name: string) => store.loadProjection(name),
    async saveProjection(name: string, saved: Parameters<Store['saveProjection']>[1]) {
      s.saves += 1;
      if (crashOn.has(s.saves)) throw new Error(`crash before save ${s.saves}`);
      await store.saveProjection(name, saved);
    },
  };
  return s;
}

const report = (store: Store) => async () => {
  const all = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }) });
    if (page.events.length === 0) break;
    all.push(...page.events.map((x) => x.event));
    after = page.checkpoint;
  }
  return JSON.stringify(balancesJson(balances(all)));
};

describe('catch-up projections', () => {
  it('equal a full replay whatever the batch size, crashes and restarts', async () => {
    let crashes = 0;
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.integer({ min: 1, max: 25 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 6 }),
        fc.nat(),
        async (h, batchSize, crashOn, split) => {
          const store = new MemoryEventStore();
          const handler = new CommandHandler(store);
          const cut = split % (h.commands.length + 1);
          const saves = crashingSaves(store, new Set(crashOn));
          const catchUp = async () => {
            // a crashed runner is gone; a new one starts from what was saved
            for (let attempt = 0; attempt < 50; attempt++) {
              const runner = new CatchUpRunner(store, saves, balancesProjection(), { batchSize });
              try {
                await runner.catchUp();
                return runner;
              } catch {
                crashes += 1;
              }
            }
            throw new Error('never caught up');
          };
          for (const c of h.commands.slice(0, cut)) await handler.handle(c);
          await catchUp();
          for (const c of h.commands.slice(cut)) await handler.handle(c);
          const runner = await catchUp();
          expect(JSON.stringify(balancesJson(balancesOfStates(runner.current().state)))).toBe(
            await report(store)(),
          );
        },
      ),
      { numRuns: Math.min(RUNS, 60) },
    );
    expect(crashes).toBeGreaterThan(0);
  });

  it('keeps counting right in the same runner after a failed save', async () => {
    const store = new MemoryEventStore();
    const handler = new CommandHandler(store);
    for (const c of setupBudget('b-1')) await handler.handle(c);
    const saves = crashingSaves(store, new Set([2]));
    const runner = new CatchUpRunner(store, saves, balancesProjection(), { batchSize: 2 });
    await expect(runner.catchUp()).rejects.toThrow(/crash before save 2/);
    await runner.catchUp();
    expect(JSON.stringify(balancesJson(balancesOfStates(runner.current().state)))).toBe(
      await report(store)(),
    );
  });

  it('resumes after a restart of a file store without counting anything twice', async () => {
    const path = `${dir}/resume.jsonl`;
    let store = await FileEventStore.open(path);
    let handler = new CommandHandler(store);
    for (const c of setupBudget('b-1')) await handler.handle(c);
    let runner = new CatchUpRunner(store, store, balancesProjection(), { batchSize: 2 });
    expect(await runner.catchUp()).toBe(5);
    await store.close();
    store = await FileEventStore.open(path);
    handler = new CommandHandler(store);
    await handler.handle(allocate('b-1', 'more', '0.01'));
    runner = new CatchUpRunner(store, store, balancesProjection(), { batchSize: 2 });
    expect(await runner.catchUp()).toBe(1);
    const health = balancesOfStates(runner.current().state).budgets[0]?.streams[0]?.[1];
    expect(health?.allocated.toString()).toBe('10000.01');
    expect(JSON.stringify(balancesJson(balancesOfStates(runner.current().state)))).toBe(
      await report(store)(),
    );
    await store.close();
  });

  it('rebuilds from the start when the saved state is in another format', async () => {
    const store = new MemoryEventStore();
    const handler = new CommandHandler(store);
    for (const c of setupBudget('b-1')) await handler.handle(c);
    await store.saveProjection('balances', { checkpoint: '5', state: 'ipb.balances/0\n{}' });
    const runner = new CatchUpRunner(store, store, balancesProjection());
    expect(await runner.catchUp()).toBe(5);
    expect(JSON.stringify(balancesJson(balancesOfStates(runner.current().state)))).toBe(
      await report(store)(),
    );
  });
});
