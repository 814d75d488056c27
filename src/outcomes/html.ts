/**
 * The outcome report as one self-contained HTML file: a summary table and seven charts an
 * evaluator would put in a report (spend by stream over time, the health / social-care split by
 * cohort, spend by category, the lead-time distribution, people by management option, change
 * requests received, decided and waiting, and what changed for the person). The charts are
 * Vega-Lite specs compiled to Vega and rendered to SVG on the server (`View.toSVG()`), inlined
 * in the page: opening the file needs no network and no script.
 */
import { CATEGORIES, COHORTS, STREAMS, type Stream } from '../events/primitives.js';
import { ExactMultiset, MS_PER_DAY } from './exact.js';
import type { OutcomeFacts } from './facts.js';
import { BUDGET_OPTIONS, type BudgetOption, type Dimension, type OutcomeCell } from './cells.js';
import { outcomeCells } from './metrics.js';
import type { PeriodKind } from './periods.js';
import { outcomesJson, rowOfCell, type OutcomesJson } from './results.js';

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

/** One chart of the report: its id, title, the rows it plots and its SVG. */
export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly data: readonly Record<string, string | number>[];
  readonly svg: string;
}

/** Colours of the funding streams (NHS blue for health). */
export const STREAM_COLOURS: Readonly<Record<Stream, string>> = {
  health: '#005eb8',
  'social-care': '#d5281b',
  education: '#007f3b',
  contribution: '#768692',
};

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Pounds for plotting only (the tables keep exact strings). */
const pounds = (pence: bigint): number => Number(pence) / 100;

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Common parts of every chart; `width` is the plot's (horizontal bars leave room for labels). */
const base = (title: string, description: string, width = 560): Record<string, unknown> => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: title, anchor: 'start', fontSize: 15, font: FONT },
  description,
  width,
  height: 240,
  background: 'white',
  config: {
    font: FONT,
    axis: {
      labelFont: FONT,
      titleFont: FONT,
      labelFontSize: 11,
      titleFontSize: 12,
      labelLimit: 220,
      grid: true,
      gridColor: '#eee',
    },
    legend: { labelFont: FONT, titleFont: FONT, orient: 'bottom', labelLimit: 260 },
    view: { stroke: null },
  },
});

const streamScale = (present: readonly Stream[]) => ({
  domain: STREAMS.filter((s) => present.includes(s)),
  range: STREAMS.filter((s) => present.includes(s)).map((s) => STREAM_COLOURS[s]),
});

function sumCells(cells: Iterable<OutcomeCell>, pick: (c: OutcomeCell) => readonly bigint[]): bigint[] {
  let out: bigint[] | null = null;
  for (const c of cells) {
    const xs = pick(c);
    out = out === null ? [...xs] : out.map((v, i) => v + (xs[i] ?? 0n));
  }
  return out ?? [];
}

/** Colours of the management options in the people chart. */
export const OPTION_COLOURS: Readonly<Record<BudgetOption, string>> = {
  notional: '#005eb8',
  'direct-payment': '#ffb81c',
  'third-party': '#007f3b',
  'managed-account': '#330072',
  mixed: '#768692',
  none: '#d8dde0',
};

/** The data of the charts, from merged facts. */
export function chartData(o: Pick<ReportOptions, 'facts' | 'period' | 'horizon'>) {
  const whole = [...outcomeCells(o.facts, { period: o.period, horizon: o.horizon }).values()].sort((a, b) =>
    a.period.start < b.period.start ? -1 : 1,
  );
  const overTime: Record<string, string | number>[] = [];
  for (const c of whole) {
    STREAMS.forEach((s, i) => {
      const p = c.spent[i] as bigint;
      if (p !== 0n) overTime.push({ period: c.period.label, stream: s, rank: i, pounds: pounds(p) });
    });
  }
  const byCohort = [
    ...outcomeCells(o.facts, { by: ['cohort'], period: o.period, horizon: o.horizon }).values(),
  ];
  const split: Record<string, string | number>[] = [];
  for (const cohort of COHORTS) {
    const spent = sumCells(
      byCohort.filter((c) => c.group.cohort === cohort),
      (c) => c.spent,
    );
    STREAMS.forEach((s, i) => {
      const p = spent[i] ?? 0n;
      if (p > 0n) split.push({ cohort, stream: s, rank: i, pounds: pounds(p) });
    });
  }
  const byCategory = sumCells(whole, (c) => c.spentByCategory);
  const categories: Record<string, string | number>[] = [];
  CATEGORIES.forEach((k, i) => {
    const p = byCategory[i] ?? 0n;
    if (p !== 0n) categories.push({ category: k, pounds: pounds(p) });
  });
  const lead = new ExactMultiset();
  const referral = new ExactMultiset();
  for (const c of whole) {
    lead.addAll(c.leadTimes);
    referral.addAll(c.referralToAgreed);
  }
  const leadTimes: Record<string, string | number>[] = [];
  for (const [measure, m] of [
    ['change request to agreed plan', lead],
    ['referral to first agreed plan', referral],
  ] as const) {
    const days = new Map<number, number>();
    for (const [ms, n] of m.entries()) {
      const d = Math.floor(ms / MS_PER_DAY);
      days.set(d, (days.get(d) ?? 0) + n);
    }
    for (const [d, n] of [...days].sort((a, b) => a[0] - b[0])) {
      leadTimes.push({ measure, days: d, daysEnd: d + 1, count: n });
    }
  }
  // People live at each period end by option, change requests by period, outcome change at the horizon.
  const rows = whole.map(rowOfCell);
  const people: Record<string, string | number>[] = [];
  const requests: Record<string, string | number>[] = [];
  for (const r of rows) {
    BUDGET_OPTIONS.forEach((o, i) => {
      const n = r.people.byOption[o];
      if (n > 0) people.push({ period: r.period.label, option: o, rank: i, people: n });
    });
    const q = r.requests;
    for (const [measure, n] of [
      ['received', q.received],
      ['agreed', q.agreed],
      ['declined', q.declined],
      ['waiting at the end', q.pendingAtEnd],
      ['waiting over 7 days', q.pendingOver7Days],
    ] as const) {
      if (n > 0) requests.push({ period: r.period.label, measure, count: n });
    }
  }
  const change: Record<string, string | number>[] = [];
  const last = rows[rows.length - 1];
  for (const o of last?.outcomeChange ?? []) {
    for (const [direction, rank, n] of [
      ['improved', 0, o.improved],
      ['unchanged', 1, o.unchanged],
      ['worse', 2, o.worse],
    ] as const) {
      if (n > 0) change.push({ instrument: o.instrument, direction, rank, people: n });
    }
  }
  return { overTime, split, categories, leadTimes, people, requests, change };
}

/** Renders the charts to SVG. */
export async function reportCharts(
  o: Pick<ReportOptions, 'facts' | 'period' | 'horizon'>,
): Promise<ReportChart[]> {
  const d = chartData(o);
  const presentTime = [...new Set(d.overTime.map((x) => x['stream'] as Stream))];
  const presentSplit = [...new Set(d.split.map((x) => x['stream'] as Stream))];
  const specs: Omit<ReportChart, 'svg'>[] = [
    {
      id: 'spend-over-time',
      title: 'Spend by funding stream over time',
      description: `Spend in each ${o.period === 'year' ? 'financial year' : o.period}, stacked by funding stream (reversed spends excluded).`,
      data: d.overTime,
    },
    {
      id: 'split-by-cohort',
      title: 'Health and social-care split of spend by cohort',
      description: 'Each funding stream’s share of the spend of each cohort, over the whole report.',
      data: d.split,
    },
    {
      id: 'spend-by-category',
      title: 'Spend by category',
      description: 'Spend by the category of the plan line it was recorded against, over the whole report.',
      data: d.categories,
    },
    {
      id: 'lead-times',
      title: 'Lead-time distribution',
      description:
        'How many change requests were agreed, and how many budgets got their first agreed plan, within each whole day (day 2 = from 48 up to 72 hours); bars of the two measures stack where they share a day.',
      data: d.leadTimes,
    },
  ];
  specs.push(
    {
      id: 'people-by-option',
      title: 'People by management option',
      description:
        'People with a budget live at the end of each period, each counted once, by the options of the lines of the plans in force on their live budgets (mixed: several; no plan: none in force).',
      data: d.people,
    },
    {
      id: 'change-requests',
      title: 'Change requests: received, decided and waiting',
      description:
        'Requests received in each period, first decided in it (agreed or declined), and still waiting at its end (and of those, waiting more than 7 days).',
      data: d.requests,
    },
    {
      id: 'outcome-change',
      title: 'What changed for the person',
      description:
        'People measured at least twice by the end of the report, by instrument: latest score (the mean of its items) better, the same or worse than the first.',
      data: d.change,
    },
  );
  const presentOptions = BUDGET_OPTIONS.filter((o) => d.people.some((x) => x['option'] === o));
  const vlSpecs: Record<string, unknown>[] = [
    {
      ...base(specs[0]?.title ?? '', specs[0]?.description ?? ''),
      data: { values: d.overTime },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: null, sort: null, axis: { labelAngle: 0 } },
        y: { field: 'pounds', type: 'quantitative', title: 'spent (£)', axis: { format: ',.0f' } },
        color: { field: 'stream', type: 'nominal', title: 'stream', scale: streamScale(presentTime) },
        order: { field: 'rank', sort: 'ascending' },
      },
    },
    {
      ...base(specs[1]?.title ?? '', specs[1]?.description ?? '', 440),
      data: { values: d.split },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'cohort', type: 'nominal', title: null, sort: [...COHORTS] },
        x: {
          field: 'pounds',
          type: 'quantitative',
          stack: 'normalize',
          title: 'share of spend',
          axis: { format: '.0%' },
        },
        color: { field: 'stream', type: 'nominal', title: 'stream', scale: streamScale(presentSplit) },
        order: { field: 'rank', sort: 'ascending' },
      },
    },
    {
      ...base(specs[2]?.title ?? '', specs[2]?.description ?? '', 440),
      data: { values: d.categories },
      mark: { type: 'bar', tooltip: true, color: '#005eb8' },
      encoding: {
        y: { field: 'category', type: 'nominal', title: null, sort: '-x' },
        x: { field: 'pounds', type: 'quantitative', title: 'spent (£)', axis: { format: ',.0f' } },
      },
    },
    {
      ...base(specs[3]?.title ?? '', specs[3]?.description ?? ''),
      data: { values: d.leadTimes },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: {
          field: 'days',
          bin: 'binned',
          type: 'quantitative',
          title: 'days (one bar per whole day)',
          scale: { domainMin: 0 },
          axis: { tickMinStep: 1, format: 'd' },
        },
        x2: { field: 'daysEnd' },
        y: { field: 'count', type: 'quantitative', title: 'how many', axis: { tickMinStep: 1, format: 'd' } },
        color: {
          field: 'measure',
          type: 'nominal',
          title: null,
          scale: { range: ['#005eb8', '#ffb81c'] },
        },
      },
    },
    {
      ...base(specs[4]?.title ?? '', specs[4]?.description ?? ''),
      data: { values: d.people },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: null, sort: null, axis: { labelAngle: 0 } },
        y: { field: 'people', type: 'quantitative', title: 'people', axis: { tickMinStep: 1, format: 'd' } },
        color: {
          field: 'option',
          type: 'nominal',
          title: 'option',
          scale: { domain: presentOptions, range: presentOptions.map((o) => OPTION_COLOURS[o]) },
        },
        order: { field: 'rank', sort: 'ascending' },
      },
    },
    {
      ...base(specs[5]?.title ?? '', specs[5]?.description ?? ''),
      data: { values: d.requests },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: null, sort: null, axis: { labelAngle: 0 } },
        xOffset: {
          field: 'measure',
          type: 'nominal',
          sort: ['received', 'agreed', 'declined', 'waiting at the end', 'waiting over 7 days'],
        },
        y: { field: 'count', type: 'quantitative', title: 'requests', axis: { tickMinStep: 1, format: 'd' } },
        color: {
          field: 'measure',
          type: 'nominal',
          title: null,
          scale: {
            domain: ['received', 'agreed', 'declined', 'waiting at the end', 'waiting over 7 days'],
            range: ['#005eb8', '#007f3b', '#d5281b', '#ffb81c', '#8a1538'],
          },
        },
      },
    },
    {
      ...base(specs[6]?.title ?? '', specs[6]?.description ?? '', 440),
      data: { values: d.change },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'instrument', type: 'nominal', title: null },
        x: {
          field: 'people',
          type: 'quantitative',
          title: 'people measured twice',
          axis: { tickMinStep: 1, format: 'd' },
        },
        color: {
          field: 'direction',
          type: 'nominal',
          title: null,
          scale: { domain: ['improved', 'unchanged', 'worse'], range: ['#007f3b', '#aeb7bd', '#d5281b'] },
        },
        order: { field: 'rank', sort: 'ascending' },
      },
    },
  ];
  const svgs = await Promise.all(vlSpecs.map(renderSvg));
  return specs.map((s, i) => ({ ...s, svg: svgs[i] ?? '' }));
}

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
