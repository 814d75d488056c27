/**
 * Outcome rows as CSV: RFC 4180, one header row, one row per group and period, fixed columns
 * (money, shares, durations, then one group of columns per outcome instrument found).
 */
import { CATEGORIES, INSTRUMENT_NAMES, OPTIONS, RECLAIM_REASONS, STREAMS } from '../events/primitives.js';
import { BUDGET_OPTIONS, type Dimension } from './cells.js';
import type { OutcomeRowJson, OutcomesJson } from './results.js';

/** One CSV cell: quoted when it holds a comma, a quote or a line end. */
export function csvCell(v: string | number | null): string {
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

/** A name in snake_case (`allocatedToDate` is `allocated_to_date`). */
export const snake = (s: string): string =>
  s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');

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
    'plans_agreed_by_person',
    'plans_agreed_in_best_interests',
    'overspends_explained',
    'overspend_exceptions_approved',
    'reconsiderations_answered',
    'reconsiderations_returned',
    'contingencies_held',
    'contingencies_held_amount',
    'contingencies_returned',
    'contingencies_returned_amount',
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
    r.plansAgreed.byPerson,
    r.plansAgreed.inBestInterests,
    r.overspends.explained,
    r.overspends.exceptionsApproved,
    r.reconsiderations.answered,
    r.reconsiderations.returned,
    r.contingencies.held,
    r.contingencies.heldAmount,
    r.contingencies.returned,
    r.contingencies.returnedAmount,
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
