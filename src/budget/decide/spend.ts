/**
 * Spend and its corrections (docs/rules.md, "Spend"): a spend against a line of the plan in
 * force is split by the line's shares; one that matches no line is flagged, moving no money;
 * reversals and overspend notes give reasons.
 */
import { left } from 'fp-ts/lib/Either.js';
import type { EventDataMap } from '../../events/data.js';
import { planOn } from '../../events/plan-on.js';
import { STREAMS } from '../../events/primitives.js';
import { allocate } from '../../money/money.js';
import type { CommandOf } from '../commands.js';
import { invalid } from '../decode.js';
import { ledgerError } from '../errors.js';
import { HEALTH_PROHIBITED_PURPOSES } from '../rules.js';
import type { DecisionState } from '../state.js';
import { needReason, one, overspendOf, streamIn, type Decision } from './common.js';

type OffPlanProblem = EventDataMap['OffPlanSpendFlagged']['problem'];

/** Why a spend matches no line of an agreed plan. */
function offPlanProblem(c: CommandOf<'RecordSpend'>, s: DecisionState, outside: boolean): OffPlanProblem {
  if (outside) return 'outside-budget-period';
  if (planOn(s.plans, c.data.spentOn) === undefined) return 'no-agreed-plan';
  const known = s.plans.some((p) => p.lines.some((l) => l.lineId === c.data.lineId));
  return known ? 'line-not-in-agreed-plan' : 'unknown-line';
}

/**
 * A spend is new; off the plan in force it is flagged; a holder cannot spend from a stopped
 * direct payment; NHS money and a site's excluded money never pay for excluded purposes; the
 * spend is split by the line's shares to the penny.
 */
export function recordSpend(c: CommandOf<'RecordSpend'>, s: DecisionState): Decision {
  if (s.spends.has(c.data.spendId)) {
    return left(
      ledgerError('duplicate-spend', `spend ${c.data.spendId} is already recorded`, {
        spendId: c.data.spendId,
      }),
    );
  }
  const { purpose = 'unspecified', ...spend } = c.data;
  const opened = s.opened;
  const outside =
    opened !== null && (c.data.spentOn < opened.periodStart || c.data.spentOn > opened.periodEnd);
  const line = outside
    ? undefined
    : planOn(s.plans, c.data.spentOn)?.lines.find((l) => l.lineId === c.data.lineId);
  if (line === undefined) {
    const problem = offPlanProblem(c, s, outside);
    return one(
      c,
      'OffPlanSpendFlagged',
      purpose === 'unspecified' ? { ...spend, problem } : { ...spend, problem, purpose },
    );
  }
  const byHolder = c.actor.role === 'holder' || c.actor.role === 'representative';
  if (
    byHolder &&
    s.directPayment === 'stopped' &&
    (line.option === 'direct-payment' || line.option === 'managed-account')
  ) {
    return left(
      ledgerError(
        'direct-payment-state',
        `direct payments are stopped (${s.directPaymentReason ?? 'no reason recorded'}): the ${c.actor.role} can no longer spend on ${line.option} line ${line.lineId}`,
        { status: s.directPayment, command: c.type },
      ),
    );
  }
  const rule = line.shares.health === undefined ? undefined : HEALTH_PROHIBITED_PURPOSES[purpose];
  if (rule !== undefined) {
    return left(
      ledgerError(
        'prohibited-purpose',
        `line ${line.lineId} has a health share, and NHS money may not pay for ${purpose} (rule ${rule.id}: ${rule.text})`,
        { purpose, rule: rule.id },
      ),
    );
  }
  const local = s.exclusions.find((x) => x.purpose === purpose && line.shares[x.stream] !== undefined);
  if (local !== undefined) {
    return left(
      ledgerError(
        'prohibited-purpose',
        `line ${line.lineId} has a ${local.stream} share, and this site's ${local.stream} money may not pay for ${purpose} (local rule ${local.ruleId}: ${local.text})`,
        { purpose, rule: local.ruleId },
      ),
    );
  }
  const split = allocate(c.data.amount, line.shares, STREAMS);
  return one(c, 'SpendRecorded', { ...spend, purpose, split });
}

/** A known spend, not yet reversed, is reversed with a reason. */
export function reverseSpend(c: CommandOf<'ReverseSpend'>, s: DecisionState): Decision {
  const sp = s.spends.get(c.data.spendId);
  if (sp === undefined) {
    return left(
      ledgerError('unknown-spend', `there is no spend ${c.data.spendId} on this budget`, {
        spendId: c.data.spendId,
      }),
    );
  }
  if (sp.reversed) {
    return left(
      ledgerError('spend-already-reversed', `spend ${c.data.spendId} is already reversed`, {
        spendId: c.data.spendId,
      }),
    );
  }
  const bad = needReason('data.reason', c.data.reason, 'Reversing a spend');
  return bad !== null ? left(bad) : one(c, 'SpendReversed', c.data);
}

type OverspendCommand = CommandOf<'ExplainOverspend'> | CommandOf<'ApproveOverspendException'>;

/** The refusal of an overspend note that names no single target, no reason, or no overspend. */
function overspendNoteProblem(c: OverspendCommand, s: DecisionState, verb: string, what: string) {
  const { lineId, stream, reason } = c.data;
  if ((lineId === undefined) === (stream === undefined)) {
    return invalid('data.lineId', 'name exactly one of a line (lineId) or a stream (stream)');
  }
  const bad = (stream !== undefined ? streamIn(s, stream) : null) ?? needReason('data.reason', reason, what);
  if (bad !== null) return bad;
  if (overspendOf(s, c.data).isPositive()) return null;
  return ledgerError(
    'no-overspend',
    `there is no overspend on ${lineId !== undefined ? `line ${lineId}` : `the ${stream ?? ''} stream`} to ${verb}`,
    { field: lineId !== undefined ? 'data.lineId' : 'data.stream' },
  );
}

/** A coordinator explains an overspend that exists, on one line or one stream, with a reason. */
export function explainOverspend(c: CommandOf<'ExplainOverspend'>, s: DecisionState): Decision {
  const bad = overspendNoteProblem(c, s, 'explain', 'Explaining an overspend');
  return bad !== null ? left(bad) : one(c, 'OverspendExplained', { ...c.data, over: overspendOf(s, c.data) });
}

/** A commissioner approves an exception for an overspend that exists, with a reason. */
export function approveOverspendException(
  c: CommandOf<'ApproveOverspendException'>,
  s: DecisionState,
): Decision {
  const bad = overspendNoteProblem(c, s, 'approve', 'Approving an exception');
  return bad !== null
    ? left(bad)
    : one(c, 'OverspendExceptionApproved', { ...c.data, over: overspendOf(s, c.data) });
}
