/**
 * The chart of accounts of the double-entry journal (see docs/journal.md).
 *
 * Every money event moves an amount from one account to another, so each transaction sums to
 * zero. Funders' accounts carry negative balances (money they have committed), budget accounts
 * positive ones. Each account a budget touches names the budget, so every figure of
 * `ipb balances` has its own account:
 *
 * | account | balance |
 * |---|---|
 * | `funder:<stream>:<budget>` | minus the agreed allocation (agreed allocations and adjustments) |
 * | `budget:<budget>:<stream>:available` | remaining (allocated - spent - reclaimed) |
 * | `budget:<budget>:<stream>:spent:<category>` | spent on plan lines of that category, reversals excluded |
 * | `reclaimed:<stream>:<budget>` | surplus reclaimed by the funder |
 * | `indicative:budget:<budget>:<stream>` / `indicative:funder:<stream>:<budget>` | indicative allocations (a memo pair, never part of the agreed money) |
 * | `paid:budget:<budget>:<stream>` / `paid:funder:<stream>:<budget>` | cash actually paid in (a memo pair: the cash view) |
 */
import type { Category, Stream } from '../events/primitives.js';

/** The commodity of every amount in the journal, written after the number (`12.50 GBP`). */
export const JOURNAL_COMMODITY = 'GBP';

/**
 * A budget id as one account-name component. Budget ids may contain `:`, the account separator
 * of hledger and ledger, so it is written `%3A` (a budget id never contains `%`, so this is
 * reversible: see {@link budgetIdOfComponent}). Every other character of a budget id is kept.
 */
export function accountComponent(budgetId: string): string {
  return budgetId.replaceAll(':', '%3A');
}

/** The budget id of an account-name component made by {@link accountComponent}. */
export function budgetIdOfComponent(component: string): string {
  return component.replaceAll('%3A', ':');
}

/** Names of the journal's accounts, by what they hold. */
export const accounts = {
  /** The funder's side of agreed funding for one budget (negative: money committed). */
  funder: (stream: Stream, budgetId: string): string => `funder:${stream}:${accountComponent(budgetId)}`,
  /** What is left of a stream's agreed money: the contract's `remaining`. */
  available: (budgetId: string, stream: Stream): string =>
    `budget:${accountComponent(budgetId)}:${stream}:available`,
  /** A stream's spend on plan lines of one category. */
  spent: (budgetId: string, stream: Stream, category: Category): string =>
    `budget:${accountComponent(budgetId)}:${stream}:spent:${category}`,
  /** Surplus the funder took back from one budget. */
  reclaimed: (stream: Stream, budgetId: string): string =>
    `reclaimed:${stream}:${accountComponent(budgetId)}`,
  /** Indicative (early estimate) allocations: budget side of the memo pair. */
  indicativeBudget: (budgetId: string, stream: Stream): string =>
    `indicative:budget:${accountComponent(budgetId)}:${stream}`,
  /** Indicative allocations: funder side of the memo pair. */
  indicativeFunder: (stream: Stream, budgetId: string): string =>
    `indicative:funder:${stream}:${accountComponent(budgetId)}`,
  /** Cash paid into a direct-payment account or to a third party: budget side of the memo pair. */
  paidBudget: (budgetId: string, stream: Stream): string =>
    `paid:budget:${accountComponent(budgetId)}:${stream}`,
  /** Cash paid: funder side of the memo pair. */
  paidFunder: (stream: Stream, budgetId: string): string =>
    `paid:funder:${stream}:${accountComponent(budgetId)}`,
} as const;
