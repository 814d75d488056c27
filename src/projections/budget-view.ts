/**
 * Everything a service or an auditor usually wants about one budget, from its events: the
 * state, the balances per stream, the flags, the plan history and the audit trail.
 *
 * @module
 */
import { foldEvents, type BudgetState } from './budget-state.js';
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import { auditTrail, type AuditEntry } from './audit.js';
import { balancesOf, type BudgetBalances } from './balances.js';
import { flagsOf, type Flag, type FlagOptions } from './flags.js';
import { planHistory, type PlanHistory } from './plans.js';
import { passes, type TimeFilter } from './time-filter.js';

/** Options of {@link budgetView} and `loadBudget`. */
export interface BudgetViewOptions {
  /** Count only events that occurred (`asOf`) / were recorded (`knownAt`) by these times. */
  readonly filter?: TimeFilter;
  /** Local policy for flags (the date reviews are judged on, the surplus threshold). */
  readonly flags?: FlagOptions;
}

/** One budget read back: its state and every read model of it. */
export interface BudgetView {
  readonly budgetId: string;
  /** The events that count under the filter, in `seq` order. */
  readonly events: readonly (PendingEvent | LedgerEvent)[];
  /** The folded state (what `decide` sees), as of the filter's times. */
  readonly state: BudgetState;
  /** Allocated, indicative, spent, reclaimed and remaining per stream. */
  readonly balances: BudgetBalances;
  /** Overspends, off-plan spends, overdue reviews and direct-payment surpluses. */
  readonly flags: readonly Flag[];
  /** Every plan version, lead times and open change requests. */
  readonly plans: PlanHistory;
  /** Who did what, when, why, with the balances after each event. */
  readonly auditTrail: readonly AuditEntry[];
}

/**
 * The {@link BudgetView} of one budget's events (events of other budgets are ignored). Pure: it
 * reads no clock, so pass `flags.onDate` to judge reviews on a date.
 */
export function budgetView(
  budgetId: string,
  events: Iterable<PendingEvent | LedgerEvent>,
  options: BudgetViewOptions = {},
): BudgetView {
  const filter = options.filter ?? {};
  const counted = [...events].filter((e) => e.budgetId === budgetId && passes(e, filter));
  const state = foldEvents(counted);
  return {
    budgetId,
    events: counted,
    state,
    balances: balancesOf(budgetId, state),
    flags: flagsOf(budgetId, state, options.flags ?? {}),
    plans: planHistory(state),
    auditTrail: auditTrail(counted),
  };
}
