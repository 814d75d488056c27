/**
 * `ipb outcomes` as a user runs it: the example site log gives the CSV and JSON committed in
 * docs/ (so the docs show a real run), any --workers gives the same bytes, logs that do not
 * verify are refused unless --tolerant (which counts what it skipped), bad options exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factsOfEvents, hashOfEnvelope, outcomeCells, outcomesJson } from 'ipb-ledger';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { hasStackTrace, ipb } from './cli-helpers.js';
import { ensureBuilt } from './outcomes-build.js';

const SITE = 'examples/logs/ipc-site.jsonl';
const dir = mkdtempSync(join(tmpdir(), 'ipb-outcomes-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await ensureBuilt();
});

describe('ipb outcomes on the example site log', () => {
  it('CSV and JSON equal the examples in docs/ (a real run) and the library', async () => {
    const csv = await ipb(['outcomes', SITE, '--by', 'site', '--period', 'quarter', '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(readFileSync('docs/outcomes-example.csv', 'utf8'));
    const json = await ipb(['outcomes', SITE, '--by', 'site', '--period', 'quarter', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(readFileSync('docs/outcomes-example.json', 'utf8'));
    const parsed = JSON.parse(json.stdout) as { rows: unknown; input: Record<string, unknown> };
    const facts = factsOfEvents(ipcSiteLedger().events());
    const lib = outcomesJson(
      outcomeCells(facts, { by: ['site'], period: 'quarter' }),
      ['site'],
      'quarter',
      facts.latest,
    );
    expect(parsed.rows).toEqual(lib.rows);
    expect(parsed.input).toMatchObject({
      verified: true,
      lines: 750,
      eventsCounted: 750,
      skippedLines: 0,
      chainBreaks: 0,
    });
    expect(parsed.input['files']).toEqual([{ path: SITE, lines: 750, manifest: 'ok' }]);
  });

  it('the table in docs/outcomes.md is a real run', async () => {
    const t = await ipb(['outcomes', SITE, '--by', 'cohort']);
    expect(t.code, t.stderr).toBe(0);
    expect(readFileSync('docs/outcomes.md', 'utf8')).toContain(t.stdout.trimEnd());
  });

  it('--preset phb-return: people by option per quarter, as docs/outcomes.md shows it', async () => {
    const t = await ipb(['outcomes', SITE, '--preset', 'phb-return']);
    expect(t.code, t.stderr).toBe(0);
    expect(readFileSync('docs/outcomes.md', 'utf8')).toContain(
      `$ ipb outcomes ${SITE} --preset phb-return\n${t.stdout.trimEnd()}\n\`\`\``,
    );
    // The CSV: one row per quarter; the options of the people live add up to the people live.
    const csv = await ipb([
      'outcomes',
      SITE,
      '--preset',
      'phb-return',
      '--period',
      'month',
      '--format',
      'csv',
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    const [head, ...rows] = csv.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(['2024-25 Q1', '2024-25 Q2', '2024-25 Q3']);
    const col = (r: string[], name: string) => Number(r[head?.indexOf(name) ?? -1]);
    for (const r of rows) {
      const options = ['notional', 'direct_payment', 'third_party', 'managed_account', 'mixed', 'none'];
      expect(options.reduce((n, o) => n + col(r, `people_option_${o}`), 0)).toBe(col(r, 'people_live'));
    }
    // From July one person holds two live budgets: 17 budgets, 16 people.
    expect(rows.map((r) => [col(r, 'budgets_live'), col(r, 'people_live')])).toEqual([
      [16, 16],
      [17, 16],
      [17, 16],
    ]);
  });

  it('gives the same bytes for 1, 3 and 8 workers', async () => {
    const args = [
      'outcomes',
      SITE,
      '--by',
      'site,cohort,basis,option',
      '--period',
      'month',
      '--format',
      'json',
    ];
    const runs = await Promise.all(
      [1, 3, 8].map((w) => ipb([...args, '--workers', String(w), '--min-range-bytes', '4096'])),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[1]?.stdout).toBe(runs[0]?.stdout);
    expect(runs[2]?.stdout).toBe(runs[0]?.stdout);
  });

  it('writes CSV, JSON and HTML files with --out', async () => {
    for (const format of ['csv', 'json', 'html']) {
      const out = join(dir, `site.${format}`);
      const r = await ipb(['outcomes', SITE, '--format', format, '--out', out, '--period', 'quarter']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`wrote ${out}\n`);
      const text = readFileSync(out, 'utf8');
      if (format === 'html') {
        expect(text).toMatch(/^<!doctype html>/);
        expect(text.match(/<svg /g)).toHaveLength(7);
        expect(text).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
      }
    }
  });
});

describe('logs that do not verify', () => {
  const lines = ipcSiteLedger().toLog().trimEnd().split('\n');
  const unknownAt = 100;
  const raw = JSON.parse(lines[unknownAt] as string) as Record<string, unknown>;
  raw['type'] = 'BudgetTeleported';
  raw['hash'] = hashOfEnvelope(raw);
  const bad = [...lines];
  bad[unknownAt] = JSON.stringify(raw);
  bad.splice(300, 1); // and a deleted event further on
  const path = join(dir, 'bad.jsonl');
  writeFileSync(path, `${bad.join('\n')}\n`);

  it('are refused, naming the first bad line', async () => {
    const r = await ipb(['outcomes', path, '--workers', '2', '--min-range-bytes', '4096']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`line ${unknownAt + 1}`);
    expect(r.stderr).toContain('unknown event type "BudgetTeleported"');
    expect(r.stderr).toContain('--tolerant');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('with --tolerant: computed, and the skipped lines and chain breaks are counted in the output', async () => {
    const r = await ipb([
      'outcomes',
      path,
      '--tolerant',
      '--format',
      'json',
      '--workers',
      '2',
      '--min-range-bytes',
      '4096',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { input: Record<string, unknown> };
    expect(j.input).toMatchObject({
      verified: false,
      lines: lines.length - 1,
      skippedLines: 1,
      skipped: { 'unknown-type': 1 },
      chainBreaks: 2,
    });
    expect(r.stderr).toMatch(/warning: the input does not verify .*skipped 1 line/);
    const t = await ipb(['outcomes', path, '--tolerant']);
    expect(t.stdout).toContain('NOT verified: 1 line(s) skipped, 2 chain break(s)');
  });

  it('bad options and files are usage errors (exit 2)', async () => {
    const cases = [
      [['outcomes', SITE, '--by', 'person'], 'unknown dimension "person"'],
      [['outcomes', SITE, '--period', 'week'], 'expected month, quarter or year'],
      [['outcomes', SITE, '--workers', '0'], 'expected a whole number >= 1'],
      [['outcomes', SITE, '--format', 'pdf'], 'Allowed choices are table, csv, json, html'],
      [['outcomes', join(dir, 'missing.jsonl')], 'no such file'],
      [['outcomes', SITE, '--as-of', '2025-02-30'], 'real calendar date'],
    ] as const;
    for (const [args, words] of cases) {
      const r = await ipb(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(words);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
