/**
 * Keeping outcome facts in order and merging them: lists sorted by `seq` with ties broken by
 * content, sums added, the first opening kept. {@link mergeFacts} is associative and
 * commutative with `emptyFacts()` as identity, so any partition of a log merges into the facts
 * of one pass.
 */
import type {
  BudgetFacts,
  OpenedFact,
  OutcomeFacts,
  OutcomeRecordFact,
  PlanFact,
  SpendFact,
} from './facts.js';
import {
  factsFromJson,
  factsToJson,
  openedJson,
  outcomeFactJson,
  planFactJson,
  spendFactJson,
} from './facts-json.js';

/** The later of two dates (`YYYY-MM-DD`), null meaning none. */
export function maxDate(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? b : a;
}

/** Inserts keeping the list sorted by `seq` (appends in the usual in-order case). */
export function insertBySeq<T extends { readonly seq: number }>(
  list: T[],
  item: T,
  key: (t: T) => string,
): void {
  let i = list.length;
  while (i > 0) {
    const prev = list[i - 1] as T;
    if (prev.seq < item.seq || (prev.seq === item.seq && key(prev) <= key(item))) break;
    i -= 1;
  }
  if (i === list.length) list.push(item);
  else list.splice(i, 0, item);
}

/** Merges two lists sorted by `seq` (ties by a content key, so the result never depends on order). */
function mergeBySeq<T extends { readonly seq: number }>(
  a: readonly T[],
  b: readonly T[],
  key: (t: T) => string,
): T[] {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as T;
    const y = b[j] as T;
    if (x.seq < y.seq || (x.seq === y.seq && key(x) <= key(y))) {
      out.push(x);
      i += 1;
    } else {
      out.push(y);
      j += 1;
    }
  }
  while (i < a.length) out.push(a[i++] as T);
  while (j < b.length) out.push(b[j++] as T);
  return out;
}

/** Content keys that break ties between facts of the same `seq`, so order never matters. */
export const planKey = (p: PlanFact): string => JSON.stringify(planFactJson(p));
export const spendKey = (s: SpendFact): string => JSON.stringify(spendFactJson(s));
export const crKey = (c: { id: string; at: string }): string => `${c.id}\t${c.at}`;
export const closedKey = (c: { closedOn: string }): string => c.closedOn;
export const outcomeKey = (o: OutcomeRecordFact): string => JSON.stringify(outcomeFactJson(o));

/** Adds `n` to the count under `k`. */
export function addCount(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function openedKey(o: OpenedFact): string {
  return JSON.stringify(openedJson(o));
}

/** The opening with the lower `seq` (ties by content): a budget opened twice keeps its first. */
export function firstOpened(a: OpenedFact | null, b: OpenedFact | null): OpenedFact | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.seq !== b.seq) return a.seq < b.seq ? a : b;
  return openedKey(a) <= openedKey(b) ? a : b;
}

/** Adds `n` events and `p` pence under `k`. */
export function addTally(
  m: Map<string, { count: number; pence: bigint }>,
  k: string,
  n: number,
  p: bigint,
): void {
  const x = m.get(k);
  if (x === undefined) m.set(k, { count: n, pence: p });
  else {
    x.count += n;
    x.pence += p;
  }
}

/** Adds `p` pence to the sum under `k`. */
export function addPence(m: Map<string, bigint>, k: string, p: bigint): void {
  m.set(k, (m.get(k) ?? 0n) + p);
}

function mergeBudget(into: BudgetFacts, from: BudgetFacts): void {
  into.opened = firstOpened(into.opened, from.opened);
  into.closed = mergeBySeq(into.closed, from.closed, closedKey);
  for (const [k, p] of from.funding) addPence(into.funding, k, p);
  for (const [k, x] of from.reclaims) addTally(into.reclaims, k, x.count, x.pence);
  for (const [k, p] of from.returned) addPence(into.returned, k, p);
  for (const [k, x] of from.tallies) addTally(into.tallies, k, x.count, x.pence);
  into.plans = mergeBySeq(into.plans, from.plans, planKey);
  into.spends = mergeBySeq(into.spends, from.spends, spendKey);
  into.changeRequests = mergeBySeq(into.changeRequests, from.changeRequests, crKey);
  into.declines = mergeBySeq(into.declines, from.declines, crKey);
  into.outcomes = mergeBySeq(into.outcomes, from.outcomes, outcomeKey);
  for (const [k, n] of from.reviews) addCount(into.reviews, k, n);
  for (const [k, n] of from.offPlan) addCount(into.offPlan, k, n);
}

/**
 * Merges `from` into `into` (which it changes and returns); `from` must not be used afterwards.
 * Associative and commutative up to {@link factsToJson}: any grouping and order of merges gives
 * the same facts.
 */
export function mergeFacts(into: OutcomeFacts, from: OutcomeFacts): OutcomeFacts {
  into.counted += from.counted;
  into.latest = maxDate(into.latest, from.latest);
  for (const [k, b] of from.budgets) {
    const x = into.budgets.get(k);
    if (x === undefined) into.budgets.set(k, b);
    else mergeBudget(x, b);
  }
  return into;
}

/** The merge of two facts as a new value (neither input changes). */
export function combineFacts(a: OutcomeFacts, b: OutcomeFacts): OutcomeFacts {
  return mergeFacts(factsFromJson(factsToJson(a)), factsFromJson(factsToJson(b)));
}
