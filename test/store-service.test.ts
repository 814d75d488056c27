/** The example HTTP service, end to end over real HTTP on 127.0.0.1. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { MemoryEventStore, Money, StoreError, type Command, type EventJson, type Store } from 'ipb-ledger';
import { MAX_BODY_BYTES, createService } from '../examples/service/server.js';
import {
  auditor,
  checkLog,
  command,
  databaseUrl,
  holder,
  setupBudget,
  spend,
  tmpDir,
  uniqueSchema,
} from './store-support.js';

/** A command as a client sends it: JSON, money as strings. */
const json = (c: Command): string => JSON.stringify(c);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(base: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${base}/commands`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return {
    status: r.status,
    etag: r.headers.get('etag'),
    body: (await r.json()) as Record<string, unknown> & { error?: Record<string, unknown> },
  };
}

describe('example service over HTTP', () => {
  const store = new MemoryEventStore();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createService({ store });
    base = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('records commands: 201 with the events, 200 with the same events for a repeat', async () => {
    const [open, ...rest] = setupBudget('b-1');
    const first = await post(base, json(open as Command));
    expect(first.status).toBe(201);
    expect(first.etag).toBe('"1"');
    expect(first.body).toMatchObject({ version: 1, duplicate: false });
    expect((first.body['events'] as { type: string }[])[0]?.type).toBe('BudgetOpened');
    const again = await post(base, json(open as Command));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, events: first.body['events'] });
    for (const c of rest) expect((await post(base, json(c))).status).toBe(201);
    const s = await post(base, json(spend('b-1', 'sp-1', '100.01')));
    expect(s.status).toBe(201);
    const [event] = s.body['events'] as EventJson[];
    expect(event?.type === 'SpendRecorded' && event.data.split).toEqual({
      health: '50.01',
      'social-care': '50.00',
    });
  });

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
    const badIfMatch = await post(base, json(spend('b-1', 'sp-2', '1.00')), { 'if-match': 'yesterday' });
    expect(badIfMatch.status).toBe(400);
  });

  it('403 when the role may not issue the command', async () => {
    const r = await post(
      base,
      json(
        command('AllocateFunding', 'b-1', 'aud', auditor, {
          stream: 'health',
          amount: Money.of('1.00'),
          stage: 'agreed',
        }),
      ),
    );
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'role-not-allowed', role: 'auditor' });
    const other = await post(
      base,
      json(command('RequestChange', 'b-1', 'cr', holder('b-2'), { changeRequestId: 'cr-1', summary: 'x' })),
    );
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'not-your-budget' });
  });

  it('409 when the budget changed since the version the client saw', async () => {
    const now = await fetch(`${base}/budgets/b-1`);
    const version = Number((now.headers.get('etag') ?? '').replace(/"/g, ''));
    expect(version).toBe(6);
    const stale = await post(base, json(spend('b-1', 'sp-3', '1.00')), { 'if-match': `"${version - 1}"` });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version-conflict', expected: 5, actual: 6 });
    const fresh = await post(base, json(spend('b-1', 'sp-3', '1.00')), { 'if-match': `"${version}"` });
    expect(fresh.status).toBe(201);
  });

  it('422 when a rule is broken', async () => {
    const r = await post(
      base,
      json(
        command(
          'ReverseSpend',
          'b-1',
          'rev',
          { id: 'coord-1', role: 'coordinator' },
          { spendId: 'nope', reason: 'typo' },
        ),
      ),
    );
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'unknown-spend', spendId: 'nope' });
  });

  it('413 for a body over the limit, 404 and 405 for unknown routes', async () => {
    const big = await fetch(`${base}/commands`, { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(
      /over 1048576 bytes/,
    );
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect((await fetch(`${base}/budgets/b-404`)).status).toBe(404);
    expect((await fetch(`${base}/commands`)).status).toBe(405);
  });

  it('serves balances, events and a log that verifies', async () => {
    const b = (await (await fetch(`${base}/budgets/b-1`)).json()) as {
      version: number;
      streams: Record<string, Record<string, string>>;
    };
    expect(b.version).toBe(7);
    expect(b.streams['health']).toMatchObject({
      allocated: '10000.00',
      spent: '50.51',
      remaining: '9949.49',
    });
    const events = (await (await fetch(`${base}/budgets/b-1/events`)).json()) as { events: unknown[] };
    expect(events.events).toHaveLength(7);
    const log = await fetch(`${base}/log`);
    expect(log.headers.get('content-type')).toMatch(/x-ndjson/);
    const check = checkLog(await log.text());
    expect(check.problem).toBeNull();
    expect(check.events).toHaveLength(7);
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
    const server = createService({ store: failing });
    const base = await listen(server);
    const [open] = setupBudget('b-1');
    const r = await post(base, json(open as Command));
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({
      code: 'store-failure',
      reason: 'store-unavailable',
      message: 'cannot append: connection lost while committing',
      outcomeUnknown: true,
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

/** Starts examples/service/main.ts as its own process and returns its address. */
async function startMain(env: Record<string, string>): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/service/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', IPB_LOG: '', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`service exited (${code}): ${err}`)));
  });
  return { base, child };
}

async function stopMain(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('example service as a process', () => {
  const dir = tmpDir('service');
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on the file store: the log file it writes verifies', async () => {
    const log = `${dir}/service.jsonl`;
    const { base, child } = await startMain({ IPB_LOG: log });
    for (const c of setupBudget('b-1')) expect((await post(base, json(c))).status).toBe(201);
    expect(await stopMain(child)).toBe(0);
    const check = checkLog(readFileSync(log, 'utf8'));
    expect(check.problem).toBeNull();
    expect(check.events).toHaveLength(5);
  }, 60_000);

  it('runs on PostgreSQL from DATABASE_URL, creating its tables on start', async () => {
    const url = databaseUrl();
    const schema = uniqueSchema(import.meta.filename);
    const { base, child } = await startMain({ DATABASE_URL: url, IPB_SCHEMA: schema });
    try {
      for (const c of setupBudget('b-1')) expect((await post(base, json(c))).status).toBe(201);
      const b = (await (await fetch(`${base}/budgets/b-1`)).json()) as { version: number };
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
