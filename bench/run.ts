/**
 * `npm run bench`: how fast and how lean the ledger is, as ratios to the hardware ceiling
 * measured in the same run on the same file.
 *
 *   npm run bench                      # 1,000,000 events; writes bench/results.json and docs/performance.md
 *   npm run bench -- --quick           # 50,000 events, a few seconds a path; writes bench/.cache/results-last.json
 *   npm run bench -- --events 200000 --runs 5 --only ceiling,balances
 *
 * The synthetic log (seeded, from the real decider, ~2,000 budgets per million events) and the
 * commands are generated once and cached in bench/.cache/. Each run of each path is a child
 * process of its own, so its peak RSS (from `/usr/bin/time -v` when present) is its own; the
 * paths run in rounds (every path once, then again...), so a noisy neighbour slows all of them
 * alike and the ratios hold. PostgreSQL paths run when DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../src/index.js';
import type { ChildResult } from './child.js';
import { execFile } from 'node:child_process';
import { generateEvents, generateLog, profileForBudgets, type GenerateOptions } from './generate.js';
import {
  PATHS,
  PEER_PATHS,
  runPath,
  toolPresent,
  type PathContext,
  type PathName,
  type PathRun,
} from './paths.js';
import {
  UNIT,
  WHAT,
  resultsMarkdown,
  targetOf,
  withResults,
  type BenchResults,
  type ResultRow,
  type RssSource,
} from './report.js';

const SELF = import.meta.url;
const FROM_SOURCE = SELF.endsWith('.ts');
/** The package root (bench/ in the source tree, dist/bench/ when built). */
export const ROOT = fileURLToPath(new URL(FROM_SOURCE ? '..' : '../..', SELF));

/**
 * The shape of the synthetic budgets: 12 to 36 months of spending, 12 to 24 spends a month
 * (weekly personal assistant and agency invoices), 600 budgets interleaved: about 500 events
 * a budget, so ~2,000 budgets per million events. Changing it changes `PROFILE_VERSION`.
 */
export const PROFILE: Omit<GenerateOptions, 'events' | 'seed'> = {
  active: 600,
  months: [12, 36],
  spendsPerMonth: [12, 24],
};
const PROFILE_VERSION = 1;

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Events in the synthetic log. */
  readonly events: number;
  readonly seed?: number;
  /** Runs per path (the median is reported). */
  readonly runs: number;
  /** Paths to run (default all). */
  readonly only?: readonly PathName[];
  /** Commands on the in-memory command path. */
  readonly commands: number;
  /** Commands on the slower command paths (immutable states, the handler). */
  readonly slowCommands: number;
  /** Durable appends on the file store path. */
  readonly appends: number;
  /** Commands on the single-writer PostgreSQL path. */
  readonly pgCommands: number;
  readonly pgWriters: number;
  readonly pgCommandsPerWriter: number;
  /** Budgets in the wide log (the memory row: many budgets, short stories). */
  readonly wideBudgets: number;
  /** Events in the wide log (default: as many as the main log). */
  readonly wideEvents?: number;
  /** Events in the log the peers (hledger, ledger) and ipb read side by side. */
  readonly peerEvents: number;
  /** Worker threads for outcomes-n, balances and verify (default: the number of cores). */
  readonly workers?: number;
  readonly databaseUrl?: string;
  /** Schema the PostgreSQL paths drop and recreate (default `ipb_bench`). */
  readonly pgSchema?: string;
  /** Each run in a child process of its own (default true; false runs everything in this process). */
  readonly isolate?: boolean;
  readonly quick?: boolean;
  /** Where generated inputs are cached (default bench/.cache). */
  readonly cacheDir?: string;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** The quick configuration (`--quick`): everything on 50,000 events. */
export const QUICK: BenchOptions = {
  events: 50_000,
  runs: 3,
  commands: 20_000,
  slowCommands: 5_000,
  appends: 300,
  pgCommands: 300,
  pgWriters: 16,
  pgCommandsPerWriter: 40,
  wideBudgets: 1_250,
  peerEvents: 20_000,
  quick: true,
};

/** The full configuration (the issue's): 1,000,000 events. */
export const FULL: BenchOptions = {
  events: 1_000_000,
  runs: 3,
  commands: 200_000,
  slowCommands: 20_000,
  appends: 2_000,
  pgCommands: 2_000,
  pgWriters: 16,
  pgCommandsPerWriter: 500,
  wideBudgets: 25_000,
  peerEvents: 200_000,
};

async function publish(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** The synthetic log for `events` and `seed`: from the cache, or generated (with its manifest). */
export async function prepareLog(
  events: number,
  seed: number,
  cacheDir: string,
  say: (s: string) => void,
): Promise<string> {
  const path = join(cacheDir, `bench-${events}-s${seed}-p${PROFILE_VERSION}.jsonl`);
  const manifest = `${path}.manifest.json`;
  if (existsSync(path) && existsSync(manifest)) {
    const m = JSON.parse(await readFile(manifest, 'utf8')) as { events?: unknown };
    if (m.events === events) return path;
  }
  say(`generating ${events.toLocaleString('en-GB')} events (seed ${seed}) into ${path} ...`);
  await mkdir(cacheDir, { recursive: true });
  await rm(manifest, { force: true });
  await generateLog(path, { ...PROFILE, events, seed });
  return path;
}

/**
 * The wide synthetic log: `events` events in about `budgets` budgets (shorter stories), for the
 * memory row; from the cache, or generated with its manifest.
 */
export async function prepareWideLog(
  events: number,
  budgets: number,
  seed: number,
  cacheDir: string,
  say: (s: string) => void,
): Promise<string> {
  const path = join(cacheDir, `wide-${events}-b${budgets}-s${seed}-p${PROFILE_VERSION}.jsonl`);
  if (existsSync(path) && existsSync(`${path}.manifest.json`)) return path;
  say(
    `generating ${events.toLocaleString('en-GB')} events in about ${budgets.toLocaleString('en-GB')} budgets into ${path} ...`,
  );
  await mkdir(cacheDir, { recursive: true });
  await generateLog(path, { ...profileForBudgets(events, budgets), events, seed });
  return path;
}

/** How to start the `ipb` CLI: the built one, or the source through tsx. */
function cliArgs(): string[] {
  return FROM_SOURCE
    ? ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')]
    : [join(ROOT, 'dist/src/cli/main.js')];
}

/** The journal `ipb export --format hledger` writes from a log (cached beside it). */
export async function prepareJournal(log: string, say: (s: string) => void): Promise<string> {
  const journal = `${log}.journal`;
  if (existsSync(journal)) return journal;
  say(`exporting ${log} as a journal (ipb export --format hledger) ...`);
  const tmp = `${journal}.${process.pid}.tmp`;
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      [...cliArgs(), 'export', log, '--format', 'hledger', '--out', tmp, '--no-progress'],
      { cwd: ROOT, maxBuffer: 1 << 24 },
      (e) => (e === null ? resolve() : reject(e)),
    ),
  );
  await rename(tmp, journal);
  return journal;
}

/** The commands that made the first `count` events of the synthetic log, as JSON Lines (cached). */
export async function prepareCommands(
  count: number,
  seed: number,
  cacheDir: string,
  say: (s: string) => void,
): Promise<string> {
  const path = join(cacheDir, `commands-${count}-s${seed}-p${PROFILE_VERSION}.jsonl`);
  if (existsSync(path)) return path;
  say(`generating ${count.toLocaleString('en-GB')} commands into ${path} ...`);
  await mkdir(cacheDir, { recursive: true });
  const out: string[] = [];
  const keep = (c: Command): void => {
    if (out.length < count) out.push(JSON.stringify(c));
  };
  // Each command makes at least one event, so `count` events give at least `count` commands' worth.
  for (const _ of generateEvents({ ...PROFILE, events: count * 2, seed, onCommand: keep })) {
    if (out.length >= count) break;
  }
  await publish(path, `${out.join('\n')}\n`);
  return path;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** How to start a child: the built `child.js`, or `child.ts` through tsx when running from source. */
function childArgs(): string[] {
  const child = fileURLToPath(new URL(FROM_SOURCE ? './child.ts' : './child.js', SELF));
  return FROM_SOURCE ? ['--import', 'tsx', child] : [child];
}

const TIME = '/usr/bin/time';

/** Runs one path once in a child process; its result and peak RSS. */
async function runChild(
  path: PathName,
  ctx: PathContext,
): Promise<{ run: PathRun; rssKb: number; source: RssSource }> {
  const out = join(ctx.tmp, `result-${path}-${process.pid}.json`);
  const timeOut = join(ctx.tmp, `time-${path}-${process.pid}.txt`);
  await rm(out, { force: true });
  const useTime = existsSync(TIME);
  const args = [...childArgs(), path, JSON.stringify(ctx), out];
  const [cmd, argv] = useTime
    ? [TIME, ['-v', '-o', timeOut, process.execPath, ...args]]
    : [process.execPath, args];
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr.on('data', (b: Buffer) => stderr.push(b));
    p.on('error', reject);
    p.on('close', resolve);
  });
  let result: ChildResult;
  try {
    result = JSON.parse(await readFile(out, 'utf8')) as ChildResult;
  } catch {
    throw new Error(
      `${path}: the child process ended (code ${code}) without a result: ${Buffer.concat(stderr).toString().slice(-2000)}`,
    );
  }
  await rm(out, { force: true });
  if (!result.ok) throw new Error(`${path}: ${result.error}`);
  const { ok: _ok, maxRssKb, ...run } = result;
  if (useTime) {
    const text = await readFile(timeOut, 'utf8');
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    await rm(timeOut, { force: true });
    if (m !== null) return { run, rssKb: Number(m[1]), source: 'time -v' };
  }
  return { run, rssKb: maxRssKb, source: 'child maxRSS' };
}

/** Runs the benchmark: every path `runs` times in rounds; the rows with medians, ratios and targets. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const say = options.log ?? (() => undefined);
  const seed = options.seed ?? 1;
  const cacheDir = options.cacheDir ?? join(ROOT, 'bench', '.cache');
  const isolate = options.isolate ?? true;
  const workers = options.workers ?? availableParallelism();
  const loadAtStart = loadavg()[0] ?? 0;
  const log = await prepareLog(options.events, seed, cacheDir, say);
  const only = (p: PathName): boolean => options.only === undefined || options.only.includes(p);
  const wideLog = only('balances-wide')
    ? await prepareWideLog(options.wideEvents ?? options.events, options.wideBudgets, seed, cacheDir, say)
    : log;
  const peerLog =
    PEER_PATHS.some(only) && options.peerEvents !== options.events
      ? await prepareLog(options.peerEvents, seed, cacheDir, say)
      : log;
  const peerJournal = PEER_PATHS.some(only) ? await prepareJournal(peerLog, say) : '';
  const commandsFile = await prepareCommands(options.commands, seed, cacheDir, say);
  const manifest = JSON.parse(await readFile(`${log}.manifest.json`, 'utf8')) as { budgets: object };
  const tmp = join(tmpdir(), `ipb-bench-${process.pid}`);
  await mkdir(tmp, { recursive: true });
  const ctx: PathContext = {
    log,
    wideLog,
    peerLog,
    peerJournal,
    commandsFile,
    workers,
    slowCommands: Math.min(options.slowCommands, options.commands),
    appends: options.appends,
    pgCommands: options.pgCommands,
    pgWriters: options.pgWriters,
    pgCommandsPerWriter: options.pgCommandsPerWriter,
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    ...(options.pgSchema === undefined ? {} : { pgSchema: options.pgSchema }),
    tmp,
  };
  const wanted = PATHS.filter(
    (p) => options.only === undefined || options.only.includes(p) || p === 'ceiling',
  );
  const skipped: { path: PathName; reason: string }[] = [];
  const paths = wanted.filter((p) => {
    if (p.startsWith('pg-') && options.databaseUrl === undefined) {
      skipped.push({ path: p, reason: 'DATABASE_URL is not set' });
      return false;
    }
    const tool = p === 'peer-hledger' ? 'hledger' : p === 'peer-ledger' ? 'ledger' : null;
    if (tool !== null && !toolPresent(tool)) {
      skipped.push({ path: p, reason: `${tool} is not installed` });
      return false;
    }
    return true;
  });
  const runs = new Map<PathName, { run: PathRun; rssKb: number; source: RssSource }[]>();
  try {
    for (let round = 1; round <= options.runs; round++) {
      for (const p of paths) {
        const r = isolate
          ? await runChild(p, ctx)
          : {
              run: await runPath(p, ctx),
              rssKb: process.resourceUsage().maxRSS,
              source: 'whole process' as const,
            };
        runs.set(p, [...(runs.get(p) ?? []), r]);
        say(
          `round ${round}/${options.runs} ${p.padEnd(16)} ${(r.run.ms / 1000).toFixed(2).padStart(8)} s ` +
            `${Math.round((r.run.units / r.run.ms) * 1000)
              .toLocaleString('en-GB')
              .padStart(10)} ${UNIT[p]}/s ` +
            `${Math.round(r.rssKb / 1000)} MB`,
        );
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const rows: ResultRow[] = [];
  let ceilingPerSecond = NaN;
  for (const p of paths) {
    const rs = runs.get(p) ?? [];
    const first = rs[0];
    if (first === undefined) continue;
    const medianMs = median(rs.map((r) => r.run.ms));
    const perSecond = (first.run.units / medianMs) * 1000;
    if (p === 'ceiling') ceilingPerSecond = perSecond;
    const detailKeys = new Set(rs.flatMap((r) => Object.keys(r.run.detail ?? {})));
    const detail: Record<string, number> = {};
    for (const k of detailKeys) detail[k] = median(rs.map((r) => r.run.detail?.[k] ?? NaN));
    rows.push({
      path: p,
      what: WHAT[p],
      unit: UNIT[p],
      units: first.run.units,
      runsMs: rs.map((r) => Math.round(r.run.ms * 10) / 10),
      medianMs: Math.round(medianMs * 10) / 10,
      perSecond: Math.round(perSecond),
      ratioToCeiling: Math.round((perSecond / ceilingPerSecond) * 1000) / 1000,
      peakRssMb: Math.round(Math.max(...rs.map((r) => r.rssKb)) * 1.024) / 1000,
      rssSource: first.source,
      runsAgree: rs.every((r) => r.run.digest === first.run.digest),
      detail,
      target: null,
      digest: first.run.digest,
    });
  }
  const checked = rows.map((row) => ({ ...row, target: targetOf(row, rows) }));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return {
    schema: 'ipb.bench/1',
    date: new Date().toISOString(),
    machine: {
      cpu: cpu.trim(),
      cores: availableParallelism(),
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.versions.node,
      loadAtStart: Math.round(loadAtStart * 100) / 100,
    },
    quick: options.quick === true,
    wideLog: await logFacts(wideLog),
    peerLog: await logFacts(peerLog),
    log: {
      path: log.startsWith(ROOT) ? log.slice(ROOT.length + 1) : log,
      events: options.events,
      budgets: Object.keys(manifest.budgets).length,
      bytes: (await stat(log)).size,
      seed,
    },
    runs: options.runs,
    workers,
    isolated: isolate,
    rows: checked,
    skipped,
  };
}

async function logFacts(
  path: string,
): Promise<{ path: string; events: number; budgets: number; bytes: number }> {
  const m = JSON.parse(await readFile(`${path}.manifest.json`, 'utf8')) as {
    events: number;
    budgets: object;
  };
  return {
    path: path.startsWith(ROOT) ? path.slice(ROOT.length + 1) : path,
    events: m.events,
    budgets: Object.keys(m.budgets).length,
    bytes: (await stat(path)).size,
  };
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name}: expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      events: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      workers: { type: 'string' },
      only: { type: 'string' },
      'wide-events': { type: 'string' },
      'wide-budgets': { type: 'string' },
      'peer-events': { type: 'string' },
      commands: { type: 'string' },
      'write-docs': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const base = values.quick === true ? QUICK : FULL;
  const events = positive('events', values.events) ?? base.events;
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const p of only ?? []) {
    if (!(PATHS as readonly string[]).includes(p))
      throw new Error(`--only: unknown path ${p} (known: ${PATHS.join(', ')})`);
  }
  const workers = positive('workers', values.workers);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed: expected a whole number');
  const dbUrl = process.env['DATABASE_URL'];
  const options: BenchOptions = {
    ...base,
    events,
    seed,
    runs: positive('runs', values.runs) ?? base.runs,
    commands: Math.min(positive('commands', values.commands) ?? base.commands, events),
    wideBudgets: positive('wide-budgets', values['wide-budgets']) ?? base.wideBudgets,
    peerEvents: positive('peer-events', values['peer-events']) ?? base.peerEvents,
    ...(values['wide-events'] === undefined
      ? {}
      : { wideEvents: positive('wide-events', values['wide-events']) as number }),
    ...(only === undefined ? {} : { only: only as PathName[] }),
    ...(workers === undefined ? {} : { workers }),
    ...(dbUrl === undefined || dbUrl === '' ? {} : { databaseUrl: dbUrl }),
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const results = await runBench(options);
  const md = resultsMarkdown(results);
  const isFull = !results.quick && events === FULL.events && only === undefined;
  // Only the full run's figures are kept in git; the others go beside the cached log.
  const resultsPath = isFull
    ? join(ROOT, 'bench', 'results.json')
    : join(ROOT, 'bench', '.cache', 'results-last.json');
  await publish(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${md}\n\nwrote ${resultsPath}\n`);
  if ((isFull || values['write-docs'] === true) && values['no-docs'] !== true) {
    const doc = join(ROOT, 'docs', 'performance.md');
    const page = existsSync(doc) ? await readFile(doc, 'utf8') : '# Performance\n';
    await publish(doc, withResults(page, md));
    process.stdout.write(`wrote ${doc}\n`);
  }
}

if (process.argv[1] !== undefined && SELF === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
