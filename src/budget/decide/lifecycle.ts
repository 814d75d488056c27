/**
 * A budget's life (docs/rules.md, "Reviews", "Representatives" and "Closing"): reviews,
 * outcome measures, who may act for the holder, and closing with a reason.
 */
import { left } from 'fp-ts/lib/Either.js';
import { outcomeItemsProblem } from '../../events/data.js';
import type { CommandOf } from '../commands.js';
import { invalid } from '../decode.js';
import type { DecisionState } from '../state.js';
import { needReason, one, type Decision } from './common.js';

/** A review is recorded as it happened. */
export function completeReview(c: CommandOf<'CompleteReview'>, _s: DecisionState): Decision {
  return one(c, 'ReviewCompleted', c.data);
}

/** An outcome measure has the items and scores of its instrument. */
export function recordOutcome(c: CommandOf<'RecordOutcome'>, _s: DecisionState): Decision {
  const bad = outcomeItemsProblem(c.data.instrument, c.data.items);
  return bad !== null ? left(invalid(`data.${bad.field}`, bad.problem)) : one(c, 'OutcomeRecorded', c.data);
}

/** A budget is closed with a reason. */
export function closeBudget(c: CommandOf<'CloseBudget'>, _s: DecisionState): Decision {
  const bad = needReason('data.reason', c.data.reason, 'Closing a budget');
  return bad !== null ? left(bad) : one(c, 'BudgetClosed', c.data);
}

const WHO_MAY_ACT = 'Changing who may act for the holder';

/** A representative is authorised with a reason. */
export function authoriseRepresentative(
  c: CommandOf<'AuthoriseRepresentative'>,
  _s: DecisionState,
): Decision {
  const bad = needReason('data.reason', c.data.reason, WHO_MAY_ACT);
  return bad !== null ? left(bad) : one(c, 'RepresentativeAuthorised', c.data);
}

/** A representative's authority is revoked with a reason. */
export function revokeRepresentative(c: CommandOf<'RevokeRepresentative'>, _s: DecisionState): Decision {
  const bad = needReason('data.reason', c.data.reason, WHO_MAY_ACT);
  return bad !== null ? left(bad) : one(c, 'RepresentativeRevoked', c.data);
}
