/**
 * The charts of the outcome report: their data, from merged facts ({@link chartData}), and
 * their Vega-Lite specs compiled to Vega and rendered to SVG on the server ({@link reportCharts}),
 * so the page needs no network and no script. The page around them is `html.ts`.
 */
import { CATEGORIES, COHORTS, STREAMS, type Stream } from '../events/primitives.js';
import { ExactMultiset, MS_PER_DAY } from './exact.js';
import { BUDGET_OPTIONS, type BudgetOption, type OutcomeCell } from './cells.js';
import { outcomeCells } from './metrics.js';
import { rowOfCell } from './results.js';
import type { ReportOptions } from './html.js';

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

/** The font of the charts and the page. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Pounds for plotting only (the tables keep exact strings). */
const pounds = (pence: bigint): number => Number(pence) / 100;

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
