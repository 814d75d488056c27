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

/**
 * Parses a markdown table whose first column is a name and whose other columns are roles
 * (`yes` / `no`): the name to the set of roles marked `yes`.
 */
export function roleTable(md: string, firstHeader: string): Map<string, Set<string>> {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstHeader} |`));
  if (start < 0) throw new Error(`no table starting with "| ${firstHeader} |"`);
  const header = (lines[start] as string)
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);
  const out = new Map<string, Set<string>>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .map((x) => x.trim())
      .filter(Boolean);
    out.set(cells[0] as string, new Set(header.slice(1).filter((_, i) => cells[i + 1] === 'yes')));
  }
  return out;
}
