/**
 * The Decider of one budget: `decide` checks a command against the decision state and returns
 * its events or the rule it breaks; `evolve` folds an event into the state. Each command's rule
 * is one short function in src/budget/decide/ (by concern: funding, plans, spend, payments,
 * lifecycle); this module only guards what every command shares and dispatches.
 */
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { PendingEvent } from '../events/envelope.js';
import { formatIssue } from '../events/report.js';
import type { Command } from './commands.js';
import { decodeCommand } from './decode.js';
import { describeCommand, roleCheck, type Decision } from './decide/common.js';
import {
  adjustFunding,
  allocateFunding,
  assessContribution,
  holdContingency,
  openBudget,
  returnContingency,
  setLocalExclusions,
} from './decide/funding.js';
import {
  authoriseRepresentative,
  closeBudget,
  completeReview,
  recordOutcome,
  revokeRepresentative,
} from './decide/lifecycle.js';
import {
  answerReconsideration,
  payFunds,
  reclaimSurplus,
  requestReconsideration,
  resumeDirectPayment,
  stopDirectPayment,
  suspendDirectPayment,
} from './decide/payments.js';
import {
  agreePlan,
  agreePlanInBestInterests,
  declineChangeRequest,
  proposePlan,
  rejectPlan,
  requestChange,
} from './decide/plans.js';
import { approveOverspendException, explainOverspend, recordSpend, reverseSpend } from './decide/spend.js';
import { ledgerError, type LedgerError } from './errors.js';
import { AFTER_CLOSE } from './rules.js';
import { evolveDecision, initialDecisionState, type DecisionState } from './state.js';

export { decodeCommand } from './decode.js';
export {
  accountSurplus,
  describeCommand,
  eventIdFor,
  EVENT_ID_NAMESPACE,
  overspendOf,
  type Decision,
} from './decide/common.js';

/** Fails to compile when a command type has no case in {@link dispatch}. */
function unknownCommand(c: never): never {
  throw new TypeError(`no rule for command ${JSON.stringify(c)}`);
}

/** The rule of each command type. */
function dispatch(c: Command, s: DecisionState): Decision {
  switch (c.type) {
    case 'OpenBudget':
      return openBudget(c, s);
    case 'AllocateFunding':
      return allocateFunding(c, s);
    case 'AdjustFunding':
      return adjustFunding(c, s);
    case 'AssessContribution':
      return assessContribution(c, s);
    case 'SetLocalExclusions':
      return setLocalExclusions(c, s);
    case 'HoldContingency':
      return holdContingency(c, s);
    case 'ReturnContingency':
      return returnContingency(c, s);
    case 'ProposePlan':
      return proposePlan(c, s);
    case 'AgreePlan':
      return agreePlan(c, s);
    case 'AgreePlanInBestInterests':
      return agreePlanInBestInterests(c, s);
    case 'RejectPlan':
      return rejectPlan(c, s);
    case 'RequestChange':
      return requestChange(c, s);
    case 'DeclineChangeRequest':
      return declineChangeRequest(c, s);
    case 'RecordSpend':
      return recordSpend(c, s);
    case 'ReverseSpend':
      return reverseSpend(c, s);
    case 'ExplainOverspend':
      return explainOverspend(c, s);
    case 'ApproveOverspendException':
      return approveOverspendException(c, s);
    case 'PayFunds':
      return payFunds(c, s);
    case 'ReclaimSurplus':
      return reclaimSurplus(c, s);
    case 'RequestReconsideration':
      return requestReconsideration(c, s);
    case 'AnswerReconsideration':
      return answerReconsideration(c, s);
    case 'SuspendDirectPayment':
      return suspendDirectPayment(c, s);
    case 'ResumeDirectPayment':
      return resumeDirectPayment(c, s);
    case 'StopDirectPayment':
      return stopDirectPayment(c, s);
    case 'CompleteReview':
      return completeReview(c, s);
    case 'RecordOutcome':
      return recordOutcome(c, s);
    case 'CloseBudget':
      return closeBudget(c, s);
    case 'AuthoriseRepresentative':
      return authoriseRepresentative(c, s);
    case 'RevokeRepresentative':
      return revokeRepresentative(c, s);
    default:
      return unknownCommand(c);
  }
}

/** What every command must pass before its own rule: its budget, opened, the role, not closed, time order. */
function guard(c: Command, state: DecisionState): LedgerError | null {
  if (state.budgetId !== null && state.budgetId !== c.budgetId) {
    return ledgerError('wrong-budget', `this state is budget ${state.budgetId}, not ${c.budgetId}`, {
      expected: state.budgetId,
      got: c.budgetId,
    });
  }
  const denied = roleCheck(c, state);
  if (denied !== null) return denied;
  if (state.status === 'unopened' && c.type !== 'OpenBudget') {
    return ledgerError('budget-not-opened', `budget ${c.budgetId} has not been opened`, {
      budgetId: c.budgetId,
    });
  }
  if (state.status === 'closed' && !AFTER_CLOSE.includes(c.type)) {
    return ledgerError(
      'budget-closed',
      `the budget is closed: only reclaims and reversals are accepted, not ${describeCommand(c.type)}`,
      { command: c.type },
    );
  }
  if (state.lastRecordedAt !== null && c.recordedAt < state.lastRecordedAt) {
    return ledgerError(
      'recorded-before-previous',
      `recordedAt ${c.recordedAt} is before the budget's last recorded event (${state.lastRecordedAt})`,
      { recordedAt: c.recordedAt, previous: state.lastRecordedAt },
    );
  }
  return null;
}

/**
 * Decides a command already decoded (by {@link decodeCommand}, at the edge): its new events, or
 * the rule it breaks; no events for a command id the budget has already seen.
 */
export function decideCommand(c: Command, state: DecisionState): Decision {
  if (state.commands.has(c.commandId)) return right([]);
  const bad = guard(c, state);
  return bad !== null ? left(bad) : dispatch(c, state);
}

/**
 * The Decider's `decide`: checks a command against the budget's state and returns the new
 * events it produces, or the rule it breaks. Pure: time, ids and actor come with the command.
 * The command is decoded first (callers from JavaScript or JSON); a command id the budget has
 * already seen produces no new events (the application layer's `execute` gives the events it
 * produced the first time).
 */
export function decide(command: Command, state: DecisionState): Either<LedgerError, PendingEvent[]> {
  const decoded = decodeCommand(command);
  return decoded._tag === 'Left' ? decoded : decideCommand(decoded.right, state);
}

/** The Decider as a value (see fmodel's Decider): decide, evolve and the initial state. */
export const budgetDecider = {
  decide,
  evolve: evolveDecision,
  initialState: initialDecisionState,
} as const;

/** @deprecated Use {@link formatIssue} from the package root. */
export const formatDecodeIssue = formatIssue;
