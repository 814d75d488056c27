/**
 * The paths the benchmark measures, one function each. Every function does the work once,
 * times only the work (not setup such as opening a database or loading commands), and returns
 * what it did, how long it took and a digest of its output (the same for every run, and for
 * outcomes the same for any number of workers).
 *
 * Each path runs the library's real code: `balances` is what `ipb balances --json` runs,
 * `verify` what `ipb verify` runs, `outcomes` what `ipb outcomes --format json` runs.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { foldLogFile } from '../src/cli/log-file.js';
import { runOutcomes } from '../src/cli/outcomes.js';
import { verifyJson } from '../src/cli/verify.js';
import {
  CommandHandler,
  DEFAULT_MAX_LINE_BYTES,
  DIMENSIONS,
  ExpectedVersion,
  FileEventStore,
  MemoryEventStore,
  Money,
  applyDecision,
  decideCommand,
  thawDecision,
  PostgresEventStore,
  VersionConflict,
  BalancesFold,
  balancesJsonPieces,
  decodeCommand,
  execute,
  initialDecisionState,
  scanLog,
  storeLines,
  verifyLog,
  verifyLogParallel,
  foldBalancesParallel,
  verifyLogText,
  type Actor,
  type DecisionState,
  type Command,
  type EventStore,
} from '../src/index.js';
import { prng } from './generate.js';

/** Every path the benchmark measures, in the order it runs them. */
export const PATHS = [
  'ceiling',
  'decode',
  'balances',
  'balances-unhashed',
  'balances-1',
  'balances-wide',
  'verify',
  'verify-1',
  'outcomes-1',
  'outcomes-n',
  'commands',
  'commands-immutable',
  'commands-handler',
  'file-append',
  'pg-latency',
  'pg-writers',
  'peer-ipb',
  'peer-hledger',
  'peer-ledger',
] as const;
/** A measured path. */
export type PathName = (typeof PATHS)[number];

/** The paths that compare ipb with hledger and ledger on the same (smaller) log. */
export const PEER_PATHS: readonly PathName[] = ['peer-ipb', 'peer-hledger', 'peer-ledger'];

/** True when a command-line tool (hledger, ledger) is on the PATH. */
export function toolPresent(tool: string): boolean {
  return (process.env['PATH'] ?? '').split(':').some((d) => d !== '' && existsSync(join(d, tool)));
}

/** What a path works on. */
export interface PathContext {
  /** The synthetic log (with its manifest beside it). */
  readonly log: string;
  /** The wide log: as many events, far more budgets (the memory row). */
  readonly wideLog: string;
  /** The log ipb, hledger and ledger read side by side, and its journal (`ipb export --format hledger`). */
  readonly peerLog: string;
  readonly peerJournal: string;
  /** Commands as JSON Lines (the commands that made the first events of a synthetic log). */
  readonly commandsFile: string;
  /** Worker threads for `outcomes-n` and the default of `balances` and `verify` (the cores). */
  readonly workers: number;
  /** Commands on the slower command paths (immutable states, the handler). */
  readonly slowCommands: number;
  /** Durable appends on the file store path. */
  readonly appends: number;
  /** Commands on the single-writer PostgreSQL path. */
  readonly pgCommands: number;
  /** Concurrent writers, and commands each, on the many-writer PostgreSQL path. */
  readonly pgWriters: number;
  readonly pgCommandsPerWriter: number;
  /** PostgreSQL connection (the PostgreSQL paths are skipped without one). */
  readonly databaseUrl?: string;
  /** Schema the PostgreSQL paths drop and create (default `ipb_bench`). */
  readonly pgSchema?: string;
  /** Scratch directory. */
  readonly tmp: string;
}

/** One run of one path. */
export interface PathRun {
  /** Events (or commands, or appends) done. */
  readonly units: number;
  /** Wall time of the measured work, ms. */
  readonly ms: number;
  /** SHA-256 of the path's output, to check that every run (and every worker count) agrees. */
  readonly digest: string;
  /** Extra figures (latency percentiles, conflicts...). */
  readonly detail?: Readonly<Record<string, number>>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function timed(
  work: () => Promise<{ units: number; output: string; detail?: Record<string, number> }>,
) {
  const t0 = performance.now();
  const r = await work();
  const ms = performance.now() - t0;
  const run: PathRun = { units: r.units, ms, digest: sha256(r.output) };
  return r.detail === undefined ? run : { ...run, detail: r.detail };
}

/** The hardware ceiling: read the file in 256 KiB chunks and `JSON.parse` every line, nothing else. */
export async function ceiling(ctx: PathContext): Promise<PathRun> {
  return timed(async () => {
    const fh = await open(ctx.log, 'r');
    const buf = Buffer.allocUnsafe(262_144);
    let carry: Buffer | null = null;
    let lines = 0;
    let seqs = 0;
    try {
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        let chunk = buf.subarray(0, bytesRead);
        if (carry !== null) {
          chunk = Buffer.concat([carry, chunk]);
          carry = null;
        }
        let start = 0;
        let nl = chunk.indexOf(10, start);
        while (nl !== -1) {
          const o = JSON.parse(chunk.toString('utf8', start, nl)) as { seq: number };
          seqs += o.seq;
          lines += 1;
          start = nl + 1;
          nl = chunk.indexOf(10, start);
        }
        if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
      }
      if (carry !== null) {
        JSON.parse(carry.toString('utf8'));
        lines += 1;
      }
    } finally {
      await fh.close();
    }
    return { units: lines, output: `${lines} ${seqs}` };
  });
}

/** Ceiling + contract decoding: the library's streaming reader, every line decoded (io-ts codecs). */
export async function decode(ctx: PathContext): Promise<PathRun> {
  return timed(async () => {
    let events = 0;
    let seqs = 0;
    const lines = await scanLog(
      ctx.log,
      (rec) => {
        if (rec.kind !== 'event') throw new Error(`line ${rec.line} did not decode`);
        events += 1;
        seqs += rec.event.seq;
      },
      { maxLineBytes: DEFAULT_MAX_LINE_BYTES },
    );
    return { units: lines, output: `${events} ${seqs}` };
  });
}

/**
 * What `ipb balances LOG --json` runs: read, decode, check the chains (and, with `hashes`, every
 * event's hash, as the CLI does), fold exact money, print JSON.
 */
export async function balances(
  ctx: PathContext,
  hashes = true,
  workers = ctx.workers,
  log = ctx.log,
): Promise<PathRun> {
  return timed(async () => {
    const checkHashes = hashes ? {} : { checkHashes: false };
    const r =
      (workers > 1
        ? await foldBalancesParallel(
            log,
            {},
            { workers, maxLineBytes: DEFAULT_MAX_LINE_BYTES, ...checkHashes },
          )
        : null) ??
      (await foldLogFile(
        log,
        new BalancesFold(),
        { maxLineBytes: DEFAULT_MAX_LINE_BYTES, progress: false },
        checkHashes,
      ));
    // as the CLI writes it: a few hundred budgets at a time (the digest is of that text)
    const text = createHash('sha256');
    for (const piece of balancesJsonPieces(r.fold.eachBudget())) text.update(piece);
    return { units: r.lines, output: text.update('\n').digest('hex') };
  });
}

/** A peer tool's balance report on the journal of the peer log: `hledger bal` or `ledger bal`. */
export async function peer(ctx: PathContext, tool: 'hledger' | 'ledger'): Promise<PathRun> {
  const units = Number(
    (JSON.parse(await readFile(`${ctx.peerLog}.manifest.json`, 'utf8')) as { events: number }).events,
  );
  return timed(async () => {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(tool, ['-f', ctx.peerJournal, 'bal'], { maxBuffer: 1 << 30 }, (e, stdout, stderr) =>
        e === null ? resolve(stdout) : reject(new Error(`${tool} bal failed: ${stderr.slice(0, 500)}`)),
      ),
    );
    return { units, output };
  });
}

/** What `ipb verify LOG --json` runs: every line, the contract, every hash and chain, the manifest. */
export async function verify(ctx: PathContext, workers = ctx.workers): Promise<PathRun> {
  return timed(async () => {
    const r =
      (workers > 1
        ? await verifyLogParallel(ctx.log, { workers, maxLineBytes: DEFAULT_MAX_LINE_BYTES, tolerant: false })
        : null) ?? (await verifyLog(ctx.log, { maxLineBytes: DEFAULT_MAX_LINE_BYTES, tolerant: false }));
    if (!r.ok) throw new Error(`the benchmark log does not verify: ${JSON.stringify(r.firstError)}`);
    return { units: r.events, output: JSON.stringify(verifyJson(r, false)) };
  });
}

/** What `ipb outcomes LOG --by site,cohort,basis,option --period quarter --format json --workers N` runs. */
export async function outcomes(ctx: PathContext, workers: number): Promise<PathRun> {
  return timed(async () => {
    const text = await runOutcomes([ctx.log], {
      by: [...DIMENSIONS],
      period: 'quarter',
      format: 'json',
      workers,
      maxLineBytes: DEFAULT_MAX_LINE_BYTES,
      progress: false,
    });
    const json = JSON.parse(text) as { input: { lines: number; verified: boolean } };
    if (!json.input.verified) throw new Error('outcomes: the benchmark log does not verify');
    return { units: json.input.lines, output: text };
  });
}

/** A command as parsed from JSON, not yet checked: what a service receives. */
export interface RawCommand {
  readonly budgetId: string;
  readonly commandId: string;
}

/** Reads the commands file (untimed setup): parsed JSON, decoded by the timed paths themselves. */
export async function loadCommands(path: string, limit = Infinity): Promise<RawCommand[]> {
  const out: RawCommand[] = [];
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (line === '' || out.length >= limit) continue;
    out.push(JSON.parse(line) as RawCommand);
  }
  return out;
}

/** Checks and decodes a parsed command (money strings become {@link Money}). */
function decoded(raw: RawCommand): Command {
  const c = decodeCommand(raw);
  if (c._tag === 'Left') throw new Error(`command ${raw.commandId}: ${c.left.message}`);
  return c.right;
}

/** Digest of a store's contents: its export, which must verify. */
async function storeDigest(store: EventStore): Promise<{ events: number; digest: string }> {
  let text = '';
  let events = 0;
  for await (const line of storeLines(store, 5000)) {
    text += line;
    events += 1;
  }
  const v = verifyLogText(text);
  if (!v.ok) throw new Error(`the store's export does not verify: ${JSON.stringify(v.firstError)}`);
  return { events, digest: sha256(text) };
}

/**
 * Decides and appends commands with each budget's state kept in memory between commands, as a
 * service with a state cache does: `decide` on the budget's accumulator, `append` (seal, check,
 * store) with the expected version, then fold the sealed events into the accumulator
 * (`applyDecision`: one mutable state per budget, no copy per event).
 */
async function runCommands(store: EventStore, commands: readonly RawCommand[]): Promise<number> {
  const states = new Map<string, DecisionState>();
  let events = 0;
  for (const raw of commands) {
    const c = decoded(raw);
    let state = states.get(c.budgetId);
    if (state === undefined) {
      state = thawDecision();
      states.set(c.budgetId, state);
    }
    const r = decideCommand(c, state);
    if (r._tag === 'Left') throw new Error(`command ${c.commandId} refused: ${r.left.message}`);
    const expected = state.version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exactly(state.version);
    const appended = await store.append(c.budgetId, r.right, expected);
    for (const e of appended.events) applyDecision(state, e);
    events += appended.events.length;
  }
  return events;
}

/**
 * The same with immutable states: `execute` (decide, then `evolve` per event: a new immer state
 * each time) and `append`.
 */
async function runCommandsImmutable(store: EventStore, commands: readonly RawCommand[]): Promise<number> {
  const states = new Map<string, DecisionState>();
  let events = 0;
  for (const raw of commands) {
    const c = decoded(raw);
    const before = states.get(c.budgetId) ?? initialDecisionState;
    const r = execute(c, before);
    if (r._tag === 'Left') throw new Error(`command ${c.commandId} refused: ${r.left.message}`);
    const expected =
      before.version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exactly(before.version);
    const appended = await store.append(c.budgetId, r.right.events, expected);
    events += appended.events.length;
    states.set(c.budgetId, r.right.state);
  }
  return events;
}

/** In-memory store: decide + fold + seal + append per command, state kept per budget; commands/s. */
export async function commands(ctx: PathContext): Promise<PathRun> {
  const cs = await loadCommands(ctx.commandsFile);
  const store = new MemoryEventStore();
  const run = await timed(async () => {
    const events = await runCommands(store, cs);
    return { units: cs.length, output: '', detail: { events } };
  });
  const { digest } = await storeDigest(store);
  await store.close();
  return { ...run, digest };
}

/** In-memory store with immutable states (`execute`: decide + immer `evolve`) + seal + append. */
export async function commandsImmutable(ctx: PathContext): Promise<PathRun> {
  const cs = await loadCommands(ctx.commandsFile, ctx.slowCommands);
  const store = new MemoryEventStore();
  const run = await timed(async () => {
    const events = await runCommandsImmutable(store, cs);
    return { units: cs.length, output: '', detail: { events } };
  });
  const { digest } = await storeDigest(store);
  await store.close();
  return { ...run, digest };
}

/** In-memory store through the {@link CommandHandler} (load from snapshot + stream, decide, append). */
export async function commandsHandler(ctx: PathContext): Promise<PathRun> {
  const cs = await loadCommands(ctx.commandsFile, ctx.slowCommands);
  const store = new MemoryEventStore();
  const handler = new CommandHandler(store);
  const run = await timed(async () => {
    for (const c of cs) {
      const r = await handler.handle(c as unknown as Command);
      if (r._tag === 'Left') throw new Error(`command ${c.commandId} refused: ${r.left.message}`);
    }
    return { units: cs.length, output: '' };
  });
  const { digest } = await storeDigest(store);
  await store.close();
  return { ...run, digest };
}

/** File store: durable appends (each written and fdatasync'ed before it returns); appends/s. */
export async function fileAppend(ctx: PathContext): Promise<PathRun> {
  const cs = await loadCommands(ctx.commandsFile, ctx.appends);
  const path = join(ctx.tmp, `file-store-${process.pid}.jsonl`);
  await rm(path, { force: true });
  const store = await FileEventStore.open(path);
  try {
    const run = await timed(async () => {
      const events = await runCommands(store, cs);
      return { units: cs.length, output: '', detail: { events } };
    });
    const { digest } = await storeDigest(store);
    return { ...run, digest };
  } finally {
    await store.close();
    for (const p of [path, `${path}.lock`, `${path}.pending`]) await rm(p, { force: true });
  }
}

/** Latency percentile (nearest rank) of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

async function freshPostgres(ctx: PathContext, maxConnections: number): Promise<PostgresEventStore> {
  const url = ctx.databaseUrl;
  if (url === undefined) throw new Error('the PostgreSQL paths need DATABASE_URL');
  const schema = ctx.pgSchema ?? 'ipb_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
  const store = await PostgresEventStore.connect({ connectionString: url, schema, maxConnections });
  await store.migrate();
  return store;
}

/** An {@link EventStore} that times every `append` of the store it wraps and counts version conflicts. */
class TimedAppends implements EventStore {
  readonly appendMs: number[] = [];
  conflicts = 0;
  readonly checksExpectedHash: boolean;
  constructor(private readonly inner: EventStore) {
    this.checksExpectedHash = inner.checksExpectedHash === true;
  }
  async append(...args: Parameters<EventStore['append']>): ReturnType<EventStore['append']> {
    const t0 = performance.now();
    try {
      return await this.inner.append(...args);
    } catch (e) {
      if (e instanceof VersionConflict) this.conflicts += 1;
      throw e;
    } finally {
      this.appendMs.push(performance.now() - t0);
    }
  }
  readStream(...args: Parameters<EventStore['readStream']>): ReturnType<EventStore['readStream']> {
    return this.inner.readStream(...args);
  }
  head(budgetId: string): ReturnType<EventStore['head']> {
    return this.inner.head(budgetId);
  }
  readCommand(budgetId: string, commandId: string): ReturnType<EventStore['readCommand']> {
    return this.inner.readCommand(budgetId, commandId);
  }
  readAll(...args: Parameters<EventStore['readAll']>): ReturnType<EventStore['readAll']> {
    return this.inner.readAll(...args);
  }
  saveSnapshot(...args: Parameters<EventStore['saveSnapshot']>): ReturnType<EventStore['saveSnapshot']> {
    return this.inner.saveSnapshot(...args);
  }
  loadSnapshot(budgetId: string): ReturnType<EventStore['loadSnapshot']> {
    return this.inner.loadSnapshot(budgetId);
  }
  deleteSnapshot(budgetId: string): ReturnType<EventStore['deleteSnapshot']> {
    return this.inner.deleteSnapshot(budgetId);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * PostgreSQL, one writer: each command through the {@link CommandHandler} (load, decide, append
 * in a transaction), one after another; p50/p99 latency of the whole command and of the append.
 */
export async function pgLatency(ctx: PathContext): Promise<PathRun> {
  const cs = await loadCommands(ctx.commandsFile, ctx.pgCommands);
  const pgStore = await freshPostgres(ctx, 4);
  const store = new TimedAppends(pgStore);
  const handler = new CommandHandler(store);
  const commandMs: number[] = [];
  try {
    const run = await timed(async () => {
      for (const c of cs) {
        const t0 = performance.now();
        const r = await handler.handle(c as unknown as Command);
        commandMs.push(performance.now() - t0);
        if (r._tag === 'Left') throw new Error(`command ${c.commandId} refused: ${r.left.message}`);
      }
      return { units: cs.length, output: '' };
    });
    const { digest } = await storeDigest(pgStore);
    const byCommand = [...commandMs].sort((a, b) => a - b);
    const byAppend = [...store.appendMs].sort((a, b) => a - b);
    return {
      ...run,
      digest,
      detail: {
        commandP50Ms: percentile(byCommand, 50),
        commandP99Ms: percentile(byCommand, 99),
        appendP50Ms: percentile(byAppend, 50),
        appendP99Ms: percentile(byAppend, 99),
      },
    };
  } finally {
    await store.close();
  }
}

const AT = '2024-06-01T10:00:00.000Z';
const FINANCE: Actor = { id: 'finance-bench', role: 'finance' };
const COORDINATOR: Actor = { id: 'coord-bench', role: 'coordinator' };

/** Commands that open, plan and fund a budget, so spends can be recorded against it. */
function setupCommands(budgetId: string): Command[] {
  const c = (n: number, type: Command['type'], actor: Actor, data: unknown): Command =>
    ({
      type,
      commandId: `${budgetId}-setup-${n}`,
      budgetId,
      actor,
      occurredAt: AT,
      recordedAt: AT,
      data,
    }) as Command;
  return [
    c(1, 'OpenBudget', COORDINATOR, {
      personRef: `p-${budgetId}`,
      site: 'north',
      cohort: 'older-people-ltc',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2024-04-01',
      periodEnd: '2025-03-31',
    }),
    c(2, 'ProposePlan', COORDINATOR, {
      planVersion: 1,
      lines: [
        {
          lineId: 'pa',
          category: 'personal-assistant',
          option: 'notional',
          amount: Money.of('20000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
      ],
    }),
    c(3, 'AgreePlan', { id: `p-${budgetId}`, role: 'holder' }, { planVersion: 1, agreedOn: '2024-05-01' }),
    c(4, 'AllocateFunding', FINANCE, { stream: 'health', amount: Money.of('10000.00'), stage: 'agreed' }),
    c(5, 'AllocateFunding', FINANCE, {
      stream: 'social-care',
      amount: Money.of('10000.00'),
      stage: 'agreed',
    }),
  ];
}

/**
 * PostgreSQL, many writers: `pgWriters` concurrent writers (one pool connection each) record
 * spends on 64 shared budgets through the {@link CommandHandler}, so they collide (`conflicts`
 * counts the appends refused with a version conflict, which the handler retries). A command
 * the handler gives up on after its retries is sent again (same command id, so never twice:
 * `retried`); at the end every command must be in the store exactly once (`lost` = 0) and the
 * export must verify. Events/s over the spends.
 */
export async function pgWriters(ctx: PathContext): Promise<PathRun> {
  const pgStore = await freshPostgres(ctx, ctx.pgWriters + 2);
  const counted = new TimedAppends(pgStore);
  const handler = new CommandHandler(counted, { snapshotEvery: 100 });
  const budgets = Array.from({ length: 64 }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  try {
    for (const b of budgets) {
      for (const c of setupCommands(b)) {
        const r = await handler.handle(c);
        if (r._tag === 'Left') throw new Error(`setup ${c.commandId} refused: ${r.left.message}`);
      }
    }
    const rnd = prng(17);
    const plan: Command[][] = Array.from({ length: ctx.pgWriters }, (_, w) =>
      Array.from({ length: ctx.pgCommandsPerWriter }, (_, k) => {
        const budgetId = budgets[Math.floor(rnd() * budgets.length)] as string;
        return {
          type: 'RecordSpend',
          commandId: `w${w}-c${k}`,
          budgetId,
          actor: COORDINATOR,
          occurredAt: AT,
          recordedAt: AT,
          data: {
            spendId: `w${w}-s${k}`,
            lineId: 'pa',
            amount: Money.fromPence(BigInt(100 + Math.floor(rnd() * 20_000))),
            spentOn: '2024-05-20',
            payee: 'agency',
            evidenceRef: `inv-${w}-${k}`,
          },
        } as Command;
      }),
    );
    let retried = 0;
    counted.conflicts = 0;
    counted.appendMs.length = 0;
    const run = await timed(async () => {
      await Promise.all(
        plan.map(async (mine) => {
          for (const c of mine) {
            for (;;) {
              const r = await handler.handle(c);
              if (r._tag === 'Right') break;
              if (r.left.code !== 'version-conflict') throw new Error(`${c.commandId}: ${r.left.message}`);
              retried += 1;
            }
          }
        }),
      );
      return { units: ctx.pgWriters * ctx.pgCommandsPerWriter, output: '' };
    });
    // No command lost, none recorded twice.
    let missing = 0;
    for (const mine of plan) {
      for (const c of mine) {
        const got = await pgStore.readCommand(c.budgetId, c.commandId);
        if (got.length !== 1) missing += 1;
      }
    }
    // The export must verify; the order of concurrent spends differs from run to run, so the
    // digest is of what must not differ: the number of events.
    const { events } = await storeDigest(pgStore);
    const expected = budgets.length * 5 + run.units;
    if (missing !== 0 || events !== expected) {
      throw new Error(
        `pg-writers: ${missing} commands not recorded exactly once; ${events} events, expected ${expected}`,
      );
    }
    return {
      ...run,
      digest: sha256(`${events} events`),
      detail: {
        writers: ctx.pgWriters,
        conflicts: counted.conflicts,
        retried,
        lost: missing,
        events,
        appendP50Ms: percentile(
          [...counted.appendMs].sort((a, b) => a - b),
          50,
        ),
      },
    };
  } finally {
    await pgStore.close();
  }
}

/** Runs one path once. */
export function runPath(path: PathName, ctx: PathContext): Promise<PathRun> {
  switch (path) {
    case 'ceiling':
      return ceiling(ctx);
    case 'decode':
      return decode(ctx);
    case 'balances':
      return balances(ctx);
    case 'balances-unhashed':
      return balances(ctx, false, 1);
    case 'balances-1':
      return balances(ctx, true, 1);
    case 'balances-wide':
      return balances(ctx, true, ctx.workers, ctx.wideLog);
    case 'verify':
      return verify(ctx);
    case 'verify-1':
      return verify(ctx, 1);
    case 'peer-ipb':
      return balances(ctx, true, ctx.workers, ctx.peerLog);
    case 'peer-hledger':
      return peer(ctx, 'hledger');
    case 'peer-ledger':
      return peer(ctx, 'ledger');
    case 'outcomes-1':
      return outcomes(ctx, 1);
    case 'outcomes-n':
      return outcomes(ctx, ctx.workers);
    case 'commands':
      return commands(ctx);
    case 'commands-immutable':
      return commandsImmutable(ctx);
    case 'commands-handler':
      return commandsHandler(ctx);
    case 'file-append':
      return fileAppend(ctx);
    case 'pg-latency':
      return pgLatency(ctx);
    case 'pg-writers':
      return pgWriters(ctx);
  }
}
