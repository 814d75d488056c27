/**
 * The first, mergeable stage of the outcome metrics: per-budget facts.
 *
 * A log may be cut anywhere (files, byte ranges, workers) and a budget's events may fall into
 * several parts, so nothing per-budget is decided while reading. Each part folds its events
 * into {@link OutcomeFacts}: for every budget, the few facts the metrics need (its opening with
 * the person's reference, closures, plan events, spends, change requests and their refusals,
 * and outcome measures with their `seq`; funding, reclaims, reviews and off-plan attempts
 * summed by date). {@link mergeFacts} combines parts by budget key; it is associative
 * and commutative with {@link emptyFacts} as identity, and money stays exact (bigint pence;
 * contract money strings in the JSON form that crosses worker boundaries). The metrics are
 * computed only from the merged facts ({@link ./metrics.ts}), so any partition of a log gives
 * exactly the same outcomes as one pass.
 */
import type { LedgerEvent } from '../events/envelope.js';
import {
  BASES,
  CATEGORIES,
  COHORTS,
  OPTIONS,
  RECLAIM_REASONS,
  STREAMS,
  type Basis,
  type Category,
  type Cohort,
  type ManagementOption,
  type ReclaimReason,
  type Shares,
  type Stream,
} from '../events/primitives.js';
import { sha256Hex } from '../log/hash.js';
import { moneyProblem } from '../money/money.js';
import { passes, type TimeFilter } from '../projections/time-filter.js';

/** A plan line as the metrics need it (amount in pence). */
export interface LineFact {
  readonly lineId: string;
  readonly category: Category;
  readonly option: ManagementOption;
  readonly amount: bigint;
  readonly shares: Shares;
}

/** A plan event of a budget, kept with its `seq` (plan statuses are replayed in order). */
export type PlanFact =
  | {
      readonly seq: number;
      readonly kind: 'proposed';
      readonly at: string;
      readonly version: number;
      readonly lines: readonly LineFact[];
      readonly changeRequestId?: string;
    }
  | {
      readonly seq: number;
      readonly kind: 'agreed';
      readonly at: string;
      readonly version: number;
      readonly agreedOn: string;
    }
  | { readonly seq: number; readonly kind: 'rejected'; readonly at: string; readonly version: number };

/** A spend or a reversal of a budget, kept with its `seq` (a reversal may be in another part). */
export type SpendFact =
  | {
      readonly seq: number;
      readonly kind: 'spend';
      readonly spendId: string;
      readonly lineId: string;
      readonly spentOn: string;
      /** Parts in pence by stream, in the canonical order of {@link STREAMS}. */
      readonly split: readonly [bigint, bigint, bigint, bigint];
    }
  | { readonly seq: number; readonly kind: 'reversal'; readonly spendId: string };

/** What a budget's opening says. */
export interface OpenedFact {
  readonly seq: number;
  readonly at: string;
  /**
   * Who the budget is for, as the SHA-256 (hex) of its `personRef`: equal references give equal
   * keys, so people are counted once however many budgets they hold, and the facts (which cross
   * worker boundaries and may be saved) never hold the reference itself.
   */
  readonly person: string;
  readonly site: string;
  readonly cohort: Cohort;
  readonly basis: Basis;
  readonly streams: readonly Stream[];
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly referredAt?: string;
}

/** An outcome measure of a budget: instrument, date, and the sum and number of its item scores. */
export interface OutcomeRecordFact {
  readonly seq: number;
  readonly instrument: string;
  readonly measuredOn: string;
  readonly sum: number;
  readonly count: number;
}

/** A change request's id and a time: when it was asked for, or when it was declined. */
export interface RequestFact {
  readonly seq: number;
  readonly id: string;
  readonly at: string;
}

/** Everything the metrics need about one budget, from the events of one part of a log. */
export interface BudgetFacts {
  opened: OpenedFact | null;
  /** Closures, by `seq`. The first one closes the budget. */
  closed: { readonly seq: number; readonly closedOn: string }[];
  /** Agreed allocations and adjustments in pence, by `date \t streamIndex` (date = occurred date). */
  funding: Map<string, bigint>;
  /** Reclaims by `date \t streamIndex \t reasonIndex`: count and pence. */
  reclaims: Map<string, { count: number; pence: bigint }>;
  /** Plan events by `seq`. */
  plans: PlanFact[];
  /** Spends and reversals by `seq`. */
  spends: SpendFact[];
  /** Change requests by `seq`: id and when asked (occurredAt). */
  changeRequests: RequestFact[];
  /** Change requests declined, by `seq`: id and when (occurredAt). */
  declines: RequestFact[];
  /** Outcome measures, by `seq`. */
  outcomes: OutcomeRecordFact[];
  /** Reviews completed, by `reviewedOn`. */
  reviews: Map<string, number>;
  /** Off-plan spend attempts, by `spentOn`. */
  offPlan: Map<string, number>;
}

/** The mergeable facts of (part of) a log. */
export interface OutcomeFacts {
  /** Per budget, by key (the budget id, scoped by file when several logs are read). */
  readonly budgets: Map<string, BudgetFacts>;
  /** Events that passed the time filter. */
  counted: number;
  /** Latest date of anything counted (`occurredAt` date, `spentOn`), or null: the default horizon. */
  latest: string | null;
}

/** The key a person is counted by: the SHA-256 (hex) of their `personRef`. */
export function personKey(personRef: string): string {
  return sha256Hex(`ipb.person:${personRef}`);
}

/** The identity of {@link mergeFacts}: no budgets, nothing counted. */
export function emptyFacts(): OutcomeFacts {
  return { budgets: new Map(), counted: 0, latest: null };
}

function emptyBudget(): BudgetFacts {
  return {
    opened: null,
    closed: [],
    funding: new Map(),
    reclaims: new Map(),
    plans: [],
    spends: [],
    changeRequests: [],
    declines: [],
    outcomes: [],
    reviews: new Map(),
    offPlan: new Map(),
  };
}

const STREAM_INDEX = new Map<Stream, number>(STREAMS.map((s, i) => [s, i]));
const REASON_INDEX = new Map<ReclaimReason, number>(RECLAIM_REASONS.map((r, i) => [r, i]));

function maxDate(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? b : a;
}

/** Inserts keeping the list sorted by `seq` (appends in the usual in-order case). */
function insertBySeq<T extends { readonly seq: number }>(list: T[], item: T, key: (t: T) => string): void {
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

const planKey = (p: PlanFact): string => JSON.stringify(planFactJson(p));
const spendKey = (s: SpendFact): string => JSON.stringify(spendFactJson(s));
const crKey = (c: { id: string; at: string }): string => `${c.id}\t${c.at}`;
const closedKey = (c: { closedOn: string }): string => c.closedOn;
const outcomeKey = (o: OutcomeRecordFact): string => JSON.stringify(outcomeFactJson(o));

function addCount(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function openedKey(o: OpenedFact): string {
  return JSON.stringify(openedJson(o));
}

/** The opening with the lower `seq` (ties by content): a budget opened twice keeps its first. */
function firstOpened(a: OpenedFact | null, b: OpenedFact | null): OpenedFact | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.seq !== b.seq) return a.seq < b.seq ? a : b;
  return openedKey(a) <= openedKey(b) ? a : b;
}

/**
 * Folds one event into the facts when it passes the time filter (`occurredAt <= asOf`,
 * `recordedAt <= knownAt`, as for balances). `key` is the budget's key (default its id).
 */
export function addEventToFacts(
  facts: OutcomeFacts,
  e: LedgerEvent,
  filter: TimeFilter = {},
  key: string = e.budgetId,
): void {
  if (!passes(e, filter)) return;
  facts.counted += 1;
  facts.latest = maxDate(facts.latest, e.occurredAt.slice(0, 10));
  let b = facts.budgets.get(key);
  if (b === undefined) {
    b = emptyBudget();
    facts.budgets.set(key, b);
  }
  const date = e.occurredAt.slice(0, 10);
  switch (e.type) {
    case 'BudgetOpened': {
      const d = e.data;
      const o: OpenedFact = {
        seq: e.seq,
        at: e.occurredAt,
        person: personKey(d.personRef),
        site: d.site,
        cohort: d.cohort,
        basis: d.basis,
        streams: [...d.streams],
        periodStart: d.periodStart,
        periodEnd: d.periodEnd,
        ...(d.referredAt === undefined ? {} : { referredAt: d.referredAt }),
      };
      b.opened = firstOpened(b.opened, o);
      return;
    }
    case 'FundingAllocated':
      if (e.data.stage !== 'agreed') return;
      addPence(b.funding, `${date}\t${STREAM_INDEX.get(e.data.stream)}`, e.data.amount.toPence());
      return;
    case 'FundingAdjusted':
      addPence(b.funding, `${date}\t${STREAM_INDEX.get(e.data.stream)}`, e.data.delta.toPence());
      return;
    case 'SurplusReclaimed': {
      const k = `${date}\t${STREAM_INDEX.get(e.data.stream)}\t${REASON_INDEX.get(e.data.reason)}`;
      const x = b.reclaims.get(k);
      const pence = e.data.amount.toPence();
      if (x === undefined) b.reclaims.set(k, { count: 1, pence });
      else {
        x.count += 1;
        x.pence += pence;
      }
      return;
    }
    case 'PlanProposed':
      insertBySeq(
        b.plans,
        {
          seq: e.seq,
          kind: 'proposed',
          at: e.occurredAt,
          version: e.data.planVersion,
          lines: e.data.lines.map((l) => ({
            lineId: l.lineId,
            category: l.category,
            option: l.option,
            amount: l.amount.toPence(),
            shares: { ...l.shares },
          })),
          ...(e.data.changeRequestId === undefined ? {} : { changeRequestId: e.data.changeRequestId }),
        },
        planKey,
      );
      return;
    case 'PlanAgreed':
      insertBySeq(
        b.plans,
        {
          seq: e.seq,
          kind: 'agreed',
          at: e.occurredAt,
          version: e.data.planVersion,
          agreedOn: e.data.agreedOn,
        },
        planKey,
      );
      return;
    case 'PlanRejected':
      insertBySeq(
        b.plans,
        { seq: e.seq, kind: 'rejected', at: e.occurredAt, version: e.data.planVersion },
        planKey,
      );
      return;
    case 'ChangeRequested':
      insertBySeq(b.changeRequests, { seq: e.seq, id: e.data.changeRequestId, at: e.occurredAt }, crKey);
      return;
    case 'SpendRecorded': {
      const split: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
      for (const [i, s] of STREAMS.entries()) {
        const m = e.data.split[s];
        if (m !== undefined) split[i] = m.toPence();
      }
      facts.latest = maxDate(facts.latest, e.data.spentOn);
      insertBySeq(
        b.spends,
        {
          seq: e.seq,
          kind: 'spend',
          spendId: e.data.spendId,
          lineId: e.data.lineId,
          spentOn: e.data.spentOn,
          split,
        },
        spendKey,
      );
      return;
    }
    case 'SpendReversed':
      insertBySeq(b.spends, { seq: e.seq, kind: 'reversal', spendId: e.data.spendId }, spendKey);
      return;
    case 'ReviewCompleted':
      addCount(b.reviews, e.data.reviewedOn, 1);
      return;
    case 'OutcomeRecorded': {
      let sum = 0;
      for (const i of e.data.items) sum += i.score;
      facts.latest = maxDate(facts.latest, e.data.measuredOn);
      insertBySeq(
        b.outcomes,
        {
          seq: e.seq,
          instrument: e.data.instrument,
          measuredOn: e.data.measuredOn,
          sum,
          count: e.data.items.length,
        },
        outcomeKey,
      );
      return;
    }
    case 'OffPlanSpendFlagged':
      facts.latest = maxDate(facts.latest, e.data.spentOn);
      addCount(b.offPlan, e.data.spentOn, 1);
      return;
    case 'BudgetClosed':
      insertBySeq(b.closed, { seq: e.seq, closedOn: e.data.closedOn }, closedKey);
      return;
    default:
      // Other events (indicative allocations above, contributions assessed, funds paid, direct
      // payment status, representatives) move no money the metrics count.
      return;
  }
}

function addPence(m: Map<string, bigint>, k: string, p: bigint): void {
  m.set(k, (m.get(k) ?? 0n) + p);
}

/** Facts of a list of events (one pass). */
export function factsOfEvents(events: Iterable<LedgerEvent>, filter: TimeFilter = {}): OutcomeFacts {
  const f = emptyFacts();
  for (const e of events) addEventToFacts(f, e, filter);
  return f;
}

function mergeBudget(into: BudgetFacts, from: BudgetFacts): void {
  into.opened = firstOpened(into.opened, from.opened);
  into.closed = mergeBySeq(into.closed, from.closed, closedKey);
  for (const [k, p] of from.funding) addPence(into.funding, k, p);
  for (const [k, x] of from.reclaims) {
    const y = into.reclaims.get(k);
    if (y === undefined) into.reclaims.set(k, { count: x.count, pence: x.pence });
    else {
      y.count += x.count;
      y.pence += x.pence;
    }
  }
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

// ---------------------------------------------------------------------------------------------
// JSON form: what crosses a worker boundary or is saved. Money as contract strings (pounds),
// maps as sorted [key, value] lists, so equal facts have equal JSON text.

/** The JSON form of {@link OutcomeFacts}. */
export interface OutcomeFactsJson {
  readonly schema: 'ipb.outcome-facts/1';
  readonly counted: number;
  readonly latest: string | null;
  readonly budgets: ReadonlyArray<readonly [string, BudgetFactsJson]>;
}

/** A spend (`[seq, spendId, lineId, spentOn, health, social-care, education, contribution]`) or a reversal (`[seq, spendId]`). */
export type SpendFactJson =
  readonly [number, string] | readonly [number, string, string, string, string, string, string, string];

/** The JSON form of {@link BudgetFacts}. */
export interface BudgetFactsJson {
  readonly opened: Record<string, unknown> | null;
  readonly closed: ReadonlyArray<readonly [number, string]>;
  readonly funding: ReadonlyArray<readonly [string, string]>;
  readonly reclaims: ReadonlyArray<readonly [string, number, string]>;
  readonly plans: readonly Record<string, unknown>[];
  /** `[seq, spendId, lineId, spentOn, ...parts]` for a spend, `[seq, spendId]` for a reversal. */
  readonly spends: readonly SpendFactJson[];
  readonly changeRequests: ReadonlyArray<readonly [number, string, string]>;
  readonly declines: ReadonlyArray<readonly [number, string, string]>;
  /** `[seq, instrument, measuredOn, sum of scores, number of items]`. */
  readonly outcomes: ReadonlyArray<readonly [number, string, string, number, number]>;
  readonly reviews: ReadonlyArray<readonly [string, number]>;
  readonly offPlan: ReadonlyArray<readonly [string, number]>;
}

/** Whole pence as a contract money string (`12345n` -> `"123.45"`), exactly, without decimal.js. */
export function penceString(p: bigint): string {
  const neg = p < 0n;
  const abs = neg ? -p : p;
  const s = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** A contract money string as whole pence (`"123.45"` -> `12345n`); throws on anything else. */
export function stringPence(s: unknown, what = 'amount'): bigint {
  if (typeof s !== 'string' || moneyProblem(s) !== null) {
    throw new TypeError(`outcome facts: ${what} is not a money string: ${JSON.stringify(s)}`);
  }
  return BigInt(s.replace('.', ''));
}

const money = penceString;
const pence = stringPence;
const byKey = <T>(a: readonly [string, T], b: readonly [string, T]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

function openedJson(o: OpenedFact): Record<string, unknown> {
  return {
    seq: o.seq,
    at: o.at,
    person: o.person,
    site: o.site,
    cohort: o.cohort,
    basis: o.basis,
    streams: [...o.streams],
    periodStart: o.periodStart,
    periodEnd: o.periodEnd,
    ...(o.referredAt === undefined ? {} : { referredAt: o.referredAt }),
  };
}

function planFactJson(p: PlanFact): Record<string, unknown> {
  if (p.kind === 'proposed') {
    return {
      seq: p.seq,
      kind: p.kind,
      at: p.at,
      version: p.version,
      lines: p.lines.map((l) => ({
        lineId: l.lineId,
        category: l.category,
        option: l.option,
        amount: money(l.amount),
        shares: Object.fromEntries(
          STREAMS.filter((s) => l.shares[s] !== undefined).map((s) => [s, l.shares[s]]),
        ),
      })),
      ...(p.changeRequestId === undefined ? {} : { changeRequestId: p.changeRequestId }),
    };
  }
  if (p.kind === 'agreed')
    return { seq: p.seq, kind: p.kind, at: p.at, version: p.version, agreedOn: p.agreedOn };
  return { seq: p.seq, kind: p.kind, at: p.at, version: p.version };
}

function outcomeFactJson(o: OutcomeRecordFact): readonly [number, string, string, number, number] {
  return [o.seq, o.instrument, o.measuredOn, o.sum, o.count];
}

function spendFactJson(s: SpendFact): SpendFactJson {
  if (s.kind === 'reversal') return [s.seq, s.spendId];
  return [
    s.seq,
    s.spendId,
    s.lineId,
    s.spentOn,
    money(s.split[0]),
    money(s.split[1]),
    money(s.split[2]),
    money(s.split[3]),
  ];
}

/** The JSON form of facts: canonical (equal facts give equal text), money as strings. */
export function factsToJson(f: OutcomeFacts): OutcomeFactsJson {
  const budgets = [...f.budgets.entries()]
    .map(([k, b]): [string, BudgetFactsJson] => [
      k,
      {
        opened: b.opened === null ? null : openedJson(b.opened),
        closed: b.closed.map((c) => [c.seq, c.closedOn] as const),
        funding: [...b.funding.entries()].map(([d, p]) => [d, money(p)] as const).sort(byKey),
        reclaims: [...b.reclaims.entries()]
          .map(([d, x]) => [d, x.count, money(x.pence)] as const)
          .sort((a, c) => byKey([a[0], 0], [c[0], 0])),
        plans: b.plans.map(planFactJson),
        spends: b.spends.map(spendFactJson),
        changeRequests: b.changeRequests.map((c) => [c.seq, c.id, c.at] as const),
        declines: b.declines.map((c) => [c.seq, c.id, c.at] as const),
        outcomes: b.outcomes.map(outcomeFactJson),
        reviews: [...b.reviews.entries()].sort(byKey),
        offPlan: [...b.offPlan.entries()].sort(byKey),
      },
    ])
    .sort(byKey);
  return { schema: 'ipb.outcome-facts/1', counted: f.counted, latest: f.latest, budgets };
}

function str(u: unknown, what: string): string {
  if (typeof u !== 'string') throw new TypeError(`outcome facts: ${what} must be a string`);
  return u;
}
function int(u: unknown, what: string): number {
  if (typeof u !== 'number' || !Number.isSafeInteger(u))
    throw new TypeError(`outcome facts: ${what} must be a whole number`);
  return u;
}
function oneOf<T extends string>(u: unknown, values: readonly T[], what: string): T {
  if (typeof u !== 'string' || !(values as readonly string[]).includes(u))
    throw new TypeError(`outcome facts: ${what} must be one of ${values.join(', ')}`);
  return u as T;
}

function planFromJson(u: Record<string, unknown>): PlanFact {
  const seq = int(u['seq'], 'plan seq');
  const at = str(u['at'], 'plan at');
  const version = int(u['version'], 'plan version');
  const kind = u['kind'];
  if (kind === 'agreed') return { seq, kind, at, version, agreedOn: str(u['agreedOn'], 'agreedOn') };
  if (kind === 'rejected') return { seq, kind, at, version };
  if (kind !== 'proposed') throw new TypeError('outcome facts: unknown plan fact kind');
  const lines = (u['lines'] as Record<string, unknown>[]).map((l): LineFact => ({
    lineId: str(l['lineId'], 'lineId'),
    category: oneOf(l['category'], CATEGORIES, 'category'),
    option: oneOf(l['option'], OPTIONS, 'option'),
    amount: pence(l['amount'], 'line amount'),
    shares: { ...(l['shares'] as Shares) },
  }));
  const cr = u['changeRequestId'];
  return {
    seq,
    kind,
    at,
    version,
    lines,
    ...(cr === undefined ? {} : { changeRequestId: str(cr, 'changeRequestId') }),
  };
}

function spendFromJson(u: SpendFactJson): SpendFact {
  const seq = int(u[0], 'spend seq');
  const spendId = str(u[1], 'spendId');
  if (u.length === 2) return { seq, kind: 'reversal', spendId };
  if (u.length !== 8) throw new TypeError('outcome facts: a spend has 8 fields');
  return {
    seq,
    kind: 'spend',
    spendId,
    lineId: str(u[2], 'lineId'),
    spentOn: str(u[3], 'spentOn'),
    split: [
      pence(u[4], 'split part'),
      pence(u[5], 'split part'),
      pence(u[6], 'split part'),
      pence(u[7], 'split part'),
    ],
  };
}

/** Rebuilds facts from {@link factsToJson} (e.g. a worker's message). */
export function factsFromJson(j: OutcomeFactsJson): OutcomeFacts {
  if (j.schema !== 'ipb.outcome-facts/1') throw new TypeError('outcome facts: unknown schema');
  const budgets = new Map<string, BudgetFacts>();
  for (const [k, b] of j.budgets) {
    const o = b.opened;
    budgets.set(k, {
      opened:
        o === null
          ? null
          : {
              seq: int(o['seq'], 'opened seq'),
              at: str(o['at'], 'opened at'),
              person: str(o['person'], 'person'),
              site: str(o['site'], 'site'),
              cohort: oneOf(o['cohort'], COHORTS, 'cohort'),
              basis: oneOf(o['basis'], BASES, 'basis'),
              streams: (o['streams'] as unknown[]).map((s) => oneOf(s, STREAMS, 'stream')),
              periodStart: str(o['periodStart'], 'periodStart'),
              periodEnd: str(o['periodEnd'], 'periodEnd'),
              ...(o['referredAt'] === undefined ? {} : { referredAt: str(o['referredAt'], 'referredAt') }),
            },
      closed: b.closed.map(([seq, closedOn]) => ({ seq, closedOn })),
      funding: new Map(b.funding.map(([d, p]) => [d, pence(p, 'funding')])),
      reclaims: new Map(b.reclaims.map(([d, count, p]) => [d, { count, pence: pence(p, 'reclaim') }])),
      plans: b.plans.map(planFromJson),
      spends: b.spends.map(spendFromJson),
      changeRequests: b.changeRequests.map(([seq, id, at]) => ({ seq, id, at })),
      declines: b.declines.map(([seq, id, at]) => ({ seq, id, at })),
      outcomes: b.outcomes.map(([seq, instrument, measuredOn, sum, count]) => ({
        seq: int(seq, 'outcome seq'),
        instrument: str(instrument, 'instrument'),
        measuredOn: str(measuredOn, 'measuredOn'),
        sum: int(sum, 'outcome score sum'),
        count: int(count, 'outcome item count'),
      })),
      reviews: new Map(b.reviews),
      offPlan: new Map(b.offPlan),
    });
  }
  return { budgets, counted: j.counted, latest: j.latest };
}
