/**
 * Plans and change requests (docs/rules.md, "Plans"): versions proposed in order, agreed by the
 * person (or in their best interests, with a reason) or rejected with a reason; change requests
 * answered by a plan version or declined with a reason.
 */
import { left } from 'fp-ts/lib/Either.js';
import type { PlanLine } from '../../events/data.js';
import type { Stream } from '../../events/primitives.js';
import type { CommandOf } from '../commands.js';
import { ledgerError, type LedgerError } from '../errors.js';
import type { DecisionState } from '../state.js';
import {
  contributionNotAllowed,
  freeAtPointOfUse,
  needReason,
  one,
  streamIn,
  type Decision,
} from './common.js';

/** Each line once, shares only from the budget's streams, a contribution share within a social-care share. */
function linesProblem(state: DecisionState, lines: readonly PlanLine[]): LedgerError | null {
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (seen.has(line.lineId)) {
      return ledgerError('plan-invalid', `line ${line.lineId} appears twice in the plan`, {
        field: `data.lines[${i}].lineId`,
        problem: 'duplicate line id',
      });
    }
    seen.add(line.lineId);
    for (const s of Object.keys(line.shares) as Stream[]) {
      const bad = streamIn(state, s);
      if (bad !== null) {
        return ledgerError('plan-invalid', `line ${line.lineId}: ${bad.message}`, {
          field: `data.lines[${i}].shares.${s}`,
          problem: 'stream not in budget',
        });
      }
      if (s === 'contribution' && freeAtPointOfUse(state)) return contributionNotAllowed(state);
    }
    const contribution = line.shares.contribution;
    const care = line.shares['social-care'];
    if (contribution !== undefined && (care === undefined || contribution > care)) {
      return ledgerError(
        'contribution-without-social-care',
        care === undefined
          ? `line ${line.lineId}: a contribution share needs a social-care share on the same line (a contribution is a charge for social care)`
          : `line ${line.lineId}: the contribution share (${contribution}) may not be larger than the social-care share (${care})`,
        { field: `data.lines[${i}].shares.contribution` },
      );
    }
  }
  return null;
}

function unknownChangeRequest(changeRequestId: string): LedgerError {
  return ledgerError(
    'unknown-change-request',
    `there is no change request ${changeRequestId} on this budget`,
    {
      changeRequestId,
    },
  );
}

/** Plan versions come in order, answer a known change request, and have valid lines. */
export function proposePlan(c: CommandOf<'ProposePlan'>, s: DecisionState): Decision {
  const expected = s.plans.length + 1;
  if (c.data.planVersion !== expected) {
    return left(
      ledgerError(
        'plan-version-out-of-order',
        `the next plan version is ${expected}, not ${c.data.planVersion}`,
        {
          expected,
          got: c.data.planVersion,
        },
      ),
    );
  }
  if (c.data.changeRequestId !== undefined && !s.changeRequests.has(c.data.changeRequestId)) {
    return left(unknownChangeRequest(c.data.changeRequestId));
  }
  const bad = linesProblem(s, c.data.lines);
  return bad !== null ? left(bad) : one(c, 'PlanProposed', c.data);
}

/** The refusal of a decision on a plan version that is not waiting for one, or null. */
function notPending(
  s: DecisionState,
  planVersion: number,
  decision: 'agreed' | 'rejected',
): LedgerError | null {
  const plan = s.plans.find((p) => p.planVersion === planVersion);
  if (plan !== undefined && plan.status === 'proposed') return null;
  const status = plan?.status ?? 'not proposed';
  return ledgerError(
    'plan-not-pending',
    `plan version ${planVersion} is ${status}, so it cannot be ${decision}`,
    {
      planVersion,
      status,
    },
  );
}

/** Only a proposed plan can be agreed. */
export function agreePlan(c: CommandOf<'AgreePlan'>, s: DecisionState): Decision {
  const bad = notPending(s, c.data.planVersion, 'agreed');
  return bad !== null ? left(bad) : one(c, 'PlanAgreed', c.data);
}

/** A plan agreed in the best interests of a person who cannot agree says why. */
export function agreePlanInBestInterests(
  c: CommandOf<'AgreePlanInBestInterests'>,
  s: DecisionState,
): Decision {
  const bad =
    notPending(s, c.data.planVersion, 'agreed') ??
    needReason(
      'data.bestInterestsReason',
      c.data.bestInterestsReason,
      'Agreeing a plan in the best interests of a person who cannot agree',
    );
  return bad !== null ? left(bad) : one(c, 'PlanAgreed', c.data);
}

/** Only a proposed plan can be rejected, with a reason. */
export function rejectPlan(c: CommandOf<'RejectPlan'>, s: DecisionState): Decision {
  const bad =
    notPending(s, c.data.planVersion, 'rejected') ??
    needReason('data.reason', c.data.reason, 'Rejecting a plan');
  return bad !== null ? left(bad) : one(c, 'PlanRejected', c.data);
}

/** A change request has a new id. */
export function requestChange(c: CommandOf<'RequestChange'>, s: DecisionState): Decision {
  if (s.changeRequests.has(c.data.changeRequestId)) {
    return left(
      ledgerError('duplicate-change-request', `change request ${c.data.changeRequestId} already exists`, {
        changeRequestId: c.data.changeRequestId,
      }),
    );
  }
  return one(c, 'ChangeRequested', c.data);
}

/** Only an open change request (not declined, not answered by an agreed plan) is declined, with a reason. */
export function declineChangeRequest(c: CommandOf<'DeclineChangeRequest'>, s: DecisionState): Decision {
  const cr = s.changeRequests.get(c.data.changeRequestId);
  if (cr === undefined) return left(unknownChangeRequest(c.data.changeRequestId));
  const answered = s.plans.find(
    (p) => p.changeRequestId === cr.changeRequestId && (p.status === 'agreed' || p.status === 'superseded'),
  );
  if (cr.declinedAt !== undefined || answered !== undefined) {
    return left(
      ledgerError(
        'change-request-closed',
        cr.declinedAt !== undefined
          ? `change request ${cr.changeRequestId} was already declined`
          : `change request ${cr.changeRequestId} was answered by plan version ${answered?.planVersion ?? 0}, agreed`,
        { changeRequestId: cr.changeRequestId },
      ),
    );
  }
  const bad = needReason('data.reason', c.data.reason, 'Declining a change request');
  return bad !== null ? left(bad) : one(c, 'ChangeRequestDeclined', c.data);
}
