/**
 * Application services over an event store: reading a budget back.
 *
 * @module
 */
import type { EventStore } from '../store/port.js';
import { budgetView, type BudgetView, type BudgetViewOptions } from '../projections/budget-view.js';

/**
 * Loads one budget from any store (`MemoryEventStore`, `FileEventStore`,
 * `PostgresEventStore`, or your own {@link EventStore}) and gives its state, balances, flags,
 * plan history and audit trail in one call. Resolves to `null` when the store has no events of
 * that budget. Store failures reject with the store's `StoreError` (I/O is not a domain refusal).
 */
export async function loadBudget(
  store: Pick<EventStore, 'readStream'>,
  budgetId: string,
  options: BudgetViewOptions = {},
): Promise<BudgetView | null> {
  const events = await store.readStream(budgetId);
  if (events.length === 0) return null;
  return budgetView(budgetId, events, options);
}
