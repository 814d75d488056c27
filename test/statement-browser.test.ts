/**
 * The HTML statement in a real browser (headless Debian Chromium through playwright-core):
 * axe-core finds no WCAG 2.2 AA violation, headings go down one level at a time, every table
 * has a caption and header cells, no status is shown by colour alone, the page loads nothing
 * from outside, and in print media at the width of an A4 page nothing is cut off. Each check
 * is also run on a broken page, to show it can fail. Saves docs/statement-karl.png.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetStatement, statementHtml, type BudgetStatement } from 'ipb-ledger';
import { KARL } from '../examples/karl.js';
import { ipb } from './cli-helpers.js';
import { BUSY, busyLedger } from './statement-fixtures.js';

const CHROMIUM = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
/** WCAG 2.0, 2.1 and 2.2 at levels A and AA, as axe-core tags them. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
/** The printable width of A4 with the statement's 15 mm margins, in CSS pixels (96 per inch). */
const A4_CONTENT_PX = ((210 - 2 * 15) / 25.4) * 96;
const A4_CONTENT_HEIGHT_PX = ((297 - 2 * 15) / 25.4) * 96;

const dir = mkdtempSync(join(tmpdir(), 'ipb-statement-html-'));
let browser: Browser;
let karlHtml = '';
let busyHtml = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  const out = join(dir, 'karl.html');
  const r = await ipb([
    'statement',
    'examples/logs/karl.jsonl',
    '--budget',
    KARL,
    '--format',
    'html',
    '--out',
    out,
  ]);
  expect(r.code, r.stderr).toBe(0);
  karlHtml = out;
  busyHtml = join(dir, 'busy.html');
  const busy = budgetStatement(busyLedger().events(), BUSY, {
    asOf: '2024-09-01T23:59:59.999Z',
  }) as BudgetStatement;
  writeFileSync(busyHtml, statementHtml(busy));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(
  file: string,
  width = 1000,
): Promise<{ page: Page; requests: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (q) => requests.push(q.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests, problems };
}

async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
  // axe ran its rules: contrast, table headers, heading and landmark rules among them.
  const ran = [...r.passes, ...r.violations].map((x) => x.id);
  for (const rule of ['color-contrast', 'html-has-lang', 'document-title', 'list'])
    expect(ran).toContain(rule);
  return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

/** Heading levels in document order, and the problems with them. */
async function headingProblems(page: Page): Promise<{ levels: number[]; problems: string[] }> {
  const levels = await page.$$eval('h1, h2, h3, h4, h5, h6', (hs) =>
    hs.map((h) => Number(h.tagName.slice(1))),
  );
  const problems: string[] = [];
  if (levels[0] !== 1) problems.push('the first heading is not h1');
  if (levels.filter((l) => l === 1).length !== 1) problems.push('not exactly one h1');
  levels.forEach((l, i) => {
    const prev = levels[i - 1];
    if (prev !== undefined && l > prev + 1) problems.push(`h${prev} is followed by h${l}`);
  });
  return { levels, problems };
}

/** Tables without a caption, a header row of column headers, or a row header in each body row. */
async function tableProblems(page: Page): Promise<{ tables: number; problems: string[] }> {
  // Runs in the page (plain JavaScript: the test's TypeScript has no DOM types).
  return page.evaluate<{ tables: number; problems: string[] }>(`(() => {
    const problems = [];
    const tables = Array.from(document.querySelectorAll('table'));
    tables.forEach((t, i) => {
      if ((t.querySelector('caption')?.textContent ?? '').trim() === '') problems.push('table ' + i + ': no caption');
      const heads = t.querySelectorAll('thead th[scope="col"]').length;
      const cols = t.querySelector('tbody tr')?.children.length ?? 0;
      if (heads === 0 || heads !== cols) problems.push('table ' + i + ': ' + heads + ' column headers for ' + cols + ' columns');
      t.querySelectorAll('tbody tr').forEach((tr, j) => {
        if (tr.querySelector('th[scope="row"]') === null) problems.push('table ' + i + ' row ' + j + ': no row header');
      });
    });
    return { tables: tables.length, problems };
  })()`);
}

/**
 * In print media at the printable width of A4: anything that sticks out of the page, or whose
 * content is wider than its box (cut off or spilling over its neighbour).
 */
async function printProblems(page: Page): Promise<string[]> {
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: Math.floor(A4_CONTENT_PX), height: Math.floor(A4_CONTENT_HEIGHT_PX) });
  return page.evaluate<string[]>(`((limit) => {
    const out = [];
    if (document.documentElement.scrollWidth > limit) out.push('page is ' + document.documentElement.scrollWidth + 'px wide');
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (getComputedStyle(el).display === 'none') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const name = el.tagName.toLowerCase() + ' "' + (el.textContent ?? '').trim().slice(0, 30) + '"';
      if (r.right > limit + 0.5 || r.left < -0.5) out.push(name + ' spans ' + r.left.toFixed(0) + '-' + r.right.toFixed(0) + 'px');
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
        out.push(name + ': content ' + el.scrollWidth + 'px in a ' + el.clientWidth + 'px box');
    }
    return out;
  })(${Math.floor(A4_CONTENT_PX)})`);
}

/** Pages of an A4 PDF printed by Chromium. */
async function pdfPages(page: Page): Promise<number> {
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

describe('the HTML statement in Chromium', () => {
  it.each([
    ['Karl', () => karlHtml],
    ['a busy budget with a very long payee', () => busyHtml],
  ])('%s: axe-core finds no WCAG 2.2 AA violation; headings, tables and words are right', async (_, file) => {
    const { page, requests, problems } = await open(file());
    expect(await axeViolations(page)).toEqual([]);
    const h = await headingProblems(page);
    expect(h.problems).toEqual([]);
    expect(h.levels.filter((l) => l === 2)).toHaveLength(6);
    const t = await tableProblems(page);
    expect(t.problems).toEqual([]);
    expect(t.tables).toBeGreaterThanOrEqual(4);
    // Every row that is coloured also says what it is in words.
    const rows = await page.$$eval('tr.correction, tr.not-counted', (trs) =>
      trs.map((tr) => [tr.className, tr.textContent ?? ''] as const),
    );
    for (const [kind, text] of rows)
      expect(text).toContain(kind === 'correction' ? 'Correction.' : 'Not counted.');
    expect(rows.length).toBeGreaterThan(0);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the busy statement says overdue, paused and the reclaim in words', async () => {
    const { page } = await open(busyHtml);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Overdue.');
    expect(text).toContain('Paused.');
    expect(text).toContain('reconsideration');
    expect(text).toContain('RN-2024-17');
    await page.context().close();
  });

  it.each([
    ['Karl', () => karlHtml, 2],
    ['a busy budget with a very long payee', () => busyHtml, 3],
  ])('%s prints on A4 with nothing cut off', async (_, file, minPages) => {
    const { page } = await open(file());
    expect(await printProblems(page)).toEqual([]);
    expect(await page.locator('nav').isVisible()).toBe(false);
    expect(await pdfPages(page)).toBeGreaterThanOrEqual(minPages);
    await page.context().close();
  });

  it('the checks fail on a broken page', async () => {
    const broken = readFileSync(busyHtml, 'utf8')
      .replace('<html lang="en">', '<html>')
      .replace(/<caption>[^<]*<\/caption>/, '')
      .replace('<h3>Changes you asked for</h3>', '<h5>Changes you asked for</h5>')
      .replace('</style>', 'tr.correction td { color: #bbb; } </style>')
      .replace('<p>None are waiting.</p>', '')
      .replace(
        '</main>',
        '<pre>' + 'x'.repeat(300) + '</pre><table><tr><td>no headers</td></tr></table></main>',
      );
    const file = join(dir, 'broken.html');
    writeFileSync(file, broken);
    const { page } = await open(file);
    const violations = await axeViolations(page);
    expect(violations.some((v) => v.startsWith('html-has-lang'))).toBe(true);
    expect(violations.some((v) => v.startsWith('color-contrast'))).toBe(true);
    expect((await headingProblems(page)).problems).toContain('h2 is followed by h5');
    expect((await tableProblems(page)).problems.length).toBeGreaterThanOrEqual(2);
    expect((await printProblems(page)).some((p) => p.startsWith('pre'))).toBe(true);
    await page.context().close();
  });

  it("saves a screenshot of Karl's statement for the README", async () => {
    const { page } = await open(karlHtml, 820);
    // The first four sections (money, plan, spending, what is waiting): the rest is a long table.
    const top = (await page.locator('#actions').boundingBox())?.y ?? 0;
    expect(top).toBeGreaterThan(1000);
    await page.screenshot({
      path: resolve('docs/statement-karl.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 820, height: Math.floor(top) - 8 },
    });
    expect(existsSync(resolve('docs/statement-karl.png'))).toBe(true);
    await page.context().close();
  });
});
