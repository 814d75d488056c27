import * as t from 'io-ts';
import {
  BudgetClosedC,
  BudgetOpenedC,
  ChangeRequestDeclinedC,
  ContingencyHeldC,
  ContingencyReturnedC,
  LocalExclusionsSetC,
  ReconsiderationOutcomeC,
  ReconsiderationRequestedC,
  ChangeRequestedC,
  ContributionAssessedC,
  FundingAdjustedC,
  FundingAllocatedC,
  FundsPaidC,
  OutcomeRecordedShape,
  PlanAgreedC,
  PlanProposedC,
  PlanRejectedC,
  ReasonC,
  RepresentativeAuthorisedC,
  RepresentativeRevokedC,
  ReviewCompletedC,
  SpendReversedC,
  type EventType,
} from '../events/data.js';
import {
  BudgetIdC,
  DateC,
  NonNegativeMoneyC,
  PositiveIntC,
  PositiveMoneyC,
  PurposeC,
  ReclaimReasonC,
  RefC,
  StreamC,
  RoleC,
  TextC,
  TimestampC,
} from '../events/primitives.js';
import type { Actor } from '../events/envelope.js';

/**
 * What a spend command carries: the split is computed by the ledger, never supplied.
 * `purpose` is optional and defaults to `"unspecified"`, so callers written before it existed
 * keep working.
 */
export const RecordSpendDataC = t.intersection([
  t.type({
    spendId: RefC,
    lineId: RefC,
    amount: PositiveMoneyC,
    spentOn: DateC,
    payee: TextC,
    evidenceRef: RefC,
  }),
  t.partial({ purpose: PurposeC }),
]);

/** What a reclaim command carries: the written notice's reference and deadline are required. */
export const ReclaimSurplusDataC = t.type({
  stream: StreamC,
  amount: PositiveMoneyC,
  reason: ReclaimReasonC,
  noticeRef: RefC,
  deadline: DateC,
});

/** Agreeing a plan in the best interests of a person who cannot agree: the reason is required. */
export const AgreePlanInBestInterestsDataC = t.type({
  planVersion: PositiveIntC,
  agreedOn: DateC,
  bestInterestsReason: TextC,
});

/** What an overspend note is about: exactly one of a line or a stream, with the reason. */
export const OverspendNoteDataC = t.intersection([
  t.type({ reason: TextC }),
  t.partial({ lineId: RefC, stream: StreamC }),
]);

/** The funder's answer to a reconsideration: what goes back (`returned`) and why. */
export const AnswerReconsiderationDataC = t.type({
  noticeRef: RefC,
  outcome: ReconsiderationOutcomeC,
  returned: NonNegativeMoneyC,
  reason: TextC,
});

/** The payload codec of every command; most carry exactly the data of the event they produce. */
export const commandDataCodecs = {
  OpenBudget: BudgetOpenedC,
  AllocateFunding: FundingAllocatedC,
  AdjustFunding: FundingAdjustedC,
  AssessContribution: ContributionAssessedC,
  PayFunds: FundsPaidC,
  ProposePlan: PlanProposedC,
  AgreePlan: PlanAgreedC,
  RejectPlan: PlanRejectedC,
  RequestChange: ChangeRequestedC,
  RecordSpend: RecordSpendDataC,
  ReverseSpend: SpendReversedC,
  ReclaimSurplus: ReclaimSurplusDataC,
  CompleteReview: ReviewCompletedC,
  SuspendDirectPayment: ReasonC,
  ResumeDirectPayment: ReasonC,
  StopDirectPayment: ReasonC,
  CloseBudget: BudgetClosedC,
  AuthoriseRepresentative: RepresentativeAuthorisedC,
  RevokeRepresentative: RepresentativeRevokedC,
  // The item checks across fields (score ranges, repeats) are the decider's, naming the field.
  RecordOutcome: OutcomeRecordedShape,
  AgreePlanInBestInterests: AgreePlanInBestInterestsDataC,
  DeclineChangeRequest: ChangeRequestDeclinedC,
  ExplainOverspend: OverspendNoteDataC,
  ApproveOverspendException: OverspendNoteDataC,
  RequestReconsideration: ReconsiderationRequestedC,
  AnswerReconsideration: AnswerReconsiderationDataC,
  SetLocalExclusions: LocalExclusionsSetC,
  HoldContingency: ContingencyHeldC,
  ReturnContingency: ContingencyReturnedC,
} as const;

/** The name of every command. */
export type CommandType = keyof typeof commandDataCodecs;
/** Every command name, in declaration order. */
export const COMMAND_TYPES = Object.keys(commandDataCodecs) as CommandType[];
/** The `data` of each command, as the domain sees it (money as {@link Money}). */
export type CommandDataMap = { [K in CommandType]: t.TypeOf<(typeof commandDataCodecs)[K]> };
/** The `data` of each command as JSON (money as strings). */
export type CommandDataJsonMap = { [K in CommandType]: t.OutputOf<(typeof commandDataCodecs)[K]> };

/** The event type each command produces when it succeeds. */
export const EVENT_OF_COMMAND: { readonly [K in CommandType]: EventType } = {
  OpenBudget: 'BudgetOpened',
  AllocateFunding: 'FundingAllocated',
  AdjustFunding: 'FundingAdjusted',
  AssessContribution: 'ContributionAssessed',
  PayFunds: 'FundsPaid',
  ProposePlan: 'PlanProposed',
  AgreePlan: 'PlanAgreed',
  RejectPlan: 'PlanRejected',
  RequestChange: 'ChangeRequested',
  RecordSpend: 'SpendRecorded',
  ReverseSpend: 'SpendReversed',
  ReclaimSurplus: 'SurplusReclaimed',
  CompleteReview: 'ReviewCompleted',
  SuspendDirectPayment: 'DirectPaymentSuspended',
  ResumeDirectPayment: 'DirectPaymentResumed',
  StopDirectPayment: 'DirectPaymentStopped',
  CloseBudget: 'BudgetClosed',
  AuthoriseRepresentative: 'RepresentativeAuthorised',
  RevokeRepresentative: 'RepresentativeRevoked',
  RecordOutcome: 'OutcomeRecorded',
  AgreePlanInBestInterests: 'PlanAgreed',
  DeclineChangeRequest: 'ChangeRequestDeclined',
  ExplainOverspend: 'OverspendExplained',
  ApproveOverspendException: 'OverspendExceptionApproved',
  RequestReconsideration: 'ReconsiderationRequested',
  AnswerReconsideration: 'ReclaimReconsidered',
  SetLocalExclusions: 'LocalExclusionsSet',
  HoldContingency: 'ContingencyHeld',
  ReturnContingency: 'ContingencyReturned',
};

/**
 * Everything a command brings from outside the domain: its idempotency key, the budget,
 * who acts, and the times. The domain never reads a clock or a random source.
 */
export interface CommandMeta {
  /** Idempotency key: a repeat with the same key appends nothing. */
  readonly commandId: string;
  readonly budgetId: string;
  readonly actor: Actor;
  /** When it happened in the world. */
  readonly occurredAt: string;
  /** When the ledger learns it (the service's clock, passed in). */
  readonly recordedAt: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** A command of one type, e.g. `CommandOf<'RecordSpend'>`. */
export type CommandOf<K extends CommandType> = CommandMeta & {
  readonly type: K;
  readonly data: CommandDataMap[K];
};
/** A command: narrow it by `type`. */
export type Command = { [K in CommandType]: CommandOf<K> }[CommandType];
/** The JSON form of a command (money as strings), as a service receives it. */
export type CommandJson = {
  [K in CommandType]: Omit<CommandMeta, 'actor'> & {
    type: K;
    actor: { id: string; role: Actor['role'] };
    data: CommandDataJsonMap[K];
  };
}[CommandType];

/** Codec of a command's envelope (type, ids, actor, times); `data` is checked by type afterwards. */
export const CommandMetaC = t.intersection([
  t.type({
    type: t.keyof(
      Object.fromEntries(Object.keys(commandDataCodecs).map((k) => [k, null])) as Record<CommandType, null>,
    ),
    commandId: RefC,
    budgetId: BudgetIdC,
    actor: t.type({ id: RefC, role: RoleC }),
    occurredAt: TimestampC,
    recordedAt: TimestampC,
    data: t.UnknownRecord,
  }),
  t.partial({ correlationId: RefC, causationId: RefC }),
]);

export { TextC };

/**
 * Builds a command of one type: `data`'s type follows `type`, so a literal needs no cast and a
 * wrong field is a compile error. It only assembles the object; `decide` (through `Ledger`,
 * `CommandHandler` or `handleCommand`) still checks every field and refuses bad input with a
 * typed `LedgerError` naming it.
 *
 * For example `command('RecordSpend', meta, { spendId: 'sp-1', lineId: 'pa', amount:
 * Money.of('100.01'), spentOn: '2025-04-30', payee: 'PA wages', evidenceRef: 'payslip-04' })`.
 */
export function command<K extends CommandType>(
  type: K,
  meta: CommandMeta,
  data: CommandDataMap[K],
): CommandOf<K> & Command {
  // For a known K this is just CommandOf<K>; the `& Command` lets generic helpers (K a type
  // parameter) pass the result wherever a Command is expected.
  return { type, ...meta, data } as CommandOf<K> & Command;
}

/** A builder of one command type: `(meta, data) => command`. */
export type CommandBuilder<K extends CommandType> = (
  meta: CommandMeta,
  data: CommandDataMap[K],
) => CommandOf<K>;

/**
 * One typed builder per command, named after it in camelCase: `commands.openBudget(meta, data)`,
 * `commands.recordSpend(meta, data)`, ... (the same as {@link command} with the type fixed).
 */
export type CommandBuilders = { readonly [K in CommandType as Uncapitalize<K>]: CommandBuilder<K> };

function builderName<K extends CommandType>(type: K): Uncapitalize<K> {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}` as Uncapitalize<K>;
}

/** The typed command builders, one per {@link CommandType} (see {@link CommandBuilders}). */
export const commands: CommandBuilders = Object.freeze(
  Object.fromEntries(
    COMMAND_TYPES.map((type) => [
      builderName(type),
      (meta: CommandMeta, data: CommandDataMap[typeof type]) => command(type, meta, data),
    ]),
  ) as unknown as CommandBuilders,
);
