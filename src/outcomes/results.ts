/**
 * Outcome rows as people and tools read them: JSON (money as contract strings, ratios as
 * decimal strings rounded half away from zero), CSV (one row per group and period, fixed
 * columns) and a plain-text table. Everything here is derived from exact cell sums.
 */
import {
  CATEGORIES,
  INSTRUMENT_NAMES,
  OPTIONS,
  RECLAIM_REASONS,
  STREAMS,
  type ManagementOption,
  type Stream,
} from '../events/primitives.js';
import { epochDay } from '../events/time.js';
import { Money } from '../money/money.js';
import { textTable } from '../projections/text.js';
import { ExactMultiset, MS_PER_DAY, daysOf, ratio, roundedDecimal } from './exact.js';
import {
  BUDGET_OPTIONS,
  type BudgetOption,
  type Dimension,
  type OutcomeCell,
  type OutcomeCells,
  type PersonMeasure,
} from './metrics.js';
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

/** People (not budgets) in a row: each person once, however many budgets they hold in it. */
export interface PeopleJson {
  /** People with a budget live at the period end (its as-at day). */
  readonly live: number;
  /** People with a budget active in the period. */
  readonly active: number;
  /** People live whose live budgets together have health and social-care money allocated to date. */
  readonly integrated: number;
  /**
   * People live by the management options of the lines of the plans in force on their live
   * budgets: one option, `mixed` (several), `none` (no plan in force on any of them).
   */
  readonly byOption: Readonly<Record<BudgetOption, number>>;
  /** Each option's share of the people live (4 decimals), null when nobody is live. */
  readonly optionShares: Readonly<Record<BudgetOption, string | null>>;
  /** Of the people counted as `mixed`, how many have lines of each option. */
  readonly mixedIncludes: Readonly<Record<ManagementOption, number>>;
}

/** Change requests: received, decided and waiting. */
export interface RequestsJson {
  /** Received (asked for) in the period. */
  readonly received: number;
  /** First decided in the period: agreed (a plan proposed for it was agreed) or declined. */
  readonly agreed: number;
  readonly declined: number;
  /** Still waiting at the end of the period (as-at day): neither agreed nor declined by then. */
  readonly pendingAtEnd: number;
  /** Of those, waiting more than 7 days (7 x 24 hours to the end of the as-at day). */
  readonly pendingOver7Days: number;
  /** Ages of the waiting requests (days, 2 decimals), null when none waits. */
  readonly pendingAgeDays: {
    readonly median: number | null;
    readonly p90: number | null;
    readonly max: number | null;
  };
  /**
   * Requests received in the period that were decided within 7 days or whose 7 days had run
   * out by the end of the horizon day (decided later, or still waiting).
   */
  readonly due7Days: number;
  readonly decidedWithin7Days: number;
  /** decidedWithin7Days / due7Days (4 decimals), null when none is due. */
  readonly shareDecidedWithin7Days: string | null;
}

/** Outcome change for the person, for one instrument. */
export interface OutcomeChangeJson {
  readonly instrument: string;
  /** People with at least one measure up to the as-at day. */
  readonly peopleMeasured: number;
  /** People with at least two: the ones whose change is reported. */
  readonly peopleMeasuredTwice: number;
  /** Mean over those people of (latest score - first score), a score being the mean of its items (2 decimals). */
  readonly meanChange: string | null;
  readonly improved: number;
  readonly unchanged: number;
  readonly worse: number;
  /** Shares of peopleMeasuredTwice (4 decimals). */
  readonly shareImproved: string | null;
  readonly shareUnchanged: string | null;
  readonly shareWorse: string | null;
  /** Days between one measure of a person and their next (every such interval). */
  readonly daysBetween: {
    readonly count: number;
    readonly median: number | null;
    readonly p90: number | null;
  };
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
  readonly people: PeopleJson;
  /** Budgets live at the period end by their option (as the `option` dimension groups them). */
  readonly liveBudgetsByOption: Readonly<Record<BudgetOption, number>>;
  /** Money by stream (all four, canonical order) and `total`. */
  readonly money: Readonly<Record<Stream | 'total', StreamMoneyJson>>;
  /** Each stream's share of the spend in the period (4 decimals), null when nothing was spent. */
  readonly spendShares: Readonly<Record<Stream, string | null>>;
  /** Each stream's share of the money allocated to date (4 decimals), null when the total is not positive. */
  readonly allocationShares: Readonly<Record<Stream, string | null>>;
  readonly spentByCategory: Readonly<Record<string, string>>;
  readonly spentByOption: Readonly<Record<string, string>>;
  readonly reclaimsByReason: Readonly<Record<string, { readonly count: number; readonly amount: string }>>;
  /** Change requests received in the period (as `requests.received`). */
  readonly changeRequests: number;
  readonly requests: RequestsJson;
  /** From a change request to its first decision (agreed or declined), for decisions in the period. */
  readonly requestToDecision: DurationStatsJson;
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
  /** Outcome measures dated in the period. */
  readonly outcomeRecords: number;
  /** Outcome change by instrument (instruments measured up to the as-at day, in name order). */
  readonly outcomeChange: readonly OutcomeChangeJson[];
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

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Outcome change of one instrument from the measures of each person (sorted by key). */
export function outcomeChange(instrument: string, byPerson: ReadonlyMap<string, readonly PersonMeasure[]>) {
  let twice = 0;
  let improved = 0;
  let unchanged = 0;
  let worse = 0;
  // Sum of the changes as an exact fraction.
  let num = 0n;
  let den = 1n;
  const gaps = new ExactMultiset();
  for (const ms of byPerson.values()) {
    if (ms.length < 2) continue;
    twice += 1;
    const first = ms[0] as PersonMeasure;
    const latest = ms[ms.length - 1] as PersonMeasure;
    // latest.sum / latest.count - first.sum / first.count
    const cn = BigInt(latest.sum) * BigInt(first.count) - BigInt(first.sum) * BigInt(latest.count);
    const cd = BigInt(latest.count) * BigInt(first.count);
    if (cn > 0n) improved += 1;
    else if (cn < 0n) worse += 1;
    else unchanged += 1;
    num = num * cd + cn * den;
    den *= cd;
    const g = gcd(num, den);
    if (g > 1n) {
      num /= g;
      den /= g;
    }
    for (let i = 1; i < ms.length; i++)
      gaps.add(
        epochDay((ms[i] as PersonMeasure).measuredOn) - epochDay((ms[i - 1] as PersonMeasure).measuredOn),
      );
  }
  const days = (r: { num: bigint; den: bigint } | null): number | null =>
    r === null ? null : Number(roundedDecimal(r.num, r.den, 2));
  const out: OutcomeChangeJson = {
    instrument,
    peopleMeasured: byPerson.size,
    peopleMeasuredTwice: twice,
    meanChange: twice === 0 ? null : roundedDecimal(num, den * BigInt(twice), 2),
    improved,
    unchanged,
    worse,
    shareImproved: ratio(improved, twice, 4),
    shareUnchanged: ratio(unchanged, twice, 4),
    shareWorse: ratio(worse, twice, 4),
    daysBetween: { count: gaps.size, median: days(gaps.median()), p90: days(gaps.quantile(9, 10)) },
  };
  return out;
}

/** People of a cell: live, active, integrated and by option. */
function peopleOf(c: OutcomeCell): PeopleJson {
  const HEALTH = 1 << STREAMS.indexOf('health');
  const SOCIAL = 1 << STREAMS.indexOf('social-care');
  let live = 0;
  let integrated = 0;
  const byOption = Object.fromEntries(BUDGET_OPTIONS.map((o) => [o, 0])) as Record<BudgetOption, number>;
  const mixedIncludes = Object.fromEntries(OPTIONS.map((o) => [o, 0])) as Record<ManagementOption, number>;
  for (const m of c.people.values()) {
    if (!m.live) continue;
    live += 1;
    if ((m.streams & HEALTH) !== 0 && (m.streams & SOCIAL) !== 0) integrated += 1;
    const opts = OPTIONS.filter((_, i) => (m.options & (1 << i)) !== 0);
    const key: BudgetOption =
      opts.length === 0 ? 'none' : opts.length > 1 ? 'mixed' : (opts[0] as BudgetOption);
    byOption[key] += 1;
    if (key === 'mixed') for (const o of opts) mixedIncludes[o] += 1;
  }
  return {
    live,
    active: c.people.size,
    integrated,
    byOption,
    optionShares: Object.fromEntries(BUDGET_OPTIONS.map((o) => [o, ratio(byOption[o], live, 4)])) as Record<
      BudgetOption,
      string | null
    >,
    mixedIncludes,
  };
}

function requestsOf(c: OutcomeCell): RequestsJson {
  const ages = c.pendingAges;
  return {
    received: c.changeRequests,
    agreed: c.requestsAgreed,
    declined: c.requestsDeclined,
    pendingAtEnd: ages.size,
    pendingOver7Days: ages.size - ages.countAtMost(7 * MS_PER_DAY),
    pendingAgeDays: {
      median: daysOf(ages.median()),
      p90: daysOf(ages.quantile(9, 10)),
      max: daysOf(ages.quantile(1, 1)),
    },
    due7Days: c.requestsDue7Days,
    decidedWithin7Days: c.decidedWithin7Days,
    shareDecidedWithin7Days: ratio(c.decidedWithin7Days, c.requestsDue7Days, 4),
  };
}

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
  const allocatedTotal = sum(c.allocatedToDate);
  const allocationShares = {} as Record<Stream, string | null>;
  STREAMS.forEach((s, i) => {
    allocationShares[s] =
      allocatedTotal > 0n ? ratio(c.allocatedToDate[i] as bigint, allocatedTotal, 4) : null;
  });
  return {
    group: c.group,
    period: { label: c.period.label, start: c.period.start, end: c.period.end, asAt: c.asAt },
    budgets: { live: c.live, active: c.active },
    people: peopleOf(c),
    liveBudgetsByOption: Object.fromEntries(
      BUDGET_OPTIONS.map((o, i) => [o, c.liveBudgetsByOption[i] as number]),
    ) as Record<BudgetOption, number>,
    money: moneyBy,
    spendShares: shares,
    allocationShares,
    spentByCategory: Object.fromEntries(CATEGORIES.map((k, i) => [k, money(c.spentByCategory[i] as bigint)])),
    spentByOption: Object.fromEntries(OPTIONS.map((k, i) => [k, money(c.spentByOption[i] as bigint)])),
    reclaimsByReason: Object.fromEntries(
      RECLAIM_REASONS.map((k, i) => [
        k,
        { count: c.reclaimCount[i] as number, amount: money(c.reclaimAmount[i] as bigint) },
      ]),
    ),
    changeRequests: c.changeRequests,
    requests: requestsOf(c),
    requestToDecision: durationStats(c.requestToDecision),
    planChangeLeadTime: durationStats(c.leadTimes),
    referralToAgreedPlan: durationStats(c.referralToAgreed),
    reviews: { onTime: c.reviewsOnTime, late: c.reviewsLate, overdueAtEnd: c.overdueAtEnd },
    flags: {
      overspend: c.overspendFlags,
      offPlan: c.offPlanFlags,
      overspendPer100Budgets: ratio(100 * c.overspendFlags, c.active, 2),
      offPlanPer100Budgets: ratio(100 * c.offPlanFlags, c.active, 2),
    },
    outcomeRecords: c.outcomeRecords,
    outcomeChange: [...c.measures.keys()]
      .sort()
      .map((k) => outcomeChange(k, c.measures.get(k) as Map<string, PersonMeasure[]>)),
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

/** Outcome-change columns of one instrument. */
const OUTCOME_COLUMNS = [
  'people_measured',
  'people_measured_twice',
  'mean_change',
  'improved',
  'unchanged',
  'worse',
  'share_improved',
  'median_days_between',
] as const;

/** The instruments with CSV columns: every known one, then `local:` ones in the rows, by name. */
export function csvInstruments(rows: readonly OutcomeRowJson[] = []): string[] {
  const local = new Set<string>();
  for (const r of rows)
    for (const o of r.outcomeChange)
      if (!(INSTRUMENT_NAMES as string[]).includes(o.instrument)) local.add(o.instrument);
  return [...INSTRUMENT_NAMES, ...[...local].sort()];
}

const instrumentColumn = (i: string): string => snake(i).replace(/[^a-z0-9_]/g, '_');

/** The CSV columns for a grouping (and the instruments of {@link csvInstruments}). */
export function csvHeader(
  by: readonly Dimension[],
  instruments: readonly string[] = INSTRUMENT_NAMES,
): string[] {
  const cols: string[] = [
    ...by,
    'period',
    'period_start',
    'period_end',
    'as_at',
    'budgets_live',
    'budgets_active',
    'people_live',
    'people_active',
    'people_integrated',
  ];
  for (const o of BUDGET_OPTIONS) cols.push(`people_option_${snake(o)}`);
  for (const o of OPTIONS) cols.push(`people_mixed_with_${snake(o)}`);
  for (const o of BUDGET_OPTIONS) cols.push(`budgets_live_option_${snake(o)}`);
  for (const s of [...STREAMS, 'total'] as const)
    for (const f of MONEY_FIELDS) cols.push(`${snake(s)}_${snake(f)}`);
  for (const s of STREAMS) cols.push(`share_of_spend_${snake(s)}`);
  for (const s of STREAMS) cols.push(`share_of_allocated_${snake(s)}`);
  for (const c of CATEGORIES) cols.push(`spent_category_${snake(c)}`);
  for (const o of OPTIONS) cols.push(`spent_option_${snake(o)}`);
  for (const r of RECLAIM_REASONS) cols.push(`reclaims_${snake(r)}_count`, `reclaims_${snake(r)}_amount`);
  cols.push(
    'change_requests',
    'requests_agreed',
    'requests_declined',
    'requests_pending_at_end',
    'requests_pending_over_7_days',
    'requests_pending_age_median_days',
    'requests_pending_age_p90_days',
    'requests_pending_age_max_days',
    'requests_due_7_days',
    'requests_decided_within_7_days',
    'requests_share_decided_within_7_days',
  );
  for (const p of ['request_to_decision', 'lead_time', 'referral_to_agreed']) {
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
    'outcome_records',
  );
  for (const i of instruments)
    for (const f of OUTCOME_COLUMNS) cols.push(`outcome_${instrumentColumn(i)}_${f}`);
  return cols;
}

/** The CSV values of a row, in {@link csvHeader} order. */
export function csvValues(
  r: OutcomeRowJson,
  by: readonly Dimension[],
  instruments: readonly string[] = INSTRUMENT_NAMES,
): (string | number | null)[] {
  const v: (string | number | null)[] = [
    ...by.map((d) => r.group[d] ?? ''),
    r.period.label,
    r.period.start,
    r.period.end,
    r.period.asAt,
    r.budgets.live,
    r.budgets.active,
    r.people.live,
    r.people.active,
    r.people.integrated,
  ];
  for (const o of BUDGET_OPTIONS) v.push(r.people.byOption[o]);
  for (const o of OPTIONS) v.push(r.people.mixedIncludes[o]);
  for (const o of BUDGET_OPTIONS) v.push(r.liveBudgetsByOption[o]);
  for (const s of [...STREAMS, 'total'] as const) for (const f of MONEY_FIELDS) v.push(r.money[s][f]);
  for (const s of STREAMS) v.push(r.spendShares[s]);
  for (const s of STREAMS) v.push(r.allocationShares[s]);
  for (const c of CATEGORIES) v.push(r.spentByCategory[c] ?? null);
  for (const o of OPTIONS) v.push(r.spentByOption[o] ?? null);
  for (const x of RECLAIM_REASONS)
    v.push(r.reclaimsByReason[x]?.count ?? 0, r.reclaimsByReason[x]?.amount ?? null);
  const q = r.requests;
  v.push(
    r.changeRequests,
    q.agreed,
    q.declined,
    q.pendingAtEnd,
    q.pendingOver7Days,
    q.pendingAgeDays.median,
    q.pendingAgeDays.p90,
    q.pendingAgeDays.max,
    q.due7Days,
    q.decidedWithin7Days,
    q.shareDecidedWithin7Days,
  );
  for (const d of [r.requestToDecision, r.planChangeLeadTime, r.referralToAgreedPlan]) {
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
    r.outcomeRecords,
  );
  for (const i of instruments) {
    const o = r.outcomeChange.find((x) => x.instrument === i);
    if (o === undefined) v.push(0, 0, null, 0, 0, 0, null, null);
    else
      v.push(
        o.peopleMeasured,
        o.peopleMeasuredTwice,
        o.meanChange,
        o.improved,
        o.unchanged,
        o.worse,
        o.shareImproved,
        o.daysBetween.median,
      );
  }
  return v;
}

/** The result as CSV text (header and one line per row, `\n` line ends, final newline). */
export function outcomesCsv(result: OutcomesJson): string {
  const instruments = csvInstruments(result.rows);
  const lines = [csvHeader(result.by, instruments).map(csvCell).join(',')];
  for (const r of result.rows) lines.push(csvValues(r, result.by, instruments).map(csvCell).join(','));
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
    String(r.people.live),
    r.money.total.allocatedToDate,
    r.money.total.spent,
    r.money.total.remaining,
    pct(r.money.total.underspend),
    pct(r.spendShares.health),
    pct(r.spendShares['social-care']),
    String(r.planChangeLeadTime.count),
    num(r.planChangeLeadTime.medianDays),
    num(r.planChangeLeadTime.p90Days),
    String(r.requests.pendingAtEnd),
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
      '>people',
      '>allocated to date',
      '>spent in period',
      '>remaining',
      '>underspend',
      '>health',
      '>social care',
      '>changes',
      '>median days',
      '>p90 days',
      '>waiting',
      '>reviews ok/late/overdue',
      '>overspend/100',
      '>off-plan/100',
    ],
    rows,
  );
}

// ---------------------------------------------------------------------------------------------
// The `phb-return` preset: people by management option per quarter, as national returns count
// personal health budgets (notional, direct payment, third party), with the mixed ones and their
// parts, and the people whose live budgets carry both health and social-care money.

/** Names of the presets of `ipb outcomes`. */
export const OUTCOME_PRESETS = ['phb-return'] as const;
/** A preset of `ipb outcomes`. */
export type OutcomePreset = (typeof OUTCOME_PRESETS)[number];

const OPTION_HEADS: Readonly<Record<BudgetOption, string>> = {
  notional: 'notional',
  'third-party': 'third party',
  'direct-payment': 'direct payment',
  'managed-account': 'managed account',
  mixed: 'mixed',
  none: 'no plan',
};
const OPTION_SHORT: Readonly<Record<ManagementOption, string>> = {
  notional: 'n',
  'third-party': 'tp',
  'direct-payment': 'dp',
  'managed-account': 'ma',
};
/** Column order of the return: the national return's options first. */
const RETURN_OPTIONS: readonly BudgetOption[] = [
  'notional',
  'direct-payment',
  'third-party',
  'managed-account',
  'mixed',
  'none',
];

/** The `phb-return` table: people live at the end of each quarter by option (count and share). */
export function phbReturnTable(result: OutcomesJson): string {
  const rows = result.rows.map((r) => [
    ...result.by.map((d) => r.group[d] ?? ''),
    r.period.label,
    r.period.asAt,
    String(r.people.live),
    ...RETURN_OPTIONS.map((o) => `${r.people.byOption[o]} (${pct(r.people.optionShares[o])})`),
    OPTIONS.filter((o) => r.people.mixedIncludes[o] > 0)
      .map((o) => `${OPTION_SHORT[o]} ${r.people.mixedIncludes[o]}`)
      .join(', ') || '-',
    String(r.people.integrated),
  ]);
  return textTable(
    [
      ...result.by,
      'quarter',
      'as at',
      '>people',
      ...RETURN_OPTIONS.map((o) => `>${OPTION_HEADS[o]}`),
      'mixed with',
      '>integrated',
    ],
    rows,
  );
}

/** The `phb-return` figures as CSV (counts and shares, one row per group and quarter). */
export function phbReturnCsv(result: OutcomesJson): string {
  const head = [
    ...result.by,
    'period',
    'as_at',
    'people_live',
    ...RETURN_OPTIONS.map((o) => `people_option_${snake(o)}`),
    ...RETURN_OPTIONS.map((o) => `share_option_${snake(o)}`),
    ...OPTIONS.map((o) => `people_mixed_with_${snake(o)}`),
    'people_integrated',
    'budgets_live',
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const r of result.rows) {
    lines.push(
      [
        ...result.by.map((d) => r.group[d] ?? ''),
        r.period.label,
        r.period.asAt,
        r.people.live,
        ...RETURN_OPTIONS.map((o) => r.people.byOption[o]),
        ...RETURN_OPTIONS.map((o) => r.people.optionShares[o]),
        ...OPTIONS.map((o) => r.people.mixedIncludes[o]),
        r.people.integrated,
        r.budgets.live,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
