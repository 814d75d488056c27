/**
 * The budget read model: everything the reports show of one budget. What an event does to the
 * part the decider keeps too (streams and their sums, plans, spends, change requests, reclaims,
 * contingencies, direct payment status, representatives, closure) is written once, in
 * src/events/budget-core.ts; {@link applyEvent} adds the dates, categories, reviews, off-plan
 * attempts and overspend notes that only the reports read.
 */
import { enableMapSet, freeze, produce, type Draft } from 'immer';
import {
  evolveCore,
  initialCore,
  thawCore,
  type BudgetCore,
  type CoreChangeRequest,
  type CoreContingency,
  type CoreOptions,
  type CorePlan,
  type CoreReclaim,
  type CoreRecords,
  type CoreSpend,
  type DirectPaymentStatus,
  type RecordMakers,
} from '../events/budget-core.js';
import type { PendingEvent } from '../events/envelope.js';
import { Money } from '../money/money.js';
import type { StreamSums } from '../events/money-effects.js';
import { planOn, type PlanStatus } from '../events/plan-on.js';
import type { Category, Stream } from '../events/primitives.js';

enableMapSet();

/** Money per funding stream: the running sums of `moneyEffects`. */
export type StreamTotals = StreamSums;

export { planOn, type PlanStatus, type DirectPaymentStatus };

/** One plan version: the core record, when it was proposed and when it was agreed or rejected. */
export interface PlanRecord extends CorePlan {
  proposedAt: string;
  decidedAt?: string;
}

/** One recorded spend: its split, the category and option of its line, and whether it was reversed. */
export interface SpendRecord extends CoreSpend {
  spendId: string;
  spentOn: string;
  category: Category;
}

/** A change request, the plan version that answered it, if any, and whether it was declined. */
export interface ChangeRequestRecord extends CoreChangeRequest {
  requestedAt: string;
  planVersion?: number;
}

/** A reclaim by its notice: what was taken, what went back, and where reconsideration stands. */
export interface ReclaimRecord extends CoreReclaim {
  returned: Money;
}

/** The overspend an explanation (coordinator) and an exception (commissioner) cover, per line or stream. */
export interface OverspendNote {
  explained: Money | null;
  approved: Money | null;
}

/** A contingency held outside the budget, its stream, and what of it was returned. */
export interface ContingencyRecord extends CoreContingency {
  stream: Stream;
}

/** The key of an overspend note: `line:<lineId>` or `stream:<stream>`. */
export function overspendKey(d: { readonly lineId?: string; readonly stream?: Stream }): string {
  return d.lineId !== undefined ? `line:${d.lineId}` : `stream:${d.stream ?? ''}`;
}

/** The read model's records: the core ones with the dates, ids and categories reports show. */
export interface ReadRecords extends CoreRecords {
  plan: PlanRecord;
  spend: SpendRecord;
  changeRequest: ChangeRequestRecord;
  reclaim: ReclaimRecord;
  contingency: ContingencyRecord;
}

/** What the reports know about one budget: the core every state keeps, and what only they read. */
export interface BudgetState extends BudgetCore<ReadRecords> {
  /** When (`occurredAt`) direct payments were last suspended or stopped (null while active). */
  directPaymentSince: string | null;
  /** Dates of completed reviews, in order. */
  reviews: string[];
  /** Spends that matched no agreed line (recorded as flags, moving no money). */
  offPlan: OffPlanAttempt[];
  /** Overspend explanations and approved exceptions, by {@link overspendKey}. */
  overspendNotes: Map<string, OverspendNote>;
}

/** A spend that matched no agreed line: kept as a flag, moving no money. */
export interface OffPlanAttempt {
  spendId: string;
  lineId: string;
  amount: Money;
  spentOn: string;
  problem: string;
}

/** Options for replays that only project (no decisions follow). */
export type ReplayOptions = CoreOptions;

/** The state of a budget before its first event. */
export const initialState: BudgetState = freeze(
  {
    ...initialCore<ReadRecords>(),
    directPaymentSince: null,
    reviews: [],
    offPlan: [],
    overspendNotes: new Map(),
  },
  true,
);

/** How the read model makes its records from the core ones an event creates. */
const READ_RECORDS: RecordMakers<ReadRecords> = {
  plan: (core, e) => {
    const rec: PlanRecord = {
      planVersion: core.planVersion,
      status: core.status,
      lines: core.lines,
      proposedAt: e.occurredAt,
    };
    if (core.changeRequestId !== undefined) rec.changeRequestId = core.changeRequestId;
    return rec;
  },
  spend: (core, e, line) => ({
    spendId: e.data.spendId,
    lineId: core.lineId,
    amount: core.amount,
    split: core.split,
    spentOn: e.data.spentOn,
    category: line?.category ?? 'other',
    option: core.option,
    reversed: core.reversed,
  }),
  changeRequest: (core, e) => ({ changeRequestId: core.changeRequestId, requestedAt: e.occurredAt }),
  reclaim: (core) => ({
    noticeRef: core.noticeRef,
    stream: core.stream,
    amount: core.amount,
    returned: Money.zero,
    reconsideration: core.reconsideration,
  }),
  contingency: (core, e) => ({
    contingencyId: core.contingencyId,
    stream: e.data.stream,
    amount: core.amount,
    returned: core.returned,
  }),
};

/** Marks the plan version an event agreed or rejected with when that was decided. */
export function markDecided(plans: PlanRecord[], planVersion: number, at: string, all: boolean): void {
  for (const p of plans) {
    if (p.planVersion !== planVersion) continue;
    p.decidedAt = at;
    if (!all) return;
  }
}

/** Fails to compile when an event type has no case in {@link applyEvent}. */
function unhandled(e: never): never {
  throw new TypeError(`no read-model rule for event ${JSON.stringify(e)}`);
}

/**
 * Applies one event to a mutable budget state. What the event does to the part of the state
 * the decider keeps too is {@link evolveCore} (src/events/budget-core.ts, written once for
 * both); this adds what only the reports read. {@link evolve} runs it on an immer draft,
 * {@link foldEvents} on one accumulator for a whole replay.
 */
export function applyEvent(
  s: BudgetState | Draft<BudgetState>,
  e: PendingEvent,
  options?: ReplayOptions,
): void {
  const st = s as BudgetState;
  evolveCore(st, e, READ_RECORDS, options);
  switch (e.type) {
    case 'PlanProposed':
      if (e.data.changeRequestId !== undefined) {
        const cr = st.changeRequests.get(e.data.changeRequestId);
        if (cr !== undefined) cr.planVersion = e.data.planVersion;
      }
      return;
    case 'PlanAgreed':
      markDecided(st.plans, e.data.planVersion, e.occurredAt, true);
      return;
    case 'PlanRejected':
      markDecided(st.plans, e.data.planVersion, e.occurredAt, false);
      return;
    case 'ReclaimReconsidered': {
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) r.returned = r.returned.plus(e.data.returned);
      return;
    }
    case 'OverspendExplained':
    case 'OverspendExceptionApproved': {
      const key = overspendKey(e.data);
      const note = st.overspendNotes.get(key) ?? { explained: null, approved: null };
      if (e.type === 'OverspendExplained') note.explained = e.data.over;
      else note.approved = e.data.over;
      st.overspendNotes.set(key, note);
      return;
    }
    case 'DirectPaymentSuspended':
    case 'DirectPaymentStopped':
      st.directPaymentSince = e.occurredAt;
      return;
    case 'DirectPaymentResumed':
      st.directPaymentSince = null;
      return;
    case 'ReviewCompleted':
      st.reviews.push(e.data.reviewedOn);
      return;
    case 'OffPlanSpendFlagged':
      st.offPlan.push({
        spendId: e.data.spendId,
        lineId: e.data.lineId,
        amount: e.data.amount,
        spentOn: e.data.spentOn,
        problem: e.data.problem,
      });
      return;
    case 'BudgetOpened':
    case 'FundingAllocated':
    case 'FundingAdjusted':
    case 'FundsPaid':
    case 'ContributionAssessed':
    case 'ChangeRequested':
    case 'ChangeRequestDeclined':
    case 'SpendRecorded':
    case 'SpendReversed':
    case 'SurplusReclaimed':
    case 'ReconsiderationRequested':
    case 'LocalExclusionsSet':
    case 'ContingencyHeld':
    case 'ContingencyReturned':
    case 'BudgetClosed':
    case 'RepresentativeAuthorised':
    case 'RepresentativeRevoked':
    case 'OutcomeRecorded':
      // all the read model keeps of these is the core, or their records' extra fields
      return;
    default:
      unhandled(e);
  }
}

/** The Decider's `evolve`: one event, one new immutable state (structural sharing via immer). */
export function evolve(state: BudgetState, event: PendingEvent): BudgetState {
  return produce(state, (draft) => {
    applyEvent(draft, event);
  });
}

function thaw(state: BudgetState): BudgetState {
  return {
    ...thawCore<ReadRecords, BudgetState>(state),
    reviews: [...state.reviews],
    offPlan: [...state.offPlan],
    overspendNotes: new Map([...state.overspendNotes].map(([k, v]) => [k, { ...v }])),
  };
}

/**
 * Replays many events at once: one mutable accumulator (no immutable copy per event),
 * frozen at the end. Gives exactly the state that applying {@link evolve} event by event gives.
 */
export function foldEvents(
  events: Iterable<PendingEvent>,
  from: BudgetState = initialState,
  options?: ReplayOptions,
): BudgetState {
  const acc = thaw(from);
  for (const e of events) applyEvent(acc, e, options);
  return freeze(acc, true);
}

/** A fresh mutable state, for accumulators that fold many events and never share the object. */
export function mutableState(from: BudgetState = initialState): BudgetState {
  return thaw(from);
}
