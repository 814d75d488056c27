import { enableMapSet, freeze, produce, type Draft } from 'immer';
import type { BudgetOpened, LocalExclusion, PlanLine } from '../events/data.js';
import type { PendingEvent } from '../events/envelope.js';
import { Money } from '../money/money.js';
import { addEffects, emptySums, moneyEffects, type StreamSums } from '../events/money-effects.js';
import { planOn, type PlanStatus } from '../events/plan-on.js';
import type { Category, ManagementOption, Split, Stream } from '../events/primitives.js';

enableMapSet();

/** Money per funding stream: the running sums of {@link moneyEffects}. */
export type StreamTotals = StreamSums;

export { planOn, type PlanStatus };

/** One plan version as the decider tracks it. */
export interface PlanRecord {
  planVersion: number;
  status: PlanStatus;
  lines: PlanLine[];
  changeRequestId?: string;
  proposedAt: string;
  agreedOn?: string;
  decidedAt?: string;
}

/** One recorded spend: its split, the category and option of its line, and whether it was reversed. */
export interface SpendRecord {
  spendId: string;
  lineId: string;
  amount: Money;
  split: Split;
  spentOn: string;
  category: Category;
  option: ManagementOption;
  reversed: boolean;
}

/** A change request, the plan version that answered it, if any, and whether it was declined. */
export interface ChangeRequestRecord {
  changeRequestId: string;
  requestedAt: string;
  planVersion?: number;
  /** When it was declined (`occurredAt` of `ChangeRequestDeclined`). */
  declinedAt?: string;
}

/** A reclaim by its notice: what was taken, what went back, and where reconsideration stands. */
export interface ReclaimRecord {
  noticeRef: string;
  stream: Stream;
  amount: Money;
  returned: Money;
  reconsideration: 'none' | 'requested' | 'answered';
}

/** The overspend an explanation (coordinator) and an exception (commissioner) cover, per line or stream. */
export interface OverspendNote {
  explained: Money | null;
  approved: Money | null;
}

/** A contingency held outside the budget and what of it was returned. */
export interface ContingencyRecord {
  contingencyId: string;
  stream: Stream;
  amount: Money;
  returned: Money;
}

/** The key of an overspend note: `line:<lineId>` or `stream:<stream>`. */
export function overspendKey(d: { readonly lineId?: string; readonly stream?: Stream }): string {
  return d.lineId !== undefined ? `line:${d.lineId}` : `stream:${d.stream ?? ''}`;
}

/** Whether direct payments can be paid in. */
export type DirectPaymentStatus = 'active' | 'suspended' | 'stopped';

/** What the decider knows about one budget: everything its rules need, nothing more. */
export interface BudgetState {
  /** Number of events applied: the stream's version. */
  version: number;
  status: 'unopened' | 'open' | 'closed';
  budgetId: string | null;
  opened: BudgetOpened | null;
  lastRecordedAt: string | null;
  totals: Map<Stream, StreamTotals>;
  contribution: Money | null;
  plans: PlanRecord[];
  changeRequests: Map<string, ChangeRequestRecord>;
  spends: Map<string, SpendRecord>;
  directPayment: DirectPaymentStatus;
  /** The reason given when direct payments were last suspended or stopped (null while active). */
  directPaymentReason: string | null;
  /** When (`occurredAt`) direct payments were last suspended or stopped (null while active). */
  directPaymentSince: string | null;
  representatives: Set<string>;
  /** Event ids produced by each command id, for idempotency. */
  commands: Map<string, string[]>;
  /** Dates of completed reviews, in order. */
  reviews: string[];
  /** Spends that matched no agreed line (recorded as flags, moving no money). */
  offPlan: OffPlanAttempt[];
  /** Reclaims by notice reference. */
  reclaims: Map<string, ReclaimRecord>;
  /** Overspend explanations and approved exceptions, by {@link overspendKey}. */
  overspendNotes: Map<string, OverspendNote>;
  /** The site's local exclusions recorded on the budget (policy data). */
  exclusions: LocalExclusion[];
  /** Contingencies held outside the budget. */
  contingencies: Map<string, ContingencyRecord>;
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
export interface ReplayOptions {
  /** Keep the command ids seen (needed for idempotent decisions; not for reports). Default true. */
  readonly trackCommands?: boolean;
}

/** The state of a budget before its first event. */
export const initialState: BudgetState = freeze(
  {
    version: 0,
    status: 'unopened',
    budgetId: null,
    opened: null,
    lastRecordedAt: null,
    totals: new Map(),
    contribution: null,
    plans: [],
    changeRequests: new Map(),
    spends: new Map(),
    directPayment: 'active',
    directPaymentReason: null,
    directPaymentSince: null,
    representatives: new Set(),
    commands: new Map(),
    reviews: [],
    offPlan: [],
    reclaims: new Map(),
    overspendNotes: new Map(),
    exclusions: [],
    contingencies: new Map(),
  },
  true,
);

/** The totals of a stream, created at zero on first use. */
function totalsOf(st: BudgetState, stream: Stream): StreamTotals {
  let x = st.totals.get(stream);
  if (x === undefined) {
    x = emptySums();
    st.totals.set(stream, x);
  }
  return x;
}

/**
 * Applies one event to a mutable budget state. This is the only place the meaning of an event
 * for the decider is written; {@link evolve} runs it on an immer draft, {@link foldEvents}
 * on one accumulator for a whole replay.
 */
export function applyEvent(
  s: BudgetState | Draft<BudgetState>,
  e: PendingEvent,
  options?: ReplayOptions,
): void {
  const st = s as BudgetState;
  st.version += 1;
  st.lastRecordedAt = e.recordedAt;
  if (e.commandId !== undefined && options?.trackCommands !== false) {
    const ids = st.commands.get(e.commandId);
    if (ids === undefined) st.commands.set(e.commandId, [e.eventId]);
    else ids.push(e.eventId);
  }
  switch (e.type) {
    case 'BudgetOpened':
      st.status = 'open';
      st.budgetId = e.budgetId;
      st.opened = e.data;
      for (const stream of e.data.streams) totalsOf(st, stream);
      return;
    case 'FundingAllocated':
    case 'FundingAdjusted':
    case 'FundsPaid':
      addEffects(moneyEffects(e), (stream) => totalsOf(st, stream));
      return;
    case 'ContributionAssessed':
      st.contribution = e.data.amount;
      return;
    case 'PlanProposed': {
      const rec: PlanRecord = {
        planVersion: e.data.planVersion,
        status: 'proposed',
        lines: e.data.lines,
        proposedAt: e.occurredAt,
      };
      if (e.data.changeRequestId !== undefined) {
        rec.changeRequestId = e.data.changeRequestId;
        const cr = st.changeRequests.get(e.data.changeRequestId);
        if (cr !== undefined) cr.planVersion = e.data.planVersion;
      }
      st.plans.push(rec);
      return;
    }
    case 'PlanAgreed': {
      for (const p of st.plans) {
        if (p.planVersion === e.data.planVersion) {
          p.status = 'agreed';
          p.agreedOn = e.data.agreedOn;
          p.decidedAt = e.occurredAt;
        } else if (p.status === 'agreed') {
          p.status = 'superseded';
        }
      }
      return;
    }
    case 'PlanRejected': {
      const p = st.plans.find((x) => x.planVersion === e.data.planVersion);
      if (p !== undefined) {
        p.status = 'rejected';
        p.decidedAt = e.occurredAt;
      }
      return;
    }
    case 'ChangeRequested':
      st.changeRequests.set(e.data.changeRequestId, {
        changeRequestId: e.data.changeRequestId,
        requestedAt: e.occurredAt,
      });
      return;
    case 'SpendRecorded': {
      const line = planOn(st.plans, e.data.spentOn)?.lines.find((l) => l.lineId === e.data.lineId);
      const split = e.data.split;
      st.spends.set(e.data.spendId, {
        spendId: e.data.spendId,
        lineId: line?.lineId ?? e.data.lineId,
        amount: e.data.amount,
        split,
        spentOn: e.data.spentOn,
        category: line?.category ?? 'other',
        option: line?.option ?? 'notional',
        reversed: false,
      });
      addEffects(moneyEffects(e), (stream) => totalsOf(st, stream));
      return;
    }
    case 'SpendReversed': {
      const sp = st.spends.get(e.data.spendId);
      if (sp === undefined || sp.reversed) return;
      sp.reversed = true;
      addEffects(moneyEffects(e, sp.split), (stream) => totalsOf(st, stream));
      return;
    }
    case 'SurplusReclaimed': {
      addEffects(moneyEffects(e), (stream) => totalsOf(st, stream));
      st.reclaims.set(e.data.noticeRef, {
        noticeRef: e.data.noticeRef,
        stream: e.data.stream,
        amount: e.data.amount,
        returned: Money.zero,
        reconsideration: 'none',
      });
      return;
    }
    case 'ReconsiderationRequested': {
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) r.reconsideration = 'requested';
      return;
    }
    case 'ReclaimReconsidered': {
      addEffects(moneyEffects(e), (stream) => totalsOf(st, stream));
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) {
        r.reconsideration = 'answered';
        r.returned = r.returned.plus(e.data.returned);
      }
      return;
    }
    case 'ChangeRequestDeclined': {
      const cr = st.changeRequests.get(e.data.changeRequestId);
      if (cr !== undefined) cr.declinedAt = e.occurredAt;
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
    case 'LocalExclusionsSet':
      st.exclusions = e.data.exclusions;
      return;
    case 'ContingencyHeld':
      st.contingencies.set(e.data.contingencyId, {
        contingencyId: e.data.contingencyId,
        stream: e.data.stream,
        amount: e.data.amount,
        returned: Money.zero,
      });
      return;
    case 'ContingencyReturned': {
      const k = st.contingencies.get(e.data.contingencyId);
      if (k !== undefined) k.returned = k.returned.plus(e.data.amount);
      return;
    }
    case 'DirectPaymentSuspended':
      st.directPayment = 'suspended';
      st.directPaymentReason = e.data.reason;
      st.directPaymentSince = e.occurredAt;
      return;
    case 'DirectPaymentResumed':
      st.directPayment = 'active';
      st.directPaymentReason = null;
      st.directPaymentSince = null;
      return;
    case 'DirectPaymentStopped':
      st.directPayment = 'stopped';
      st.directPaymentReason = e.data.reason;
      st.directPaymentSince = e.occurredAt;
      return;
    case 'BudgetClosed':
      st.status = 'closed';
      return;
    case 'RepresentativeAuthorised':
      st.representatives.add(e.data.representativeId);
      return;
    case 'RepresentativeRevoked':
      st.representatives.delete(e.data.representativeId);
      return;
    case 'ReviewCompleted':
      st.reviews.push(e.data.reviewedOn);
      return;
    case 'OutcomeRecorded':
      // An outcome measure for the person: it moves no money and changes no rule.
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
    ...state,
    opened: state.opened,
    totals: new Map([...state.totals].map(([k, v]) => [k, { ...v }])),
    plans: state.plans.map((p) => ({ ...p })),
    changeRequests: new Map([...state.changeRequests].map(([k, v]) => [k, { ...v }])),
    spends: new Map([...state.spends].map(([k, v]) => [k, { ...v }])),
    representatives: new Set(state.representatives),
    commands: new Map([...state.commands].map(([k, v]) => [k, [...v]])),
    reviews: [...state.reviews],
    offPlan: [...state.offPlan],
    reclaims: new Map([...state.reclaims].map(([k, v]) => [k, { ...v }])),
    overspendNotes: new Map([...state.overspendNotes].map(([k, v]) => [k, { ...v }])),
    exclusions: [...state.exclusions],
    contingencies: new Map([...state.contingencies].map(([k, v]) => [k, { ...v }])),
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
