/**
 * The `data` of every event type of the log contract: one io-ts codec and its type per event
 * type, each refusing bad input with a message that names the field.
 *
 * Longer than 400 lines on purpose: it is the contract's list of event types, one short codec
 * each; read side by side with docs/events.md, one file is easier to check than many.
 */
import * as t from 'io-ts';
import { Money } from '../money/money.js';
import {
  BasisC,
  CategoryC,
  CohortC,
  DateC,
  InstrumentC,
  ItemCodeC,
  RespondentC,
  ScoreC,
  instrumentRange,
  NonNegativeMoneyC,
  NonZeroMoneyC,
  OptionC,
  PaymentOptionC,
  PositiveIntC,
  PositiveMoneyC,
  PurposeC,
  ReclaimReasonC,
  RefC,
  ReviewOutcomeC,
  SharesC,
  SplitC,
  StageC,
  StreamC,
  StreamListC,
  STREAMS,
  TextC,
  TimestampC,
  MoneyC,
  type Split,
} from './primitives.js';

/** Opens a budget: who it is for (pseudonymous reference), where, which cohort and basis, which streams fund it. */
export const BudgetOpenedC = t.intersection([
  t.type({
    personRef: RefC,
    site: RefC,
    cohort: CohortC,
    basis: BasisC,
    streams: StreamListC,
    periodStart: DateC,
    periodEnd: DateC,
  }),
  t.partial({ referredAt: TimestampC }),
]);
/** The `data` of `BudgetOpened`. */
export type BudgetOpened = t.TypeOf<typeof BudgetOpenedC>;

/** Funding allocated to a stream, at the `indicative` or `agreed` stage. */
export const FundingAllocatedC = t.intersection([
  t.type({ stream: StreamC, amount: PositiveMoneyC, stage: StageC }),
  t.partial({ reason: TextC }),
]);
/** The `data` of `FundingAllocated`. */
export type FundingAllocated = t.TypeOf<typeof FundingAllocatedC>;

/** A change (up or down) to a stream's agreed funding, with its reason. */
export const FundingAdjustedC = t.type({ stream: StreamC, delta: NonZeroMoneyC, reason: TextC });
/** The `data` of `FundingAdjusted`. */
export type FundingAdjusted = t.TypeOf<typeof FundingAdjustedC>;

/** The person's assessed contribution (never on `chc` or `s117` budgets). */
export const ContributionAssessedC = t.type({ amount: NonNegativeMoneyC });
/** The `data` of `ContributionAssessed`. */
export type ContributionAssessed = t.TypeOf<typeof ContributionAssessedC>;

/** Cash paid into a direct-payment account or to a third party (the cash view). */
export const FundsPaidC = t.type({
  stream: StreamC,
  amount: PositiveMoneyC,
  option: PaymentOptionC,
  reference: RefC,
});
/** The `data` of `FundsPaid`. */
export type FundsPaid = t.TypeOf<typeof FundsPaidC>;

/** One line of a care plan: what it is for, how the money is held, its amount and funding shares. */
export const PlanLineC = t.type({
  lineId: RefC,
  category: CategoryC,
  option: OptionC,
  amount: NonNegativeMoneyC,
  shares: SharesC,
});
/** One line of a care plan. */
export type PlanLine = t.TypeOf<typeof PlanLineC>;

/** A plan version proposed, optionally answering a change request. */
export const PlanProposedC = t.intersection([
  t.type({ planVersion: PositiveIntC, lines: t.array(PlanLineC) }),
  t.partial({ changeRequestId: RefC }),
]);
/** The `data` of `PlanProposed`. */
export type PlanProposed = t.TypeOf<typeof PlanProposedC>;

/**
 * A plan version agreed, on a date. `bestInterestsReason` (added, optional) is present when a
 * coordinator agreed it in the best interests of a person who cannot agree, with the reason.
 */
export const PlanAgreedC = t.intersection([
  t.type({ planVersion: PositiveIntC, agreedOn: DateC }),
  t.partial({ bestInterestsReason: TextC }),
]);
/** The `data` of `PlanAgreed`. */
export type PlanAgreed = t.TypeOf<typeof PlanAgreedC>;

/** A plan version rejected, with the reason. */
export const PlanRejectedC = t.type({ planVersion: PositiveIntC, reason: TextC });
/** The `data` of `PlanRejected`. */
export type PlanRejected = t.TypeOf<typeof PlanRejectedC>;

/** A request to change the plan. */
export const ChangeRequestedC = t.type({ changeRequestId: RefC, summary: TextC });
/** The `data` of `ChangeRequested`. */
export type ChangeRequested = t.TypeOf<typeof ChangeRequestedC>;

/** Sum check: the parts of a split add up to the amount exactly. */
export function splitProblem(amount: Money, split: Split): string | null {
  const parts = STREAMS.map((s) => split[s]).filter((m): m is Money => m !== undefined);
  const sum = Money.sum(parts);
  return sum.equals(amount) ? null : `parts add up to "${sum}", not the amount "${amount}"`;
}

/** The fields of `SpendRecorded` (its codec adds the check that the split adds up). */
export const SpendRecordedShape = t.type({
  spendId: RefC,
  lineId: RefC,
  amount: PositiveMoneyC,
  spentOn: DateC,
  payee: TextC,
  evidenceRef: RefC,
  split: SplitC,
  purpose: PurposeC,
});
/**
 * A spend on a line of the agreed plan, split across the line's streams. Data version 2 adds
 * `purpose`; version 1 data is upcast to `purpose: "unspecified"` when read (see `upcast.ts`).
 */
export const SpendRecordedC = new t.Type<
  t.TypeOf<typeof SpendRecordedShape>,
  t.OutputOf<typeof SpendRecordedShape>,
  unknown
>(
  'SpendRecorded',
  SpendRecordedShape.is,
  (u, c) => {
    const r = SpendRecordedShape.validate(u, c);
    if (r._tag === 'Left') return r;
    const p = splitProblem(r.right.amount, r.right.split);
    return p === null ? r : t.failure(u, [...c, { key: 'split', type: SplitC, actual: r.right.split }], p);
  },
  SpendRecordedShape.encode,
);
/** The `data` of `SpendRecorded` (newest version: with `purpose`). */
export type SpendRecorded = t.TypeOf<typeof SpendRecordedC>;

/** A recorded spend reversed (a correction, never an edit), with the reason. */
export const SpendReversedC = t.type({ spendId: RefC, reason: TextC });
/** The `data` of `SpendReversed`. */
export type SpendReversed = t.TypeOf<typeof SpendReversedC>;

/**
 * Surplus taken back by a funder, with the reason and the written notice. `deadline` (added,
 * optional in a log so older logs stay valid; the command requires it) is the notice's deadline.
 */
export const SurplusReclaimedC = t.intersection([
  t.type({
    stream: StreamC,
    amount: PositiveMoneyC,
    reason: ReclaimReasonC,
    noticeRef: RefC,
  }),
  t.partial({ deadline: DateC }),
]);
/** The `data` of `SurplusReclaimed`. */
export type SurplusReclaimed = t.TypeOf<typeof SurplusReclaimedC>;

/** A review of the budget and plan, with its outcome. */
export const ReviewCompletedC = t.type({ reviewedOn: DateC, outcome: ReviewOutcomeC });
/** The `data` of `ReviewCompleted`. */
export type ReviewCompleted = t.TypeOf<typeof ReviewCompletedC>;

/** A reason alone: the `data` of direct-payment suspensions, resumptions and stops. */
export const ReasonC = t.type({ reason: TextC });
/** The `data` of `DirectPaymentSuspended`, `DirectPaymentResumed` and `DirectPaymentStopped`. */
export type DirectPaymentChange = t.TypeOf<typeof ReasonC>;

/** The budget closed on a date, with the reason. */
export const BudgetClosedC = t.type({ closedOn: DateC, reason: TextC });
/** The `data` of `BudgetClosed`. */
export type BudgetClosed = t.TypeOf<typeof BudgetClosedC>;

/**
 * Added type (v1): a spend that matched no line of the plan agreed on its date. It moves no
 * money; it keeps the attempt visible (flags, audit) instead of silently dropping it.
 */
export const OffPlanSpendFlaggedC = t.intersection([
  t.type({
    spendId: RefC,
    lineId: RefC,
    amount: PositiveMoneyC,
    spentOn: DateC,
    payee: TextC,
    evidenceRef: RefC,
    problem: t.keyof({
      'unknown-line': null,
      'no-agreed-plan': null,
      'line-not-in-agreed-plan': null,
      'outside-budget-period': null,
    }),
  }),
  // added: the spend's purpose when one was given
  t.partial({ purpose: PurposeC }),
]);
/** The `data` of `OffPlanSpendFlagged`. */
export type OffPlanSpendFlagged = t.TypeOf<typeof OffPlanSpendFlaggedC>;

/** Added type (v1): a representative is authorised (or the authority ends) to act for the holder. */
export const RepresentativeAuthorisedC = t.type({ representativeId: RefC, reason: TextC });
/** The `data` of `RepresentativeAuthorised`. */
export type RepresentativeAuthorised = t.TypeOf<typeof RepresentativeAuthorisedC>;
/** A representative's authority to act for the holder ends. */
export const RepresentativeRevokedC = t.type({ representativeId: RefC, reason: TextC });
/** The `data` of `RepresentativeRevoked`. */
export type RepresentativeRevoked = t.TypeOf<typeof RepresentativeRevokedC>;

/** One item of an outcome measure: its code (a goal or question number, never free text), score, optional wording. */
export const OutcomeItemC = t.intersection([
  t.type({ item: ItemCodeC, score: ScoreC }),
  t.partial({ label: TextC }),
]);
/** One item of an outcome measure. */
export type OutcomeItem = t.TypeOf<typeof OutcomeItemC>;

/** The fields of `OutcomeRecorded` (its codec adds the checks across fields). */
export const OutcomeRecordedShape = t.intersection([
  t.type({
    instrument: InstrumentC,
    measuredOn: DateC,
    respondent: RespondentC,
    items: t.array(OutcomeItemC),
  }),
  t.partial({ note: TextC }),
]);

/** Why an outcome measure's items do not fit together, with the field to blame, or null. */
export function outcomeItemsProblem(
  instrument: string,
  items: readonly OutcomeItem[],
): { readonly field: string; readonly problem: string } | null {
  if (items.length === 0) return { field: 'items', problem: 'expected at least one item' };
  const [lo, hi] = instrumentRange(instrument);
  const seen = new Set<string>();
  for (const [i, it] of items.entries()) {
    if (seen.has(it.item))
      return { field: `items.${i}.item`, problem: `item ${JSON.stringify(it.item)} is given twice` };
    seen.add(it.item);
    if (it.score < lo || it.score > hi)
      return {
        field: `items.${i}.score`,
        problem: `a ${instrument} score is from ${lo} to ${hi}, got ${it.score}`,
      };
  }
  return null;
}

/**
 * Added type (v1): an outcome measure for the person (usually at a review): the instrument,
 * the day it was measured, who answered, and each goal or item with its score. Moves no money.
 */
export const OutcomeRecordedC = new t.Type<
  t.TypeOf<typeof OutcomeRecordedShape>,
  t.OutputOf<typeof OutcomeRecordedShape>,
  unknown
>(
  'OutcomeRecorded',
  OutcomeRecordedShape.is,
  (u, c) => {
    const r = OutcomeRecordedShape.validate(u, c);
    if (r._tag === 'Left') return r;
    const p = outcomeItemsProblem(r.right.instrument, r.right.items);
    return p === null
      ? r
      : t.failure(u, [...c, { key: p.field, type: OutcomeRecordedShape, actual: r.right.items }], p.problem);
  },
  OutcomeRecordedShape.encode,
);
/** The `data` of `OutcomeRecorded`. */
export type OutcomeRecorded = t.TypeOf<typeof OutcomeRecordedC>;
/** Added type (v1): a change request declined by the coordinator or commissioner, with the reason. */
export const ChangeRequestDeclinedC = t.type({ changeRequestId: RefC, reason: TextC });
/** The `data` of `ChangeRequestDeclined`. */
export type ChangeRequestDeclined = t.TypeOf<typeof ChangeRequestDeclinedC>;

/** What an overspend note is about: a plan line or a funding stream (exactly one). */
const OverspendTargetC = t.partial({ lineId: RefC, stream: StreamC });

/**
 * Added type (v1): an overspend on a line or stream explained by the coordinator. `over` is the
 * overspend it covers (computed by the ledger when recorded); a larger overspend later is
 * unexplained again.
 */
export const OverspendExplainedC = t.intersection([
  t.type({ over: PositiveMoneyC, reason: TextC }),
  OverspendTargetC,
]);
/** The `data` of `OverspendExplained`. */
export type OverspendExplained = t.TypeOf<typeof OverspendExplainedC>;

/** Added type (v1): an exception approved by the commissioner for an overspend, like `OverspendExplained`. */
export const OverspendExceptionApprovedC = OverspendExplainedC;
/** The `data` of `OverspendExceptionApproved`. */
export type OverspendExceptionApproved = t.TypeOf<typeof OverspendExceptionApprovedC>;

/** Added type (v1): the holder (or representative) asks the funder to reconsider a reclaim. */
export const ReconsiderationRequestedC = t.type({ noticeRef: RefC, reason: TextC });
/** The `data` of `ReconsiderationRequested`. */
export type ReconsiderationRequested = t.TypeOf<typeof ReconsiderationRequestedC>;

/** How a funder answers a request to reconsider a reclaim. */
export const ReconsiderationOutcomeC = t.keyof({ upheld: null, reduced: null, withdrawn: null });

/**
 * Added type (v1): the funder's answer to a reconsideration. `returned` goes back to the stream
 * (0.00 when upheld, the whole reclaim when withdrawn): the stream's `reclaimed` falls by it.
 */
export const ReclaimReconsideredC = t.type({
  noticeRef: RefC,
  stream: StreamC,
  outcome: ReconsiderationOutcomeC,
  returned: NonNegativeMoneyC,
  reason: TextC,
});
/** The `data` of `ReclaimReconsidered`. */
export type ReclaimReconsidered = t.TypeOf<typeof ReclaimReconsideredC>;

/** One local exclusion: a purpose a funder's money may not pay for at this site, and its rule. */
export const LocalExclusionC = t.type({ stream: StreamC, purpose: PurposeC, ruleId: RefC, text: TextC });
/** One local exclusion. */
export type LocalExclusion = t.TypeOf<typeof LocalExclusionC>;

/**
 * Added type (v1): the site's local exclusions for this budget (policy data), replacing any
 * earlier list. A spend on a line with a share of that stream, for that purpose, is refused.
 */
export const LocalExclusionsSetC = t.type({ exclusions: t.array(LocalExclusionC), reason: TextC });
/** The `data` of `LocalExclusionsSet`. */
export type LocalExclusionsSet = t.TypeOf<typeof LocalExclusionsSetC>;

/** Added type (v1): a contingency held by a funder outside the budget (moves no budget money). */
export const ContingencyHeldC = t.type({
  contingencyId: RefC,
  stream: StreamC,
  amount: PositiveMoneyC,
  reason: TextC,
});
/** The `data` of `ContingencyHeld`. */
export type ContingencyHeld = t.TypeOf<typeof ContingencyHeldC>;

/** Added type (v1): an unused contingency (or part of it) returned (moves no budget money). */
export const ContingencyReturnedC = t.type({ contingencyId: RefC, amount: PositiveMoneyC, reason: TextC });
/** The `data` of `ContingencyReturned`. */
export type ContingencyReturned = t.TypeOf<typeof ContingencyReturnedC>;

/** The current (newest) data codec of every event type. */
export const eventDataCodecs = {
  BudgetOpened: BudgetOpenedC,
  FundingAllocated: FundingAllocatedC,
  FundingAdjusted: FundingAdjustedC,
  ContributionAssessed: ContributionAssessedC,
  FundsPaid: FundsPaidC,
  PlanProposed: PlanProposedC,
  PlanAgreed: PlanAgreedC,
  PlanRejected: PlanRejectedC,
  ChangeRequested: ChangeRequestedC,
  SpendRecorded: SpendRecordedC,
  SpendReversed: SpendReversedC,
  SurplusReclaimed: SurplusReclaimedC,
  ReviewCompleted: ReviewCompletedC,
  DirectPaymentSuspended: ReasonC,
  DirectPaymentResumed: ReasonC,
  DirectPaymentStopped: ReasonC,
  BudgetClosed: BudgetClosedC,
  OffPlanSpendFlagged: OffPlanSpendFlaggedC,
  RepresentativeAuthorised: RepresentativeAuthorisedC,
  RepresentativeRevoked: RepresentativeRevokedC,
  OutcomeRecorded: OutcomeRecordedC,
  ChangeRequestDeclined: ChangeRequestDeclinedC,
  OverspendExplained: OverspendExplainedC,
  OverspendExceptionApproved: OverspendExceptionApprovedC,
  ReconsiderationRequested: ReconsiderationRequestedC,
  ReclaimReconsidered: ReclaimReconsideredC,
  LocalExclusionsSet: LocalExclusionsSetC,
  ContingencyHeld: ContingencyHeldC,
  ContingencyReturned: ContingencyReturnedC,
} as const;

/** The name of every event type the library knows. */
export type EventType = keyof typeof eventDataCodecs;
/** Every event type, in declaration order. */
export const EVENT_TYPES = Object.keys(eventDataCodecs) as EventType[];

/** The `data` of each event type, as the domain sees it (money as {@link Money}). */
export type EventDataMap = { [K in EventType]: t.TypeOf<(typeof eventDataCodecs)[K]> };
/** The `data` of each event type as JSON (money as strings). */
export type EventDataJsonMap = { [K in EventType]: t.OutputOf<(typeof eventDataCodecs)[K]> };

/** True when a string names an event type this library knows. */
export function isEventType(s: string): s is EventType {
  return Object.prototype.hasOwnProperty.call(eventDataCodecs, s);
}

export { MoneyC };
