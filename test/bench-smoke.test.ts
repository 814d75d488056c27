/**
 * The benchmark harness on a tiny log, so it cannot rot: every path runs and gives a row of
 * sane shape, the targets are checked, the Markdown has every row and goes between its
 * markers, and a path run in a child process reports its own peak RSS. No timing is asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS, percentile, toolPresent } from '../bench/paths.js';
import {
  DOC_END,
  DOC_START,
  ISSUE_TARGETS,
  resultsMarkdown,
  targetsMarkdown,
  withResults,
  type BenchResults,
} from '../bench/report.js';
import { runBench } from '../bench/run.js';

const databaseUrl = process.env['DATABASE_URL'];
const withPg = databaseUrl !== undefined && databaseUrl !== '';

let cacheDir: string;
let results: BenchResults;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'ipb-bench-smoke-'));
  results = await runBench({
    events: 2_000,
    runs: 2,
    commands: 400,
    slowCommands: 100,
    appends: 10,
    pgCommands: 20,
    pgWriters: 4,
    pgCommandsPerWriter: 5,
    wideBudgets: 100,
    peerEvents: 2_000,
    workers: 2,
    isolate: false,
    cacheDir,
    pgSchema: 'ipb_bench_smoke',
    ...(withPg ? { databaseUrl } : {}),
  });
}, 300_000);

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('npm run bench, on 2,000 events', () => {
  it('runs every path (the PostgreSQL ones when DATABASE_URL is set) and says why any was not run', () => {
    const ran = results.rows.map((r) => r.path);
    const skipped = results.skipped.map((s) => s.path);
    expect([...ran, ...skipped].sort()).toEqual([...PATHS].sort());
    // hledger and ledger are real parts: the peer rows run where they are installed
    const peers = ['peer-hledger', 'peer-ledger'].filter((p) => !toolPresent(p.slice(5)));
    const pg = withPg ? [] : ['pg-latency', 'pg-writers'];
    expect(skipped).toEqual([...pg, ...peers]);
    for (const s of results.skipped) expect(s.reason).toMatch(/DATABASE_URL|is not installed/);
    for (const p of ['peer-hledger', 'peer-ledger']) {
      const row = results.rows.find((r) => r.path === p);
      if (row !== undefined) expect(row.target?.note, p).toMatch(/ipb is [0-9.]+ x as fast/);
    }
    const wide = results.wideLog;
    expect(wide?.events).toBe(2_000);
    expect(results.log.events).toBe(2_000);
    expect(results.log.budgets).toBeGreaterThan(1);
    expect(results.log.bytes).toBeGreaterThan(2_000 * 100);
  });

  it('gives each row a count, runs, a median, a rate, a ratio to the ceiling and a peak RSS', () => {
    for (const row of results.rows) {
      expect(row.runsMs, row.path).toHaveLength(2);
      expect(row.units, row.path).toBeGreaterThan(0);
      expect(row.medianMs, row.path).toBeGreaterThan(0);
      expect(row.perSecond, row.path).toBeGreaterThan(0);
      expect(Number.isFinite(row.ratioToCeiling), row.path).toBe(true);
      expect(row.peakRssMb, row.path).toBeGreaterThan(10);
      expect(row.runsAgree, `${row.path}: every run gives the same output`).toBe(true);
    }
    const ceiling = results.rows.find((r) => r.path === 'ceiling');
    expect(ceiling?.ratioToCeiling).toBe(1);
    // Every path that reads the log reads all of it.
    for (const p of [
      'ceiling',
      'decode',
      'balances',
      'balances-unhashed',
      'verify',
      'outcomes-1',
      'outcomes-n',
    ] as const) {
      expect(results.rows.find((r) => r.path === p)?.units, p).toBe(2_000);
    }
    expect(results.rows.find((r) => r.path === 'commands')?.units).toBe(400);
    expect(results.rows.find((r) => r.path === 'file-append')?.units).toBe(10);
  });

  it('gives the same balances with and without hashes checked', () => {
    const a = results.rows.find((r) => r.path === 'balances');
    expect(a?.digest).toBeDefined();
    expect(results.rows.find((r) => r.path === 'balances-unhashed')?.digest).toBe(a?.digest);
  });

  it('gives the same outcomes for 1 worker and for 2', () => {
    const one = results.rows.find((r) => r.path === 'outcomes-1');
    const two = results.rows.find((r) => r.path === 'outcomes-n');
    expect(one?.digest).toBeDefined();
    expect(two?.digest).toBe(one?.digest);
    expect(two?.target?.note).toMatch(/results identical/);
  });

  it('checks every target of the issue, met or not', () => {
    const targeted = [
      'decode',
      'balances',
      'verify',
      'outcomes-n',
      'commands',
      ...(withPg ? ['pg-latency', 'pg-writers'] : []),
    ];
    for (const p of targeted) {
      const t = results.rows.find((r) => r.path === p)?.target;
      expect(t, p).toBeDefined();
      expect(typeof t?.met, p).toBe('boolean');
      expect(t?.text.length, p).toBeGreaterThan(5);
    }
    for (const p of [
      'ceiling',
      'balances-unhashed',
      'commands-immutable',
      'commands-handler',
      'file-append',
    ]) {
      expect(results.rows.find((r) => r.path === p)?.target, p).toBeNull();
    }
    if (withPg) {
      const w = results.rows.find((r) => r.path === 'pg-writers');
      expect(w?.detail['lost']).toBe(0);
      expect(w?.detail['events']).toBe(64 * 5 + 4 * 5);
      const l = results.rows.find((r) => r.path === 'pg-latency');
      expect(l?.detail['commandP50Ms']).toBeGreaterThan(0);
      expect(l?.detail['commandP99Ms']).toBeGreaterThanOrEqual(l?.detail['commandP50Ms'] ?? Infinity);
    }
  });

  it('writes a Markdown table with every row, between the markers of docs/performance.md', () => {
    const md = resultsMarkdown(results);
    for (const p of PATHS) expect(md).toContain(`| ${p} |`);
    expect(md).toContain(`Node ${process.versions.node}`);
    const page = `# Performance\n\nintro\n\n${DOC_START}\nold table\n${DOC_END}\n\n## Findings\n`;
    const updated = withResults(page, md);
    expect(updated).not.toContain('old table');
    expect(updated.startsWith('# Performance\n\nintro\n\n')).toBe(true);
    expect(updated.endsWith('\n\n## Findings\n')).toBe(true);
    expect(withResults(updated, 'second')).toContain(`${DOC_START}\n\nsecond\n\n${DOC_END}`);
  });

  it('gives a verdict on each target of issue 16, from the rows of the run', () => {
    const table = targetsMarkdown(results);
    expect(table.filter((l) => l.startsWith('| ') && !l.startsWith('| target'))).toHaveLength(
      ISSUE_TARGETS.length,
    );
    expect(resultsMarkdown(results)).toContain(table.join('\n'));
    for (const { path } of ISSUE_TARGETS) {
      const line = table.find((l) => l.includes(`| ${path} |`));
      const row = results.rows.find((r) => r.path === path);
      if (row === undefined) expect(line, path).toMatch(/not checked/);
      else if (path === 'balances-wide')
        expect(line, path).toMatch(/not checked \(fewer than 25,000 budgets\)/);
      else expect(line, path).toContain(row.target?.met === true ? '**met**' : '**missed**');
    }
  });
});

describe('the harness, in child processes', () => {
  it('runs a path in a process of its own and reads its peak RSS', async () => {
    const r = await runBench({
      events: 2_000,
      runs: 1,
      only: ['decode'],
      commands: 100,
      slowCommands: 10,
      appends: 1,
      pgCommands: 1,
      pgWriters: 1,
      pgCommandsPerWriter: 1,
      wideBudgets: 100,
      peerEvents: 2_000,
      isolate: true,
      cacheDir,
    });
    expect(r.rows.map((x) => x.path)).toEqual(['ceiling', 'decode']);
    for (const row of r.rows) {
      expect(row.units).toBe(2_000);
      expect(['time -v', 'child maxRSS']).toContain(row.rssSource);
      expect(row.peakRssMb).toBeGreaterThan(20);
    }
  }, 120_000);

  it('takes nearest-rank percentiles', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile([7], 99)).toBe(7);
  });
});
