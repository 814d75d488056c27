/**
 * The HTML report in a real browser: headless Chromium (test/setup/browser.ts) driven by playwright-core opens
 * the file with no network, every chart renders with one mark per data row (counted here from
 * the ledger's own projections, not from the report), nothing is logged as an error, and the
 * screenshot for the README is saved to docs/outcomes-report.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { COHORTS, STREAMS, planHistory, replay, type OutcomesJson } from 'ipb-ledger';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { ipb } from './cli-helpers.js';
import { ensureBuilt } from './outcomes-build.js';
import { launchChromium } from './setup/browser.js';

const SITE = 'examples/logs/ipc-site.jsonl';
const dir = mkdtempSync(join(tmpdir(), 'ipb-report-'));
let browser: Browser;

beforeAll(async () => {
  await ensureBuilt();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How many marks each chart must draw, worked out from the JSON outcomes and the projections. */
async function expectedMarks(): Promise<Record<string, number>> {
  const json = async (args: string[]) => {
    const r = await ipb(['outcomes', SITE, '--format', 'json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as OutcomesJson;
  };
  const overTime = (await json(['--period', 'quarter'])).rows.reduce(
    (n, r) => n + STREAMS.filter((s) => r.money[s].spent !== '0.00').length,
    0,
  );
  const byCohort = await json(['--by', 'cohort', '--period', 'quarter']);
  let split = 0;
  for (const c of COHORTS) {
    const rows = byCohort.rows.filter((r) => r.group.cohort === c);
    split += STREAMS.filter((s) => rows.some((r) => r.money[s].spent !== '0.00')).length;
  }
  const all = await json(['--period', 'year']);
  const categories = new Set(
    all.rows.flatMap((r) =>
      Object.entries(r.spentByCategory)
        .filter(([, v]) => v !== '0.00')
        .map(([k]) => k),
    ),
  ).size;
  // Lead times from planHistory (the projection auditors use): one bar per measure and whole day.
  const lead = new Set<number>();
  const referral = new Set<number>();
  for (const [, s] of replay(ipcSiteLedger().events()).entries()) {
    const h = planHistory(s);
    for (const p of h.plans) if (p.leadTimeDays !== undefined) lead.add(Math.floor(p.leadTimeDays));
    if (h.referralToAgreedDays !== undefined) referral.add(Math.floor(h.referralToAgreedDays));
  }
  return {
    'spend-over-time': overTime,
    'split-by-cohort': split,
    'spend-by-category': categories,
    'lead-times': lead.size + referral.size,
  };
}

describe('the HTML report in Chromium', () => {
  it('renders every chart with the right marks, no errors, no network', async () => {
    const out = join(dir, 'report.html');
    const r = await ipb([
      'outcomes',
      SITE,
      '--by',
      'site',
      '--period',
      'quarter',
      '--format',
      'html',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const want = await expectedMarks();
    expect(Object.values(want).every((n) => n > 0)).toBe(true);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });

    const marks = await page.$$eval('figure', (figs) =>
      Object.fromEntries(
        figs.map((f) => [f.id, f.querySelectorAll('svg g.mark-rect.role-mark path').length] as const),
      ),
    );
    expect(marks).toEqual(want);
    // Each chart is visible and has a real size on the page.
    for (const id of Object.keys(want)) {
      const box = await page.locator(`#${id} svg`).boundingBox();
      expect(box?.width ?? 0, id).toBeGreaterThan(300);
      expect(box?.height ?? 0, id).toBeGreaterThan(200);
    }
    const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await page.locator('table.summary tbody tr').count()).toBe(6);
    expect(problems).toEqual([]);
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);

    await page.screenshot({ path: resolve('docs/outcomes-report.png'), fullPage: true });
    await page.close();
  });
});
