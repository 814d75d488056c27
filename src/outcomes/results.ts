/**
 * Outcome rows as people and tools read them: JSON (money as contract strings, ratios as
 * decimal strings rounded half away from zero), CSV (one row per group and period, fixed
 * columns) and a plain-text table. Everything here is derived from exact cell sums.
 */
import { CATEGORIES, OPTIONS, RECLAIM_REASONS, STREAMS, type Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';
import { textTable } from '../projections/text.js';
import { MS_PER_DAY, daysOf, ratio, type ExactMultiset } from './exact.js';
import type { Dimension, OutcomeCell, OutcomeCells } from './metrics.js';
import type { PeriodKind } from './periods.js';

/** Money of one stream (or the total) in a row. */
export interface StreamMoneyJson {
  /** Agreed allocations and adjustments dated in the period. */
  readonly allocated: string;
  /** Spend dated in the period (reversed spends excluded). */
  readonly spent: string;
  /** Reclaims dated in the period. */
  readonly reclaimed: string;
  /** Allocated up to the end of the period. */
  readonly allocatedToDate: string;
  /** Spent up to the end of the period. */
  readonly spentToDate: string;
  /** Reclaimed up to the end of the period. */
  readonly reclaimedToDate: string;
  /** allocatedToDate - spentToDate - reclaimedToDate */
  readonly remaining: string;
  /** Underspend: remaining / allocatedToDate (4 decimals), null when nothing is allocated. */
  readonly underspend: string | null;
}

/** Summary statistics of durations (days, 2 decimals), from an exact multiset. */
export interface DurationStatsJson {
  readonly count: number;
  readonly medianDays: number | null;
  readonly p90Days: number | null;
  /** How many took at most 7 days (7 x 24 hours). */
  readonly within7Days: number;
  /** within7Days / count (4 decimals), null when count is 0. */
  readonly shareWithin7Days: string | null;
}

/** One row of outcomes: a group and a period. */
export interface OutcomeRowJson {
  readonly group: Readonly<Partial<Record<Dimension, string>>>;
  readonly period: {
    readonly label: string;
    readonly start: string;
    readonly end: string;
    readonly asAt: string;
  };
  readonly budgets: { readonly live: number; readonly active: number };
  /** Money by stream (all four, canonical order) and `total`. */
  readonly money: Readonly<Record<Stream | 'total', StreamMoneyJson>>;
  /** Each stream's share of the spend in the period (4 decimals), null when nothing was spent. */
  readonly spendShares: Readonly<Record<Stream, string | null>>;
  readonly spentByCategory: Readonly<Record<string, string>>;
  readonly spentByOption: Readonly<Record<string, string>>;
  readonly reclaimsByReason: Readonly<Record<string, { readonly count: number; readonly amount: string }>>;
  readonly changeRequests: number;
  readonly planChangeLeadTime: DurationStatsJson;
  readonly referralToAgreedPlan: DurationStatsJson;
  readonly reviews: { readonly onTime: number; readonly late: number; readonly overdueAtEnd: number };
  readonly flags: {
    readonly overspend: number;
    readonly offPlan: number;
    /** Flags per 100 active budgets (2 decimals), null when no budget is active. */
    readonly overspendPer100Budgets: string | null;
    readonly offPlanPer100Budgets: string | null;
  };
}

/** The whole result of an outcomes run. */
export interface OutcomesJson {
  readonly schema: 'ipb.outcomes/1';
  readonly by: readonly Dimension[];
  readonly period: PeriodKind;
  /** Last day reported. */
  readonly horizon: string | null;
  readonly rows: readonly OutcomeRowJson[];
}

const money = (p: bigint): string => Money.fromPence(p).toString();

function streamMoney(
  allocated: bigint,
  spent: bigint,
  reclaimed: bigint,
  aTo: bigint,
  sTo: bigint,
  rTo: bigint,
): StreamMoneyJson {
  const remaining = aTo - sTo - rTo;
  return {
    allocated: money(allocated),
    spent: money(spent),
    reclaimed: money(reclaimed),
    allocatedToDate: money(aTo),
    spentToDate: money(sTo),
    reclaimedToDate: money(rTo),
    remaining: money(remaining),
    underspend: ratio(remaining, aTo, 4),
  };
}

/** Count, median, 90th percentile and share within 7 days of a multiset of durations in ms. */
export function durationStats(m: ExactMultiset): DurationStatsJson {
  const within = m.countAtMost(7 * MS_PER_DAY);
  return {
    count: m.size,
    medianDays: daysOf(m.median()),
    p90Days: daysOf(m.quantile(9, 10)),
    within7Days: within,
    shareWithin7Days: ratio(within, m.size, 4),
  };
}

const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

/** The JSON row of a cell. */
export function rowOfCell(c: OutcomeCell): OutcomeRowJson {
  const moneyBy = {} as Record<Stream | 'total', StreamMoneyJson>;
  STREAMS.forEach((s, i) => {
    moneyBy[s] = streamMoney(
      c.allocated[i] as bigint,
      c.spent[i] as bigint,
      c.reclaimed[i] as bigint,
      c.allocatedToDate[i] as bigint,
      c.spentToDate[i] as bigint,
      c.reclaimedToDate[i] as bigint,
    );
  });
  const totalSpent = sum(c.spent);
  moneyBy.total = streamMoney(
    sum(c.allocated),
    totalSpent,
    sum(c.reclaimed),
    sum(c.allocatedToDate),
    sum(c.spentToDate),
    sum(c.reclaimedToDate),
  );
  const shares = {} as Record<Stream, string | null>;
  STREAMS.forEach((s, i) => {
    shares[s] = ratio(c.spent[i] as bigint, totalSpent, 4);
  });
  return {
    group: c.group,
    period: { label: c.period.label, start: c.period.start, end: c.period.end, asAt: c.asAt },
    budgets: { live: c.live, active: c.active },
    money: moneyBy,
    spendShares: shares,
    spentByCategory: Object.fromEntries(CATEGORIES.map((k, i) => [k, money(c.spentByCategory[i] as bigint)])),
    spentByOption: Object.fromEntries(OPTIONS.map((k, i) => [k, money(c.spentByOption[i] as bigint)])),
    reclaimsByReason: Object.fromEntries(
      RECLAIM_REASONS.map((k, i) => [
        k,
        { count: c.reclaimCount[i] as number, amount: money(c.reclaimAmount[i] as bigint) },
      ]),
    ),
    changeRequests: c.changeRequests,
    planChangeLeadTime: durationStats(c.leadTimes),
    referralToAgreedPlan: durationStats(c.referralToAgreed),
    reviews: { onTime: c.reviewsOnTime, late: c.reviewsLate, overdueAtEnd: c.overdueAtEnd },
    flags: {
      overspend: c.overspendFlags,
      offPlan: c.offPlanFlags,
      overspendPer100Budgets: ratio(100 * c.overspendFlags, c.active, 2),
      offPlanPer100Budgets: ratio(100 * c.offPlanFlags, c.active, 2),
    },
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Cells in row order: by the group values (in `by` order), then by period. */
export function sortedCells(cells: OutcomeCells, by: readonly Dimension[]): OutcomeCell[] {
  return [...cells.values()].sort((x, y) => {
    for (const d of by) {
      const c = cmp(x.group[d] ?? '', y.group[d] ?? '');
      if (c !== 0) return c;
    }
    return cmp(x.period.start, y.period.start);
  });
}

/** The JSON result of cells. */
export function outcomesJson(
  cells: OutcomeCells,
  by: readonly Dimension[],
  period: PeriodKind,
  horizon: string | null,
): OutcomesJson {
  return {
    schema: 'ipb.outcomes/1',
    by: [...by],
    period,
    horizon,
    rows: sortedCells(cells, by).map(rowOfCell),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV: RFC 4180, one header row, one row per group and period.

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const MONEY_FIELDS = [
  'allocated',
  'spent',
  'reclaimed',
  'allocatedToDate',
  'spentToDate',
  'reclaimedToDate',
  'remaining',
  'underspend',
] as const;

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');

/** The CSV columns for a grouping. */
export function csvHeader(by: readonly Dimension[]): string[] {
  const cols: string[] = [
    ...by,
    'period',
    'period_start',
    'period_end',
    'as_at',
    'budgets_live',
    'budgets_active',
  ];
  for (const s of [...STREAMS, 'total'] as const)
    for (const f of MONEY_FIELDS) cols.push(`${snake(s)}_${snake(f)}`);
  for (const s of STREAMS) cols.push(`share_of_spend_${snake(s)}`);
  for (const c of CATEGORIES) cols.push(`spent_category_${snake(c)}`);
  for (const o of OPTIONS) cols.push(`spent_option_${snake(o)}`);
  for (const r of RECLAIM_REASONS) cols.push(`reclaims_${snake(r)}_count`, `reclaims_${snake(r)}_amount`);
  cols.push('change_requests');
  for (const p of ['lead_time', 'referral_to_agreed']) {
    cols.push(
      `${p}_count`,
      `${p}_median_days`,
      `${p}_p90_days`,
      `${p}_within_7_days`,
      `${p}_share_within_7_days`,
    );
  }
  cols.push(
    'reviews_on_time',
    'reviews_late',
    'reviews_overdue_at_end',
    'flags_overspend',
    'flags_off_plan',
    'flags_overspend_per_100_budgets',
    'flags_off_plan_per_100_budgets',
  );
  return cols;
}

/** The CSV values of a row, in {@link csvHeader} order. */
export function csvValues(r: OutcomeRowJson, by: readonly Dimension[]): (string | number | null)[] {
  const v: (string | number | null)[] = [
    ...by.map((d) => r.group[d] ?? ''),
    r.period.label,
    r.period.start,
    r.period.end,
    r.period.asAt,
    r.budgets.live,
    r.budgets.active,
  ];
  for (const s of [...STREAMS, 'total'] as const) for (const f of MONEY_FIELDS) v.push(r.money[s][f]);
  for (const s of STREAMS) v.push(r.spendShares[s]);
  for (const c of CATEGORIES) v.push(r.spentByCategory[c] ?? null);
  for (const o of OPTIONS) v.push(r.spentByOption[o] ?? null);
  for (const x of RECLAIM_REASONS)
    v.push(r.reclaimsByReason[x]?.count ?? 0, r.reclaimsByReason[x]?.amount ?? null);
  v.push(r.changeRequests);
  for (const d of [r.planChangeLeadTime, r.referralToAgreedPlan]) {
    v.push(d.count, d.medianDays, d.p90Days, d.within7Days, d.shareWithin7Days);
  }
  v.push(
    r.reviews.onTime,
    r.reviews.late,
    r.reviews.overdueAtEnd,
    r.flags.overspend,
    r.flags.offPlan,
    r.flags.overspendPer100Budgets,
    r.flags.offPlanPer100Budgets,
  );
  return v;
}

/** The result as CSV text (header and one line per row, `\n` line ends, final newline). */
export function outcomesCsv(result: OutcomesJson): string {
  const lines = [csvHeader(result.by).map(csvCell).join(',')];
  for (const r of result.rows) lines.push(csvValues(r, result.by).map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Plain-text table: the headline figures.

const pct = (s: string | null): string => (s === null ? '-' : `${(Number(s) * 100).toFixed(1)}%`);
const num = (n: number | null): string => (n === null ? '-' : n.toFixed(2));

/** The headline figures as a plain-text table. */
export function outcomesTable(result: OutcomesJson): string {
  const rows = result.rows.map((r) => [
    ...result.by.map((d) => r.group[d] ?? ''),
    r.period.label,
    String(r.budgets.live),
    String(r.budgets.active),
    r.money.total.allocatedToDate,
    r.money.total.spent,
    r.money.total.remaining,
    pct(r.money.total.underspend),
    pct(r.spendShares.health),
    pct(r.spendShares['social-care']),
    String(r.planChangeLeadTime.count),
    num(r.planChangeLeadTime.medianDays),
    num(r.planChangeLeadTime.p90Days),
    `${r.reviews.onTime}/${r.reviews.late}/${r.reviews.overdueAtEnd}`,
    r.flags.overspendPer100Budgets ?? '-',
    r.flags.offPlanPer100Budgets ?? '-',
  ]);
  return textTable(
    [
      ...result.by,
      'period',
      '>live',
      '>active',
      '>allocated to date',
      '>spent in period',
      '>remaining',
      '>underspend',
      '>health',
      '>social care',
      '>changes',
      '>median days',
      '>p90 days',
      '>reviews ok/late/overdue',
      '>overspend/100',
      '>off-plan/100',
    ],
    rows,
  );
}
