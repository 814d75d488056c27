/**
 * The outcome report as one self-contained HTML file: a summary table and seven charts an
 * evaluator would put in a report (spend by stream over time, the health / social-care split by
 * cohort, spend by category, the lead-time distribution, people by management option, change
 * requests received, decided and waiting, and what changed for the person). The charts
 * (`report-charts.ts`) are Vega-Lite specs compiled to Vega and rendered to SVG on the server
 * (`View.toSVG()`), inlined in the page: opening the file needs no network and no script.
 */
import type { OutcomeFacts } from './facts.js';
import type { Dimension } from './cells.js';
import { outcomeCells } from './metrics.js';
import type { PeriodKind } from './periods.js';
import { outcomesJson, type OutcomesJson } from './results.js';
import { FONT, reportCharts } from './report-charts.js';

/** What the report says about its inputs (shown under the title). */
export interface ReportInput {
  /** Log files read, with their line counts. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly lines: number; readonly manifest: string }>;
  /** Events counted (after the time filter). */
  readonly counted: number;
  /** Lines skipped in tolerant mode, and chain breaks found. */
  readonly skippedLines: number;
  readonly chainBreaks: number;
  readonly asOf?: string;
  readonly knownAt?: string;
}

/** What to put in the report. */
export interface ReportOptions {
  readonly facts: OutcomeFacts;
  readonly by: readonly Dimension[];
  readonly period: PeriodKind;
  readonly horizon: string;
  readonly input: ReportInput;
  readonly title?: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function summaryTable(result: OutcomesJson): string {
  const pct = (s: string | null): string => (s === null ? '–' : `${(Number(s) * 100).toFixed(1)}%`);
  const num = (n: number | null): string => (n === null ? '–' : n.toFixed(1));
  const heads = [
    ...result.by,
    'period',
    'live at end',
    'active',
    'people live / active',
    'allocated to date (£)',
    'spent in period (£)',
    'remaining (£)',
    'underspend',
    'health share',
    'social-care share',
    'lead time median / p90 (days)',
    'within 7 days',
    'requests waiting / over 7 days',
    'reviews on time / late / overdue',
    'flags per 100 budgets (overspend / off-plan)',
  ];
  const rows = result.rows.map((r) => [
    ...result.by.map((d) => r.group[d] ?? ''),
    r.period.label,
    String(r.budgets.live),
    String(r.budgets.active),
    `${r.people.live} / ${r.people.active}`,
    r.money.total.allocatedToDate,
    r.money.total.spent,
    r.money.total.remaining,
    pct(r.money.total.underspend),
    pct(r.spendShares.health),
    pct(r.spendShares['social-care']),
    r.planChangeLeadTime.count === 0
      ? '–'
      : `${num(r.planChangeLeadTime.medianDays)} / ${num(r.planChangeLeadTime.p90Days)}`,
    pct(r.planChangeLeadTime.shareWithin7Days),
    `${r.requests.pendingAtEnd} / ${r.requests.pendingOver7Days}`,
    `${r.reviews.onTime} / ${r.reviews.late} / ${r.reviews.overdueAtEnd}`,
    `${r.flags.overspendPer100Budgets ?? '–'} / ${r.flags.offPlanPer100Budgets ?? '–'}`,
  ]);
  const textCols = result.by.length + 1;
  return [
    '<table class="summary">',
    `<thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map(
      (r) =>
        `<tr>${r.map((c, i) => (i < textCols ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
    ),
    '</tbody></table>',
  ].join('\n');
}

const CSS = `
:root { color-scheme: light; }
body { font-family: ${FONT}; margin: 2rem auto; max-width: 1180px; padding: 0 1rem; color: #212b32; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
p.meta { color: #4c6272; margin: .2rem 0; font-size: .9rem; }
p.warn { color: #8a1538; font-weight: 600; }
table.summary { border-collapse: collapse; font-size: .8rem; margin: 1.5rem 0; width: 100%; }
table.summary th, table.summary td { border-bottom: 1px solid #d8dde0; padding: .3rem .45rem; text-align: right; white-space: nowrap; }
table.summary thead th { background: #f0f4f5; vertical-align: bottom; white-space: normal; }
table.summary th[scope=row] { text-align: left; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 1.5rem; }
figure { margin: 0; border: 1px solid #d8dde0; border-radius: 4px; padding: .75rem; background: white; }
figcaption { font-size: .8rem; color: #4c6272; margin-top: .4rem; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 2rem; font-size: .8rem; color: #4c6272; }
`;

/** The whole report as one HTML document (inline CSS and SVG; no script, no network). */
export async function outcomesHtml(o: ReportOptions): Promise<string> {
  const cells = outcomeCells(o.facts, { by: o.by, period: o.period, horizon: o.horizon });
  const result = outcomesJson(cells, o.by, o.period, o.horizon);
  const charts = await reportCharts(o);
  const title = o.title ?? 'Outcomes of integrated personal budgets';
  const files = o.input.files
    .map((f) => `${escapeHtml(f.path)} (${f.lines} lines, manifest ${escapeHtml(f.manifest)})`)
    .join('; ');
  const filters = [
    o.input.asOf === undefined ? null : `as of ${o.input.asOf}`,
    o.input.knownAt === undefined ? null : `as known at ${o.input.knownAt}`,
  ].filter((x) => x !== null);
  const warn =
    o.input.skippedLines > 0 || o.input.chainBreaks > 0
      ? `<p class="meta warn">Read in tolerant mode: ${o.input.skippedLines} line(s) skipped and ${o.input.chainBreaks} chain break(s) found; these figures come from a log that does not verify.</p>`
      : '<p class="meta">Every line, hash and hash chain of the input was verified.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Input: ${files}. ${o.input.counted} events counted${filters.length > 0 ? ` (${escapeHtml(filters.join(', '))})` : ''}; reported up to ${escapeHtml(o.horizon)}; period: ${o.period === 'year' ? 'financial year (April to March)' : o.period}${o.by.length > 0 ? `; grouped by ${escapeHtml(o.by.join(', '))}` : ''}.</p>
${warn}
</header>
<main>
<section aria-labelledby="summary-h">
<h2 id="summary-h">Summary</h2>
${summaryTable(result)}
</section>
<section aria-labelledby="charts-h">
<h2 id="charts-h">Charts</h2>
<div class="charts">
${charts
  .map(
    (c) =>
      `<figure id="${c.id}" data-marks="${c.data.length}" aria-label="${escapeHtml(c.title)}">\n${c.svg}\n<figcaption>${escapeHtml(c.description)}</figcaption>\n</figure>`,
  )
  .join('\n')}
</div>
</section>
</main>
<footer>Made by ipb-ledger <code>ipb outcomes</code>. Money in the table is exact (pounds and pence); charts plot the same sums. Definitions: docs/outcomes.md.</footer>
</body>
</html>
`;
}
