/**
 * The decision state of one budget: only what the rules of {@link decide} read, and its pure
 * `evolve`. The read models (spends by date and category, reviews, off-plan attempts,
 * overspend notes...) are folded in src/projections/, never here.
 *
 * Any change to the shape of {@link DecisionState} must bump {@link DECISION_STATE_VERSION}
 * (snapshots are keyed by it; test/snapshot-schema.test.ts fails when the shape moves alone).
 */
import { enableMapSet, freeze, produce, type Draft } from 'immer';
import type { BudgetOpened, LocalExclusion, PlanLine } from '../events/data.js';
import type { PendingEvent } from '../events/envelope.js';
import { addEffects, emptySums, moneyEffects, type StreamSums } from '../events/money-effects.js';
import { planOn, type PlanStatus } from '../events/plan-on.js';
import type { ManagementOption, Split, Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';

enableMapSet();

/** The schema version of {@link DecisionState}: bump it with every change of its shape. */
export const DECISION_STATE_VERSION = 1;

/** A plan version as the rules need it. */
export interface DecisionPlan {
  planVersion: number;
  status: PlanStatus;
  lines: PlanLine[];
  changeRequestId?: string;
  agreedOn?: string;
}

/** A recorded spend as the rules need it: its line, option, split and whether it was reversed. */
export interface DecisionSpend {
  lineId: string;
  amount: Money;
  split: Split;
  option: ManagementOption;
  reversed: boolean;
}

/** A change request: whether it was declined (answers are read from the plans). */
export interface DecisionChangeRequest {
  changeRequestId: string;
  declinedAt?: string;
}

/** A reclaim by its notice: what was taken, from which stream, and where reconsideration stands. */
export interface DecisionReclaim {
  noticeRef: string;
  stream: Stream;
  amount: Money;
  reconsideration: 'none' | 'requested' | 'answered';
}

/** A contingency held outside the budget and what of it was returned. */
export interface DecisionContingency {
  contingencyId: string;
  amount: Money;
  returned: Money;
}

/** Whether direct payments can be paid in. */
export type DirectPaymentStatus = 'active' | 'suspended' | 'stopped';

/** What the decider knows about one budget: everything its rules need, nothing more. */
export interface DecisionState {
  /** Number of events applied: the stream's version. */
  version: number;
  status: 'unopened' | 'open' | 'closed';
  budgetId: string | null;
  opened: BudgetOpened | null;
  lastRecordedAt: string | null;
  totals: Map<Stream, StreamSums>;
  contribution: Money | null;
  plans: DecisionPlan[];
  changeRequests: Map<string, DecisionChangeRequest>;
  spends: Map<string, DecisionSpend>;
  directPayment: DirectPaymentStatus;
  /** The reason given when direct payments were last suspended or stopped (null while active). */
  directPaymentReason: string | null;
  representatives: Set<string>;
  /** Event ids produced by each command id, for idempotency. */
  commands: Map<string, string[]>;
  reclaims: Map<string, DecisionReclaim>;
  /** The site's local exclusions recorded on the budget (policy data). */
  exclusions: LocalExclusion[];
  contingencies: Map<string, DecisionContingency>;
}

/** The decision state of a budget before its first event. */
export const initialDecisionState: DecisionState = freeze(
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
    representatives: new Set(),
    commands: new Map(),
    reclaims: new Map(),
    exclusions: [],
    contingencies: new Map(),
  },
  true,
);

function totalsOf(st: DecisionState, stream: Stream): StreamSums {
  let x = st.totals.get(stream);
  if (x === undefined) {
    x = emptySums();
    st.totals.set(stream, x);
  }
  return x;
}

function addMoney(st: DecisionState, e: PendingEvent, reversed?: Split): void {
  addEffects(moneyEffects(e, reversed), (stream) => totalsOf(st, stream));
}

/** Fails to compile when an event type has no case in {@link applyDecision}. */
function unhandled(e: never): never {
  throw new TypeError(`no decision rule for event ${JSON.stringify(e)}`);
}

/** Applies one event to a mutable decision state (in place). */
export function applyDecision(s: DecisionState | Draft<DecisionState>, e: PendingEvent): void {
  const st = s as DecisionState;
  st.version += 1;
  st.lastRecordedAt = e.recordedAt;
  if (e.commandId !== undefined) {
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
      addMoney(st, e);
      return;
    case 'ContributionAssessed':
      st.contribution = e.data.amount;
      return;
    case 'PlanProposed': {
      const rec: DecisionPlan = { planVersion: e.data.planVersion, status: 'proposed', lines: e.data.lines };
      if (e.data.changeRequestId !== undefined) rec.changeRequestId = e.data.changeRequestId;
      st.plans.push(rec);
      return;
    }
    case 'PlanAgreed':
      for (const p of st.plans) {
        if (p.planVersion === e.data.planVersion) {
          p.status = 'agreed';
          p.agreedOn = e.data.agreedOn;
        } else if (p.status === 'agreed') {
          p.status = 'superseded';
        }
      }
      return;
    case 'PlanRejected': {
      const p = st.plans.find((x) => x.planVersion === e.data.planVersion);
      if (p !== undefined) p.status = 'rejected';
      return;
    }
    case 'ChangeRequested':
      st.changeRequests.set(e.data.changeRequestId, { changeRequestId: e.data.changeRequestId });
      return;
    case 'ChangeRequestDeclined': {
      const cr = st.changeRequests.get(e.data.changeRequestId);
      if (cr !== undefined) cr.declinedAt = e.occurredAt;
      return;
    }
    case 'SpendRecorded': {
      const line = planOn(st.plans, e.data.spentOn)?.lines.find((l) => l.lineId === e.data.lineId);
      st.spends.set(e.data.spendId, {
        lineId: line?.lineId ?? e.data.lineId,
        amount: e.data.amount,
        split: e.data.split,
        option: line?.option ?? 'notional',
        reversed: false,
      });
      addMoney(st, e);
      return;
    }
    case 'SpendReversed': {
      const sp = st.spends.get(e.data.spendId);
      if (sp === undefined || sp.reversed) return;
      sp.reversed = true;
      addMoney(st, e, sp.split);
      return;
    }
    case 'SurplusReclaimed':
      addMoney(st, e);
      st.reclaims.set(e.data.noticeRef, {
        noticeRef: e.data.noticeRef,
        stream: e.data.stream,
        amount: e.data.amount,
        reconsideration: 'none',
      });
      return;
    case 'ReconsiderationRequested': {
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) r.reconsideration = 'requested';
      return;
    }
    case 'ReclaimReconsidered': {
      addMoney(st, e);
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) r.reconsideration = 'answered';
      return;
    }
    case 'LocalExclusionsSet':
      st.exclusions = e.data.exclusions;
      return;
    case 'ContingencyHeld':
      st.contingencies.set(e.data.contingencyId, {
        contingencyId: e.data.contingencyId,
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
      return;
    case 'DirectPaymentResumed':
      st.directPayment = 'active';
      st.directPaymentReason = null;
      return;
    case 'DirectPaymentStopped':
      st.directPayment = 'stopped';
      st.directPaymentReason = e.data.reason;
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
    case 'OverspendExplained':
    case 'OverspendExceptionApproved':
    case 'ReviewCompleted':
    case 'OutcomeRecorded':
    case 'OffPlanSpendFlagged':
      // read by the read models only: no rule depends on them
      return;
    default:
      unhandled(e);
  }
}

/** The Decider's `evolve`: one event, one new immutable state (structural sharing via immer). */
export function evolveDecision(state: DecisionState, event: PendingEvent): DecisionState {
  return produce(state, (draft) => {
    applyDecision(draft, event);
  });
}

/** A mutable copy of a decision state, for accumulators that never share the object. */
export function thawDecision(state: DecisionState = initialDecisionState): DecisionState {
  return {
    ...state,
    totals: new Map([...state.totals].map(([k, v]) => [k, { ...v }])),
    plans: state.plans.map((p) => ({ ...p })),
    changeRequests: new Map([...state.changeRequests].map(([k, v]) => [k, { ...v }])),
    spends: new Map([...state.spends].map(([k, v]) => [k, { ...v }])),
    representatives: new Set(state.representatives),
    commands: new Map([...state.commands].map(([k, v]) => [k, [...v]])),
    reclaims: new Map([...state.reclaims].map(([k, v]) => [k, { ...v }])),
    exclusions: [...state.exclusions],
    contingencies: new Map([...state.contingencies].map(([k, v]) => [k, { ...v }])),
  };
}

/** Folds many events into a decision state at once (one mutable accumulator), frozen at the end. */
export function foldDecisions(
  events: Iterable<PendingEvent>,
  from: DecisionState = initialDecisionState,
): DecisionState {
  const acc = thawDecision(from);
  for (const e of events) applyDecision(acc, e);
  return freeze(acc, true);
}
