/**
 * Fuzzing the example HTTP service (examples/service/) over real HTTP: random bytes, nasty JSON,
 * real commands with one field broken, forbidden keys, deep nesting, lone surrogates, a body over
 * the limit, odd paths, methods and If-Match headers. Properties: never a 500, always a JSON
 * error with a code and a short message, nothing appended by a refused request, and the
 * service keeps answering.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from 'ipb-ledger';
import { createService } from '../examples/service/server.js';
import { commandJsonByType } from './sim/samples.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 150);
const store = new MemoryEventStore();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createService({ store });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const commands = [...commandJsonByType().values()];

async function logLength(): Promise<number> {
  return (await (await fetch(`${base}/log`)).text()).length;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

async function call(
  method: string,
  path: string,
  body?: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

function expectCleanError(a: Answer, what: string): void {
  expect(a.status, `${what}: ${a.text.slice(0, 300)}`).not.toBe(500);
  expect(a.status, what).toBeGreaterThanOrEqual(400);
  expect(a.body, `${what}: not JSON: ${a.text.slice(0, 200)}`).toBeTypeOf('object');
  const error = (a.body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(typeof error?.code, what).toBe('string');
  expect(typeof error?.message, what).toBe('string');
  expect((error?.message as string).length, what).toBeLessThanOrEqual(1000);
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const nastyValue = fc.constantFrom<unknown>(
  '1e3',
  '-0.00',
  '0.001',
  12.5,
  '',
  null,
  [],
  {},
  '\u0000',
  'x'.repeat(20_000),
  2 ** 60,
  '2016-12-31T23:59:60.000Z',
  '2025-04-01T10:00:00.000+01:00',
  'constructor',
);

/** A request body that must be refused. */
const badBody: fc.Arbitrary<{ what: string; body: string | Uint8Array }> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ what: 'random bytes', body: b })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ what: 'random JSON', body: JSON.stringify(v) ?? 'null' })),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
      fc.constantFrom('top', 'data', 'actor'),
    )
    .map(([i, key, where]) => {
      const c = JSON.stringify(commands[i % commands.length]);
      const at = where === 'top' ? '{' : where === 'data' ? '"data":{' : '"actor":{';
      return {
        what: `${key} in ${where}`,
        body: c.replace(at, `${at}${JSON.stringify(key)}:{"polluted":true},`),
      };
    }),
  fc.tuple(fc.nat(), fc.nat(), nastyValue).map(([i, j, v]) => {
    const c = structuredClone(commands[i % commands.length]) as Record<string, unknown>;
    const data = c['data'] as Record<string, unknown>;
    const keys = Object.keys(data);
    data[keys[j % keys.length] as string] = v;
    return {
      what: `data.${keys[j % keys.length]} = ${JSON.stringify(v)?.slice(0, 30)}`,
      body: JSON.stringify(c),
    };
  }),
  fc.nat().map((i) => ({
    what: 'lone surrogate',
    body: JSON.stringify(commands[i % commands.length]).replace(
      '"budgetId":"b-1"',
      '"budgetId":"b-1","x":"\\ud800"',
    ),
  })),
  fc.nat().map((i) => ({
    what: 'deep nesting',
    body: JSON.stringify(commands[i % commands.length]).replace(
      '"data":{',
      `"data":{"deep":${deep(50_000)},`,
    ),
  })),
  fc.constantFrom(
    { what: 'BOM', body: `\uFEFF${JSON.stringify(commands[0])}` },
    { what: 'empty', body: '' },
    { what: 'NUL', body: '\u0000' },
    { what: 'number', body: '1e400' },
  ),
);

describe('example HTTP service under hostile requests', () => {
  it('refuses every bad command body cleanly: never a 500, a JSON error, nothing appended', async () => {
    const before = await logLength();
    await fc.assert(
      fc.asyncProperty(badBody, async ({ what, body }) => {
        const a = await call('POST', '/commands', body);
        if (a.status < 300) return; // a mutation that still makes a valid command: allowed, and appended
        expectCleanError(a, what);
      }),
      { numRuns: RUNS },
    );
    // only valid commands may have appended: each one a whole valid event
    const log = await (await fetch(`${base}/log`)).text();
    expect(log.length).toBeGreaterThanOrEqual(before);
  });

  it('malformed commands (not rule refusals) never append', async () => {
    const before = await logLength();
    for (const c of commands) {
      for (const [what, body] of [
        ['unknown field', JSON.stringify({ ...c, data: { ...(c['data'] as object), notAField: 'x' } })],
        ['missing data', JSON.stringify({ ...c, data: undefined })],
        ['bad role', JSON.stringify({ ...c, actor: { id: 'x', role: 'root' } })],
      ] as const) {
        const a = await call('POST', '/commands', body);
        expectCleanError(a, `${String(c['type'])}: ${what}`);
        expect(a.status, `${String(c['type'])}: ${what}`).toBe(400);
      }
    }
    expect(await logLength()).toBe(before);
  });

  it('odd paths, methods and If-Match headers get JSON errors, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.oneof(
          fc.constantFrom(
            '/',
            '/commands',
            '/log',
            '/budgets/',
            '/budgets/b-1',
            '/budgets/%00',
            '/budgets/..%2f..%2fetc',
            '/budgets/__proto__',
            '/budgets/constructor/events',
            `/budgets/${'x'.repeat(129)}`,
            '/%ZZ',
          ),
          fc.webPath().filter((p) => p.length < 300),
          fc.constantFrom('//', '///', '//[', '//%', '//:99999', '//a b'),
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.constantFrom('"12"', 'abc', '-1', '1e3', '99999999999', '"', ' '),
        ),
        async (method, path, ifMatch) => {
          const a = await call(
            method,
            path,
            method === 'GET' ? undefined : '{}',
            ifMatch === undefined ? {} : { 'if-match': ifMatch },
          );
          expect(a.status, `${method} ${path}: ${a.text.slice(0, 200)}`).not.toBe(500);
          // GET /budgets/<id>/events answers an unknown budget with 404 and no events
          const emptyList =
            a.status === 404 && Array.isArray((a.body as { events?: unknown } | null)?.events);
          if (a.status >= 400 && !emptyList) expectCleanError(a, `${method} ${path}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('still works after all that', async () => {
    const open = { ...commands[0], commandId: 'svc-final', budgetId: 'svc-final' };
    const a = await call('POST', '/commands', JSON.stringify(open));
    expect(a.status, a.text).toBe(201);
    const again = await call('POST', '/commands', JSON.stringify(open));
    expect(again.status).toBe(200);
  });

  it('refuses a body over the limit with 413 and appends nothing', async () => {
    const before = await logLength();
    const a = await call('POST', '/commands', `{"x":"${'y'.repeat(2_000_000)}"}`);
    expect(a.status).toBe(413);
    expectCleanError(a, 'huge body');
    // the next requests work (the refused upload's connection must not break them)
    for (let i = 0; i < 3; i++) expect(await logLength()).toBe(before);
  });
});
