/**
 * Outcome cells: the sums for one group (site, cohort, basis, management option, any
 * combination) and reporting period, and how cells merge. Every field is a sum of per-budget
 * contributions, or per person an "or" of marks and a union of outcome measures, so
 * {@link mergeCells} is associative and commutative with the empty map as identity. Built by
 * `metrics.ts`; written out by `results.ts`.
 */
import { CATEGORIES, OPTIONS, RECLAIM_REASONS, type ManagementOption } from '../events/primitives.js';
import { ExactMultiset } from './exact.js';
import { TALLIES } from './facts.js';
import type { Period } from './periods.js';

/** What outcomes can be grouped by. */
export const DIMENSIONS = ['site', 'cohort', 'basis', 'option'] as const;
/** A grouping dimension. */
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * A budget's management option for grouping: the option of every line of the plan in force at
 * the end of the period, `mixed` when its lines use several, `none` when no plan is in force.
 */
export type BudgetOption = ManagementOption | 'mixed' | 'none';
/** Every {@link BudgetOption}, in report order. */
export const BUDGET_OPTIONS: readonly BudgetOption[] = [...OPTIONS, 'mixed', 'none'];

/**
 * What a cell knows of one person (merged over the person's budgets in the cell, so a person
 * with several budgets counts once): whether any budget is live at the period end, the streams
 * with money allocated to date on the live budgets (bit i: `STREAMS[i]`), and the management
 * options of the lines of the plans in force on them (bit i: `OPTIONS[i]`).
 */
export interface PersonMark {
  live: boolean;
  streams: number;
  options: number;
}

/** One outcome measure of a person, as a cell keeps it: date, sum and count of item scores, and an order key. */
export interface PersonMeasure {
  readonly measuredOn: string;
  readonly sum: number;
  readonly count: number;
  /** `measuredOn`, budget key and `seq`: orders measures of one day and tells them apart. */
  readonly key: string;
}

/** Sums for one group and period: every field is a sum of per-budget contributions. */
export interface OutcomeCell {
  readonly group: Readonly<Partial<Record<Dimension, string>>>;
  readonly period: Period;
  /** The day positions are taken at: the period's last day, or the horizon if earlier. */
  readonly asAt: string;
  /** Budgets live at the end of the period (at `asAt`). */
  live: number;
  /** Budgets active at any time in the period. */
  active: number;
  /** Flows dated in the period, pence by stream (canonical stream order). */
  readonly allocated: bigint[];
  readonly spent: bigint[];
  readonly reclaimed: bigint[];
  /** Positions at `asAt`: everything dated up to then, pence by stream. */
  readonly allocatedToDate: bigint[];
  readonly spentToDate: bigint[];
  readonly reclaimedToDate: bigint[];
  /** Spend in the period by plan-line category (order of `CATEGORIES`) and option (order of `OPTIONS`). */
  readonly spentByCategory: bigint[];
  readonly spentByOption: bigint[];
  /** Reclaims in the period by reason (order of `RECLAIM_REASONS`): how many and how much. */
  readonly reclaimCount: number[];
  readonly reclaimAmount: bigint[];
  /** Change requests made in the period. */
  changeRequests: number;
  /** Plan-change lead times (ms) of change requests whose plan was agreed in the period. */
  readonly leadTimes: ExactMultiset;
  /** Referral to first agreed plan (ms), for budgets whose first plan was agreed in the period. */
  readonly referralToAgreed: ExactMultiset;
  /** Reviews completed in the period on or before their due date, and after it. */
  reviewsOnTime: number;
  reviewsLate: number;
  /** Budgets live at `asAt` whose next review was due before `asAt`. */
  overdueAtEnd: number;
  /** Overspend flags (per line and per stream) at `asAt`, and off-plan spend attempts in the period. */
  overspendFlags: number;
  offPlanFlags: number;
  /** Per person (by `personRef`): what the person's budgets in this group say (see {@link PersonMark}). */
  readonly people: Map<string, PersonMark>;
  /** Budgets live at `asAt` by their option (order of {@link BUDGET_OPTIONS}). */
  readonly liveBudgetsByOption: number[];
  /** Change requests whose first decision, in the period, was an agreement or a refusal. */
  requestsAgreed: number;
  requestsDeclined: number;
  /** From request to its first decision (agreed or declined), ms, for decisions in the period. */
  readonly requestToDecision: ExactMultiset;
  /** Ages (ms, to the end of `asAt`) of the requests still waiting at `asAt`. */
  readonly pendingAges: ExactMultiset;
  /**
   * Of the requests received in the period: how many were decided within 7 days, and how many
   * were either so decided or had their 7 days run out by the end of the horizon day.
   */
  decidedWithin7Days: number;
  requestsDue7Days: number;
  /** Outcome measures dated in the period. */
  outcomeRecords: number;
  /** Counted events dated in the period, by kind (order of `TALLIES`): how many, and pence. */
  readonly tallies: number[];
  readonly tallyPence: bigint[];
  /**
   * Outcome measures up to `asAt` of the people in the cell (from any of their budgets), by
   * instrument and person, each list sorted by `key`.
   */
  readonly measures: Map<string, Map<string, PersonMeasure[]>>;
}

/** Cells by key (group values and period label). */
export type OutcomeCells = Map<string, OutcomeCell>;

/** `n` zeros. */
export const zeros = (n: number): bigint[] => new Array<bigint>(n).fill(0n);

/** An empty cell for a group and period, its people counted as at `asAt`. */
export function newCell(
  group: Partial<Record<Dimension, string>>,
  period: Period,
  asAt: string,
): OutcomeCell {
  return {
    group,
    period,
    asAt,
    live: 0,
    active: 0,
    allocated: zeros(4),
    spent: zeros(4),
    reclaimed: zeros(4),
    allocatedToDate: zeros(4),
    spentToDate: zeros(4),
    reclaimedToDate: zeros(4),
    spentByCategory: zeros(CATEGORIES.length),
    spentByOption: zeros(OPTIONS.length),
    reclaimCount: RECLAIM_REASONS.map(() => 0),
    reclaimAmount: zeros(RECLAIM_REASONS.length),
    changeRequests: 0,
    leadTimes: new ExactMultiset(),
    referralToAgreed: new ExactMultiset(),
    reviewsOnTime: 0,
    reviewsLate: 0,
    overdueAtEnd: 0,
    overspendFlags: 0,
    offPlanFlags: 0,
    people: new Map(),
    liveBudgetsByOption: BUDGET_OPTIONS.map(() => 0),
    requestsAgreed: 0,
    requestsDeclined: 0,
    requestToDecision: new ExactMultiset(),
    pendingAges: new ExactMultiset(),
    decidedWithin7Days: 0,
    requestsDue7Days: 0,
    outcomeRecords: 0,
    tallies: TALLIES.map(() => 0),
    tallyPence: zeros(TALLIES.length),
    measures: new Map(),
  };
}

/** Marks a person in a cell: their marks are merged with those already there by "or". */
export function markPerson(cell: OutcomeCell, person: string, m: PersonMark): void {
  const x = cell.people.get(person);
  if (x === undefined) cell.people.set(person, { live: m.live, streams: m.streams, options: m.options });
  else {
    x.live ||= m.live;
    x.streams |= m.streams;
    x.options |= m.options;
  }
}

/** Orders measures by their key (date, budget, seq). */
export const byKey = (a: PersonMeasure, b: PersonMeasure): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** Adds a person's measures of one instrument to a cell (a union, by key). */
export function addMeasures(
  cell: OutcomeCell,
  instrument: string,
  person: string,
  ms: readonly PersonMeasure[],
): void {
  let byPerson = cell.measures.get(instrument);
  if (byPerson === undefined) {
    byPerson = new Map();
    cell.measures.set(instrument, byPerson);
  }
  const x = byPerson.get(person);
  if (x === undefined) byPerson.set(person, [...ms].sort(byKey));
  else {
    const known = new Set(x.map((m) => m.key));
    for (const m of ms) if (!known.has(m.key)) x.push(m);
    x.sort(byKey);
  }
}

/** Adds `b` into `a`, element by element. */
export const addInto = (a: bigint[], b: readonly bigint[]): void => {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as bigint) + (b[i] ?? 0n);
};

/** Adds the sums of `from` into `into` (same group and period). */
function addCell(into: OutcomeCell, from: OutcomeCell): void {
  into.live += from.live;
  into.active += from.active;
  addInto(into.allocated, from.allocated);
  addInto(into.spent, from.spent);
  addInto(into.reclaimed, from.reclaimed);
  addInto(into.allocatedToDate, from.allocatedToDate);
  addInto(into.spentToDate, from.spentToDate);
  addInto(into.reclaimedToDate, from.reclaimedToDate);
  addInto(into.spentByCategory, from.spentByCategory);
  addInto(into.spentByOption, from.spentByOption);
  for (let i = 0; i < into.reclaimCount.length; i++)
    into.reclaimCount[i] = (into.reclaimCount[i] as number) + (from.reclaimCount[i] ?? 0);
  addInto(into.reclaimAmount, from.reclaimAmount);
  into.changeRequests += from.changeRequests;
  into.leadTimes.addAll(from.leadTimes);
  into.referralToAgreed.addAll(from.referralToAgreed);
  into.reviewsOnTime += from.reviewsOnTime;
  into.reviewsLate += from.reviewsLate;
  into.overdueAtEnd += from.overdueAtEnd;
  into.overspendFlags += from.overspendFlags;
  into.offPlanFlags += from.offPlanFlags;
  for (const [p, m] of from.people) markPerson(into, p, m);
  for (let i = 0; i < into.liveBudgetsByOption.length; i++)
    into.liveBudgetsByOption[i] =
      (into.liveBudgetsByOption[i] as number) + (from.liveBudgetsByOption[i] ?? 0);
  into.requestsAgreed += from.requestsAgreed;
  into.requestsDeclined += from.requestsDeclined;
  into.requestToDecision.addAll(from.requestToDecision);
  into.pendingAges.addAll(from.pendingAges);
  into.decidedWithin7Days += from.decidedWithin7Days;
  into.requestsDue7Days += from.requestsDue7Days;
  into.outcomeRecords += from.outcomeRecords;
  for (let i = 0; i < into.tallies.length; i++)
    into.tallies[i] = (into.tallies[i] as number) + (from.tallies[i] ?? 0);
  addInto(into.tallyPence, from.tallyPence);
  for (const [instrument, byPerson] of from.measures)
    for (const [p, ms] of byPerson) addMeasures(into, instrument, p, ms);
}

function cloneCell(c: OutcomeCell): OutcomeCell {
  const x = newCell(c.group, c.period, c.asAt);
  addCell(x, c);
  return x;
}

/**
 * Merges the cells of `from` into `into` (changed and returned). Cells must come from the same
 * period kind and horizon; then merging the cells of disjoint sets of people (each with all of
 * their budgets) gives the cells of their union.
 */
export function mergeCells(into: OutcomeCells, from: OutcomeCells): OutcomeCells {
  for (const [k, c] of from) {
    const x = into.get(k);
    if (x === undefined) into.set(k, cloneCell(c));
    else {
      if (x.asAt !== c.asAt) throw new RangeError(`cells of ${k} were computed to different horizons`);
      addCell(x, c);
    }
  }
  return into;
}
