/**
 * Helpers shared by the store tests: command builders, an independent log checker, and the
 * PostgreSQL connection (real server, from DATABASE_URL).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { basename } from 'node:path';
import type pg from 'pg';
import {
  Money,
  decide,
  decodeEvent,
  foldEvents,
  hashOfEnvelope,
  type Actor,
  type BudgetState,
  type Command,
  type CommandDataMap,
  type CommandType,
  type LedgerEvent,
  type PendingEvent,
  type PgPoolLike,
  type Store,
  verifyLogText,
} from 'ipb-ledger';

export const coordinator: Actor = { id: 'coord-1', role: 'coordinator' };
export const finance: Actor = { id: 'fin-1', role: 'finance' };
export const auditor: Actor = { id: 'aud-1', role: 'auditor' };
export const holder = (budgetId: string): Actor => ({ id: `person-${budgetId}`, role: 'holder' });

/** A command with a fixed time (the same `recordedAt` everywhere, so concurrent writers never go back in time). */
export function command<K extends CommandType>(
  type: K,
  budgetId: string,
  commandId: string,
  actor: Actor,
  data: CommandDataMap[K],
  at = '2024-05-01T10:00:00.000Z',
): Command {
  return { type, commandId, budgetId, actor, occurredAt: at, recordedAt: at, data } as Command;
}

export function openBudget(budgetId: string, commandId = `${budgetId}-open`): Command {
  return command('OpenBudget', budgetId, commandId, coordinator, {
    personRef: `person-${budgetId}`,
    site: 'north',
    cohort: 'learning-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care'],
    periodStart: '2024-04-01',
    periodEnd: '2025-03-31',
  });
}

export function allocate(
  budgetId: string,
  commandId: string,
  pounds: string,
  stream: 'health' | 'social-care' = 'health',
): Command {
  return command('AllocateFunding', budgetId, commandId, finance, {
    stream,
    amount: Money.of(pounds),
    stage: 'agreed',
  });
}

export function proposePlan(budgetId: string, commandId = `${budgetId}-plan`): Command {
  return command('ProposePlan', budgetId, commandId, coordinator, {
    planVersion: 1,
    lines: [
      {
        lineId: 'care',
        category: 'agency-care',
        option: 'notional',
        amount: Money.of('5000.00'),
        shares: { health: 1, 'social-care': 1 },
      },
    ],
  });
}

export function agreePlan(budgetId: string, commandId = `${budgetId}-agree`): Command {
  return command('AgreePlan', budgetId, commandId, holder(budgetId), {
    planVersion: 1,
    agreedOn: '2024-04-20',
  });
}

export function spend(budgetId: string, commandId: string, pounds: string, spendId = commandId): Command {
  return command('RecordSpend', budgetId, commandId, coordinator, {
    spendId,
    lineId: 'care',
    amount: Money.of(pounds),
    spentOn: '2024-04-25',
    payee: 'agency',
    evidenceRef: `inv-${spendId}`,
  });
}

/** The commands that open a budget with funding and an agreed one-line plan. */
export function setupBudget(budgetId: string): Command[] {
  return [
    openBudget(budgetId),
    allocate(budgetId, `${budgetId}-fund-h`, '10000.00', 'health'),
    allocate(budgetId, `${budgetId}-fund-s`, '10000.00', 'social-care'),
    proposePlan(budgetId),
    agreePlan(budgetId),
  ];
}

/** The pending events a command makes on a state (throws when refused: a test bug). */
export function pending(c: Command, state: BudgetState): PendingEvent[] {
  const r = decide(c, state);
  if (r._tag === 'Left') throw new Error(`${c.type} refused in test setup: ${r.left.message}`);
  return r.right;
}

/** Several pending events of one command (the decider makes one per command; stores take many). */
export function multiPending(
  budgetId: string,
  commandId: string,
  n: number,
  state: BudgetState,
): PendingEvent[] {
  const out: PendingEvent[] = [];
  let s = state;
  for (let i = 0; i < n; i++) {
    const [e] = pending(allocate(budgetId, `${commandId}#${i}`, `${i + 1}.00`), s);
    if (e === undefined) throw new Error('no event');
    const ev = { ...e, commandId } as PendingEvent;
    out.push(ev);
    s = foldEvents([ev], s);
  }
  return out;
}

/** Appends a command's events through the raw port (with the state it folds from the store). */
export async function appendCommand(store: Store, c: Command): Promise<readonly LedgerEvent[]> {
  const events = await store.readStream(c.budgetId);
  const state = foldEvents(events);
  const p = pending(c, state);
  const expected = { kind: 'exactly', version: state.version } as const;
  return (await store.append(c.budgetId, p, expected)).events;
}

/** What an independent check of a log found. */
export interface LogCheck {
  readonly ok: boolean;
  readonly events: LedgerEvent[];
  readonly problem: string | null;
}

/**
 * Checks a contract log without the store's code: every line decodes, every hash recomputes,
 * every budget's seq runs 1, 2, 3... with prevHash chaining and recordedAt never going back.
 */
export function checkLog(text: string): LogCheck {
  const events: LedgerEvent[] = [];
  const heads = new Map<string, { seq: number; hash: string; at: string }>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const fail = (why: string): LogCheck => ({ ok: false, events, problem: `line ${i + 1}: ${why}` });
    let u: unknown;
    try {
      u = JSON.parse(line);
    } catch {
      return fail('not JSON');
    }
    const d = decodeEvent(u);
    if (d._tag === 'Left') return fail(d.left.message);
    const e = d.right;
    if (hashOfEnvelope(u as Record<string, unknown>) !== e.hash) return fail('hash does not recompute');
    const h = heads.get(e.budgetId) ?? { seq: 0, hash: '0'.repeat(64), at: '' };
    if (e.seq !== h.seq + 1) return fail(`${e.budgetId}: seq ${e.seq} after ${h.seq}`);
    if (e.prevHash !== h.hash) return fail(`${e.budgetId}: prevHash breaks the chain`);
    if (e.recordedAt < h.at) return fail(`${e.budgetId}: recordedAt goes back`);
    heads.set(e.budgetId, { seq: e.seq, hash: e.hash, at: e.recordedAt });
    events.push(e);
  }
  // and the library's own verifier (src/log/verify.ts) agrees
  const v = verifyLogText(text);
  if (!v.ok)
    return { ok: false, events, problem: `verifier: line ${v.firstError?.line}: ${v.firstError?.reason}` };
  return { ok: true, events, problem: null };
}

/**
 * The DATABASE_URL of the real PostgreSQL the tests use: the one configured, or the server the
 * test run started itself (test/setup/global.ts). Fails loudly (never skips) without one.
 */
export function databaseUrl(): string {
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new Error(
      'DATABASE_URL is not set: the test run starts PostgreSQL itself (test/setup/global.ts); ' +
        'run this file through vitest with the project config (npx vitest run FILE), or set DATABASE_URL.',
    );
  }
  return url;
}

let schemaCounter = 0;
/** A schema name unique to this test file, process and call, so parallel test files never collide. */
export function uniqueSchema(file: string): string {
  schemaCounter += 1;
  const tag = basename(file)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase();
  return `t_${tag}_${process.pid}_${schemaCounter}`.slice(0, 63);
}

/** A writable temporary directory for one test file. */
export function tmpDir(name: string): string {
  return `${process.cwd()}/.tmp/store-tests/${name}-${process.pid}`;
}

/** The i-th command of writer `w`: spends and allocations spread over the budgets. */
export function turnCommand(w: number, i: number, budgets: number) {
  const budgetId = `fb-${(w * 7 + i) % budgets}`;
  const pence = 100 + w * 1000 + i;
  const pounds = `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
  const commandId = `w${w}-${i}`;
  return i % 2 === 0
    ? spend(budgetId, commandId, pounds)
    : allocate(budgetId, commandId, pounds, 'social-care');
}

interface Run {
  readonly stdout: string;
  readonly code: number | null;
}

export function runWriter(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/store-fixtures/writer.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine?.(l, () => child.kill('SIGKILL'));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL')
        reject(new Error(`writer ${args.join(' ')} failed (${code}): ${stderr}`));
      else resolve({ stdout, code });
    });
  });
}

/**
 * Runs crash writers one after another and kills each with SIGKILL at a random moment while it
 * appends. Returns every acknowledged command with its number of events, and each writer's
 * `ready` line.
 */
export async function killLoop(
  args: (round: number) => string[],
  rounds: number,
): Promise<{ acked: Map<string, number>; ready: string[] }> {
  const acked = new Map<string, number>();
  const ready: string[] = [];
  for (let round = 0; round < rounds; round++) {
    let acks = 0;
    let armed = false;
    const killAfter = randomInt(1, 30);
    await runWriter(args(round), (line, kill) => {
      if (line.startsWith('ready')) ready.push(line);
      const m = /^ack (\S+) (\d+)$/.exec(line);
      if (m === null) return;
      acked.set(m[1] as string, Number(m[2]));
      acks += 1;
      // after a one-event command the writer starts a three-event one: kill it a moment later,
      // most often in the middle of that append
      if (!armed && acks >= killAfter && m[2] === '1') {
        armed = true;
        setTimeout(kill, randomInt(0, 4));
      }
    });
  }
  return { acked, ready };
}

/** Writers killed per SIGKILL test (KILL_ROUNDS=N runs more). */
export const KILL_ROUNDS = Number(process.env['KILL_ROUNDS'] ?? 8);

/**
 * A pool over `real` whose clients run `before(client, text)` ahead of each statement they send
 * (to count statements, or to break the server at a chosen moment).
 */
export function interceptingPool(
  real: pg.Pool,
  before: (client: pg.PoolClient, text: string) => void | Promise<void>,
): PgPoolLike {
  return {
    query: (text, values) => real.query(text, values),
    end: () => real.end(),
    on: (event, listener) => real.on(event, listener),
    connect: async () => {
      const client = await real.connect();
      return {
        on: (event, listener) => client.on(event, listener),
        removeListener: (event, listener) => client.removeListener(event, listener),
        release: (err) => client.release(err),
        query: async (text: string, values?: unknown[]) => {
          await before(client, text);
          return client.query(text, values);
        },
      };
    },
  };
}
