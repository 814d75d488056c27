/**
 * No personal data in the example service's own output or error bodies. A history full of
 * marker strings (personRef, payees, reasons, summaries, evidence references, and so the
 * holder's actor id) goes through every endpoint of the service started as its own process:
 * every command type, repeats, rule refusals, malformed fields, spoofed actors, bad tokens,
 * reads in and out of scope, the log export, odd paths and headers. Everything the process
 * printed, and every error body, is scanned for the markers. Success bodies are not scanned:
 * they return the caller's own events, which is what they are for.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Command } from 'ipb-ledger';
import { tmpDir } from './store-support.js';
import { leakIn, markers, sampleHistory } from './sim/samples.js';
import {
  claimsOf,
  request,
  startMain,
  stopMain,
  testAuth,
  tokenEnv,
  type Answer,
  type MainProcess,
} from './service-support.js';

const M = markers();
const { commands } = sampleHistory(M);
const dir = tmpDir('service-privacy');
let svc: MainProcess;
const tokens = new Map<string, string>();
const tokenOf = (a: Actor) => tokens.get(`${a.role}:${a.id}`) as string;
const errorBodies: { readonly what: string; readonly text: string }[] = [];
let requests = 0;

async function send(
  method: string,
  path: string,
  options: Parameters<typeof request>[3] = {},
): Promise<Answer> {
  requests += 1;
  const a = await request(svc.base, method, path, options);
  if (a.status >= 400) errorBodies.push({ what: `${method} ${path.slice(0, 20)} ${a.status}`, text: a.text });
  return a;
}

const post = (actor: Actor, body: unknown, headers: Record<string, string> = {}) =>
  send('POST', '/commands', { token: tokenOf(actor), body: JSON.stringify(body), headers });

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const A = await testAuth();
  const other: Actor = { id: `${M.personRef}-other`, role: 'holder' };
  for (const a of [...commands.map((c) => c.actor), other, { id: 'aud-1', role: 'auditor' } as Actor])
    tokens.set(`${a.role}:${a.id}`, await A.token(claimsOf(a)));
  svc = await startMain({ IPB_LOG: `${dir}/privacy.jsonl`, ...tokenEnv(A, dir) });
}, 120_000);
afterAll(async () => {
  if (svc !== undefined) await stopMain(svc.child);
  rmSync(dir, { recursive: true, force: true });
});

/** The command with a string in `data` that holds a marker replaced by a wrong type. */
function brokenPrivateField(c: Command): unknown | null {
  const data = JSON.parse(JSON.stringify(c.data)) as Record<string, unknown>;
  const key = Object.keys(data).find(
    (k) => typeof data[k] === 'string' && leakIn(data[k] as string) !== null,
  );
  if (key === undefined) return null;
  data[key] = [data[key], 12.5];
  return { ...c, data };
}

describe('the service prints no personal data and answers errors without it', () => {
  it('through every endpoint, on success and error paths', async () => {
    const holder = commands.find((c) => c.actor.role === 'holder')?.actor as Actor;
    const auditor: Actor = { id: 'aud-1', role: 'auditor' };
    const other: Actor = { id: `${M.personRef}-other`, role: 'holder' };
    // every command type, recorded
    for (const c of commands) {
      const a = await post(c.actor, c);
      expect(a.status, `${c.type}: ${a.text}`).toBe(201);
    }
    for (const c of commands) {
      // a repeat (a representative's scope ended when they were revoked)
      const repeat = await post(c.actor, c);
      expect(repeat.status, `${c.type} repeated`).toBe(c.actor.role === 'representative' ? 403 : 200);
      // the same again under a new id: on b-1 (closed by now) mostly a rule refusal
      await post(c.actor, { ...c, commandId: `${c.commandId}-again` });
      // a private field of the wrong type
      const broken = brokenPrivateField(c);
      if (broken !== null) expect((await post(c.actor, broken)).status).toBe(400);
      // an actor that is not the caller, named by personal data
      const spoof = await post(c.actor, { ...c, actor: { id: M.personRef, role: 'finance' } });
      expect(spoof.status).toBe(403);
      // not JSON, quoting personal data
      const cut = JSON.stringify(c).replace(/"(payee|reason|summary|personRef)":"/, '"$1":');
      expect((await post(c.actor, cut)).status).toBe(400);
      // another holder acting on this budget
      expect((await post(other, { ...c, actor: other })).status).toBeGreaterThanOrEqual(400);
      // a stale If-Match
      const stale = await post(c.actor, { ...c, commandId: `${c.commandId}-v` }, { 'if-match': '"1"' });
      expect(stale.status).toBeGreaterThanOrEqual(400);
    }
    // reads, in and out of scope
    for (const actor of [holder, other, auditor, ...commands.map((c) => c.actor)]) {
      for (const path of [
        '/budgets/b-1',
        '/budgets/b-1/events',
        '/budgets/b-2',
        '/log',
        `/budgets/${M.personRef}`,
      ]) {
        await send('GET', path, { token: tokenOf(actor) });
      }
    }
    const out = await send('GET', '/budgets/b-1', { token: tokenOf(other) });
    expect(out.status).toBe(404);
    // odd paths and headers carrying personal data
    await send('GET', `/nowhere/${M.payee.replace(/ /g, '%20')}`, { token: tokenOf(auditor) });
    await send('GET', '/budgets/b-1', { token: tokenOf(auditor), headers: { 'if-match': M.reason } });
    await send('POST', '/commands', {
      token: tokenOf(holder),
      body: JSON.stringify(commands[0]),
      headers: { 'if-match': M.summary },
    });
    await send('GET', '/budgets/b-1', { headers: { authorization: `Bearer ${M.personRef}.${M.payee}.x` } });
    await send('GET', '/budgets/b-1', { headers: { authorization: M.reason } });
    await send('DELETE', `/budgets/${M.evidenceRef}`, { token: tokenOf(auditor) });

    // the scans: error bodies, then everything the process printed
    expect(errorBodies.length).toBeGreaterThan(commands.length * 4);
    for (const e of errorBodies) expect(leakIn(e.text), `${e.what}: ${e.text}`).toBeNull();
    expect(await stopMain(svc.child)).toBe(0); // everything it printed has been read
    const printed = svc.output();
    expect(leakIn(printed), 'the service printed personal data').toBeNull();
    const lines = printed
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { requestId?: string; route?: string; status?: number });
    // one line per request, each with its request id, route and status (so the scan saw them)
    expect(lines.length).toBe(requests);
    for (const l of lines) {
      expect(l.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof l.route).toBe('string');
      expect(typeof l.status).toBe('number');
    }
    // the holder's id is personal data: a sanity check that the markers would be found
    expect(leakIn(JSON.stringify(holder))).not.toBeNull();
  }, 120_000);
});
