/**
 * Opening a budget and its money: funding allocated and adjusted, the person's contribution,
 * contingencies held outside the budget, and the site's local exclusions (docs/rules.md,
 * "Funding" and "Contribution").
 */
import { left } from 'fp-ts/lib/Either.js';
import { Money } from '../../money/money.js';
import type { CommandOf } from '../commands.js';
import { invalid } from '../decode.js';
import { ledgerError } from '../errors.js';
import type { DecisionState } from '../state.js';
import {
  contributionNotAllowed,
  contributionWithin,
  freeAtPointOfUse,
  needReason,
  one,
  streamIn,
  type Decision,
} from './common.js';

/** A budget opens once, its period ends after it starts, and a contribution stream sits beside social care only. */
export function openBudget(c: CommandOf<'OpenBudget'>, s: DecisionState): Decision {
  if (s.status !== 'unopened') {
    return left(
      ledgerError('budget-already-opened', `budget ${c.budgetId} is already open`, { budgetId: c.budgetId }),
    );
  }
  const { periodStart, periodEnd, basis, streams } = c.data;
  if (periodEnd < periodStart) {
    return left(
      ledgerError(
        'period-invalid',
        `the budget period ends (${periodEnd}) before it starts (${periodStart})`,
        {
          periodStart,
          periodEnd,
        },
      ),
    );
  }
  if ((basis === 'chc' || basis === 's117') && streams.includes('contribution')) {
    return left(
      ledgerError(
        'contribution-not-allowed',
        `no personal contribution stream on a ${basis} budget: it is free at the point of use`,
        { basis },
      ),
    );
  }
  if (streams.includes('contribution') && !streams.includes('social-care')) {
    return left(
      ledgerError(
        'contribution-without-social-care',
        'a contribution is a charge for social care: a budget has a contribution stream only beside a social-care stream',
        { field: 'data.streams' },
      ),
    );
  }
  return one(c, 'BudgetOpened', c.data);
}

/** Funding comes from a stream of the budget; a contribution stays within what was assessed. */
export function allocateFunding(c: CommandOf<'AllocateFunding'>, s: DecisionState): Decision {
  const bad = streamIn(s, c.data.stream);
  if (bad !== null) return left(bad);
  if (c.data.stream === 'contribution') {
    if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
    const x = s.totals.get('contribution');
    const before = c.data.stage === 'agreed' ? x?.allocated : x?.indicative;
    const over = contributionWithin(s, 'data.amount', (before ?? Money.zero).plus(c.data.amount));
    if (over !== null) return left(over);
  }
  return one(c, 'FundingAllocated', c.data);
}

/** An adjustment gives a reason, never takes a stream's agreed funding below zero, nor a contribution above its assessment. */
export function adjustFunding(c: CommandOf<'AdjustFunding'>, s: DecisionState): Decision {
  const bad = streamIn(s, c.data.stream) ?? needReason('data.reason', c.data.reason, 'A funding adjustment');
  if (bad !== null) return left(bad);
  const after = (s.totals.get(c.data.stream)?.allocated ?? Money.zero).plus(c.data.delta);
  if (after.isNegative()) {
    return left(
      ledgerError(
        'allocation-below-zero',
        `the ${c.data.stream} funding agreed would fall to ${after.format()}: an adjustment may lower it to 0.00 at most`,
        { field: 'data.delta', stream: c.data.stream, allocated: after },
      ),
    );
  }
  if (c.data.stream === 'contribution') {
    if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
    if (c.data.delta.isPositive()) {
      const over = contributionWithin(s, 'data.delta', after);
      if (over !== null) return left(over);
    }
  }
  return one(c, 'FundingAdjusted', c.data);
}

/** A contribution is assessed only for social care, never on a budget free at the point of use, and never below what is allocated. */
export function assessContribution(c: CommandOf<'AssessContribution'>, s: DecisionState): Decision {
  if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
  if (!(s.opened?.streams ?? []).includes('social-care')) {
    return left(
      ledgerError(
        'contribution-without-social-care',
        'a contribution is a charge for social care: this budget has no social-care stream',
        { field: 'type' },
      ),
    );
  }
  const allocated = s.totals.get('contribution')?.allocated ?? Money.zero;
  if (allocated.greaterThan(c.data.amount)) {
    return left(
      ledgerError(
        'contribution-above-assessed',
        `${allocated.format()} of contribution is already allocated, above the ${c.data.amount.format()} now assessed: adjust the contribution funding down first`,
        { field: 'data.amount', assessed: c.data.amount, allocated },
      ),
    );
  }
  return one(c, 'ContributionAssessed', c.data);
}

/** Local exclusions name streams of the budget and real purposes, with a reason. */
export function setLocalExclusions(c: CommandOf<'SetLocalExclusions'>, s: DecisionState): Decision {
  for (const [i, x] of c.data.exclusions.entries()) {
    const bad = streamIn(s, x.stream);
    if (bad !== null) return left(invalid(`data.exclusions[${i}].stream`, bad.message));
    if (x.purpose === 'unspecified') {
      return left(
        invalid(
          `data.exclusions[${i}].purpose`,
          'an exclusion names a purpose; "unspecified" cannot be excluded',
        ),
      );
    }
  }
  const bad = needReason('data.reason', c.data.reason, 'Setting local exclusions');
  return bad !== null ? left(bad) : one(c, 'LocalExclusionsSet', c.data);
}

/** A contingency is held from a stream of the budget, with a reason, under a new id. */
export function holdContingency(c: CommandOf<'HoldContingency'>, s: DecisionState): Decision {
  const bad = streamIn(s, c.data.stream) ?? needReason('data.reason', c.data.reason, 'Holding a contingency');
  if (bad !== null) return left(bad);
  if (s.contingencies.has(c.data.contingencyId)) {
    return left(
      ledgerError('duplicate-contingency', `contingency ${c.data.contingencyId} already exists`, {
        contingencyId: c.data.contingencyId,
      }),
    );
  }
  return one(c, 'ContingencyHeld', c.data);
}

/** Only what is still held of a contingency can be returned. */
export function returnContingency(c: CommandOf<'ReturnContingency'>, s: DecisionState): Decision {
  const k = s.contingencies.get(c.data.contingencyId);
  if (k === undefined) {
    return left(
      ledgerError('unknown-contingency', `there is no contingency ${c.data.contingencyId} on this budget`, {
        contingencyId: c.data.contingencyId,
      }),
    );
  }
  const held = k.amount.minus(k.returned);
  if (c.data.amount.greaterThan(held)) {
    return left(
      ledgerError(
        'contingency-above-held',
        `only ${held.format()} of contingency ${k.contingencyId} is still held, not ${c.data.amount.format()}`,
        { field: 'data.amount', held },
      ),
    );
  }
  return one(c, 'ContingencyReturned', c.data);
}
