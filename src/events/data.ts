import * as t from 'io-ts';
import { Money } from '../money/money.js';
import {
  BasisC,
  CategoryC,
  CohortC,
  DateC,
  NonNegativeMoneyC,
  NonZeroMoneyC,
  OptionC,
  PaymentOptionC,
  PositiveIntC,
  PositiveMoneyC,
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
export type BudgetOpened = t.TypeOf<typeof BudgetOpenedC>;

export const FundingAllocatedC = t.intersection([
  t.type({ stream: StreamC, amount: PositiveMoneyC, stage: StageC }),
  t.partial({ reason: TextC }),
]);
export type FundingAllocated = t.TypeOf<typeof FundingAllocatedC>;

export const FundingAdjustedC = t.type({ stream: StreamC, delta: NonZeroMoneyC, reason: TextC });
export type FundingAdjusted = t.TypeOf<typeof FundingAdjustedC>;

export const ContributionAssessedC = t.type({ amount: NonNegativeMoneyC });
export type ContributionAssessed = t.TypeOf<typeof ContributionAssessedC>;

export const FundsPaidC = t.type({
  stream: StreamC,
  amount: PositiveMoneyC,
  option: PaymentOptionC,
  reference: RefC,
});
export type FundsPaid = t.TypeOf<typeof FundsPaidC>;

export const PlanLineC = t.type({
  lineId: RefC,
  category: CategoryC,
  option: OptionC,
  amount: NonNegativeMoneyC,
  shares: SharesC,
});
export type PlanLine = t.TypeOf<typeof PlanLineC>;

export const PlanProposedC = t.intersection([
  t.type({ planVersion: PositiveIntC, lines: t.array(PlanLineC) }),
  t.partial({ changeRequestId: RefC }),
]);
export type PlanProposed = t.TypeOf<typeof PlanProposedC>;

export const PlanAgreedC = t.type({ planVersion: PositiveIntC, agreedOn: DateC });
export type PlanAgreed = t.TypeOf<typeof PlanAgreedC>;

export const PlanRejectedC = t.type({ planVersion: PositiveIntC, reason: TextC });
export type PlanRejected = t.TypeOf<typeof PlanRejectedC>;

export const ChangeRequestedC = t.type({ changeRequestId: RefC, summary: TextC });
export type ChangeRequested = t.TypeOf<typeof ChangeRequestedC>;

/** Sum check: the parts of a split add up to the amount exactly. */
export function splitProblem(amount: Money, split: Split): string | null {
  const parts = STREAMS.map((s) => split[s]).filter((m): m is Money => m !== undefined);
  const sum = Money.sum(parts);
  return sum.equals(amount) ? null : `parts add up to "${sum}", not the amount "${amount}"`;
}

const SpendRecordedShape = t.type({
  spendId: RefC,
  lineId: RefC,
  amount: PositiveMoneyC,
  spentOn: DateC,
  payee: TextC,
  evidenceRef: RefC,
  split: SplitC,
});
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
export type SpendRecorded = t.TypeOf<typeof SpendRecordedC>;

export const SpendReversedC = t.type({ spendId: RefC, reason: TextC });
export type SpendReversed = t.TypeOf<typeof SpendReversedC>;

export const SurplusReclaimedC = t.type({
  stream: StreamC,
  amount: PositiveMoneyC,
  reason: ReclaimReasonC,
  noticeRef: RefC,
});
export type SurplusReclaimed = t.TypeOf<typeof SurplusReclaimedC>;

export const ReviewCompletedC = t.type({ reviewedOn: DateC, outcome: ReviewOutcomeC });
export type ReviewCompleted = t.TypeOf<typeof ReviewCompletedC>;

export const ReasonC = t.type({ reason: TextC });
export type DirectPaymentChange = t.TypeOf<typeof ReasonC>;

export const BudgetClosedC = t.type({ closedOn: DateC, reason: TextC });
export type BudgetClosed = t.TypeOf<typeof BudgetClosedC>;

/**
 * Added type (v1): a spend that matched no line of the plan agreed on its date. It moves no
 * money; it keeps the attempt visible (flags, audit) instead of silently dropping it.
 */
export const OffPlanSpendFlaggedC = t.type({
  spendId: RefC,
  lineId: RefC,
  amount: PositiveMoneyC,
  spentOn: DateC,
  payee: TextC,
  evidenceRef: RefC,
  problem: t.keyof({ 'unknown-line': null, 'no-agreed-plan': null, 'line-not-in-agreed-plan': null }),
});
export type OffPlanSpendFlagged = t.TypeOf<typeof OffPlanSpendFlaggedC>;

/** Added type (v1): a representative is authorised (or the authority ends) to act for the holder. */
export const RepresentativeAuthorisedC = t.type({ representativeId: RefC, reason: TextC });
export type RepresentativeAuthorised = t.TypeOf<typeof RepresentativeAuthorisedC>;
export const RepresentativeRevokedC = t.type({ representativeId: RefC, reason: TextC });
export type RepresentativeRevoked = t.TypeOf<typeof RepresentativeRevokedC>;

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
} as const;

export type EventType = keyof typeof eventDataCodecs;
export const EVENT_TYPES = Object.keys(eventDataCodecs) as EventType[];

/** The `data` of each event type, as the domain sees it (money as {@link Money}). */
export type EventDataMap = { [K in EventType]: t.TypeOf<(typeof eventDataCodecs)[K]> };
/** The `data` of each event type as JSON (money as strings). */
export type EventDataJsonMap = { [K in EventType]: t.OutputOf<(typeof eventDataCodecs)[K]> };

export function isEventType(s: string): s is EventType {
  return Object.prototype.hasOwnProperty.call(eventDataCodecs, s);
}

export { MoneyC };
