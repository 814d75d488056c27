/**
 * Fuzzing the example HTTP service (examples/service/) over real HTTP: random bytes, nasty JSON,
 * real commands with one field broken, forbidden keys, deep nesting, lone surrogates, a body over
 * the limit, odd paths, methods and If-Match headers. Properties: never a 500, always a JSON
 * error with a code and a short message, nothing appended by a refused request, and the
 * service keeps answering. Requests carry valid tokens (the caller each command names), so the
 * fuzzing reaches past authentication; requests without one are always 401.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore, type Actor } from 'ipb-ledger';
import { commandJsonByType } from './sim/samples.js';
import { claimsOf, listenService, testAuth } from './service-support.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 150);
const store = new MemoryEventStore();
let close: () => Promise<void> = async () => undefined;
let base = '';
const tokens = new Map<string, string>();

const commands = [...commandJsonByType().values()];
const actorOf = (c: Record<string, unknown>) => c['actor'] as Actor;
const coordinator: Actor = { id: 'coord-1', role: 'coordinator' };
const auditor: Actor = { id: 'aud-1', role: 'auditor' };
const tokenOf = (a: Actor): string => tokens.get(`${a.role}:${a.id}`) as string;

beforeAll(async () => {
  const a = await testAuth();
  for (const actor of [...commands.map(actorOf), coordinator, auditor])
    tokens.set(`${actor.role}:${actor.id}`, await a.token(claimsOf(actor)));
  ({ base, close } = await listenService(store, a.auth));
});
afterAll(() => close());

async function logLength(): Promise<number> {
  return (await call('GET', '/log', undefined, {}, auditor)).text.length;
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
  actor: Actor | null = coordinator,
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(actor === null ? {} : { authorization: `Bearer ${tokenOf(actor)}` }),
      ...headers,
    },
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

/** A request body that must be refused, sent by the caller it names (or a coordinator). */
const badBody: fc.Arbitrary<{ what: string; body: string | Uint8Array; actor?: Actor }> = fc.oneof(
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
        actor: actorOf(commands[i % commands.length] as Record<string, unknown>),
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
      actor: actorOf(c),
    };
  }),
  fc.nat().map((i) => ({
    actor: actorOf(commands[i % commands.length] as Record<string, unknown>),
    what: 'lone surrogate',
    body: JSON.stringify(commands[i % commands.length]).replace(
      '"budgetId":"b-1"',
      '"budgetId":"b-1","x":"\\ud800"',
    ),
  })),
  fc.nat().map((i) => ({
    actor: actorOf(commands[i % commands.length] as Record<string, unknown>),
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
      fc.asyncProperty(badBody, async ({ what, body, actor }) => {
        const a = await call('POST', '/commands', body, {}, actor ?? coordinator);
        if (a.status < 300) return; // a mutation that still makes a valid command: allowed, and appended
        expectCleanError(a, what);
      }),
      { numRuns: RUNS },
    );
    // only valid commands may have appended: each one a whole valid event
    expect(await logLength()).toBeGreaterThanOrEqual(before);
  });

  it('malformed commands (not rule refusals) never append', async () => {
    const before = await logLength();
    for (const c of commands) {
      for (const [what, body, status] of [
        ['unknown field', JSON.stringify({ ...c, data: { ...(c['data'] as object), notAField: 'x' } }), 400],
        ['missing data', JSON.stringify({ ...c, data: undefined }), 400],
        // the token says who acts: a body naming another actor, or a bad one, is refused
        ['bad role', JSON.stringify({ ...c, actor: { id: 'x', role: 'root' } }), 403],
        ['actor of another', JSON.stringify({ ...c, actor: { ...actorOf(c), id: 'someone-else' } }), 403],
      ] as const) {
        const a = await call('POST', '/commands', body, {}, actorOf(c));
        expectCleanError(a, `${String(c['type'])}: ${what}`);
        expect(a.status, `${String(c['type'])}: ${what}: ${a.text}`).toBe(status);
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
        fc.constantFrom<Actor | null>(null, coordinator, auditor, ...commands.map(actorOf)),
        async (method, path, ifMatch, actor) => {
          const a = await call(
            method,
            path,
            method === 'GET' ? undefined : '{}',
            ifMatch === undefined ? {} : { 'if-match': ifMatch },
            actor,
          );
          expect(a.status, `${method} ${path}: ${a.text.slice(0, 200)}`).not.toBe(500);
          if (actor === null) expect(a.status, `${method} ${path} without a token`).toBe(401);
          if (a.status >= 400) expectCleanError(a, `${method} ${path}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('still works after all that', async () => {
    const open = { ...commands[0], commandId: 'svc-final', budgetId: 'svc-final' };
    const a = await call('POST', '/commands', JSON.stringify(open), {}, actorOf(open));
    expect(a.status, a.text).toBe(201);
    const again = await call('POST', '/commands', JSON.stringify(open), {}, actorOf(open));
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
