/**
 * Which budgets an authenticated caller may read and act on. The ledger's own rules (the role
 * table, a holder only on their own budget, a representative only while authorised) still apply
 * after these checks; this adds what only the service knows: whose caseload, which site, which
 * funder.
 *
 *   holder          their own budget (its personRef is their id)
 *   representative  budgets that authorised them (until revoked)
 *   coordinator     budgets of their sites, and the budget ids of their caseload
 *   commissioner,   budgets funded by one of their funder's streams (and of their sites, when
 *   finance         the token names sites); money commands only on their own streams
 *   auditor         reads every budget and the whole log; writes nothing
 */
import type { BudgetOpened, Command, DecisionState, Stream } from 'ipb-ledger';
import type { Caller } from './auth.js';

/** What a scope check needs to know about a budget. */
export interface BudgetScope {
  readonly budgetId: string;
  /** Its `BudgetOpened` data, or null when it was never opened (or does not exist). */
  readonly opened: BudgetOpened | null;
  readonly representatives: ReadonlySet<string>;
}

/** The scope facts of a budget state. */
export function scopeOf(
  budgetId: string,
  state: Pick<DecisionState, 'opened' | 'representatives'>,
): BudgetScope {
  return { budgetId, opened: state.opened, representatives: state.representatives };
}

function funds(caller: Caller, streams: readonly Stream[], site: string): boolean {
  return streams.some((s) => caller.streams.has(s)) && (caller.sites.size === 0 || caller.sites.has(site));
}

// #region scope
/** True when the caller may see this budget (an unopened budget is seen by nobody). */
export function mayRead(caller: Caller, b: BudgetScope): boolean {
  const { actor } = caller;
  if (b.opened === null) return false;
  switch (actor.role) {
    case 'auditor':
      return true;
    case 'holder':
      return b.opened.personRef === actor.id;
    case 'representative':
      return b.representatives.has(actor.id);
    case 'coordinator':
      return caller.sites.has(b.opened.site) || caller.caseload.has(b.budgetId);
    case 'commissioner':
    case 'finance':
      return funds(caller, b.opened.streams, b.opened.site);
    default:
      return false;
  }
}
// #endregion scope

/** Why the service refuses a command before the ledger decides it (the answer is 403). */
export interface ScopeRefusal {
  readonly code: 'read-only' | 'out-of-scope' | 'stream-out-of-scope';
  readonly message: string;
}

/** The same answer whether the budget is someone else's or does not exist. */
export const OUT_OF_SCOPE: ScopeRefusal = {
  code: 'out-of-scope',
  message: 'you may not act on this budget, or it does not exist',
};

function streamOf(command: Command): Stream | null {
  switch (command.type) {
    case 'AllocateFunding':
    case 'AdjustFunding':
    case 'PayFunds':
    case 'ReclaimSurplus':
      return command.data.stream;
    case 'AssessContribution':
      return 'social-care'; // the council assesses the contribution
    default:
      return null;
  }
}

/** Null when the caller may issue this command on this budget; otherwise why not. */
export function mayWrite(caller: Caller, command: Command, b: BudgetScope): ScopeRefusal | null {
  const { role } = caller.actor;
  if (role === 'auditor') return { code: 'read-only', message: 'an auditor reads and never writes' };
  if (b.opened === null) {
    // only an OpenBudget can act on a budget that is not there, and only within the caller's scope
    if (command.type !== 'OpenBudget') return OUT_OF_SCOPE;
    const d = command.data;
    const ok =
      role === 'coordinator'
        ? caller.sites.has(d.site) || caller.caseload.has(b.budgetId)
        : (role === 'commissioner' || role === 'finance') && funds(caller, d.streams, d.site);
    return ok ? null : OUT_OF_SCOPE;
  }
  if (!mayRead(caller, b)) return OUT_OF_SCOPE;
  const stream = streamOf(command);
  if ((role === 'commissioner' || role === 'finance') && stream !== null && !caller.streams.has(stream)) {
    return {
      code: 'stream-out-of-scope',
      message: `you may act on the ${[...caller.streams].join(', ')} stream(s), not ${stream}`,
    };
  }
  return null;
}
