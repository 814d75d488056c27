import { Money, balances, balancesJson, type BudgetState, type LedgerEvent } from 'ipb-ledger';

/** A byte-exact JSON picture of any state (Maps and Sets in insertion order, money as strings). */
export function stateJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Money) return `£${v.toString()}`;
    if (v instanceof Map) return { map: [...v.entries()] };
    if (v instanceof Set) return { set: [...v.values()] };
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export const sameState = (a: BudgetState, b: BudgetState): boolean => stateJson(a) === stateJson(b);

/** The balances JSON of a list of events, as a string. */
export const balancesString = (events: Iterable<LedgerEvent>): string =>
  JSON.stringify(balancesJson(balances(events)));
