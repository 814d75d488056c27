/**
 * What a budget's events establish, written once: the part of a budget's state that both the
 * decider's state (`DecisionState`, src/budget/state.ts) and the budget read model
 * (`BudgetState`, src/projections/budget-state.ts) keep, and {@link evolveCore}, the one place
 * that says what each event does to it. Money goes through {@link moneyEffects}; plans through
 * {@link agreePlan} and {@link rejectPlan}; the line a spend is booked to through
 * {@link spendLine}.
 *
 * A state that keeps more of a record (the read model keeps when a plan was proposed, a
 * spend's date and category...) gives {@link RecordMakers} that extend the core records, and
 * folds the rest of an event in its own `switch` after {@link evolveCore}.
 */
import { Money } from '../money/money.js';
import type { BudgetOpened, LocalExclusion, PlanLine } from './data.js';
import type { PendingEvent, PendingEventOf } from './envelope.js';
import { addEffects, emptySums, moneyEffects, type StreamSums } from './money-effects.js';
import { planOn, type PlanStatus } from './plan-on.js';
import type { ManagementOption, Split, Stream } from './primitives.js';

/** A plan version: its status, lines, the change request it answers and when it took effect. */
export interface CorePlan {
  planVersion: number;
  status: PlanStatus;
  lines: PlanLine[];
  changeRequestId?: string;
  agreedOn?: string;
}

/** A recorded spend: its line, option, split and whether it was reversed. */
export interface CoreSpend {
  lineId: string;
  amount: Money;
  split: Split;
  option: ManagementOption;
  reversed: boolean;
}

/** A change request: whether it was declined (answers are read from the plans). */
export interface CoreChangeRequest {
  changeRequestId: string;
  /** When it was declined (`occurredAt` of `ChangeRequestDeclined`). */
  declinedAt?: string;
}

/** A reclaim by its notice: what was taken, from which stream, and where reconsideration stands. */
export interface CoreReclaim {
  noticeRef: string;
  stream: Stream;
  amount: Money;
  reconsideration: 'none' | 'requested' | 'answered';
}

/** A contingency held outside the budget and what of it was returned. */
export interface CoreContingency {
  contingencyId: string;
  amount: Money;
  returned: Money;
}

/** The records a state keeps: the core ones, or richer ones that extend them. */
export interface CoreRecords {
  plan: CorePlan;
  spend: CoreSpend;
  changeRequest: CoreChangeRequest;
  reclaim: CoreReclaim;
  contingency: CoreContingency;
}

/** Whether direct payments can be paid in. */
export type DirectPaymentStatus = 'active' | 'suspended' | 'stopped';

/** The state of one budget that its events establish, with records of type `R`. */
export interface BudgetCore<R extends CoreRecords = CoreRecords> {
  /** Number of events applied: the stream's version. */
  version: number;
  status: 'unopened' | 'open' | 'closed';
  budgetId: string | null;
  opened: BudgetOpened | null;
  lastRecordedAt: string | null;
  totals: Map<Stream, StreamSums>;
  contribution: Money | null;
  plans: R['plan'][];
  changeRequests: Map<string, R['changeRequest']>;
  spends: Map<string, R['spend']>;
  directPayment: DirectPaymentStatus;
  /** The reason given when direct payments were last suspended or stopped (null while active). */
  directPaymentReason: string | null;
  representatives: Set<string>;
  /** Event ids produced by each command id, for idempotency. */
  commands: Map<string, string[]>;
  /** Reclaims by notice reference. */
  reclaims: Map<string, R['reclaim']>;
  /** The site's local exclusions recorded on the budget (policy data). */
  exclusions: LocalExclusion[];
  /** Contingencies held outside the budget. */
  contingencies: Map<string, R['contingency']>;
}

/** The fields of a budget before its first event (a fresh object each call). */
export function initialCore<R extends CoreRecords = CoreRecords>(): BudgetCore<R> {
  return {
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
  };
}

/**
 * How a state makes its records from the core record an event creates: the identity for the
 * decider, richer records (with dates, ids, categories) for the read model.
 */
export interface RecordMakers<R extends CoreRecords> {
  plan(core: CorePlan, e: PendingEventOf<'PlanProposed'>): R['plan'];
  spend(core: CoreSpend, e: PendingEventOf<'SpendRecorded'>, line: PlanLine | undefined): R['spend'];
  changeRequest(core: CoreChangeRequest, e: PendingEventOf<'ChangeRequested'>): R['changeRequest'];
  reclaim(core: CoreReclaim, e: PendingEventOf<'SurplusReclaimed'>): R['reclaim'];
  contingency(core: CoreContingency, e: PendingEventOf<'ContingencyHeld'>): R['contingency'];
}

/** Options of {@link evolveCore}. */
export interface CoreOptions {
  /** Keep the command ids seen (needed for idempotent decisions; not for reports). Default true. */
  readonly trackCommands?: boolean;
}

/** The sums of a stream, created at zero on first use. */
export function sumsOf(st: BudgetCore<CoreRecords>, stream: Stream): StreamSums {
  let x = st.totals.get(stream);
  if (x === undefined) {
    x = emptySums();
    st.totals.set(stream, x);
  }
  return x;
}

/** The line of the plan in force on `spentOn` that a spend on `lineId` is booked to, if any. */
export function spendLine(plans: readonly CorePlan[], spentOn: string, lineId: string): PlanLine | undefined {
  return planOn(plans, spentOn)?.lines.find((l) => l.lineId === lineId);
}

/** Agrees a plan version: it takes effect on `agreedOn`, and the version agreed before is superseded. */
export function agreePlan(plans: CorePlan[], planVersion: number, agreedOn: string): void {
  for (const p of plans) {
    if (p.planVersion === planVersion) {
      p.status = 'agreed';
      p.agreedOn = agreedOn;
    } else if (p.status === 'agreed') {
      p.status = 'superseded';
    }
  }
}

/** Rejects a proposed plan version; returns it (undefined when there is no such version). */
export function rejectPlan<P extends CorePlan>(plans: P[], planVersion: number): P | undefined {
  const p = plans.find((x) => x.planVersion === planVersion);
  if (p !== undefined) p.status = 'rejected';
  return p;
}

/** Fails to compile when an event type has no case in {@link evolveCore}. */
function unhandled(e: never): never {
  throw new TypeError(`no rule to evolve a budget by event ${JSON.stringify(e)}`);
}

/**
 * Applies one event to the core of a mutable state (in place). Every event type has a case;
 * a new one that is not handled fails to compile.
 */
export function evolveCore<R extends CoreRecords>(
  st: BudgetCore<R>,
  e: PendingEvent,
  make: RecordMakers<R>,
  options?: CoreOptions,
): void {
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
      for (const stream of e.data.streams) sumsOf(st, stream);
      return;
    case 'FundingAllocated':
    case 'FundingAdjusted':
    case 'FundsPaid':
      addEffects(moneyEffects(e), (stream) => sumsOf(st, stream));
      return;
    case 'ContributionAssessed':
      st.contribution = e.data.amount;
      return;
    case 'PlanProposed': {
      const core: CorePlan = { planVersion: e.data.planVersion, status: 'proposed', lines: e.data.lines };
      if (e.data.changeRequestId !== undefined) core.changeRequestId = e.data.changeRequestId;
      st.plans.push(make.plan(core, e));
      return;
    }
    case 'PlanAgreed':
      agreePlan(st.plans, e.data.planVersion, e.data.agreedOn);
      return;
    case 'PlanRejected':
      rejectPlan(st.plans, e.data.planVersion);
      return;
    case 'ChangeRequested':
      st.changeRequests.set(
        e.data.changeRequestId,
        make.changeRequest({ changeRequestId: e.data.changeRequestId }, e),
      );
      return;
    case 'ChangeRequestDeclined': {
      const cr = st.changeRequests.get(e.data.changeRequestId);
      if (cr !== undefined) cr.declinedAt = e.occurredAt;
      return;
    }
    case 'SpendRecorded': {
      const line = spendLine(st.plans, e.data.spentOn, e.data.lineId);
      const core: CoreSpend = {
        lineId: line?.lineId ?? e.data.lineId,
        amount: e.data.amount,
        split: e.data.split,
        option: line?.option ?? 'notional',
        reversed: false,
      };
      st.spends.set(e.data.spendId, make.spend(core, e, line));
      addEffects(moneyEffects(e), (stream) => sumsOf(st, stream));
      return;
    }
    case 'SpendReversed': {
      // a reversal of an unknown or already reversed spend changes nothing
      const sp = st.spends.get(e.data.spendId);
      if (sp === undefined || sp.reversed) return;
      sp.reversed = true;
      addEffects(moneyEffects(e, sp.split), (stream) => sumsOf(st, stream));
      return;
    }
    case 'SurplusReclaimed': {
      addEffects(moneyEffects(e), (stream) => sumsOf(st, stream));
      const core: CoreReclaim = {
        noticeRef: e.data.noticeRef,
        stream: e.data.stream,
        amount: e.data.amount,
        reconsideration: 'none',
      };
      st.reclaims.set(e.data.noticeRef, make.reclaim(core, e));
      return;
    }
    case 'ReconsiderationRequested': {
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) r.reconsideration = 'requested';
      return;
    }
    case 'ReclaimReconsidered': {
      addEffects(moneyEffects(e), (stream) => sumsOf(st, stream));
      const r = st.reclaims.get(e.data.noticeRef);
      if (r !== undefined) r.reconsideration = 'answered';
      return;
    }
    case 'LocalExclusionsSet':
      st.exclusions = e.data.exclusions;
      return;
    case 'ContingencyHeld': {
      const core: CoreContingency = {
        contingencyId: e.data.contingencyId,
        amount: e.data.amount,
        returned: Money.zero,
      };
      st.contingencies.set(e.data.contingencyId, make.contingency(core, e));
      return;
    }
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
      // kept by the read models only: no rule depends on them
      return;
    default:
      unhandled(e);
  }
}

/** A mutable copy of the core of a state (its maps, lists and records copied), other fields as they are. */
export function thawCore<R extends CoreRecords, S extends BudgetCore<R>>(state: S): S {
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
