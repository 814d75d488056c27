/** The example HTTP service, end to end over real HTTP on 127.0.0.1, with real tokens. */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  MemoryEventStore,
  Money,
  StoreError,
  type Actor,
  type Command,
  type EventJson,
  type Store,
} from 'ipb-ledger';
import { MAX_BODY_BYTES } from '../examples/service/server.js';
import {
  auditor,
  checkLog,
  command,
  coordinator,
  databaseUrl,
  holder,
  setupBudget,
  spend,
  tmpDir,
  uniqueSchema,
} from './store-support.js';
import {
  claimsOf,
  listenService,
  startMain,
  stopMain,
  testAuth,
  tokenEnv,
  type TestAuth,
} from './service-support.js';

/** A command as a client sends it: JSON, money as strings. */
const json = (c: Command): string => JSON.stringify(c);

let A: TestAuth;
const tokens = new Map<string, string>();
/** A token for an actor (the widest scope the tests use), made once. */
async function tokenOf(actor: Actor): Promise<string> {
  const key = `${actor.role}:${actor.id}`;
  let t = tokens.get(key);
  if (t === undefined) {
    t = await A.token(claimsOf(actor));
    tokens.set(key, t);
  }
  return t;
}

beforeAll(async () => {
  A = await testAuth();
});

/** Posts a command with the token of its own actor (or the token given). */
async function post(base: string, c: Command | string, headers: Record<string, string> = {}, token?: string) {
  const actor = typeof c === 'string' ? coordinator : c.actor;
  const r = await fetch(`${base}/commands`, {
    method: 'POST',
    body: typeof c === 'string' ? c : json(c),
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token ?? (await tokenOf(actor))}`,
      ...headers,
    },
  });
  return {
    status: r.status,
    etag: r.headers.get('etag'),
    body: (await r.json()) as Record<string, unknown> & { error?: Record<string, unknown> },
  };
}

/** A GET with a token. */
async function get(base: string, path: string, actor: Actor = auditor): Promise<Response> {
  return fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await tokenOf(actor)}` } });
}

describe('example service over HTTP', () => {
  const store = new MemoryEventStore();
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ base, close } = await listenService(store, A.auth));
  });
  afterAll(() => close());

  it('records commands: 201 with the events, 200 with the same events for a repeat', async () => {
    const [open, ...rest] = setupBudget('b-1');
    const first = await post(base, open as Command);
    expect(first.status).toBe(201);
    expect(first.etag).toBe('"1"');
    expect(first.body).toMatchObject({ version: 1, duplicate: false });
    expect((first.body['events'] as { type: string }[])[0]?.type).toBe('BudgetOpened');
    const again = await post(base, open as Command);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, events: first.body['events'] });
    for (const c of rest) expect((await post(base, c)).status).toBe(201);
    const s = await post(base, spend('b-1', 'sp-1', '100.01'));
    expect(s.status).toBe(201);
    const [event] = s.body['events'] as EventJson[];
    expect(event?.type === 'SpendRecorded' && event.data.split).toEqual({
      health: '50.01',
      'social-care': '50.00',
    });
  });

  it('400 for bad input, naming the field', async () => {
    const notJson = await post(base, '{"type": "OpenBudget",');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'invalid-json' });
    const bad = JSON.parse(json(spend('b-1', 'sp-2', '1.00'))) as { data: { amount: unknown } };
    bad.data.amount = 12.5;
    const r = await post(base, JSON.stringify(bad));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid-command', field: 'data.amount' });
    expect(String(r.body.error?.['message'])).toMatch(/money string/);
    const badIfMatch = await post(base, spend('b-1', 'sp-2', '1.00'), { 'if-match': 'yesterday' });
    expect(badIfMatch.status).toBe(400);
  });

  it("403 when the role may not issue the command, or the budget is not the caller's", async () => {
    const allocate = (actor: Actor) =>
      command('AllocateFunding', 'b-1', `alloc-${actor.role}`, actor, {
        stream: 'health',
        amount: Money.of('1.00'),
        stage: 'agreed',
      });
    const aud = await post(base, allocate(auditor));
    expect(aud.status).toBe(403);
    expect(aud.body.error).toMatchObject({ code: 'read-only' });
    const coord = await post(base, allocate(coordinator));
    expect(coord.status).toBe(403);
    expect(coord.body.error).toMatchObject({ code: 'role-not-allowed', role: 'coordinator' });
    const other = await post(
      base,
      command('RequestChange', 'b-1', 'cr', holder('b-2'), { changeRequestId: 'cr-1', summary: 'x' }),
    );
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'out-of-scope' });
    const own = await post(
      base,
      command('RequestChange', 'b-1', 'cr', holder('b-1'), { changeRequestId: 'cr-1', summary: 'x' }),
    );
    expect(own.status).toBe(201);
  });

  it('409 when the budget changed since the version the client saw', async () => {
    const now = await get(base, '/budgets/b-1', coordinator);
    const version = Number((now.headers.get('etag') ?? '').replace(/"/g, ''));
    expect(version).toBe(7);
    const stale = await post(base, spend('b-1', 'sp-3', '1.00'), { 'if-match': `"${version - 1}"` });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version-conflict', expected: 6, actual: 7 });
    const fresh = await post(base, spend('b-1', 'sp-3', '1.00'), { 'if-match': `"${version}"` });
    expect(fresh.status).toBe(201);
  });

  it('422 when a rule is broken', async () => {
    const r = await post(
      base,
      command('ReverseSpend', 'b-1', 'rev', coordinator, { spendId: 'nope', reason: 'typo' }),
    );
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'unknown-spend', spendId: 'nope' });
  });

  it('413 for a body over the limit, 404 and 405 for unknown routes', async () => {
    const big = await fetch(`${base}/commands`, {
      method: 'POST',
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
      headers: { authorization: `Bearer ${await tokenOf(coordinator)}` },
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(
      /over 1048576 bytes/,
    );
    expect((await get(base, '/nowhere')).status).toBe(404);
    expect((await get(base, '/budgets/b-404')).status).toBe(404);
    expect((await get(base, '/commands')).status).toBe(405);
  });

  it('serves balances, events and a log that verifies', async () => {
    const b = (await (await get(base, '/budgets/b-1', holder('b-1'))).json()) as {
      version: number;
      streams: Record<string, Record<string, string>>;
    };
    expect(b.version).toBe(8);
    expect(b.streams['health']).toMatchObject({
      allocated: '10000.00',
      spent: '50.51',
      remaining: '9949.49',
    });
    const events = (await (await get(base, '/budgets/b-1/events', coordinator)).json()) as {
      events: unknown[];
    };
    expect(events.events).toHaveLength(8);
    const log = await get(base, '/log', auditor);
    expect(log.headers.get('content-type')).toMatch(/x-ndjson/);
    const check = checkLog(await log.text());
    expect(check.problem).toBeNull();
    expect(check.events).toHaveLength(8);
  });

  // last: it appends to b-1, which the version figures above count
  it('409, never 200, for another command under a used commandId; 400/422 for a negative amount, never 503', async () => {
    const first = spend('b-1', 'sp-reuse', '3.00');
    expect((await post(base, json(first))).status).toBe(201);
    const other = { ...spend('b-1', 'sp-reuse-2', '4.00'), commandId: first.commandId };
    const reused = await post(base, json(other));
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'command-id-reused', commandId: first.commandId });
    expect(String(reused.body.error?.['message'])).toContain(first.commandId);
    const negative = JSON.parse(json(spend('b-1', 'sp-neg', '1.00'))) as { data: { amount: unknown } };
    negative.data.amount = '-5.00';
    const r = await post(base, JSON.stringify(negative));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid-command', field: 'data.amount' });
  });
});

describe('example service: store failures', () => {
  it('503 with whether the outcome is known', async () => {
    const store = new MemoryEventStore();
    const failing: Store = Object.create(store) as Store;
    failing.append = async () => {
      throw new StoreError('store-unavailable', 'cannot append: connection lost while committing', {
        outcomeUnknown: true,
      });
    };
    const { base, close } = await listenService(failing, A.auth);
    const [open] = setupBudget('b-1');
    const r = await post(base, open as Command);
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({
      code: 'store-failure',
      reason: 'store-unavailable',
      message: 'cannot append: connection lost while committing',
      outcomeUnknown: true,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await close();
  });
});

describe('example service as a process', () => {
  const dir = tmpDir('service');
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on the file store: the log file it writes verifies', async () => {
    const log = `${dir}/service.jsonl`;
    const { base, child } = await startMain({ IPB_LOG: log, ...tokenEnv(A, dir) });
    for (const c of setupBudget('b-1')) expect((await post(base, c)).status).toBe(201);
    expect(await stopMain(child)).toBe(0);
    const check = checkLog(readFileSync(log, 'utf8'));
    expect(check.problem).toBeNull();
    expect(check.events).toHaveLength(5);
  }, 60_000);

  it('runs on PostgreSQL from DATABASE_URL, creating its tables on start', async () => {
    const url = databaseUrl();
    const schema = uniqueSchema(import.meta.filename);
    const { base, child } = await startMain({ DATABASE_URL: url, IPB_SCHEMA: schema, ...tokenEnv(A, dir) });
    try {
      for (const c of setupBudget('b-1')) expect((await post(base, c)).status).toBe(201);
      const b = (await (await get(base, '/budgets/b-1')).json()) as { version: number };
      expect(b.version).toBe(5);
    } finally {
      expect(await stopMain(child)).toBe(0);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const n = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.events`);
      expect(n.rows[0]).toEqual({ n: 5 });
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }, 60_000);
});
