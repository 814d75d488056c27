/**
 * Authentication and authorisation of the example service (examples/service/auth.ts and
 * access.ts) over real HTTP: which tokens are refused with 401, who may read and write which
 * budget, and that a refused read answers exactly like a budget that does not exist.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { SignJWT, base64url, generateKeyPair, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandHandler,
  MemoryEventStore,
  Money,
  type Actor,
  type Command,
  type CommandDataMap,
  type CommandType,
} from 'ipb-ledger';
import { command, tmpDir } from './store-support.js';
import {
  AUDIENCE,
  ISSUER,
  errorOf,
  listenService,
  request,
  startMain,
  stopMain,
  testAuth,
  tokenEnv,
  type Answer,
  type TestAuth,
} from './service-support.js';
import type { TokenClaims } from '../examples/service/auth.js';

const store = new MemoryEventStore();
let A: TestAuth;
let base = '';
let close: () => Promise<void> = async () => undefined;

const coordinator: Actor = { id: 'coord-1', role: 'coordinator' };
const finance: Actor = { id: 'fin-1', role: 'finance' };

/** Opens a budget with funding and a plan directly through a handler (no HTTP). */
async function seed(budgetId: string, site: string, personRef: string): Promise<void> {
  const h = new CommandHandler(store);
  const run = async <K extends CommandType>(type: K, actor: Actor, data: CommandDataMap[K]) => {
    const r = await h.handle(command(type, budgetId, `${budgetId}-${type}`, actor, data));
    if (r._tag === 'Left') throw new Error(r.left.message);
  };
  await run('OpenBudget', coordinator, {
    personRef,
    site,
    cohort: 'learning-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care'],
    periodStart: '2024-04-01',
    periodEnd: '2025-03-31',
  });
  await run('AllocateFunding', finance, { stream: 'health', amount: Money.of('1000.00'), stage: 'agreed' });
  await run('AuthoriseRepresentative', coordinator, { representativeId: `rep-${budgetId}`, reason: 'r' });
}

/** The whole store, to show nothing was recorded. */
async function snapshot(): Promise<string> {
  const out: string[] = [];
  for (const b of ['b-north', 'b-south', 'b-new']) out.push(JSON.stringify(await store.readStream(b)));
  return out.join('\n');
}

const tokenOf = (claims: TokenClaims) => A.token(claims);
const at = '2024-05-01T10:00:00.000Z';
/** A change request by a holder or representative (a write each may make on their own budget). */
const requestChange = (budgetId: string, actor: Actor, n: string): Command =>
  command(
    'RequestChange',
    budgetId,
    `cr-${n}`,
    actor,
    { changeRequestId: `cr-${n}`, summary: 'more help' },
    at,
  );
const allocate = (budgetId: string, actor: Actor, stream: 'health' | 'social-care', n: string): Command =>
  command(
    'AllocateFunding',
    budgetId,
    `al-${n}`,
    actor,
    { stream, amount: Money.of('1.00'), stage: 'agreed' },
    at,
  );

async function post(c: Command, token: string | undefined, body: unknown = c): Promise<Answer> {
  return request(base, 'POST', '/commands', { token, body: JSON.stringify(body) });
}

beforeAll(async () => {
  A = await testAuth();
  await seed('b-north', 'north', 'person-n');
  await seed('b-south', 'south', 'person-s');
  ({ base, close } = await listenService(store, A.auth));
});
afterAll(() => close());

describe('authentication: 401 and nothing recorded', () => {
  it('refuses a missing, malformed, forged, expired, not-yet-valid or misaddressed token', async () => {
    const claims: TokenClaims = { sub: 'coord-1', role: 'coordinator', sites: ['north'] };
    const good = await tokenOf(claims);
    const [head, payload] = good.split('.') as [string, string, string];
    const other = await generateKeyPair('ES256', { extractable: true });
    const now = Math.floor(new Date().getTime() / 1000);
    const unsigned = (header: object, body: object) =>
      `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(body))}.`;
    const fullClaims = { ...claims, iss: ISSUER, aud: AUDIENCE, exp: now + 600, iat: now };
    const cases: [string, string | undefined, string][] = [
      ['no token', undefined, 'missing-token'],
      ['not a bearer token', 'Basic Y29vcmQ6cGFzcw==', 'invalid-token'],
      ['garbage', 'Bearer not.a.token', 'invalid-token'],
      [
        'signed by another key',
        `Bearer ${await new SignJWT(fullClaims).setProtectedHeader({ alg: 'ES256' }).sign(other.privateKey)}`,
        'invalid-token',
      ],
      [
        'payload changed, signature kept',
        `Bearer ${head}.${base64url.encode(JSON.stringify({ ...fullClaims, role: 'finance' }))}.${good.split('.')[2]}`,
        'invalid-token',
      ],
      ['alg none', `Bearer ${unsigned({ alg: 'none', typ: 'JWT' }, fullClaims)}`, 'invalid-token'],
      [
        'HS256 keyed with the public key',
        `Bearer ${await new SignJWT(fullClaims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(A.keys.publicKeyPem))}`,
        'invalid-token',
      ],
      [
        'expired',
        `Bearer ${await A.token(claims, { now: new Date(new Date().getTime() - 7_200_000), expiresIn: 3600 })}`,
        'token-expired',
      ],
      [
        'not yet valid',
        `Bearer ${await A.token(claims, { notBefore: new Date(new Date().getTime() + 3_600_000) })}`,
        'token-not-yet-valid',
      ],
      [
        'wrong audience',
        `Bearer ${await A.token(claims, { audience: 'another-service' })}`,
        'wrong-audience',
      ],
      ['wrong issuer', `Bearer ${await A.token(claims, { issuer: 'someone-else' })}`, 'wrong-issuer'],
      [
        'no exp',
        `Bearer ${await new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .sign(await importPKCS8(A.keys.privateKeyPem, 'ES256'))}`,
        'invalid-claims',
      ],
      ['role system', `Bearer ${await A.token({ sub: 'sys', role: 'system' })}`, 'invalid-claims'],
      [
        'unknown stream',
        `Bearer ${await A.token({ sub: 'f', role: 'finance', streams: ['gold' as 'health'] })}`,
        'invalid-claims',
      ],
      ['payload is not the token', `Bearer ${payload}`, 'invalid-token'],
    ];
    const before = await snapshot();
    const open = command('OpenBudget', 'b-new', 'open-new', coordinator, {
      personRef: 'person-new',
      site: 'north',
      cohort: 'learning-disabilities',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2024-04-01',
      periodEnd: '2025-03-31',
    });
    for (const [what, authorization, code] of cases) {
      for (const [method, path] of [
        ['POST', '/commands'],
        ['GET', '/budgets/b-north'],
        ['GET', '/budgets/b-north/events'],
        ['GET', '/log'],
      ] as const) {
        const a = await request(base, method, path, {
          headers: authorization === undefined ? {} : { authorization },
          ...(method === 'POST' ? { body: JSON.stringify(open) } : {}),
        });
        expect(a.status, `${what}: ${method} ${path}: ${a.text}`).toBe(401);
        expect(errorOf(a).code, what).toBe(code);
        expect(a.headers.get('www-authenticate')).toBe('Bearer');
        expect(a.text).not.toMatch(/person-n|rep-b-north/);
      }
    }
    expect(await snapshot()).toBe(before);
    // the same command with a good token is recorded: the refusals above were the tokens'
    expect((await post(open, good)).status).toBe(201);
  });
});

describe('the actor comes from the token', () => {
  it('refuses a body whose actor is not the caller; a body without one is recorded as the caller', async () => {
    const token = await tokenOf({ sub: 'person-n', role: 'holder' });
    const before = await snapshot();
    for (const actor of [
      { id: 'person-n', role: 'coordinator' },
      { id: 'coord-1', role: 'holder' },
      { id: 'person-s', role: 'holder' },
      { id: 'person-n', role: 'holder', extra: 1 },
      null,
      'person-n',
    ]) {
      const c = requestChange('b-north', { id: 'person-n', role: 'holder' }, 'spoof');
      const a = await post(c, token, { ...c, actor });
      expect(a.status, JSON.stringify(actor)).toBe(403);
      expect(errorOf(a).code).toBe('actor-mismatch');
    }
    expect(await snapshot()).toBe(before);
    const c = requestChange('b-north', { id: 'person-n', role: 'holder' }, 'noactor');
    const { actor: _omit, ...withoutActor } = c;
    const a = await post(c, token, withoutActor);
    expect(a.status, a.text).toBe(201);
    const events = (a.body as { events: { actor: Actor }[] }).events;
    expect(events[0]?.actor).toEqual({ id: 'person-n', role: 'holder' });
    // repeating the token's actor exactly is fine
    const same = await post(requestChange('b-north', { id: 'person-n', role: 'holder' }, 'same'), token);
    expect(same.status).toBe(201);
  });
});

describe('authorisation', () => {
  const callers: Record<string, TokenClaims> = {
    'holder north': { sub: 'person-n', role: 'holder' },
    'representative north': { sub: 'rep-b-north', role: 'representative' },
    'coordinator north': { sub: 'coord-1', role: 'coordinator', sites: ['north'] },
    'coordinator south caseload': { sub: 'coord-2', role: 'coordinator', caseload: ['b-south'] },
    'finance health': { sub: 'fin-1', role: 'finance', streams: ['health'] },
    'commissioner social-care north': {
      sub: 'comm-1',
      role: 'commissioner',
      streams: ['social-care'],
      sites: ['north'],
    },
    'finance education': { sub: 'fin-2', role: 'finance', streams: ['education'] },
    auditor: { sub: 'aud-1', role: 'auditor' },
  };
  /** Who may read which budget. */
  const reads: Record<string, [boolean, boolean]> = {
    'holder north': [true, false],
    'representative north': [true, false],
    'coordinator north': [true, false],
    'coordinator south caseload': [false, true],
    'finance health': [true, true],
    'commissioner social-care north': [true, false],
    'finance education': [false, false],
    auditor: [true, true],
  };

  it('reads: each caller sees exactly their budgets; a refused read is the same answer as no budget', async () => {
    let refused = 0;
    for (const [who, claims] of Object.entries(callers)) {
      const token = await tokenOf(claims);
      const none = await request(base, 'GET', '/budgets/b-none', { token });
      expect(none.status).toBe(404);
      const noneEvents = await request(base, 'GET', '/budgets/b-none/events', { token });
      for (const [i, b] of (['b-north', 'b-south'] as const).entries()) {
        const may = (reads[who] as [boolean, boolean])[i] as boolean;
        const one = await request(base, 'GET', `/budgets/${b}`, { token });
        const events = await request(base, 'GET', `/budgets/${b}/events`, { token });
        if (may) {
          expect(one.status, `${who} reads ${b}`).toBe(200);
          expect(events.status).toBe(200);
          expect((events.body as { events: unknown[] }).events.length).toBeGreaterThan(0);
        } else {
          refused += 1;
          const strip = (a: Answer) => ({ ...errorOf(a), requestId: 'x' });
          expect(one.status, `${who} reads ${b}`).toBe(404);
          expect(strip(one)).toEqual(strip(none));
          expect(events.status).toBe(404);
          expect(strip(events)).toEqual(strip(noneEvents));
          expect(one.text).not.toMatch(/person-|north|south|rep-/);
          expect([...one.headers.keys()].sort()).toEqual([...none.headers.keys()].sort());
        }
      }
    }
    expect(refused).toBe(7);
  });

  it('the whole log only for auditors', async () => {
    for (const [who, claims] of Object.entries(callers)) {
      const a = await request(base, 'GET', '/log', { token: await tokenOf(claims) });
      if (who === 'auditor') {
        expect(a.status).toBe(200);
        expect(a.text).toMatch(/"b-south"/);
      } else {
        expect(a.status, who).toBe(403);
        expect(errorOf(a).code).toBe('auditors-only');
        expect(a.text).not.toMatch(/person-|b-south/);
      }
    }
  });

  it('writes: a holder on their own budget, coordinators on their site or caseload, funders on their streams, auditors never', async () => {
    const t = async (who: string) => tokenOf(callers[who] as TokenClaims);
    const holderN: Actor = { id: 'person-n', role: 'holder' };
    const repN: Actor = { id: 'rep-b-north', role: 'representative' };
    const coordN: Actor = { id: 'coord-1', role: 'coordinator' };
    const coord2: Actor = { id: 'coord-2', role: 'coordinator' };
    const finH: Actor = { id: 'fin-1', role: 'finance' };
    const commS: Actor = { id: 'comm-1', role: 'commissioner' };
    const cases: [string, Command, number, string | null][] = [
      ['holder north', requestChange('b-north', holderN, 'h1'), 201, null],
      ['holder north', requestChange('b-south', holderN, 'h2'), 403, 'out-of-scope'],
      ['holder north', requestChange('b-none', holderN, 'h3'), 403, 'out-of-scope'],
      ['representative north', requestChange('b-north', repN, 'r1'), 201, null],
      ['representative north', requestChange('b-south', repN, 'r2'), 403, 'out-of-scope'],
      ['coordinator north', requestChange('b-north', coordN, 'c1'), 201, null],
      ['coordinator north', requestChange('b-south', coordN, 'c2'), 403, 'out-of-scope'],
      ['coordinator south caseload', requestChange('b-south', coord2, 'c3'), 201, null],
      ['coordinator south caseload', requestChange('b-north', coord2, 'c4'), 403, 'out-of-scope'],
      ['finance health', allocate('b-north', finH, 'health', 'f1'), 201, null],
      ['finance health', allocate('b-south', finH, 'health', 'f2'), 201, null],
      ['finance health', allocate('b-north', finH, 'social-care', 'f3'), 403, 'stream-out-of-scope'],
      ['commissioner social-care north', allocate('b-north', commS, 'social-care', 'f4'), 201, null],
      [
        'commissioner social-care north',
        allocate('b-south', commS, 'social-care', 'f5'),
        403,
        'out-of-scope',
      ],
      [
        'finance education',
        allocate('b-north', { id: 'fin-2', role: 'finance' }, 'health', 'f6'),
        403,
        'out-of-scope',
      ],
      ['auditor', allocate('b-north', { id: 'aud-1', role: 'auditor' }, 'health', 'a1'), 403, 'read-only'],
      // the ledger's own role table still applies inside the caller's scope
      ['coordinator north', allocate('b-north', coordN, 'health', 'c5'), 403, 'role-not-allowed'],
    ];
    for (const [who, c, status, code] of cases) {
      const before = JSON.stringify(await store.readStream(c.budgetId));
      const a = await post(c, await t(who));
      expect(a.status, `${who}: ${c.type} on ${c.budgetId}: ${a.text}`).toBe(status);
      if (code === null) continue;
      expect(errorOf(a).code, `${who}: ${c.type} on ${c.budgetId}`).toBe(code);
      expect(JSON.stringify(await store.readStream(c.budgetId))).toBe(before);
    }
  });

  it("opening a budget: only at the caller's sites (or caseload) and streams", async () => {
    const open = (budgetId: string, actor: Actor, site: string) =>
      command(
        'OpenBudget',
        budgetId,
        `open-${budgetId}`,
        actor,
        {
          personRef: `person-${budgetId}`,
          site,
          cohort: 'older-people-ltc',
          basis: 'joint',
          streams: ['health', 'social-care'],
          periodStart: '2024-04-01',
          periodEnd: '2025-03-31',
        },
        at,
      );
    const coordN = await tokenOf(callers['coordinator north'] as TokenClaims);
    const coord2 = await tokenOf(callers['coordinator south caseload'] as TokenClaims);
    expect((await post(open('b-o1', coordinator, 'south'), coordN)).status).toBe(403);
    expect((await store.readStream('b-o1')).length).toBe(0);
    expect((await post(open('b-o1', coordinator, 'north'), coordN)).status).toBe(201);
    // a caseload names budget ids, so it lets its coordinator open that budget at any site
    expect((await post(open('b-south', { id: 'coord-2', role: 'coordinator' }, 'east'), coord2)).status).toBe(
      422,
    );
    expect((await post(open('b-o2', { id: 'coord-2', role: 'coordinator' }, 'east'), coord2)).status).toBe(
      403,
    );
    const finEdu = await tokenOf(callers['finance education'] as TokenClaims);
    expect((await post(open('b-o3', { id: 'fin-2', role: 'finance' }, 'north'), finEdu)).status).toBe(403);
    const holder = await tokenOf(callers['holder north'] as TokenClaims);
    expect((await post(open('b-o4', { id: 'person-n', role: 'holder' }, 'north'), holder)).status).toBe(403);
  });
});

describe('keys from the environment and development tokens', () => {
  const dir = tmpDir('service-auth');
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('main.ts refuses to start without a key, and accepts a token made with dev-token.ts', async () => {
    await expect(startMain({})).rejects.toThrow(/IPB_TOKEN_PUBLIC_KEY/);
    const tsx = ['--import', 'tsx', 'examples/service/dev-token.ts'];
    const keysOut = execFileSync(process.execPath, [...tsx, 'keys', dir], { encoding: 'utf8' });
    expect(keysOut).toMatch(/token-public\.pem/);
    const token = execFileSync(
      process.execPath,
      [...tsx, 'token', `${dir}/token-private.pem`, 'aud-9', 'auditor'],
      { encoding: 'utf8' },
    ).trim();
    const svc = await startMain({
      IPB_TOKEN_PUBLIC_KEY: readFileSync(`${dir}/token-public.pem`, 'utf8'),
      IPB_TOKEN_ISSUER: 'ipb-dev',
    });
    try {
      expect((await request(svc.base, 'GET', '/log', { token })).status).toBe(200);
      expect((await request(svc.base, 'GET', '/log', {})).status).toBe(401);
      // a token from the test's own key is not trusted by this service
      const stranger = await A.token({ sub: 'aud-9', role: 'auditor' }, { issuer: 'ipb-dev' });
      expect((await request(svc.base, 'GET', '/log', { token: stranger })).status).toBe(401);
    } finally {
      expect(await stopMain(svc.child)).toBe(0);
    }
    // tokenEnv is what the other process tests use: a key file and the test issuer
    expect(tokenEnv(A, dir)['IPB_TOKEN_ISSUER']).toBe(ISSUER);
  }, 60_000);
});
