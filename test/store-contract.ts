/**
 * The event store contract: one suite, run unchanged against every adapter
 * (test/store-memory.test.ts, test/store-file.test.ts, test/store-postgres.test.ts).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CommandHandler,
  CommandIdReused,
  ExpectedVersion,
  GENESIS_HASH,
  StoreError,
  VersionConflict,
  commandFingerprint,
  encodeEvent,
  eventLine,
  foldEvents,
  hashOfEnvelope,
  initialState,
  storeLines,
  type EventStore,
  type LedgerEvent,
  type PendingEvent,
  type Store,
} from 'ipb-ledger';
import {
  allocate,
  appendCommand,
  checkLog,
  multiPending,
  openBudget,
  pending,
  setupBudget,
} from './store-support.js';
import {
  checkEvents,
  checkOutcomes,
  play,
  sameOutcomes,
  scenarioArb,
  viaHandler,
} from './decider-contract.js';

/** Scenarios the decider ⊆ contract property runs per store (each is many commands). */
const STORE_RUNS = Number(process.env['FC_STORE_RUNS'] ?? 8);

/** What a factory gives the suite: a fresh, empty store, and for durable stores a way to reopen it. */
export interface StoreFixture {
  readonly store: Store;
  /** Closes the store and opens the same data again (durable adapters only). */
  readonly reopen?: () => Promise<Store>;
  /** Removes what the fixture created (after the store is closed). */
  readonly cleanup?: () => Promise<void>;
}

/** Every event of a store in its global order, waiting (bounded) until `expected` are readable. */
export async function allLines(store: EventStore, expected: number): Promise<string> {
  let text = '';
  for (let round = 0; round < 200; round++) {
    text = '';
    let n = 0;
    for await (const line of storeLines(store, 7)) {
      text += line;
      n += 1;
    }
    if (n >= expected) return text;
    // PostgreSQL holds back rows of transactions that may still be running elsewhere; wait for them
    await new Promise((r) => setTimeout(r, 50));
  }
  return text;
}

async function totalEvents(store: EventStore, budgets: Iterable<string>): Promise<number> {
  let n = 0;
  for (const b of budgets) n += (await store.head(b)).version;
  return n;
}

async function expectConflict(p: Promise<unknown>): Promise<VersionConflict> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VersionConflict);
  return err as VersionConflict;
}

async function expectStoreError(p: Promise<unknown>, code: string, words: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  expect((err as StoreError).message).toMatch(words);
}

/**
 * The store, checked after every append (successful or not): the budget's stream still runs
 * 1, 2, 3... with each `prevHash` the previous `hash` and every `hash` recomputing.
 */
function chainChecked(store: Store): Store {
  const checked: Store = {
    checksExpectedHash: store.checksExpectedHash === true,
    append: async () => Promise.reject(new Error('replaced below')),
    readStream: (...a) => store.readStream(...a),
    head: (...a) => store.head(...a),
    readCommand: (...a) => store.readCommand(...a),
    readAll: (...a) => store.readAll(...a),
    saveSnapshot: (...a) => store.saveSnapshot(...a),
    loadSnapshot: (...a) => store.loadSnapshot(...a),
    deleteSnapshot: (...a) => store.deleteSnapshot(...a),
    loadProjection: (...a) => store.loadProjection(...a),
    saveProjection: (...a) => store.saveProjection(...a),
    close: () => store.close(),
  };
  checked.append = async (budgetId, events, expected, options) => {
    try {
      return await store.append(budgetId, events, expected, options);
    } finally {
      const stream = await store.readStream(budgetId).catch(() => null);
      if (stream !== null) {
        let prev = GENESIS_HASH;
        stream.forEach((e, i) => {
          expect(e.seq, `${budgetId} seq`).toBe(i + 1);
          expect(e.prevHash, `${budgetId} seq ${e.seq} prevHash`).toBe(prev);
          expect(hashOfEnvelope(encodeEvent(e) as unknown as Record<string, unknown>)).toBe(e.hash);
          prev = e.hash;
        });
      }
    }
  };
  return checked;
}

/** Runs the contract against fresh stores from `make`. */
export function eventStoreContract(name: string, make: () => Promise<StoreFixture>): void {
  describe(`${name} store: the event store contract`, () => {
    let fx: StoreFixture;
    let store: Store;
    const budgets = new Set<string>();
    let finalCheck = true;

    const openWith = async (budgetId: string): Promise<LedgerEvent[]> => {
      budgets.add(budgetId);
      return [...(await appendCommand(store, openBudget(budgetId)))];
    };
    const add = async (budgetId: string, commandId: string, pounds = '10.00'): Promise<LedgerEvent[]> => {
      budgets.add(budgetId);
      return [...(await appendCommand(store, allocate(budgetId, commandId, pounds)))];
    };
    const stateOf = async (budgetId: string) => foldEvents(await store.readStream(budgetId));

    beforeEach(async () => {
      budgets.clear();
      finalCheck = true;
      fx = await make();
      store = chainChecked(fx.store);
    });

    afterEach(async () => {
      // after every test the whole store exports as a verifiable log
      try {
        if (!finalCheck) return;
        const expected = await totalEvents(store, budgets);
        const text = await allLines(store, expected);
        const check = checkLog(text);
        expect(check.problem).toBeNull();
        expect(check.events.length).toBe(expected);
      } finally {
        await store.close();
        await fx.cleanup?.();
      }
    });

    it('starts empty', async () => {
      expect(await store.readStream('b-1')).toEqual([]);
      expect(await store.head('b-1')).toEqual({ version: 0, hash: GENESIS_HASH });
      expect(await store.readCommand('b-1', 'c-1')).toEqual([]);
      const all = await store.readAll();
      expect(all.events).toEqual([]);
      expect(all.checkpoint).toBeUndefined();
    });

    it('appends, seals into the chain and reads back', async () => {
      const [opened] = await openWith('b-1');
      const [funded] = await add('b-1', 'c-2', '250.00');
      expect(opened?.seq).toBe(1);
      expect(opened?.prevHash).toBe(GENESIS_HASH);
      expect(funded?.seq).toBe(2);
      expect(funded?.prevHash).toBe(opened?.hash);
      for (const e of [opened, funded]) {
        expect(e?.hash).toBe(
          hashOfEnvelope(encodeEvent(e as LedgerEvent) as unknown as Record<string, unknown>),
        );
      }
      const back = await store.readStream('b-1');
      expect(back.map(eventLine)).toEqual([opened, funded].map((e) => eventLine(e as LedgerEvent)));
      expect(await store.head('b-1')).toEqual({ version: 2, hash: funded?.hash });
      expect((await store.readStream('b-1', { fromVersion: 2 })).map((e) => e.seq)).toEqual([2]);
      expect(await store.readStream('b-1', { fromVersion: 3 })).toEqual([]);
    });

    it('refuses an append at another version with one typed conflict, appending nothing', async () => {
      await openWith('b-1');
      await add('b-1', 'c-2');
      const p = pending(allocate('b-1', 'c-3', '5.00'), await stateOf('b-1'));
      const stale = await expectConflict(store.append('b-1', p, ExpectedVersion.exactly(1)));
      expect(stale.code).toBe('version-conflict');
      expect(stale.budgetId).toBe('b-1');
      expect(stale.expected).toEqual({ kind: 'exactly', version: 1 });
      expect(stale.actual).toBe(2);
      expect(stale.message).toMatch(/budget b-1 is at version 2, not version 1/);
      const fresh = await expectConflict(store.append('b-1', p, ExpectedVersion.noStream));
      expect(fresh.actual).toBe(2);
      expect(fresh.expected).toEqual({ kind: 'no-stream' });
      expect((await store.readStream('b-1')).length).toBe(2);
      // a new stream: exactly(0) and no-stream both mean "no events yet"
      budgets.add('b-2');
      const first = pending(openBudget('b-2'), initialState);
      const ok = await store.append('b-2', first, ExpectedVersion.exactly(0));
      expect(ok.version).toBe(1);
      const again = pending(openBudget('b-3'), initialState);
      budgets.add('b-3');
      await expectConflict(
        store.append('b-2', [{ ...again[0], budgetId: 'b-2' } as PendingEvent], ExpectedVersion.noStream),
      );
      expect((await store.append('b-3', again, ExpectedVersion.noStream)).version).toBe(1);
    });

    it("refuses an append whose expected hash is not the head's (same length, another history), appending nothing", async () => {
      expect(fx.store.checksExpectedHash).toBe(true);
      const [opened] = await openWith('b-1');
      const [funded] = await add('b-1', 'c-2');
      const p = pending(allocate('b-1', 'c-3', '5.00'), await stateOf('b-1'));
      const other = await expectConflict(
        store.append('b-1', p, ExpectedVersion.exactly(2), { expectedHash: opened?.hash as string }),
      );
      expect(other.actual).toBe(2);
      expect(other.expected).toEqual({ kind: 'exactly', version: 2 });
      expect((await store.readStream('b-1')).length).toBe(2);
      expect((await store.readCommand('b-1', 'c-3')).length).toBe(0);
      const r = await store.append('b-1', p, ExpectedVersion.exactly(2), {
        expectedHash: funded?.hash as string,
      });
      expect(r.events.map((e) => [e.seq, e.prevHash])).toEqual([[3, funded?.hash]]);
    });

    it('appends after whatever is there when any version is expected', async () => {
      await openWith('b-1');
      const p = pending(allocate('b-1', 'c-2', '1.00'), await stateOf('b-1'));
      await add('b-1', 'c-3');
      const r = await store.append('b-1', p, ExpectedVersion.any);
      expect(r.duplicate).toBe(false);
      expect(r.events.map((e) => e.seq)).toEqual([3]);
      expect(r.version).toBe(3);
    });

    it('returns the original events for a repeated command id and appends nothing', async () => {
      await openWith('b-1');
      const p = pending(allocate('b-1', 'c-2', '7.00'), await stateOf('b-1'));
      const first = await store.append('b-1', p, ExpectedVersion.exactly(1));
      await add('b-1', 'c-3');
      // the retry expects an old version: still a repeat, not a conflict
      const again = await store.append('b-1', p, ExpectedVersion.exactly(1));
      expect(again.duplicate).toBe(true);
      expect(again.events.map(eventLine)).toEqual(first.events.map(eventLine));
      expect(again.version).toBe(3);
      expect((await store.readCommand('b-1', 'c-2')).map(eventLine)).toEqual(first.events.map(eventLine));
      expect((await store.readStream('b-1')).length).toBe(3);
    });

    it("appends all of a command's events or none", async () => {
      await openWith('b-1');
      const three = multiPending('b-1', 'multi', 3, await stateOf('b-1'));
      const r = await store.append('b-1', three, ExpectedVersion.exactly(1));
      expect(r.events.map((e) => e.seq)).toEqual([2, 3, 4]);
      expect((await store.readCommand('b-1', 'multi')).map((e) => e.seq)).toEqual([2, 3, 4]);
      const state = await stateOf('b-1');
      const two = multiPending('b-1', 'bad', 2, state);
      const otherBudget = [two[0], { ...two[1], budgetId: 'b-9' }] as PendingEvent[];
      await expectStoreError(
        store.append('b-1', otherBudget, ExpectedVersion.any),
        'invalid-append',
        /event 1 is for budget "b-9"/,
      );
      const mixed = [two[0], { ...two[1], commandId: 'other' }] as PendingEvent[];
      await expectStoreError(
        store.append('b-1', mixed, ExpectedVersion.any),
        'invalid-append',
        /one append is one command/,
      );
      await expectStoreError(
        store.append('b-1', [], ExpectedVersion.any),
        'invalid-append',
        /nothing to append/,
      );
      const early = [{ ...two[0], recordedAt: '2020-01-01T00:00:00.000Z' }] as PendingEvent[];
      await expectStoreError(
        store.append('b-1', early, ExpectedVersion.any),
        'invalid-append',
        /recordedAt never goes back/,
      );
      expect((await store.readStream('b-1')).length).toBe(4);
      expect(await store.readCommand('b-1', 'bad')).toEqual([]);
    });

    it('reads every budget in one global order, in pages, and resumes from a checkpoint', async () => {
      const appended: LedgerEvent[] = [];
      for (const b of ['b-2', 'b-1', 'b-3']) appended.push(...(await openWith(b)));
      for (let i = 0; i < 4; i++)
        for (const b of ['b-3', 'b-1']) appended.push(...(await add(b, `${b}-c${i}`)));
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const r = await store.readAll({ ...(after === undefined ? {} : { after }), limit: 3 });
        if (r.events.length === 0) {
          expect(r.checkpoint).toBe(after);
          break;
        }
        expect(r.events.length).toBeLessThanOrEqual(3);
        expect(r.checkpoint).toBe(r.events[r.events.length - 1]?.position);
        seen.push(...r.events.map((x) => x.line));
        after = r.checkpoint;
      }
      expect(seen).toEqual(appended.map(eventLine));
      const more = await add('b-2', 'b-2-late');
      const next = await store.readAll({ ...(after === undefined ? {} : { after }) });
      expect(next.events.map((x) => x.line)).toEqual(more.map(eventLine));
      await expect(store.readAll({ after: 'not-a-checkpoint' })).rejects.toThrow(/not made by this store/);
    });

    it('lets exactly one of many concurrent appends at the same version win', async () => {
      await openWith('b-1');
      const state = await stateOf('b-1');
      // warm up (a pooled store opens its connections now, so the appends below really race)
      await Promise.all(Array.from({ length: 8 }, () => store.readStream('b-1')));
      const tries = Array.from({ length: 8 }, (_, i) =>
        store
          .append('b-1', pending(allocate('b-1', `race-${i}`, '1.00'), state), ExpectedVersion.exactly(1))
          .then(
            (r) => r,
            (e: unknown) => e,
          ),
      );
      const results = await Promise.all(tries);
      const won = results.filter((r) => !(r instanceof Error));
      const lost = results.filter((r): r is VersionConflict => r instanceof VersionConflict);
      expect(won.length).toBe(1);
      expect(lost.length).toBe(7);
      for (const c of lost) expect(c.actual).toBe(2);
      expect((await store.readStream('b-1')).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('records a command once when it is appended many times at once', async () => {
      await openWith('b-1');
      const p = pending(allocate('b-1', 'once', '3.00'), await stateOf('b-1'));
      const results = await Promise.all(
        Array.from({ length: 6 }, () => store.append('b-1', p, ExpectedVersion.any)),
      );
      expect(results.filter((r) => !r.duplicate).length).toBe(1);
      const lines = new Set(results.map((r) => r.events.map(eventLine).join('\n')));
      expect(lines.size).toBe(1);
      expect((await store.readStream('b-1')).length).toBe(2);
    });

    it('keeps a snapshot per budget, replaced only by a newer one, and deletes it', async () => {
      const snap = { budgetId: 'b-1', version: 5, hash: 'a'.repeat(64), format: 'f/1', state: '{"x":1}' };
      expect(await store.loadSnapshot('b-1')).toBeNull();
      await store.saveSnapshot(snap);
      expect(await store.loadSnapshot('b-1')).toEqual(snap);
      await store.saveSnapshot({ ...snap, version: 3, state: '{"x":0}' });
      expect(await store.loadSnapshot('b-1')).toEqual(snap);
      const newer = { ...snap, version: 9, hash: 'b'.repeat(64), state: '{"x":2}' };
      await store.saveSnapshot(newer);
      expect(await store.loadSnapshot('b-1')).toEqual(newer);
      const otherFormat = { ...snap, version: 1, format: 'f/2' };
      await store.saveSnapshot(otherFormat);
      expect(await store.loadSnapshot('b-1')).toEqual(otherFormat);
      expect(await store.loadSnapshot('b-2')).toBeNull();
      await store.deleteSnapshot('b-1');
      await store.deleteSnapshot('b-1');
      expect(await store.loadSnapshot('b-1')).toBeNull();
    });

    it('saves a projection state and its checkpoint together', async () => {
      expect(await store.loadProjection('totals')).toBeNull();
      await openWith('b-1');
      const { checkpoint } = await store.readAll();
      await store.saveProjection('totals', { checkpoint, state: 'one' });
      expect(await store.loadProjection('totals')).toEqual({ checkpoint, state: 'one' });
      await store.saveProjection('totals', { checkpoint: undefined, state: 'zero' });
      expect(await store.loadProjection('totals')).toEqual({ checkpoint: undefined, state: 'zero' });
    });

    it('keeps events, command ids and snapshots across a reopen', async () => {
      await openWith('b-1');
      const state = await stateOf('b-1');
      const p = pending(allocate('b-1', 'c-2', '9.99'), state);
      const first = await store.append('b-1', p, ExpectedVersion.exactly(1));
      const snap = {
        budgetId: 'b-1',
        version: 2,
        hash: first.events[0]?.hash ?? '',
        format: 'f/1',
        state: 's',
      };
      await store.saveSnapshot(snap);
      if (fx.reopen === undefined) {
        // a memory store has nothing to reopen: its contents live as long as the object
        expect(name).toBe('memory');
        return;
      }
      const before = (await store.readStream('b-1')).map(eventLine);
      store = chainChecked(await fx.reopen());
      expect((await store.readStream('b-1')).map(eventLine)).toEqual(before);
      expect(await store.head('b-1')).toEqual({ version: 2, hash: first.events[0]?.hash });
      const again = await store.append('b-1', p, ExpectedVersion.any);
      expect(again.duplicate).toBe(true);
      expect(again.events.map(eventLine)).toEqual(first.events.map(eventLine));
      expect(await store.loadSnapshot('b-1')).toEqual(snap);
      await add('b-1', 'c-3');
      expect((await store.head('b-1')).version).toBe(3);
    });

    it('refuses a different command under a used command id, naming it, also after a reopen', async () => {
      await openWith('b-1');
      const state = await stateOf('b-1');
      const firstCommand = allocate('b-1', 'c-2', '9.99');
      const otherCommand = allocate('b-1', 'c-2', '10.00');
      const first = pending(firstCommand, state);
      const fingerprint = { fingerprint: commandFingerprint(firstCommand) };
      await store.append('b-1', first, ExpectedVersion.exactly(1), fingerprint);
      const check = async (reopened: boolean) => {
        // the store compares the opaque fingerprints it was given; a file store rebuilds its
        // index from the log on open and keeps none, so there it is a repeat and the caller compares
        const other = pending(otherCommand, state);
        const otherPrint = { fingerprint: commandFingerprint(otherCommand) };
        const forgot = reopened && name === 'file';
        const err = await store.append('b-1', other, ExpectedVersion.any, otherPrint).then(
          (r) => r,
          (e: unknown) => e,
        );
        if (forgot) {
          expect(err).toMatchObject({ duplicate: true });
          expect((err as { events: LedgerEvent[] }).events.map(eventLine)).toEqual(
            (await store.readCommand('b-1', 'c-2')).map(eventLine),
          );
        } else {
          // a typed refusal, nothing appended
          expect(err).toBeInstanceOf(CommandIdReused);
          expect((err as CommandIdReused).code).toBe('command-id-reused');
          expect((err as CommandIdReused).message).toContain('c-2');
        }
        expect((await store.head('b-1')).version).toBe(2);
        // the same command again is a repeat, with or without its fingerprint
        expect((await store.append('b-1', first, ExpectedVersion.any, fingerprint)).duplicate).toBe(true);
        expect((await store.append('b-1', first, ExpectedVersion.any)).duplicate).toBe(true);
        // through the handler: a domain refusal naming the id, never a store failure
        const handler = new CommandHandler(store);
        const r = await handler.handle(allocate('b-1', 'c-2', '10.00'));
        expect(r._tag === 'Left' && r.left).toMatchObject({ code: 'command-id-reused', commandId: 'c-2' });
        const same = await handler.handle(allocate('b-1', 'c-2', '9.99'));
        expect(same._tag === 'Right' && same.right.duplicate).toBe(true);
      };
      await check(false);
      if (fx.reopen !== undefined) {
        store = chainChecked(await fx.reopen());
        await check(true);
      }
    });

    it('decider ⊆ contract: a handler on this store accepts only what the log contract accepts', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async (s) => {
          run += 1;
          const prefix = `p${run}`;
          const { ledger, sent, outcomes } = play(s, prefix);
          const handled = await viaHandler(store, sent);
          checkOutcomes(sent, handled, `${name} store`);
          sameOutcomes(outcomes, handled, `${name} store`);
          for (const e of ledger.events()) budgets.add(e.budgetId);
          const stored = await Promise.all(
            [...new Set(ledger.events().map((e) => e.budgetId))].map((b) => store.readStream(b)),
          );
          checkEvents(stored.flat(), (b) => ledger.stateOf(b));
        }),
        { numRuns: STORE_RUNS },
      );
    });

    it('exports the exact bytes it sealed, as a log that verifies', async () => {
      const written: LedgerEvent[] = [];
      for (const c of setupBudget('b-1')) written.push(...(await appendCommand(store, c)));
      budgets.add('b-1');
      const text = await allLines(store, written.length);
      expect(text).toBe(written.map((e) => `${eventLine(e)}\n`).join(''));
      expect(checkLog(text).ok).toBe(true);
    });

    it('refuses every call once closed', async () => {
      await openWith('b-1');
      const p = pending(allocate('b-1', 'c-2', '1.00'), await stateOf('b-1'));
      const text = await allLines(store, 1);
      budgets.clear();
      await store.close();
      await expectStoreError(store.append('b-1', p, ExpectedVersion.any), 'store-closed', /closed/);
      await expectStoreError(store.readStream('b-1'), 'store-closed', /closed/);
      // the afterEach check reads the store: give it a fresh view of the same data when it has one
      if (fx.reopen === undefined) {
        finalCheck = false;
        return;
      }
      store = chainChecked(await fx.reopen());
      budgets.add('b-1');
      expect(await allLines(store, 1)).toBe(text);
    });
  });
}
