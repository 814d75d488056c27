import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUDGET_STATE_FORMAT,
  CommandHandler,
  MemoryEventStore,
  Money,
  StoreError,
  VersionConflict,
  encodeBudgetState,
  eventLine,
  foldDecisions,
  handleCommand,
  storeLines,
  type Command,
  type Store,
} from 'ipb-ledger';
import { RUNS, historyArb } from './arbitraries.js';
import { stateJson } from './helpers.js';
import { allocate, auditor, command, coordinator, setupBudget, spend } from './store-support.js';

async function setUp(store: Store, handler = new CommandHandler(store)): Promise<CommandHandler> {
  for (const c of setupBudget('b-1')) {
    const r = await handler.handle(c);
    if (r._tag === 'Left') throw new Error(r.left.message);
  }
  return handler;
}

async function logOf(store: Store): Promise<string> {
  let text = '';
  for await (const line of storeLines(store)) text += line;
  return text;
}

/** A view of `store` whose first append is preceded by `first` (another writer's command). */
function racedStore(store: Store, first: () => Promise<unknown>): Store {
  let raced = false;
  const racing: Store = Object.create(store) as Store;
  racing.append = async (...args) => {
    if (!raced) {
      raced = true;
      await first();
    }
    return store.append(...args);
  };
  return racing;
}

describe('command handler', () => {
  it('decides, seals and appends a command, returning its events', async () => {
    const store = new MemoryEventStore();
    const handler = await setUp(store);
    const r = await handler.handle(spend('b-1', 'sp-1', '100.01'));
    expect(r._tag).toBe('Right');
    if (r._tag !== 'Right') return;
    expect(r.right.duplicate).toBe(false);
    expect(r.right.version).toBe(6);
    const [e] = r.right.events;
    expect(e?.type).toBe('SpendRecorded');
    expect(e?.seq).toBe(6);
    expect(
      e?.type === 'SpendRecorded' &&
        Object.fromEntries(Object.entries(e.data.split).map(([k, v]) => [k, v.toString()])),
    ).toEqual({
      health: '50.01',
      'social-care': '50.00',
    });
    expect(await store.readStream('b-1')).toHaveLength(6);
  });

  it('returns the original events for a repeated command id and appends nothing', async () => {
    const store = new MemoryEventStore();
    const handler = await setUp(store);
    const first = await handler.handle(spend('b-1', 'sp-1', '10.00'));
    await handler.handle(spend('b-1', 'sp-2', '20.00'));
    const again = await handler.handle(spend('b-1', 'sp-1', '10.00'));
    expect(again._tag === 'Right' && again.right.duplicate).toBe(true);
    expect(again._tag === 'Right' && again.right.events.map(eventLine)).toEqual(
      first._tag === 'Right' && first.right.events.map(eventLine),
    );
    expect(await store.readStream('b-1')).toHaveLength(7);
  });

  it('returns a broken rule as a typed error and appends nothing', async () => {
    const store = new MemoryEventStore();
    const handler = await setUp(store);
    const r = await handler.handle(
      command('AllocateFunding', 'b-1', 'x', auditor, {
        stream: 'health',
        amount: Money.of('1.00'),
        stage: 'agreed',
      }),
    );
    expect(r._tag === 'Left' && r.left.code).toBe('role-not-allowed');
    const bad = await handler.handle({
      ...spend('b-1', 'y', '1.00'),
      budgetId: 'no spaces allowed',
    } as Command);
    expect(bad._tag === 'Left' && bad.left).toMatchObject({ code: 'invalid-command', field: 'budgetId' });
    expect(await store.readStream('b-1')).toHaveLength(5);
  });

  it('refuses at once when the caller expected another version', async () => {
    const store = new MemoryEventStore();
    const handler = await setUp(store);
    const r = await handler.handle(spend('b-1', 'sp-1', '1.00'), { expectedVersion: 3 });
    expect(r._tag === 'Left' && r.left).toMatchObject({
      code: 'version-conflict',
      expected: 3,
      actual: 5,
      attempts: 1,
    });
    expect(r._tag === 'Left' && r.left.message).toMatch(/reload and decide again/);
    const ok = await handler.handle(spend('b-1', 'sp-1', '1.00'), { expectedVersion: 5 });
    expect(ok._tag).toBe('Right');
  });

  it('compares with the original events when another writer recorded the command id first without a fingerprint', async () => {
    const store = new MemoryEventStore();
    await setUp(store);
    // a writer that gives the store no fingerprint (as for commands a file store read back from its log)
    const bare: Store = Object.create(store) as Store;
    bare.append = (budgetId, events, expected) => store.append(budgetId, events, expected);
    /** A store where that writer records `rival` just before the first append. */
    const racedBy = (rival: Command): Store =>
      racedStore(store, async () => {
        const r = await new CommandHandler(bare).handle(rival);
        if (r._tag === 'Left') throw new Error(r.left.message);
      });
    const changed = await new CommandHandler(racedBy(spend('b-1', 'x-1', '5.00', 'sp-1'))).handle(
      spend('b-1', 'x-1', '6.00', 'sp-1'),
    );
    expect(changed._tag === 'Left' && changed.left).toMatchObject({
      code: 'command-id-reused',
      commandId: 'x-1',
    });
    const same = await new CommandHandler(racedBy(spend('b-1', 'x-2', '5.00', 'sp-2'))).handle(
      spend('b-1', 'x-2', '5.00', 'sp-2'),
    );
    expect(same._tag === 'Right' && same.right.duplicate).toBe(true);
    expect((await store.readStream('b-1')).map((e) => e.commandId).slice(5)).toEqual(['x-1', 'x-2']);
  });

  it('retries a lost race, deciding again on the new state', async () => {
    const store = new MemoryEventStore();
    const handler = await setUp(store);
    /** A store where another writer records `rival` just before the first append. */
    const racedBy = (rival: Command): Store => racedStore(store, () => handler.handle(rival));
    const noWait = { backoff: async () => undefined };
    const won = await new CommandHandler(racedBy(spend('b-1', 'rival-1', '5.00', 'sp-0')), noWait).handle(
      spend('b-1', 'mine-1', '5.00', 'sp-1'),
    );
    expect(won._tag === 'Right' && won.right.events.map((e) => e.seq)).toEqual([7]);
    // the rival recorded the same spend id: decided again, the command now breaks a rule
    const lost = await new CommandHandler(racedBy(spend('b-1', 'rival-2', '5.00', 'sp-2')), noWait).handle(
      spend('b-1', 'mine-2', '5.00', 'sp-2'),
    );
    expect(lost._tag === 'Left' && lost.left.code).toBe('duplicate-spend');
    expect((await store.readStream('b-1')).map((e) => e.commandId).slice(5)).toEqual([
      'rival-1',
      'mine-1',
      'rival-2',
    ]);
  });

  it('gives up after a bounded number of attempts with a typed conflict', async () => {
    const store = new MemoryEventStore();
    await setUp(store);
    let appends = 0;
    const moving: Store = Object.create(store) as Store;
    moving.append = async (budgetId, _events, expected) => {
      appends += 1;
      throw new VersionConflict(budgetId, expected, 99);
    };
    const waits: number[] = [];
    const handler = new CommandHandler(moving, { maxAttempts: 3, backoff: async (n) => void waits.push(n) });
    const r = await handler.handle(spend('b-1', 'sp-1', '1.00'));
    expect(r._tag === 'Left' && r.left).toMatchObject({ code: 'version-conflict', attempts: 3, actual: 99 });
    expect(appends).toBe(3);
    expect(waits).toEqual([1, 2]);
  });

  it('returns store failures as typed errors, passing on whether the outcome is known', async () => {
    const store = new MemoryEventStore();
    await setUp(store);
    const failing: Store = Object.create(store) as Store;
    failing.append = async () => {
      throw new StoreError('store-full', 'cannot append: no space left', { outcomeUnknown: false });
    };
    const r = await new CommandHandler(failing).handle(spend('b-1', 'sp-1', '1.00'));
    expect(r._tag === 'Left' && r.left).toEqual({
      code: 'store-failure',
      reason: 'store-full',
      message: 'cannot append: no space left',
      outcomeUnknown: false,
    });
  });

  it('stamps recordedAt with its clock, never going back', async () => {
    const store = new MemoryEventStore();
    await setUp(store);
    const times = ['2024-06-01T09:00:00.000Z', '2024-05-01T09:00:00.000Z'];
    const handler = new CommandHandler(store, { clock: () => times.shift() ?? '2030-01-01T00:00:00.000Z' });
    const a = await handler.handle(spend('b-1', 'sp-1', '1.00'));
    const b = await handler.handle(spend('b-1', 'sp-2', '1.00'));
    expect(a._tag === 'Right' && a.right.events[0]?.recordedAt).toBe('2024-06-01T09:00:00.000Z');
    // the clock went back an hour... a month: the budget's last time is kept
    expect(b._tag === 'Right' && b.right.events[0]?.recordedAt).toBe('2024-06-01T09:00:00.000Z');
  });

  it('handleCommand handles one command with a fresh handler', async () => {
    const store = new MemoryEventStore();
    await setUp(store);
    const r = await handleCommand(store, allocate('b-1', 'c-9', '1.00'));
    expect(r._tag === 'Right' && r.right.version).toBe(6);
  });
});

describe('command handler: its cache of budget states', () => {
  /** A memory store that counts stream reads and appends; `checksExpectedHash` as given. */
  function counted(checksExpectedHash: boolean) {
    const inner = new MemoryEventStore();
    const n = { reads: 0, appends: 0 };
    const store: Store = Object.create(inner) as Store;
    Object.defineProperty(store, 'checksExpectedHash', { value: checksExpectedHash });
    store.readStream = (...a) => {
      n.reads += 1;
      return inner.readStream(...a);
    };
    store.append = (...a) => {
      n.appends += 1;
      return inner.append(...a);
    };
    return { store, n };
  }

  it('decides on a cached budget without reading first; a stale cache costs one refused append and a read', async () => {
    const { store, n } = counted(true);
    const a = await setUp(store);
    n.reads = 0;
    n.appends = 0;
    expect((await a.handle(allocate('b-1', 'more', '1.00')))._tag).toBe('Right');
    expect(n).toEqual({ reads: 0, appends: 1 });
    // another writer moves the stream: the cached decision is refused by the store, then the
    // command is decided again on the stream as read, and the rules see the other spend
    await new CommandHandler(store).handle(spend('b-1', 'by-b', '2.00', 'sp-1'));
    n.reads = 0;
    n.appends = 0;
    const r = await a.handle(spend('b-1', 'by-a', '2.00', 'sp-1'));
    expect(r._tag === 'Left' && r.left.code).toBe('duplicate-spend');
    expect(n.reads).toBeGreaterThanOrEqual(1);
    // a store that does not check hashes: the handler reads before every decision
    const plain = counted(false);
    const p = await setUp(plain.store);
    plain.n.reads = 0;
    expect((await p.handle(allocate('b-1', 'more', '1.00')))._tag).toBe('Right');
    expect(plain.n.reads).toBe(1);
  });

  it('sees what other writers appended since its last command', async () => {
    const store = new MemoryEventStore();
    const a = await setUp(store);
    const b = new CommandHandler(store);
    expect((await b.handle(spend('b-1', 'by-b', '2.00', 'sp-1')))._tag).toBe('Right');
    const r = await a.handle(spend('b-1', 'by-a', '2.00', 'sp-1'));
    expect(r._tag === 'Left' && r.left.code).toBe('duplicate-spend');
    expect((await a.handle(spend('b-1', 'by-b', '2.00', 'sp-1')))._tag === 'Right').toBe(true);
    expect(await store.readStream('b-1')).toHaveLength(6);
  });

  it('drops a cached state the store no longer agrees with, and decides on the stored one', async () => {
    const first = new MemoryEventStore();
    const second = new MemoryEventStore();
    let current: Store = first;
    const switching: Store = Object.create(first) as Store;
    for (const k of [
      'append',
      'readStream',
      'readCommand',
      'loadSnapshot',
      'saveSnapshot',
      'head',
    ] as const) {
      (switching as unknown as Record<string, unknown>)[k] = (...args: unknown[]) =>
        (current[k] as (...a: unknown[]) => unknown).apply(current, args);
    }
    const handler = await setUp(switching);
    // the data behind the store is replaced by an older copy (a restore from backup)
    const older = new CommandHandler(second);
    for (const c of setupBudget('b-1').slice(0, 3)) await older.handle(c);
    current = second;
    const r = await handler.handle(allocate('b-1', 'after-restore', '1.00'), {});
    expect(r._tag === 'Right' && r.right.events.map((e) => [e.seq, e.prevHash])).toEqual([
      [4, (await second.readStream('b-1'))[2]?.hash],
    ]);
    // another copy with as many events but another history: the cache notices the hash differs
    const third = new MemoryEventStore();
    const other = new CommandHandler(third);
    const request = (commandId: string) =>
      command('RequestChange', 'b-1', commandId, coordinator, {
        changeRequestId: 'cr-x',
        summary: 'more hours',
      });
    for (const c of [...setupBudget('b-1').slice(0, 3), request('elsewhere')]) await other.handle(c);
    current = third;
    const again = await handler.handle(request('after-second-restore'));
    expect(again._tag === 'Left' && again.left.code).toBe('duplicate-change-request');
  });
});

describe('command handler: snapshots', () => {
  it('does not ask for the snapshot of a stream it saw shorter than the snapshot interval', async () => {
    for (const snapshotEvery of [100, 2]) {
      const first = new MemoryEventStore();
      const second = new MemoryEventStore();
      let current: Store = first;
      let snapshotReads = 0;
      const switching: Store = Object.create(first) as Store;
      for (const k of ['append', 'readStream', 'readCommand', 'saveSnapshot', 'head'] as const) {
        (switching as unknown as Record<string, unknown>)[k] = (...args: unknown[]) =>
          (current[k] as (...a: unknown[]) => unknown).apply(current, args);
      }
      switching.loadSnapshot = (budgetId: string) => {
        snapshotReads += 1;
        return current.loadSnapshot(budgetId);
      };
      const handler = await setUp(switching, new CommandHandler(switching, { snapshotEvery }));
      // the data behind the store is replaced by another copy: the cached state is dropped
      const other = new CommandHandler(second, { snapshotEvery });
      for (const c of setupBudget('b-1').slice(0, 3)) await other.handle(c);
      current = second;
      snapshotReads = 0;
      const r = await handler.handle(allocate('b-1', 'after-restore', '1.00'));
      expect(r._tag === 'Right' && r.right.events.map((e) => [e.seq, e.prevHash])).toEqual([
        [4, (await second.readStream('b-1'))[2]?.hash],
      ]);
      // 5 events were seen: short for an interval of 100 (replayed), not for 2 (snapshot read)
      expect(snapshotReads, `snapshotEvery ${snapshotEvery}`).toBe(snapshotEvery === 100 ? 0 : 1);
    }
  });

  it('saves a snapshot every N events and loads from it', async () => {
    const store = new MemoryEventStore();
    const handler = await setUp(store, new CommandHandler(store, { snapshotEvery: 3 }));
    const snap = await store.loadSnapshot('b-1');
    expect(snap?.version).toBe(3);
    expect(snap?.format).toBe(BUDGET_STATE_FORMAT);
    expect(snap?.hash).toBe((await store.readStream('b-1'))[2]?.hash);
    const loaded = await handler.load('b-1');
    expect(loaded.snapshotVersion).toBe(3);
    expect(loaded.version).toBe(5);
    expect(stateJson(loaded.state)).toBe(stateJson(foldDecisions(await store.readStream('b-1'))));
    await handler.handle(spend('b-1', 'sp-1', '1.00'));
    expect((await store.loadSnapshot('b-1'))?.version).toBe(6);
  });

  it('replays instead when a snapshot is missing, from another stream, damaged or in an old format', async () => {
    const store = new MemoryEventStore();
    const warnings: string[] = [];
    const handler = await setUp(
      store,
      new CommandHandler(store, { snapshotEvery: 0, onWarning: (m) => warnings.push(m) }),
    );
    const events = await store.readStream('b-1');
    const full = stateJson(foldDecisions(events));
    const at3 = foldDecisions(events.slice(0, 3));
    const good = {
      budgetId: 'b-1',
      version: 3,
      hash: events[2]?.hash ?? '',
      format: BUDGET_STATE_FORMAT,
      state: encodeBudgetState(at3),
    };
    const cases = [
      { ...good, hash: 'f'.repeat(64) },
      { ...good, state: '{"version":3}' },
      { ...good, format: 'ipb.budget-state/0' },
      { ...good, version: 9 },
      { ...good, state: encodeBudgetState(foldDecisions(events.slice(0, 2))) },
    ];
    for (const snap of cases) {
      await store.deleteSnapshot('b-1');
      await store.saveSnapshot(snap);
      const loaded = await handler.load('b-1');
      expect(loaded.snapshotVersion).toBe(0);
      expect(stateJson(loaded.state)).toBe(full);
    }
    expect(warnings).toHaveLength(4);
    await store.saveSnapshot(good);
    const loaded = await handler.load('b-1');
    expect(loaded.snapshotVersion).toBe(3);
    expect(stateJson(loaded.state)).toBe(full);
  });

  it('decides exactly like the in-memory Ledger, with snapshots taken and deleted at random', async () => {
    let fromSnapshots = 0;
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 2 }),
        async (h, every, deletions, cacheSize) => {
          const store = new MemoryEventStore();
          // cacheSize 0: every command loads from snapshot + events; 1: budgets evict each other
          const handler = new CommandHandler(store, { snapshotEvery: every, cacheSize });
          let k = 0;
          for (const c of h.commands) {
            await handler.handle(c);
            // snapshots are safe to delete at any moment
            if (deletions[k++ % deletions.length] === true) await store.deleteSnapshot(c.budgetId);
          }
          // same events, same bytes, same order as the Ledger that decided the same commands
          expect(await logOf(store)).toBe(h.ledger.toLog());
          for (const budgetId of store.budgetIds()) {
            const loaded = await handler.load(budgetId);
            if (loaded.snapshotVersion > 0) fromSnapshots += 1;
            expect(stateJson(loaded.state)).toBe(stateJson(h.ledger.decisionStateOf(budgetId)));
            expect(stateJson(loaded.state)).toBe(stateJson(foldDecisions(await store.readStream(budgetId))));
          }
        },
      ),
      { numRuns: Math.min(RUNS, 60) },
    );
    // the property did exercise loading from snapshots
    expect(fromSnapshots).toBeGreaterThan(10);
  });
});
