/**
 * docs/statement.md: a service builds a budget holder's statement from its own events, as of a
 * date, and hands over the HTML page (or prints the text).
 */
import { budgetStatement, statementHtml, statementText, type LedgerEvent } from 'ipb-ledger';

/** The statement of one budget as of the end of a day: its text, its HTML and what is left. */
export function statementFor(
  events: readonly LedgerEvent[],
  budgetId: string,
  day: string,
): { text: string; html: string; left: string } {
  // Only this budget's events are read; "today" is the end of the day given, never the clock.
  const statement = budgetStatement(events, budgetId, { asOf: `${day}T23:59:59.999Z` });
  if (statement === null) throw new Error(`no budget ${budgetId} by ${day}`);
  return {
    text: statementText(statement),
    html: statementHtml(statement),
    left: statement.money.total.left.toString(),
  };
}
