/**
 * The second stage of the outcome metrics: from merged per-budget facts to cells, one per group
 * (site, cohort, basis, management option, any combination) and reporting period.
 *
 * Every cell is a sum of per-budget contributions (counts, pence, exact multisets of lead
 * times) plus, per person, what their budgets in the cell say (merged by "or") and their
 * outcome measures (merged by union), so cells also merge: {@link mergeCells} is associative
 * and commutative with the empty map as identity, and the cells of disjoint sets of people
 * (each with all of their budgets) merge into the cells of all of them (given the same period
 * kind and horizon). Ratios, medians and percentiles are derived only when rows are written
 * (`results.ts`), from the exact sums.
 *
 * The cells and how they merge are in `cells.ts`; a budget's plans and standing spends, worked
 * out from its facts, in `effective-plans.ts`.
 *
 * The definitions (which budget and person counts where, which date a fact has) are in
 * docs/outcomes.md.
 */
import type { BudgetOpened } from '../events/data.js';
import { CATEGORIES, OPTIONS, STREAMS, type Category, type ManagementOption } from '../events/primitives.js';
import { epochMs } from '../events/time.js';
import { initialState, planOn, type BudgetState, type PlanRecord } from '../projections/budget-state.js';
import { reviewDue } from '../projections/flags.js';
import { MS_PER_DAY } from './exact.js';
import { type BudgetFacts, type OutcomeFacts } from './facts.js';
import { periodOf, periodsBetween, type Period, type PeriodKind } from './periods.js';
import {
  addInto,
  BUDGET_OPTIONS,
  addMeasures,
  byKey,
  markPerson,
  newCell,
  zeros,
  type Dimension,
  type OutcomeCells,
  type PersonMeasure,
} from './cells.js';
import { budgetOptionAt, replayPlansAndSpends } from './effective-plans.js';
import { NO_FLOWS, newFlows, type Flows } from './flows.js';

/** How to compute cells. */
export interface OutcomeOptions {
  /** Dimensions to group by, in column order (default none: one group). */
  readonly by?: readonly Dimension[];
  /** Reporting period (default `year`, the financial year April to March). */
  readonly period?: PeriodKind;
  /**
   * Last day reported (`YYYY-MM-DD`): periods starting after it are left out and the period
   * holding it is reported "to date". Default: the latest date in the facts.
   */
  readonly horizon?: string;
}

const CATEGORY_INDEX = new Map<Category, number>(CATEGORIES.map((c, i) => [c, i]));
const OPTION_INDEX = new Map<ManagementOption, number>(OPTIONS.map((o, i) => [o, i]));

/** A budget state holding just what `reviewDue` reads: the opening, reviews and plans. */
function reviewState(opened: BudgetOpened, reviews: string[], plans: PlanRecord[]): BudgetState {
  return { ...initialState, opened, status: 'open', reviews, plans };
}

/** Adds one budget's contributions to the cells. */
function addBudget(
  cells: OutcomeCells,
  f: BudgetFacts,
  by: readonly Dimension[],
  kind: PeriodKind,
  horizon: string,
): void {
  const o = f.opened;
  if (o === null) return; // never opened (or its opening did not pass the time filter): not listed
  const start = o.periodStart;
  const at = (d: string): string => (d < start ? start : d);
  const closedOn = f.closed[0]?.closedOn;
  const { records, spends } = replayPlansAndSpends(f.plans, f.spends);

  const flows = new Map<string, { period: Period; flows: Flows }>();
  const flowsAt = (date: string): Flows | null => {
    const d = at(date);
    if (d > horizon) return null; // dated after the horizon: not reported
    const p = periodOf(kind, d);
    let x = flows.get(p.label);
    if (x === undefined) {
      x = { period: p, flows: newFlows() };
      flows.set(p.label, x);
    }
    return x.flows;
  };

  for (const [k, pence] of f.funding) {
    const [date, si] = k.split('\t') as [string, string];
    const x = flowsAt(date);
    if (x !== null) x.allocated[Number(si)] = (x.allocated[Number(si)] as bigint) + pence;
  }
  for (const [k, r] of f.reclaims) {
    const [date, si, ri] = k.split('\t') as [string, string, string];
    const x = flowsAt(date);
    if (x === null) continue;
    x.reclaimed[Number(si)] = (x.reclaimed[Number(si)] as bigint) + r.pence;
    x.reclaimCount[Number(ri)] = (x.reclaimCount[Number(ri)] as number) + r.count;
    x.reclaimAmount[Number(ri)] = (x.reclaimAmount[Number(ri)] as bigint) + r.pence;
  }
  for (const [k, pence] of f.returned) {
    const [date, si] = k.split('\t') as [string, string];
    const x = flowsAt(date);
    if (x !== null) x.reclaimed[Number(si)] = (x.reclaimed[Number(si)] as bigint) - pence;
  }
  for (const [k, t] of f.tallies) {
    const [date, ti] = k.split('\t') as [string, string];
    const x = flowsAt(date);
    if (x === null) continue;
    x.tallies[Number(ti)] = (x.tallies[Number(ti)] as number) + t.count;
    x.tallyPence[Number(ti)] = (x.tallyPence[Number(ti)] as bigint) + t.pence;
  }
  for (const s of spends) {
    const x = flowsAt(s.spentOn);
    if (x === null) continue;
    let total = 0n;
    for (let i = 0; i < 4; i++) {
      const part = s.split[i] as bigint;
      x.spent[i] = (x.spent[i] as bigint) + part;
      total += part;
    }
    const ci = CATEGORY_INDEX.get(s.category) as number;
    const oi = OPTION_INDEX.get(s.option) as number;
    x.byCategory[ci] = (x.byCategory[ci] as bigint) + total;
    x.byOption[oi] = (x.byOption[oi] as bigint) + total;
    x.byLine.set(s.lineId, (x.byLine.get(s.lineId) ?? 0n) + total);
  }
  for (const [date, n] of f.offPlan) {
    const x = flowsAt(date);
    if (x !== null) x.offPlan += n;
  }
  // Change requests (the latest record of each id, as the budget state keeps it) and lead times.
  const requested = new Map<string, string>();
  for (const c of f.changeRequests) requested.set(c.id, c.at);
  for (const when of requested.values()) {
    const x = flowsAt(when.slice(0, 10));
    if (x !== null) x.changeRequests += 1;
  }
  const agreedFor = new Map<string, string>();
  let firstAgreed: string | undefined;
  for (const r of records) {
    if ((r.status !== 'agreed' && r.status !== 'superseded') || r.decidedAt === undefined) continue;
    if (firstAgreed === undefined || r.decidedAt < firstAgreed) firstAgreed = r.decidedAt;
    const cr = r.changeRequestId;
    if (cr === undefined || !requested.has(cr)) continue;
    const prev = agreedFor.get(cr);
    if (prev === undefined || r.decidedAt < prev) agreedFor.set(cr, r.decidedAt);
  }
  for (const [cr, decidedAt] of agreedFor) {
    const x = flowsAt(decidedAt.slice(0, 10));
    if (x !== null) x.leadTimes.push(epochMs(decidedAt) - epochMs(requested.get(cr) as string));
  }
  // Decisions on change requests: the first agreement or refusal of each request.
  const declinedFor = new Map<string, string>();
  for (const d of f.declines) {
    if (!requested.has(d.id)) continue;
    const prev = declinedFor.get(d.id);
    if (prev === undefined || d.at < prev) declinedFor.set(d.id, d.at);
  }
  const decisions: { requestedAt: string; decidedAt: string | null; declined: boolean }[] = [];
  const endOfHorizon = epochMs(`${horizon}T00:00:00.000Z`) + MS_PER_DAY;
  for (const [cr, requestedAt] of requested) {
    const agreedAt = agreedFor.get(cr);
    const declinedAt = declinedFor.get(cr);
    const declined = declinedAt !== undefined && (agreedAt === undefined || declinedAt < agreedAt);
    const decidedAt = declined ? (declinedAt as string) : (agreedAt ?? null);
    decisions.push({ requestedAt, decidedAt, declined });
    const asked = epochMs(requestedAt);
    if (decidedAt !== null) {
      const x = flowsAt(decidedAt.slice(0, 10));
      if (x !== null) {
        if (declined) x.requestsDeclined += 1;
        else x.requestsAgreed += 1;
        x.requestToDecision.push(epochMs(decidedAt) - asked);
      }
    }
    // Decided within 7 days, among the requests received in the period whose 7 days have run out.
    const known = decidedAt !== null && decidedAt.slice(0, 10) <= horizon;
    const within = known && epochMs(decidedAt) - asked <= 7 * MS_PER_DAY;
    const x = flowsAt(requestedAt.slice(0, 10));
    if (x !== null && (within || asked + 7 * MS_PER_DAY <= endOfHorizon)) {
      x.requestsDue7Days += 1;
      if (within) x.decidedWithin7Days += 1;
    }
  }
  // Outcome measures: facts dated on their day (outcome change is added per person afterwards).
  for (const m of f.outcomes) {
    const x = flowsAt(m.measuredOn);
    if (x !== null) x.outcomeRecords += 1;
  }
  if (firstAgreed !== undefined && o.referredAt !== undefined) {
    const x = flowsAt(firstAgreed.slice(0, 10));
    if (x !== null) x.referral.push(epochMs(firstAgreed) - epochMs(o.referredAt));
  }
  // Reviews, in date order (a date may hold several).
  const reviewDates: string[] = [];
  for (const [date, n] of [...f.reviews.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const x = flowsAt(date);
    for (let i = 0; i < n; i++) {
      reviewDates.push(date);
      x?.reviews.push(date);
    }
  }

  // Periods: those the budget's life overlaps (to the horizon), and those anything is dated in.
  const lifeEnd = [o.periodEnd, closedOn ?? o.periodEnd, horizon].reduce((a, b) => (a < b ? a : b));
  const periods = new Map<string, Period>();
  for (const p of periodsBetween(kind, start, lifeEnd)) periods.set(p.label, p);
  for (const { period } of flows.values()) periods.set(period.label, period);
  const ordered = [...periods.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

  const openedData: BudgetOpened = {
    personRef: '-',
    site: o.site,
    cohort: o.cohort,
    basis: o.basis,
    streams: [...o.streams],
    periodStart: o.periodStart,
    periodEnd: o.periodEnd,
  };
  const proposedBy = (d: string) => records.filter((r) => r.proposedAt.slice(0, 10) <= d);

  const allocatedToDate = zeros(4);
  const spentToDate = zeros(4);
  const reclaimedToDate = zeros(4);
  const lineToDate = new Map<string, bigint>();
  for (const period of ordered) {
    const x = flows.get(period.label)?.flows ?? NO_FLOWS;
    const asAt = period.end < horizon ? period.end : horizon;
    addInto(allocatedToDate, x.allocated);
    addInto(spentToDate, x.spent);
    addInto(reclaimedToDate, x.reclaimed);
    for (const [l, p] of x.byLine) lineToDate.set(l, (lineToDate.get(l) ?? 0n) + p);

    const live = start <= asAt && asAt <= o.periodEnd && (closedOn === undefined || closedOn > asAt);
    const group: Partial<Record<Dimension, string>> = {};
    for (const d of by) group[d] = d === 'option' ? budgetOptionAt(records, asAt) : o[d];
    const key = JSON.stringify([...by.map((d) => group[d]), period.label]);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = newCell(group, period, asAt);
      cells.set(key, cell);
    }
    cell.active += 1;
    if (live) cell.live += 1;
    // The person: live budgets' streams with money and the options of their plans in force.
    let streamBits = 0;
    let optionBits = 0;
    if (live) {
      for (let i = 0; i < 4; i++) if ((allocatedToDate[i] as bigint) > 0n) streamBits |= 1 << i;
      for (const l of planOn(records, asAt)?.lines ?? [])
        optionBits |= 1 << (OPTION_INDEX.get(l.option) as number);
      const bo = BUDGET_OPTIONS.indexOf(budgetOptionAt(records, asAt));
      cell.liveBudgetsByOption[bo] = (cell.liveBudgetsByOption[bo] as number) + 1;
    }
    markPerson(cell, o.person, { live, streams: streamBits, options: optionBits });
    cell.requestsAgreed += x.requestsAgreed;
    cell.requestsDeclined += x.requestsDeclined;
    for (const v of x.requestToDecision) cell.requestToDecision.add(v);
    cell.decidedWithin7Days += x.decidedWithin7Days;
    cell.requestsDue7Days += x.requestsDue7Days;
    cell.outcomeRecords += x.outcomeRecords;
    for (let i = 0; i < x.tallies.length; i++)
      cell.tallies[i] = (cell.tallies[i] as number) + (x.tallies[i] as number);
    addInto(cell.tallyPence, x.tallyPence);
    // Requests still waiting at the end of the period (none once the budget is closed).
    if (closedOn === undefined || closedOn > asAt) {
      const endOfAsAt = epochMs(`${asAt}T00:00:00.000Z`) + MS_PER_DAY;
      for (const d of decisions) {
        if (d.requestedAt.slice(0, 10) > asAt) continue;
        if (d.decidedAt !== null && d.decidedAt.slice(0, 10) <= asAt) continue;
        cell.pendingAges.add(endOfAsAt - epochMs(d.requestedAt));
      }
    }
    addInto(cell.allocated, x.allocated);
    addInto(cell.spent, x.spent);
    addInto(cell.reclaimed, x.reclaimed);
    addInto(cell.allocatedToDate, allocatedToDate);
    addInto(cell.spentToDate, spentToDate);
    addInto(cell.reclaimedToDate, reclaimedToDate);
    addInto(cell.spentByCategory, x.byCategory);
    addInto(cell.spentByOption, x.byOption);
    for (let i = 0; i < x.reclaimCount.length; i++)
      cell.reclaimCount[i] = (cell.reclaimCount[i] as number) + (x.reclaimCount[i] as number);
    addInto(cell.reclaimAmount, x.reclaimAmount);
    cell.changeRequests += x.changeRequests;
    for (const v of x.leadTimes) cell.leadTimes.add(v);
    for (const v of x.referral) cell.referralToAgreed.add(v);
    // Reviews: on time when done on or before the date due after the reviews before it.
    for (const r of x.reviews) {
      const due = reviewDue(
        reviewState(
          openedData,
          reviewDates.filter((d) => d < r),
          proposedBy(r),
        ),
      );
      if (due === null || r <= due.dueOn) cell.reviewsOnTime += 1;
      else cell.reviewsLate += 1;
    }
    if (live) {
      const due = reviewDue(
        reviewState(
          openedData,
          reviewDates.filter((d) => d <= asAt),
          proposedBy(asAt),
        ),
      );
      if (due !== null && due.dueOn < asAt) cell.overdueAtEnd += 1;
    }
    // Flags at the end of the period, by the rules of `flagsOf`: each overspent stream, each
    // overspent line of the plan in force; and the off-plan attempts dated in the period.
    for (const s of o.streams) {
      const i = STREAMS.indexOf(s);
      if ((spentToDate[i] as bigint) + (reclaimedToDate[i] as bigint) > (allocatedToDate[i] as bigint)) {
        cell.overspendFlags += 1;
      }
    }
    for (const l of planOn(records, asAt)?.lines ?? []) {
      if ((lineToDate.get(l.lineId) ?? 0n) > l.amount.toPence()) cell.overspendFlags += 1;
    }
    cell.offPlanFlags += x.offPlan;
  }
}

/**
 * The cells of merged facts: every opened budget's contributions, grouped by `by` and period.
 * The horizon defaults to the latest date in the facts (pass it explicitly to merge cells
 * computed from different facts).
 */
export function outcomeCells(facts: OutcomeFacts, options: OutcomeOptions = {}): OutcomeCells {
  const by = options.by ?? [];
  const kind = options.period ?? 'year';
  const horizon = options.horizon ?? facts.latest;
  const cells: OutcomeCells = new Map();
  if (horizon === null) return cells;
  const keys = [...facts.budgets.keys()].sort();
  // Every outcome measure of each person, from any of their budgets, in order.
  const measures = new Map<string, Map<string, PersonMeasure[]>>();
  for (const k of keys) {
    const f = facts.budgets.get(k) as BudgetFacts;
    addBudget(cells, f, by, kind, horizon);
    if (f.opened === null) continue;
    for (const m of f.outcomes) {
      let byInstrument = measures.get(f.opened.person);
      if (byInstrument === undefined) {
        byInstrument = new Map();
        measures.set(f.opened.person, byInstrument);
      }
      let list = byInstrument.get(m.instrument);
      if (list === undefined) {
        list = [];
        byInstrument.set(m.instrument, list);
      }
      list.push({
        measuredOn: m.measuredOn,
        sum: m.sum,
        count: m.count,
        key: `${m.measuredOn}\t${k}\t${String(m.seq).padStart(12, '0')}`,
      });
    }
  }
  if (measures.size === 0) return cells;
  for (const byInstrument of measures.values()) for (const list of byInstrument.values()) list.sort(byKey);
  // Outcome change: each person in a cell brings every measure of theirs up to its as-at day.
  for (const cell of cells.values()) {
    for (const person of cell.people.keys()) {
      const byInstrument = measures.get(person);
      if (byInstrument === undefined) continue;
      for (const [instrument, list] of byInstrument) {
        const upTo = list.filter((m) => m.measuredOn <= cell.asAt);
        if (upTo.length > 0) addMeasures(cell, instrument, person, upTo);
      }
    }
  }
  return cells;
}
