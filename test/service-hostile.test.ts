/**
 * Hostile requests against the example service started as its own process (examples/service/
 * main.ts on the file store), over real HTTP: spoofed actors, forged, expired and misaddressed
 * tokens, holders reading other holders' budgets, coordinators and funders outside their scope,
 * auditors writing, non-auditors exporting the log, oversized and malformed bodies. Every try
 * must be refused (4xx, never 500), record nothing (the store's file is byte for byte the same)
 * and leak nothing (no personal data of the budgets in the answer, and a refused read is the
 * same answer as a budget that does not exist). The test prints how many it tried.
 *
 * Not included yet: a replayed command id with different content. Until the store keeps each
 * command's fingerprint, such a replay is answered as a repeat (200, the original events,
 * nothing recorded) rather than refused.
 */
import { readFileSync, rmSync } from 'node:fs';
import { SignJWT, base64url, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Money, type Actor, type Command } from 'ipb-ledger';
import { command, tmpDir } from './store-support.js';
import { leakIn, markers } from './sim/samples.js';
import {
  AUDIENCE,
  ISSUER,
  errorOf,
  request,
  startMain,
  stopMain,
  testAuth,
  tokenEnv,
  type Answer,
  type MainProcess,
  type TestAuth,
} from './service-support.js';
import type { TokenClaims } from '../examples/service/auth.js';

const M = markers();
const dir = tmpDir('service-hostile');
const logFile = `${dir}/hostile.jsonl`;
let A: TestAuth;
let svc: MainProcess;
const at = '2025-04-01T10:00:00.000Z';

const coord: Actor = { id: 'coord-1', role: 'coordinator' };
const fin: Actor = { id: 'fin-1', role: 'finance' };
const holder1: Actor = { id: `${M.personRef}-1`, role: 'holder' };
const holder2: Actor = { id: `${M.personRef}-2`, role: 'holder' };
const claims: Record<string, TokenClaims> = {
  coord: { sub: 'coord-1', role: 'coordinator', sites: ['north'] },
  coordSouth: { sub: 'coord-9', role: 'coordinator', sites: ['south'] },
  fin: { sub: 'fin-1', role: 'finance', streams: ['health', 'social-care'] },
  finHealth: { sub: 'fin-2', role: 'finance', streams: ['health'] },
  finEdu: { sub: 'fin-3', role: 'finance', streams: ['education'] },
  holder1: { sub: holder1.id, role: 'holder' },
  holder2: { sub: holder2.id, role: 'holder' },
  auditor: { sub: 'aud-1', role: 'auditor' },
};
const tokens: Record<string, string> = {};

const open = (budgetId: string, personRef: string, site = 'north') =>
  command(
    'OpenBudget',
    budgetId,
    `open-${budgetId}`,
    coord,
    {
      personRef,
      site,
      cohort: 'learning-disabilities',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    },
    at,
  );
const allocate = (budgetId: string, id: string, actor: Actor, stream: 'health' | 'social-care' = 'health') =>
  command(
    'AllocateFunding',
    budgetId,
    id,
    actor,
    { stream, amount: Money.of('100.00'), stage: 'agreed', reason: M.reason },
    at,
  );
const change = (budgetId: string, id: string, actor: Actor) =>
  command('RequestChange', budgetId, id, actor, { changeRequestId: id, summary: M.summary }, at);
const spend = (budgetId: string, id: string, actor: Actor) =>
  command(
    'RecordSpend',
    budgetId,
    id,
    actor,
    {
      spendId: id,
      lineId: 'pa',
      amount: Money.of('10.00'),
      spentOn: '2025-04-03',
      payee: M.payee,
      evidenceRef: M.evidenceRef,
    },
    at,
  );

const post = (token: string | undefined, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  request(svc.base, 'POST', '/commands', { token, body, headers });
const auth = (authorization: string) => ({ authorization });

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  A = await testAuth();
  for (const [k, c] of Object.entries(claims)) tokens[k] = await A.token(c);
  svc = await startMain({ IPB_LOG: logFile, ...tokenEnv(A, dir) });
  // two budgets of two holders, with personal data in every free-text field
  const setup: [string, Command][] = [
    ['coord', open('b-1', holder1.id)],
    ['coord', open('b-2', holder2.id)],
    ['coordSouth', open('b-3', 'person-south', 'south')],
    ['fin', allocate('b-1', 'a-1', fin)],
    ['fin', allocate('b-2', 'a-2', fin)],
    ['holder1', change('b-1', 'cr-1', holder1)],
    ['holder2', change('b-2', 'cr-2', holder2)],
  ];
  for (const [who, c] of setup) {
    const { actor: _fromToken, ...body } = c; // the service takes the actor from the token
    const a = await post(tokens[who], JSON.stringify(body));
    if (a.status !== 201) throw new Error(`setup ${c.type} ${c.budgetId}: ${a.status} ${a.text}`);
  }
}, 120_000);
afterAll(async () => {
  if (svc !== undefined) await stopMain(svc.child);
  rmSync(dir, { recursive: true, force: true });
});

interface Try {
  readonly category: string;
  readonly what: string;
  readonly send: () => Promise<Answer>;
  /** For a refused read: the answer must equal the one for a budget that does not exist. */
  readonly sameAs?: () => Promise<Answer>;
}

async function hostileTries(): Promise<Try[]> {
  const t = tokens;
  const tries: Try[] = [];
  const add = (category: string, what: string, send: () => Promise<Answer>, sameAs?: () => Promise<Answer>) =>
    tries.push({ category, what, send, ...(sameAs === undefined ? {} : { sameAs }) });

  // spoofed actors: the body names someone other than the token
  for (const [who, spoofed, c] of [
    ['holder1', fin, allocate('b-1', 'sp-1', fin)],
    ['holder1', holder2, change('b-2', 'sp-2', holder2)],
    ['coord', fin, allocate('b-1', 'sp-3', fin)],
    ['auditor', coord, change('b-1', 'sp-4', coord)],
    ['finEdu', fin, allocate('b-1', 'sp-5', fin)],
    ['holder2', { id: holder2.id, role: 'coordinator' } as Actor, change('b-2', 'sp-6', coord)],
  ] as const) {
    add('spoofed actor', `${who} sends a command as ${spoofed.role} ${spoofed.id.slice(0, 6)}`, () =>
      post(t[who], JSON.stringify({ ...c, actor: spoofed })),
    );
  }

  // forged, expired, misaddressed tokens, on a command that a real coordinator token would record
  const good = t['coord'] as string;
  const [head, , sig] = good.split('.') as [string, string, string];
  const now = Math.floor(new Date().getTime() / 1000);
  const full = { ...claims['coord'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 };
  const other = await generateKeyPair('ES256');
  const forged: [string, string | undefined][] = [
    ['no token', undefined],
    ['Basic credentials', 'Basic Y29vcmQtMTpwYXNzd29yZA=='],
    [
      'signed by another key',
      `Bearer ${await new SignJWT(full).setProtectedHeader({ alg: 'ES256' }).sign(other.privateKey)}`,
    ],
    [
      'claims swapped under a real signature',
      `Bearer ${head}.${base64url.encode(JSON.stringify({ ...full, role: 'finance', streams: ['health'] }))}.${sig}`,
    ],
    ['alg none', `Bearer ${base64url.encode('{"alg":"none"}')}.${base64url.encode(JSON.stringify(full))}.`],
    [
      'HS256 keyed with the public key',
      `Bearer ${await new SignJWT(full).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(A.keys.publicKeyPem))}`,
    ],
    ['signature cut short', `Bearer ${good.slice(0, -10)}`],
    ['signature removed', `Bearer ${good.slice(0, good.lastIndexOf('.') + 1)}`],
    [
      'expired',
      `Bearer ${await A.token(claims['coord'] as TokenClaims, { now: new Date(new Date().getTime() - 86_400_000) })}`,
    ],
    [
      'not yet valid',
      `Bearer ${await A.token(claims['coord'] as TokenClaims, { notBefore: new Date(new Date().getTime() + 86_400_000) })}`,
    ],
    ['wrong audience', `Bearer ${await A.token(claims['coord'] as TokenClaims, { audience: 'payroll' })}`],
    ['wrong issuer', `Bearer ${await A.token(claims['coord'] as TokenClaims, { issuer: 'evil-idp' })}`],
    ['a token of 20,000 characters', `Bearer ${'a'.repeat(20_000)}`],
  ];
  for (const [what, authorization] of forged) {
    const headers = authorization === undefined ? {} : auth(authorization);
    add('bad token', `${what}: POST /commands`, () =>
      post(undefined, JSON.stringify(allocate('b-1', `tok-${what}`, coord)), headers),
    );
    add('bad token', `${what}: GET /budgets/b-1`, () =>
      request(svc.base, 'GET', '/budgets/b-1', { headers }),
    );
    add('bad token', `${what}: GET /log`, () => request(svc.base, 'GET', '/log', { headers }));
  }

  // reads outside the caller's scope: the same answer as a budget that does not exist
  const none = (who: string, path: string) => () => request(svc.base, 'GET', path, { token: t[who] });
  for (const [who, b] of [
    ['holder1', 'b-2'],
    ['holder2', 'b-1'],
    ['coordSouth', 'b-1'],
    ['coord', 'b-3'],
    ['finEdu', 'b-1'],
  ] as const) {
    for (const suffix of ['', '/events']) {
      add(
        'read outside scope',
        `${who} reads ${b}${suffix}`,
        none(who, `/budgets/${b}${suffix}`),
        none(who, `/budgets/b-nowhere${suffix}`),
      );
    }
  }
  for (const who of ['holder1', 'holder2', 'coord', 'coordSouth', 'fin', 'finEdu']) {
    add('log export by a non-auditor', `${who} GET /log`, () =>
      request(svc.base, 'GET', '/log', { token: t[who] }),
    );
  }

  // writes outside the caller's scope
  const writes: [string, Command][] = [
    ['holder1', change('b-2', 'w-1', holder1)],
    ['holder2', spend('b-1', 'w-2', holder2)],
    ['coordSouth', change('b-1', 'w-3', { id: 'coord-9', role: 'coordinator' })],
    ['coordSouth', open('b-new', 'x', 'north')],
    ['finHealth', allocate('b-1', 'w-5', { id: 'fin-2', role: 'finance' }, 'social-care')],
    ['finEdu', allocate('b-1', 'w-6', { id: 'fin-3', role: 'finance' })],
    ['holder1', allocate('b-1', 'w-7', holder1)],
  ];
  for (const [who, c] of writes) {
    const body = JSON.stringify({ ...c, actor: { id: claims[who]?.sub, role: claims[who]?.role } });
    add('write outside scope', `${who} ${c.type} on ${c.budgetId}`, () => post(t[who], body));
  }
  for (const c of [allocate('b-1', 'au-1', fin), change('b-1', 'au-2', coord), open('b-9', 'p')]) {
    const body = JSON.stringify({ ...c, actor: { id: 'aud-1', role: 'auditor' } });
    add('auditor writes', `auditor ${c.type}`, () => post(t['auditor'], body));
  }

  // oversized and malformed bodies, from a caller who could otherwise write
  const valid = JSON.stringify(allocate('b-1', 'mal-1', fin));
  const bodies: [string, string | Uint8Array][] = [
    ['2 MiB body', `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`],
    ['not JSON', valid.slice(0, -5)],
    ['random bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x80])],
    ['an array', `[${valid}]`],
    ['__proto__ in data', valid.replace('"data":{', '"data":{"__proto__":{"admin":true},')],
    ['deep nesting', valid.replace('"data":{', `"data":{"deep":${'['.repeat(10_000)}${']'.repeat(10_000)},`)],
    ['lone surrogate', valid.replace('"commandId":"mal-1"', '"commandId":"mal-\\ud800"')],
    ['money as a float', valid.replace('"100.00"', '100.001')],
    ['unknown field', valid.replace('"data":{', '"data":{"bonus":"1000000.00",')],
    ['NUL byte', '\u0000'],
  ];
  for (const [what, body] of bodies) add('malformed body', what, () => post(t['fin'], body));
  add('malformed body', '2 MiB body without a token', () =>
    post(undefined, `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`),
  );
  add('malformed body', 'bad If-Match', () => post(t['fin'], valid, { 'if-match': 'yesterday' }));
  add('odd path', 'encoded traversal', () =>
    request(svc.base, 'GET', '/budgets/..%2fb-2', { token: t['holder1'] }),
  );
  return tries;
}

describe('hostile requests against the started service', () => {
  it('refuses 100% of them, records nothing and leaks nothing', async () => {
    const tries = await hostileTries();
    const before = readFileSync(logFile);
    const byCategory = new Map<string, number>();
    let refused = 0;
    const leaks: string[] = [];
    for (const x of tries) {
      const a = await x.send();
      const what = `${x.category}: ${x.what}`;
      expect(a.status, `${what}: ${a.status} ${a.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(a.status, `${what}: ${a.text.slice(0, 200)}`).toBeLessThan(500);
      expect(typeof errorOf(a).code, `${what}: a JSON error`).toBe('string');
      expect(errorOf(a)['requestId'], what).toBe(a.headers.get('x-request-id'));
      refused += 1;
      byCategory.set(x.category, (byCategory.get(x.category) ?? 0) + 1);
      const leak = leakIn(a.text);
      if (leak !== null || /person-south|(?<![\w-])b-3(?![\w-])/.test(a.text))
        leaks.push(`${what}: ${leak ?? a.text}`);
      if (x.sameAs !== undefined) {
        const n = await x.sameAs();
        expect(a.status, what).toBe(n.status);
        expect({ ...errorOf(a), requestId: null }, what).toEqual({ ...errorOf(n), requestId: null });
      }
      // byte for byte: nothing recorded
      expect(readFileSync(logFile).equals(before), `${what} changed the store`).toBe(true);
    }
    expect(leaks).toEqual([]);
    expect(refused).toBe(tries.length);
    const lines = [...byCategory].map(([c, n]) => `  ${c}: ${n}`).join('\n');
    console.log(
      `hostile requests: ${tries.length} tried, ${refused} refused (${((100 * refused) / tries.length).toFixed(0)}%), 0 recorded, ${leaks.length} leaked\n${lines}`,
    );
    expect(tries.length).toBeGreaterThanOrEqual(80);
    // the service's own output carries no personal data either
    expect(leakIn(svc.output())).toBeNull();
    // and it still works for a legitimate caller
    const ok = await post(tokens['fin'], JSON.stringify(allocate('b-1', 'after', fin)));
    expect(ok.status, ok.text).toBe(201);
    expect(readFileSync(logFile).equals(before), 'a recorded command changes the file').toBe(false);
  }, 120_000);
});
