/**
 * Outcome rows as people and tools read them: JSON (money as contract strings, ratios as
 * decimal strings rounded half away from zero). The CSV is `results-csv.ts`, the plain-text
 * table `results-table.ts`, the `phb-return` preset `phb-return.ts`, the summary statistics
 * `statistics.ts`. Everything here is derived from exact cell sums.
 */
import {
  CATEGORIES,
  OPTIONS,
  RECLAIM_REASONS,
  STREAMS,
  type ManagementOption,
  type Stream,
} from '../events/primitives.js';
import { Money } from '../money/money.js';
import { MS_PER_DAY, daysOf, ratio } from './exact.js';
import {
  BUDGET_OPTIONS,
  type BudgetOption,
  type Dimension,
  type OutcomeCell,
  type OutcomeCells,
  type PersonMeasure,
} from './cells.js';
import { TALLIES, type Tally } from './facts.js';
import type { PeriodKind } from './periods.js';
import { durationStats, outcomeChange } from './statistics.js';

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
  /** Plans agreed in the period: by the person (or their representative), and in their best interests. */
  readonly plansAgreed: { readonly byPerson: number; readonly inBestInterests: number };
  /** Overspends explained and overspend exceptions approved in the period. */
  readonly overspends: { readonly explained: number; readonly exceptionsApproved: number };
  /**
   * Reclaims reconsidered in the period and the money they gave back to the streams (already
   * taken off `reclaimed` in `money`).
   */
  readonly reconsiderations: { readonly answered: number; readonly returned: string };
  /** Contingencies held and returned in the period: outside the budget, never in `money`. */
  readonly contingencies: {
    readonly held: number;
    readonly heldAmount: string;
    readonly returned: number;
    readonly returnedAmount: string;
  };
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

const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

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
  const n = (t: Tally): number => c.tallies[TALLIES.indexOf(t)] as number;
  const amount = (t: Tally): string => money(c.tallyPence[TALLIES.indexOf(t)] as bigint);
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
    plansAgreed: {
      byPerson: n('plan-agreed-by-person'),
      inBestInterests: n('plan-agreed-in-best-interests'),
    },
    overspends: {
      explained: n('overspend-explained'),
      exceptionsApproved: n('overspend-exception-approved'),
    },
    reconsiderations: { answered: n('reclaim-reconsidered'), returned: amount('reclaim-reconsidered') },
    contingencies: {
      held: n('contingency-held'),
      heldAmount: amount('contingency-held'),
      returned: n('contingency-returned'),
      returnedAmount: amount('contingency-returned'),
    },
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
