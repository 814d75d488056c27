/** docs/outcomes.md: outcomes from a ledger's events, merged from parts, and a pseudonymised release. */
import {
  emptyFacts,
  factsOfEvents,
  mergeFacts,
  outcomeCells,
  outcomesCsv,
  outcomesJson,
  pseudonymiseEvents,
  type LedgerEvent,
} from 'ipb-ledger';

/** The outcomes of some events by site and quarter, as CSV, computed from two halves merged. */
export function outcomesOfHalves(events: readonly LedgerEvent[]): string {
  // #region merge
  const half = Math.floor(events.length / 2);
  const facts = mergeFacts(factsOfEvents(events.slice(0, half)), factsOfEvents(events.slice(half)));
  const cells = outcomeCells(facts, { by: ['site'], period: 'quarter' });
  const csv = outcomesCsv(outcomesJson(cells, ['site'], 'quarter', facts.latest));
  // #endregion merge
  return csv;
}

/** The same outcomes from one pass, for comparison. */
export function outcomesInOnePass(events: readonly LedgerEvent[]): string {
  const facts = mergeFacts(emptyFacts(), factsOfEvents(events));
  return outcomesCsv(
    outcomesJson(outcomeCells(facts, { by: ['site'], period: 'quarter' }), ['site'], 'quarter', facts.latest),
  );
}

/** A pseudonymised release of some events (pending: seal them, e.g. with a LogWriter). */
export function releaseOf(events: readonly LedgerEvent[], key: Uint8Array) {
  // #region release
  const released = pseudonymiseEvents(events, key); // identifiers HMAC-ed, free text withheld
  // #endregion release
  return released;
}
