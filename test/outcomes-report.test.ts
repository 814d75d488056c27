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
import { COHORTS, STREAMS, planHistory, planOn, replay, type OutcomesJson } from 'ipb-ledger';
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
  const events = ipcSiteLedger().events();
  const quarterEnds = (await json(['--period', 'quarter'])).rows.map((r) => r.period.asAt);
  expect(quarterEnds).toEqual(['2024-06-30', '2024-09-30', '2024-12-28']);
  // People by option, from the events: each person once per quarter end, by the options of the
  // lines of the plans in force on their live budgets.
  const states = new Map(replay(events).entries());
  const opened = events.flatMap((e) => (e.type === 'BudgetOpened' ? [e] : []));
  let people = 0;
  for (const asAt of quarterEnds) {
    const options = new Map<string, Set<string>>();
    for (const o of opened) {
      if (o.data.periodStart > asAt || o.data.periodEnd < asAt) continue;
      const set = options.get(o.data.personRef) ?? new Set<string>();
      options.set(o.data.personRef, set);
      const plan = planOn(states.get(o.budgetId)?.plans ?? [], asAt);
      for (const l of plan?.lines ?? []) set.add(l.option);
    }
    people += new Set([...options.values()].map((s) => (s.size > 1 ? 'mixed' : ([...s][0] ?? 'none')))).size;
  }
  // Change requests by quarter: received, agreed (a plan proposed for it agreed), waiting at the end.
  const quarterOf = (d: string) => quarterEnds.findIndex((q) => d <= q);
  const asked = events.flatMap((e) =>
    e.type === 'ChangeRequested' ? [[`${e.budgetId}/${e.data.changeRequestId}`, e.occurredAt] as const] : [],
  );
  const requestOfPlan = new Map<string, string>();
  const agreedAt = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'PlanProposed' && e.data.changeRequestId !== undefined)
      requestOfPlan.set(`${e.budgetId}/${e.data.planVersion}`, `${e.budgetId}/${e.data.changeRequestId}`);
    if (e.type === 'PlanAgreed') {
      const cr = requestOfPlan.get(`${e.budgetId}/${e.data.planVersion}`);
      if (cr !== undefined && !agreedAt.has(cr)) agreedAt.set(cr, e.occurredAt);
    }
  }
  let requests = 0;
  quarterEnds.forEach((asAt, q) => {
    const end = Date.parse(`${asAt}T00:00:00.000Z`) + 86_400_000;
    const received = asked.filter(([, at]) => quarterOf(at.slice(0, 10)) === q).length;
    const agreed = asked.filter(([cr]) => quarterOf((agreedAt.get(cr) ?? '9999').slice(0, 10)) === q).length;
    const waiting = asked.filter(
      ([cr, at]) => at.slice(0, 10) <= asAt && (agreedAt.get(cr) ?? '9999') > `${asAt}T23`,
    );
    const over7 = waiting.filter(([, at]) => end - Date.parse(at) > 7 * 86_400_000).length;
    requests += [received, agreed, waiting.length, over7].filter((n) => n > 0).length;
  });
  // Outcome change: each person's first and latest measure per instrument, by item mean.
  const measures = new Map<string, { on: string; mean: number }[]>();
  const personOf = new Map(opened.map((o) => [o.budgetId, o.data.personRef]));
  for (const e of events) {
    if (e.type !== 'OutcomeRecorded') continue;
    const k = `${e.data.instrument}\t${personOf.get(e.budgetId)}`;
    const mean = e.data.items.reduce((a, i) => a + i.score, 0) / e.data.items.length;
    measures.set(k, [...(measures.get(k) ?? []), { on: e.data.measuredOn, mean }]);
  }
  const directions = new Set<string>();
  for (const [k, ms] of measures) {
    if (ms.length < 2) continue;
    ms.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
    const d = (ms[ms.length - 1]?.mean ?? 0) - (ms[0]?.mean ?? 0);
    directions.add(`${k.split('\t')[0]} ${d > 0 ? 'improved' : d < 0 ? 'worse' : 'unchanged'}`);
  }
  return {
    'spend-over-time': overTime,
    'split-by-cohort': split,
    'spend-by-category': categories,
    'lead-times': lead.size + referral.size,
    'people-by-option': people,
    'change-requests': requests,
    'outcome-change': directions.size,
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
    expect(await page.locator('figure').count()).toBe(7);
    expect(problems).toEqual([]);
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);

    await page.screenshot({ path: resolve('docs/outcomes-report.png'), fullPage: true });
    await page.close();
  });
});
