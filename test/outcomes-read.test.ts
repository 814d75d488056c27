/**
 * Reading logs for outcomes in byte ranges: any cut gives the facts of one pass, the checks
 * find the same first bad line as `verifyLog`, tolerant reading counts what it skips, and real
 * worker threads give the same result for 1..8 workers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  emptyFacts,
  factsOfEvents,
  factsToJson,
  hashOfEnvelope,
  joinChains,
  manifestOf,
  manifestText,
  mergeFacts,
  readLogsForOutcomes,
  readRange,
  verifyLog,
  type OutcomeFacts,
} from 'ipb-ledger';
import type * as Lib from 'ipb-ledger';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { ensureBuilt } from './outcomes-build.js';
import { handLedger } from './outcomes-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-outcomes-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const siteLedger = ipcSiteLedger(12);
const siteEvents = siteLedger.events();
const siteLog = siteLedger.toLog();
const sitePath = join(dir, 'site.jsonl');
const canon = (f: OutcomeFacts): string => JSON.stringify(factsToJson(f));
const wholeFacts = canon(factsOfEvents(siteEvents));

beforeAll(() => {
  writeFileSync(sitePath, siteLog);
});

/** Byte offsets of the starts of the lines of a text. */
function lineStarts(text: string): number[] {
  const starts = [0];
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 && i + 1 < bytes.length) starts.push(i + 1);
  return starts;
}

describe('byte ranges', () => {
  const starts = lineStarts(siteLog);
  const size = Buffer.byteLength(siteLog);

  it('property: any cut of the file at line starts merges into the one-pass facts, with no chain break', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: starts.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const offsets = [0, ...cuts.sort((a, b) => a - b).map((i) => starts[i] as number), size];
          const results = [];
          for (let r = 0; r + 1 < offsets.length; r++) {
            results.push(
              await readRange({
                path: sitePath,
                fileIndex: 0,
                rangeIndex: r,
                start: offsets[r] as number,
                end: offsets[r + 1] as number,
              }),
            );
          }
          // Merge in a scrambled order: facts do not care.
          const merged = [...results].reverse().reduce((a, r) => mergeFacts(a, r.facts), emptyFacts());
          expect(canon(merged)).toBe(wholeFacts);
          let offset = 0;
          const joined = joinChains(
            results.map((r) => {
              const x = { chain: r.chain, lineOffset: offset };
              offset += r.lines;
              return x;
            }),
          );
          expect(offset).toBe(siteEvents.length);
          expect(joined.breaks).toEqual([]);
          expect(joined.heads.size).toBe(new Set(siteEvents.map((e) => e.budgetId)).size);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('readLogsForOutcomes cuts a file into ranges read in this thread, same facts', async () => {
    for (const ranges of [1, 2, 5, 8]) {
      const r = await readLogsForOutcomes([sitePath], { ranges, minRangeBytes: 1 });
      expect(canon(r.facts), `${ranges} ranges`).toBe(wholeFacts);
      expect(r.firstProblem).toBeNull();
      expect(r.lines).toBe(siteEvents.length);
      expect(r.workersUsed).toBe(1);
    }
    // A log smaller than DEFAULT_MIN_RANGE_BYTES is read by this thread, whatever `workers` says.
    const small = await readLogsForOutcomes([sitePath], { workers: 4 });
    expect(small.workersUsed).toBe(1);
    expect(canon(small.facts)).toBe(wholeFacts);
  });
});

// ---------------------------------------------------------------------------------------------
// Tampering: the parallel checks name the same first bad line as the sequential verifier.

const handText = handLedger().toLog();
const handLines = handText.trimEnd().split('\n');

type Tamper = (lines: string[], i: number) => string[];
const TAMPERS: Record<string, Tamper> = {
  'edit a value, keep the old hash': (ls, i) =>
    ls.map((l, k) =>
      k === i ? l.replace(/"occurredAt":"(\d{4})/, (_m, y: string) => `"occurredAt":"${Number(y) - 1}`) : l,
    ),
  'edit a value and re-seal it': (ls, i) =>
    ls.map((l, k) => {
      if (k !== i) return l;
      const raw = JSON.parse(l) as Record<string, unknown>;
      (raw['actor'] as Record<string, unknown>)['id'] = 'forger';
      raw['hash'] = hashOfEnvelope(raw);
      return JSON.stringify(raw);
    }),
  'delete a line': (ls, i) => ls.filter((_l, k) => k !== i),
  'duplicate a line': (ls, i) => ls.flatMap((l, k) => (k === i ? [l, l] : [l])),
  'swap with the next line of the same budget': (ls, i) => {
    const id = (JSON.parse(ls[i] as string) as { budgetId: string }).budgetId;
    const j = ls.findIndex((l, k) => k > i && l.includes(`"budgetId":"${id}"`));
    if (j === -1) return ls.filter((_l, k) => k !== i);
    const out = [...ls];
    out[i] = ls[j] as string;
    out[j] = ls[i] as string;
    return out;
  },
  'an event type this reader does not know': (ls, i) =>
    ls.map((l, k) => {
      if (k !== i) return l;
      const raw = JSON.parse(l) as Record<string, unknown>;
      raw['type'] = 'BudgetTeleported';
      raw['hash'] = hashOfEnvelope(raw);
      return JSON.stringify(raw);
    }),
  'not JSON': (ls, i) => ls.map((l, k) => (k === i ? l.slice(0, 40) : l)),
};

describe('the checks find the first bad line, whatever the ranges', () => {
  it('property: same first line as verifyLog for any single tampering and any cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(TAMPERS)),
        fc.integer({ min: 0, max: handLines.length - 1 }),
        fc.integer({ min: 1, max: 6 }),
        async (kind, i, ranges) => {
          const tampered = `${(TAMPERS[kind] as Tamper)(handLines, i).join('\n')}\n`;
          const path = join(dir, `tampered-${ranges}.jsonl`);
          writeFileSync(path, tampered);
          const want = await verifyLog(path, { manifest: false });
          const got = await readLogsForOutcomes([path], { ranges, minRangeBytes: 1 });
          // (Re-sealing a budget's last event cannot be seen without a manifest: both say intact.)
          expect(got.firstProblem?.line ?? null, `${kind} at line ${i + 1}: ${want.firstError?.reason}`).toBe(
            want.firstError?.line ?? null,
          );
          expect(got.firstProblem?.budgetId ?? null).toBe(want.firstError?.budgetId ?? null);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tolerant reading skips and counts lines that fail, counts chain breaks, and uses every other event', async () => {
    const lines = [...handLines];
    const unknown = TAMPERS['an event type this reader does not know'] as Tamper;
    const edited = TAMPERS['edit a value, keep the old hash'] as Tamper;
    const bad = edited(unknown(lines, 3), 10);
    const path = join(dir, 'tolerant.jsonl');
    writeFileSync(path, `${bad.join('\n')}\n`);
    const strict = await readLogsForOutcomes([path], { ranges: 3, minRangeBytes: 1 });
    expect(strict.firstProblem?.line).toBe(4);
    const r = await readLogsForOutcomes([path], { tolerant: true, ranges: 3, minRangeBytes: 1 });
    expect(r.skipped).toEqual({ 'unknown-type': 1, hash: 1 });
    expect(r.skippedLines).toBe(2);
    // The budgets of the two skipped lines each show one break where their chains jump.
    expect(r.chainBreaks).toBe(2);
    const kept = handLedger()
      .events()
      .filter((_e, k) => k !== 3 && k !== 10);
    expect(canon(r.facts)).toBe(canon(factsOfEvents(kept)));
  });

  it('a manifest beside the log finds a cut at a line end that the lines alone cannot show', async () => {
    const events = handLedger().events();
    const path = join(dir, 'cut.jsonl');
    writeFileSync(`${path}.manifest.json`, manifestText(manifestOf(events)));
    writeFileSync(path, `${handLines.slice(0, -1).join('\n')}\n`);
    const r = await readLogsForOutcomes([path], { ranges: 2, minRangeBytes: 1 });
    expect(r.firstProblem?.reason).toMatch(
      new RegExp(`manifest .*ends after ${events.length - 1} lines .*lists ${events.length} events`),
    );
    expect(r.files[0]?.manifest).not.toBe('ok');
    writeFileSync(path, handText);
    const ok = await readLogsForOutcomes([path], { ranges: 2, minRangeBytes: 1 });
    expect(ok.firstProblem).toBeNull();
    expect(ok.files[0]?.manifest).toBe('ok');
  });

  it('budgets with the same id in two files are different budgets', async () => {
    const a = join(dir, 'a.jsonl');
    writeFileSync(a, handText);
    const r = await readLogsForOutcomes([a, a], { ranges: 4, minRangeBytes: 1 });
    expect(r.firstProblem).toBeNull();
    expect(r.facts.budgets.size).toBe(6);
  });
});

// ---------------------------------------------------------------------------------------------
// Real worker threads, from the built package (the worker is a .js file in dist/).

describe('worker threads', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it('property: 1..8 workers give the same facts (the dist build, real threads)', async () => {
    const dist = (await import(join(process.cwd(), 'dist/src/outcomes/index.js'))) as typeof Lib;
    for (let workers = 1; workers <= 8; workers++) {
      const r = await dist.readLogsForOutcomes([sitePath], { workers, minRangeBytes: 1 });
      expect(r.workersUsed, `${workers} workers`).toBe(workers);
      expect(JSON.stringify(dist.factsToJson(r.facts)), `${workers} workers`).toBe(wholeFacts);
    }
  });

  it('a log with a bad line is reported the same way by workers', async () => {
    const dist = (await import(join(process.cwd(), 'dist/src/outcomes/index.js'))) as typeof Lib;
    const path = join(dir, 'bad-for-workers.jsonl');
    const lines = readFileSync(sitePath, 'utf8').trimEnd().split('\n');
    writeFileSync(path, `${(TAMPERS['delete a line'] as Tamper)(lines, 400).join('\n')}\n`);
    const want = await verifyLog(path, { manifest: false });
    const r = await dist.readLogsForOutcomes([path], { workers: 4, minRangeBytes: 1 });
    expect(r.workersUsed).toBe(4);
    expect(r.firstProblem?.line).toBe(want.firstError?.line);
  });
});
