/**
 * Payments and reclaims (docs/rules.md, "Direct payments" and "Reclaims"): cash paid out while
 * direct payments are active, surplus reclaimed only from what the account holds, the person's
 * right to ask for reconsideration, and direct payments suspended, resumed or stopped.
 */
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { Money } from '../../money/money.js';
import type { CommandOf } from '../commands.js';
import { invalid } from '../decode.js';
import { ledgerError, type LedgerError } from '../errors.js';
import type { DecisionReclaim, DecisionState, DirectPaymentStatus } from '../state.js';
import { accountSurplus, describeCommand, needReason, one, streamIn, type Decision } from './common.js';

/** Cash is paid from a stream of the budget; into the person's account only while direct payments are active. */
export function payFunds(c: CommandOf<'PayFunds'>, s: DecisionState): Decision {
  const bad = streamIn(s, c.data.stream);
  if (bad !== null) return left(bad);
  if (c.data.option !== 'third-party' && s.directPayment !== 'active') {
    return left(
      ledgerError(
        'direct-payment-state',
        `direct payments are ${s.directPayment}: no money can be paid into the person's account (${c.data.option})`,
        { status: s.directPayment, command: c.type },
      ),
    );
  }
  return one(c, 'FundsPaid', c.data);
}

/** A reclaim has a new notice, a deadline not before the notice, and takes only the surplus in the account. */
export function reclaimSurplus(c: CommandOf<'ReclaimSurplus'>, s: DecisionState): Decision {
  const bad = streamIn(s, c.data.stream);
  if (bad !== null) return left(bad);
  if (s.reclaims.has(c.data.noticeRef)) {
    return left(
      ledgerError('duplicate-notice', `notice ${c.data.noticeRef} was already used for a reclaim`, {
        noticeRef: c.data.noticeRef,
      }),
    );
  }
  const givenOn = c.occurredAt.slice(0, 10);
  if (c.data.deadline < givenOn) {
    return left(
      invalid('data.deadline', `the notice's deadline (${c.data.deadline}) is before the notice is given`),
    );
  }
  const surplus = accountSurplus(s, c.data.stream);
  if (c.data.amount.greaterThan(surplus)) {
    const held = surplus.isNegative() ? Money.zero : surplus;
    return left(
      ledgerError(
        'reclaim-above-surplus',
        `a reclaim takes only the surplus held in the person's account: ${held.format()} of ${c.data.stream} money (paid in, less spend from it and earlier reclaims), not ${c.data.amount.format()}`,
        { field: 'data.amount', stream: c.data.stream, surplus: held },
      ),
    );
  }
  return one(c, 'SurplusReclaimed', c.data);
}

const RECONSIDERATION_NOW = {
  none: 'not been asked for',
  requested: 'already been asked for',
  answered: 'already been answered',
} as const;

/** The reclaim a reconsideration is about, when it stands at `need`; else the refusal. */
function reclaimAt(
  s: DecisionState,
  noticeRef: string,
  need: DecisionReclaim['reconsideration'],
): Either<LedgerError, DecisionReclaim> {
  const r = s.reclaims.get(noticeRef);
  if (r === undefined) {
    return left(
      ledgerError('unknown-reclaim', `there is no reclaim with notice ${noticeRef} on this budget`, {
        noticeRef,
      }),
    );
  }
  if (r.reconsideration === need) return right(r);
  return left(
    ledgerError(
      'reconsideration-state',
      `reconsideration of notice ${r.noticeRef} has ${RECONSIDERATION_NOW[r.reconsideration]}`,
      { noticeRef: r.noticeRef, status: r.reconsideration },
    ),
  );
}

/** The person may ask once, with a reason, for a reclaim to be reconsidered. */
export function requestReconsideration(c: CommandOf<'RequestReconsideration'>, s: DecisionState): Decision {
  const r = reclaimAt(s, c.data.noticeRef, 'none');
  if (r._tag === 'Left') return r;
  const bad = needReason('data.reason', c.data.reason, 'Asking for reconsideration');
  return bad !== null ? left(bad) : one(c, 'ReconsiderationRequested', c.data);
}

/** What an answer's outcome must return: nothing (upheld), all (withdrawn), or part (reduced). */
function returnedProblem(c: CommandOf<'AnswerReconsideration'>, r: DecisionReclaim): LedgerError | null {
  const { outcome, returned } = c.data;
  const fits =
    outcome === 'upheld'
      ? returned.isZero()
      : outcome === 'withdrawn'
        ? returned.equals(r.amount)
        : returned.isPositive() && returned.lessThan(r.amount);
  if (fits) return null;
  const want =
    outcome === 'upheld'
      ? 'an upheld reclaim returns 0.00'
      : outcome === 'withdrawn'
        ? `a withdrawn reclaim returns all of it (${r.amount.toString()})`
        : `a reduced reclaim returns more than 0.00 and less than the ${r.amount.toString()} reclaimed`;
  return invalid('data.returned', `${want}, not ${returned.toString()}`);
}

/** A requested reconsideration is answered once, with a reason, returning what its outcome says. */
export function answerReconsideration(c: CommandOf<'AnswerReconsideration'>, s: DecisionState): Decision {
  const r = reclaimAt(s, c.data.noticeRef, 'requested');
  if (r._tag === 'Left') return r;
  const bad =
    needReason('data.reason', c.data.reason, 'The answer to a reconsideration') ??
    returnedProblem(c, r.right);
  return bad !== null ? left(bad) : one(c, 'ReclaimReconsidered', { ...c.data, stream: r.right.stream });
}

type DirectPaymentCommand =
  CommandOf<'SuspendDirectPayment'> | CommandOf<'ResumeDirectPayment'> | CommandOf<'StopDirectPayment'>;

/**
 * The refusal of a change of direct payments from a status it cannot start from (`from`: the
 * one status it needs, or null for any but stopped), or without a reason.
 */
function directPaymentProblem(
  c: DirectPaymentCommand,
  s: DecisionState,
  from: DirectPaymentStatus | null,
  done: string,
): LedgerError | null {
  if (s.directPayment === 'stopped' || (from !== null && s.directPayment !== from)) {
    return ledgerError(
      'direct-payment-state',
      s.directPayment === 'stopped'
        ? `direct payments are stopped for good, so they cannot be ${done}`
        : `direct payments are ${s.directPayment}, so they cannot be ${done}`,
      { status: s.directPayment, command: c.type },
    );
  }
  return needReason('data.reason', c.data.reason, `To ${describeCommand(c.type)}`);
}

/** Active direct payments are suspended with a reason. */
export function suspendDirectPayment(c: CommandOf<'SuspendDirectPayment'>, s: DecisionState): Decision {
  const bad = directPaymentProblem(c, s, 'active', 'suspended');
  return bad !== null ? left(bad) : one(c, 'DirectPaymentSuspended', c.data);
}

/** Suspended direct payments are resumed with a reason. */
export function resumeDirectPayment(c: CommandOf<'ResumeDirectPayment'>, s: DecisionState): Decision {
  const bad = directPaymentProblem(c, s, 'suspended', 'resumed');
  return bad !== null ? left(bad) : one(c, 'DirectPaymentResumed', c.data);
}

/** Direct payments not yet stopped are stopped for good, with a reason. */
export function stopDirectPayment(c: CommandOf<'StopDirectPayment'>, s: DecisionState): Decision {
  const bad = directPaymentProblem(c, s, null, 'stopped');
  return bad !== null ? left(bad) : one(c, 'DirectPaymentStopped', c.data);
}
