import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  CatchUpRunner,
  CommandHandler,
  ExpectedVersion,
  Ledger,
  POSTGRES_SCHEMA_VERSION,
  PostgresEventStore,
  StoreError,
  VersionConflict,
  balances,
  balancesJson,
  balancesOfStates,
  balancesProjection,
  citusDistributionSql,
  foldEvents,
  type Command,
  type Store,
} from 'ipb-ledger';
import { allLines, eventStoreContract } from './store-contract.js';
import {
  allocate,
  checkLog,
  databaseUrl,
  interceptingPool,
  KILL_ROUNDS,
  killLoop,
  pending,
  setupBudget,
  spend,
  uniqueSchema,
} from './store-support.js';

const url = databaseUrl();
const admin = new pg.Pool({ connectionString: url, max: 2 });
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

async function freshStore(
  options: { maxConnections?: number; connectionString?: string } = {},
): Promise<PostgresEventStore> {
  const schema = uniqueSchema(import.meta.filename);
  schemas.push(schema);
  const store = await PostgresEventStore.connect({
    connectionString: options.connectionString ?? url,
    schema,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
  });
  await store.migrate();
  return store;
}

eventStoreContract('postgres', async () => {
  const schema = uniqueSchema(import.meta.filename);
  let store = await PostgresEventStore.connect({ connectionString: url, schema });
  await store.migrate();
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await PostgresEventStore.connect({ connectionString: url, schema });
      return store;
    },
    cleanup: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
});

describe('postgres store: schema', () => {
  it('creates its tables only when migrate() runs, idempotently, even from several callers at once', async () => {
    const schema = uniqueSchema(import.meta.filename);
    schemas.push(schema);
    const store = await PostgresEventStore.connect({ connectionString: url, schema });
    expect(await store.schemaVersion()).toBe(0);
    const err = await store.readStream('b-1').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toMatch(/tables do not exist .*run migrate\(\) once/);
    await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
    await store.migrate();
    expect(await store.schemaVersion()).toBe(POSTGRES_SCHEMA_VERSION);
    expect(await store.readStream('b-1')).toEqual([]);
    await store.close();
  });

  it('keys every unique constraint of a distributed table by budget_id, as Citus requires', async () => {
    const store = await freshStore();
    const distributed = citusDistributionSql(store.schema).map(
      (sql) => /'"[a-z0-9_]+"\.(\w+)'/.exec(sql)?.[1],
    );
    expect(distributed).toEqual(['events', 'commands', 'snapshots']);
    const r = await admin.query<{ tbl: string; idx: string; cols: string[] }>(
      `SELECT c.relname AS tbl, i.relname AS idx, array_agg(a.attname::text ORDER BY k.ord) AS cols
         FROM pg_index x
         JOIN pg_class c ON c.oid = x.indrelid
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE n.nspname = $1 AND x.indisunique
        GROUP BY c.relname, i.relname`,
      [store.schema],
    );
    const unique = r.rows.filter((row) => distributed.includes(row.tbl));
    expect(unique.map((row) => `${row.tbl}:${row.cols.join(',')}`).sort()).toEqual([
      'commands:budget_id,command_id',
      'events:budget_id,seq',
      'snapshots:budget_id',
    ]);
    const fks = await admin.query(
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND contype = 'f'`,
      [store.schema],
    );
    expect(fks.rows).toEqual([]);
    await store.close();
  });
});

/** The i-th command of writer w: spends and allocations over `budgets` budgets. */
function stressCommand(w: number, i: number, budgets: number): Command {
  const budgetId = `pb-${(w * 31 + i * 7) % budgets}`;
  const pence = 101 + w * 997 + i * 13;
  const pounds = `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
  return i % 2 === 0
    ? spend(budgetId, `s${w}-${i}`, pounds)
    : allocate(budgetId, `a${w}-${i}`, pounds, 'social-care');
}

/** Counts the version conflicts the store reports (to show the writers really raced). */
function countingConflicts(store: Store): { store: Store; conflicts: () => number } {
  let conflicts = 0;
  const wrapped: Store = Object.create(store) as Store;
  wrapped.append = async (...args) => {
    try {
      return await store.append(...args);
    } catch (err) {
      if (err instanceof VersionConflict) conflicts += 1;
      throw err;
    }
  };
  return { store: wrapped, conflicts: () => conflicts };
}

describe('postgres store: concurrency', () => {
  it('sends appends that arrive together in shared statements, each checked on its own', async () => {
    const schema = uniqueSchema(import.meta.filename);
    schemas.push(schema);
    const real = new pg.Pool({ connectionString: url, max: 6 });
    let statements = 0;
    const pool = interceptingPool(real, (_client, text) => {
      if (text.trimStart().startsWith('WITH h AS')) statements += 1;
    });
    const store = await PostgresEventStore.connect({ pool, schema });
    await store.migrate();
    const handler = new CommandHandler(store);
    const budgets = Array.from({ length: 12 }, (_, i) => `gb-${i}`);
    for (const b of budgets)
      for (const c of setupBudget(b)) expect((await handler.handle(c))._tag).toBe('Right');
    const states = new Map<string, ReturnType<typeof foldEvents>>();
    for (const b of budgets) states.set(b, foldEvents(await store.readStream(b)));
    statements = 0;
    // every append at the head this store knows; one of them expects a version already gone
    const results = await Promise.allSettled(
      budgets.map((b, i) =>
        store.append(
          b,
          pending(allocate(b, `${b}-more`, '1.00'), states.get(b) as ReturnType<typeof foldEvents>),
          ExpectedVersion.exactly(i === 5 ? 4 : 5),
        ),
      ),
    );
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(budgets.length);
    for (const [i, r] of results.entries()) {
      if (i === 5) {
        expect(r.status === 'rejected' && r.reason instanceof VersionConflict).toBe(true);
        expect(await store.readStream(budgets[i] as string)).toHaveLength(5);
      } else {
        expect(r.status === 'fulfilled' && r.value.events.map((e) => e.seq)).toEqual([6]);
        expect(await store.readCommand(budgets[i] as string, `${budgets[i]}-more`)).toHaveLength(1);
      }
    }
    await store.close();
    await real.end();
  });

  it('16 writers x 200 commands on 20 budgets: nothing lost, nothing twice, chains intact, balances exact', async () => {
    const WRITERS = 16;
    const PER_WRITER = 200;
    const BUDGETS = 20;
    const raw = await freshStore({ maxConnections: WRITERS + 2 });
    const { store, conflicts } = countingConflicts(raw);
    const handler = new CommandHandler(store, { maxAttempts: 8, snapshotEvery: 20 });
    const ledger = new Ledger();
    for (let b = 0; b < BUDGETS; b++) {
      for (const c of setupBudget(`pb-${b}`)) {
        const r = await handler.handle(c);
        expect(r._tag).toBe('Right');
        ledger.recordOrThrow(c);
      }
    }
    // a catch-up projection follows the writes as they happen
    const runner = new CatchUpRunner(raw, raw, balancesProjection(), { batchSize: 97 });
    const following = new AbortController();
    const follow = runner.run(following.signal, 5);
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < PER_WRITER; i++) {
          const c = stressCommand(w, i, BUDGETS);
          for (;;) {
            const r = await handler.handle(c);
            if (r._tag === 'Right') {
              expect(r.right.duplicate).toBe(false);
              break;
            }
            // a client whose command lost too many races sends it again
            if (r.left.code !== 'version-conflict') throw new Error(`${c.commandId}: ${r.left.message}`);
          }
        }
      }),
    );
    following.abort();
    await follow;
    expect(conflicts()).toBeGreaterThan(0);
    for (let w = 0; w < WRITERS; w++)
      for (let i = 0; i < PER_WRITER; i++) ledger.recordOrThrow(stressCommand(w, i, BUDGETS));
    const total = BUDGETS * 5 + WRITERS * PER_WRITER;
    const check = checkLog(await allLines(raw, total));
    expect(check.problem).toBeNull();
    expect(check.events.length).toBe(total);
    const ids = new Set(check.events.map((e) => e.commandId));
    expect(ids.size).toBe(total);
    const sequential = balancesJson(balances(ledger.events()));
    expect(balancesJson(balances(check.events))).toEqual(sequential);
    // the projection that ran alongside, caught up, saw every event once
    let seen = 0;
    for (let round = 0; round < 200; round++) {
      await runner.catchUp();
      seen = [...runner.current().state.values()].reduce((a, s) => a + s.version, 0);
      if (seen >= total) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(total);
    expect(balancesJson(balancesOfStates(runner.current().state))).toEqual(sequential);
    await raw.close();
  }, 300_000);
});

describe('postgres store: writers killed mid-append', () => {
  it('loses no acknowledged event and shows no half command after SIGKILL, again and again', async () => {
    const store = await freshStore();
    const { acked } = await killLoop((round) => ['pg', store.schema, 'crash', String(round)], KILL_ROUNDS);
    expect(acked.size).toBeGreaterThanOrEqual(KILL_ROUNDS);
    const events = await store.readStream('kb');
    const perCommand = new Map<string, number>();
    for (const e of events) perCommand.set(e.commandId ?? '', (perCommand.get(e.commandId ?? '') ?? 0) + 1);
    for (const [commandId, count] of acked) expect(perCommand.get(commandId)).toBe(count);
    for (const [commandId, count] of perCommand) {
      if (commandId === 'kb-open') continue;
      expect(count).toBe(Number(commandId.split('-')[1]) % 2 === 1 ? 3 : 1);
    }
    const check = checkLog(await allLines(store, events.length));
    expect(check.problem).toBeNull();
    expect(check.events.length).toBe(events.length);
    await store.close();
  }, 120_000);
});

type DropMode = 'pass' | 'drop-on-insert' | 'drop-after-insert' | 'drop-before-commit' | 'drop-after-commit';

/** A TCP proxy in front of PostgreSQL that cuts the connection at a chosen moment of a transaction. */
async function faultProxy(
  target: URL,
): Promise<{ url: string; set: (m: DropMode) => void; close: () => Promise<void> }> {
  let mode: DropMode = 'pass';
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const commit = chunk.includes('COMMIT');
      const insert = chunk.includes('INSERT INTO');
      if (mode === 'drop-on-insert' && insert) return cut();
      if (mode === 'drop-before-commit' && commit) return cut();
      upstream.write(chunk);
      if ((mode === 'drop-after-commit' && commit) || (mode === 'drop-after-insert' && insert)) {
        // the server gets the COMMIT; its answer never reaches the client
        client.destroy();
        upstream.end();
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const proxied = new URL(target.toString());
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    url: proxied.toString(),
    set: (m) => (mode = m),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('postgres store: faults', () => {
  it('a connection dropped mid-transaction or at commit is a typed error; retrying the command is safe', async () => {
    const direct = await freshStore();
    const proxy = await faultProxy(new URL(url));
    const setup = await PostgresEventStore.connect({ connectionString: proxy.url, schema: direct.schema });
    for (const c of setupBudget('b-1'))
      expect((await new CommandHandler(setup).handle(c))._tag).toBe('Right');
    await setup.close();
    // The careful path (a store that has not seen the stream: read the head, BEGIN, INSERTs, COMMIT),
    // one fresh store per command so none knows the head.
    const careful = async (c: ReturnType<typeof allocate>, mode: DropMode) => {
      const store = await PostgresEventStore.connect({ connectionString: proxy.url, schema: direct.schema });
      const state = foldEvents(await direct.readStream('b-1'));
      proxy.set(mode);
      const r = await store.append('b-1', pending(c, state), ExpectedVersion.exactly(state.version)).then(
        () => null,
        (e: unknown) => e,
      );
      proxy.set('pass');
      await store.close().catch(() => undefined);
      return r;
    };

    // cut after the INSERT was sent, before COMMIT: nothing recorded, and the store knows it
    const c1 = allocate('b-1', 'c-insert', '11.00');
    expect(await careful(c1, 'drop-on-insert')).toMatchObject({
      code: 'store-unavailable',
      outcomeUnknown: false,
    });
    expect((await direct.head('b-1')).version).toBe(5);

    // cut while sending COMMIT: not recorded, but the client cannot know: outcome unknown
    const c2 = allocate('b-1', 'c-commit', '12.00');
    const e2 = await careful(c2, 'drop-before-commit');
    expect(e2).toMatchObject({ outcomeUnknown: true });
    expect((e2 as Error).message).toMatch(/retry with the same commandId/);
    expect((await direct.head('b-1')).version).toBe(5);

    // the server commits but the answer is lost: recorded, outcome unknown to the client
    const c3 = allocate('b-1', 'c-lost-ack', '13.00');
    expect(await careful(c3, 'drop-after-commit')).toMatchObject({ outcomeUnknown: true });
    let version = 5;
    for (let i = 0; i < 100 && version === 5; i++) {
      version = (await direct.head('b-1')).version;
      if (version === 5) await new Promise((r) => setTimeout(r, 20));
    }
    expect(version).toBe(6);

    // The one-statement path (the handler has read the stream, so the store knows its head): the
    // statement is its own commit, so a cut anywhere after sending it leaves the outcome unknown.
    const viaProxy = await PostgresEventStore.connect({ connectionString: proxy.url, schema: direct.schema });
    const handler = new CommandHandler(viaProxy);
    const c4 = allocate('b-1', 'c-one-dropped', '14.00');
    expect((await handler.handle(allocate('b-1', 'c-warm', '1.00')))._tag).toBe('Right');
    proxy.set('drop-on-insert');
    const r4 = await handler.handle(c4);
    expect(r4._tag === 'Left' && r4.left).toMatchObject({ code: 'store-failure', outcomeUnknown: true });
    expect(r4._tag === 'Left' && r4.left.message).toMatch(/retry with the same commandId/);
    expect((await direct.head('b-1')).version).toBe(7);
    const c5 = allocate('b-1', 'c-one-lost-ack', '15.00');
    proxy.set('drop-after-insert');
    const r5 = await handler.handle(c5);
    expect(r5._tag === 'Left' && r5.left).toMatchObject({ code: 'store-failure', outcomeUnknown: true });
    version = 7;
    for (let i = 0; i < 100 && version === 7; i++) {
      version = (await direct.head('b-1')).version;
      if (version === 7) await new Promise((r) => setTimeout(r, 20));
    }
    expect(version).toBe(8);

    // the connection is back: the client retries them all; each is recorded exactly once
    proxy.set('pass');
    const again = await Promise.all([c1, c2, c3, c4, c5].map((c) => handler.handle(c)));
    expect(again.map((r) => r._tag === 'Right' && r.right.duplicate)).toEqual([
      false,
      false,
      true,
      false,
      true,
    ]);
    const events = await direct.readStream('b-1');
    expect(
      events
        .map((e) => e.commandId)
        .slice(5)
        .sort(),
    ).toEqual(['c-commit', 'c-insert', 'c-lost-ack', 'c-one-dropped', 'c-one-lost-ack', 'c-warm']);
    expect(checkLog(await allLines(direct, 11)).problem).toBeNull();
    await viaProxy.close();
    await proxy.close();
    await direct.close();
  }, 120_000);

  it('a read-only database refuses appends with a typed error and nothing changes', async () => {
    const direct = await freshStore();
    const h = new CommandHandler(direct);
    for (const c of setupBudget('b-1')) await h.handle(c);
    const ro = new URL(url);
    ro.searchParams.set('options', '-c default_transaction_read_only=on');
    const readOnly = await PostgresEventStore.connect({
      connectionString: ro.toString(),
      schema: direct.schema,
    });
    const state = foldEvents(await readOnly.readStream('b-1'));
    expect(state.version).toBe(5);
    const err = await readOnly
      .append('b-1', pending(allocate('b-1', 'ro', '1.00'), state), ExpectedVersion.exactly(5))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('store-read-only');
    expect((err as StoreError).message).toMatch(/the database is read-only/);
    expect((await direct.head('b-1')).version).toBe(5);
    await readOnly.close();
    await direct.close();
  });
});
