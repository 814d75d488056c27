/**
 * Balances per budget and stream, as the log contract defines them, and of plan lines: from a
 * budget state (`balancesOf`, `lineBalances`) or streamed from a log by {@link BalancesFold},
 * the fold behind `ipb balances` that keeps a few sums per stream and each spend's parts, never
 * the events, and crosses worker threads as JSON.
 *
 * Longer than 400 lines on purpose: {@link BalancesFold} is the hot path of `ipb balances`; its
 * packed sums and spend parts, its partial folds for byte ranges and its JSON form for worker
 * threads depend on one another's layout, and are measured together (docs/performance.md).
 */
import type { PendingEvent } from '../events/envelope.js';
import { STREAMS, type Split, type Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';
import {
  moneyEffects,
  remainingOf,
  reversalEffects,
  type MoneyEffect,
  type StreamSums,
  type SumName,
} from '../events/money-effects.js';
import type { BudgetState } from './budget-state.js';
import { planOn } from './budget-state.js';
import { Replay } from './budget-states.js';
import { passes, type TimeFilter } from './time-filter.js';

/** A stream's balance exactly as the log contract defines it. */
export interface StreamBalance {
  readonly allocated: Money;
  readonly indicative: Money;
  readonly spent: Money;
  readonly reclaimed: Money;
  /** allocated - spent - reclaimed */
  readonly remaining: Money;
}

/** The balances of one budget, stream by stream. */
export interface BudgetBalances {
  readonly budgetId: string;
  /** Streams in the order the budget was opened with. */
  readonly streams: ReadonlyArray<readonly [Stream, StreamBalance]>;
}

/** Balances of every budget listed, in budget id order. */
export interface BalancesReport {
  readonly budgets: readonly BudgetBalances[];
}

/** A {@link StreamBalance} as JSON: every figure a contract money string. */
export type StreamBalanceJson = { readonly [K in keyof StreamBalance]: string };
/** The JSON of `ipb balances --json`. */
export interface BalancesJson {
  readonly budgets: ReadonlyArray<{
    readonly budgetId: string;
    readonly streams: Readonly<Partial<Record<Stream, StreamBalanceJson>>>;
  }>;
}

/** What a stream's balance needs of its running sums ({@link StreamSums}). */
type BalanceSums = Pick<StreamSums, 'allocated' | 'indicative' | 'spent' | 'reclaimed'>;

/** Balances of the given streams (in that order) from their running sums; absent sums are zero. */
function streamBalances(
  streams: readonly Stream[],
  sums: ReadonlyMap<Stream, BalanceSums>,
): Array<[Stream, StreamBalance]> {
  return streams.map((stream) => {
    const x = sums.get(stream);
    const allocated = x?.allocated ?? Money.zero;
    const spent = x?.spent ?? Money.zero;
    const reclaimed = x?.reclaimed ?? Money.zero;
    return [
      stream,
      {
        allocated,
        indicative: x?.indicative ?? Money.zero,
        spent,
        reclaimed,
        remaining: remainingOf({ allocated, spent, reclaimed }),
      },
    ];
  });
}

/** The balances of one budget's state. */
export function balancesOf(budgetId: string, s: Pick<BudgetState, 'opened' | 'totals'>): BudgetBalances {
  return { budgetId, streams: streamBalances(s.opened?.streams ?? [], s.totals) };
}

/** Balances of every budget in a replay, budgets in id order. */
export function balancesOfReplay(r: Replay, budgetId?: string): BalancesReport {
  const budgets: BudgetBalances[] = [];
  for (const [id, s] of r.entries()) {
    if (budgetId === undefined || id === budgetId) budgets.push(balancesOf(id, s));
  }
  return { budgets };
}

/** Where each running sum of a stream sits among its budget's {@link PenceSlots}. */
const ALLOCATED = 0;
const INDICATIVE = 1;
const SPENT = 2;
const RECLAIMED = 3;
/** The slot of each running sum a balance shows (`paid` and `paidToAccount` are not kept here). */
const SLOT_OF_SUM: Partial<Record<SumName, number>> = {
  allocated: ALLOCATED,
  indicative: INDICATIVE,
  spent: SPENT,
  reclaimed: RECLAIMED,
};
/** Slots per budget: four sums for each stream of {@link STREAMS}. */
const SLOTS = 4 * STREAMS.length;
const MIN_64 = -(2n ** 63n);
const MAX_64 = 2n ** 63n - 1n;

/**
 * The running sums of every budget of a {@link BalancesFold}, in whole pence: {@link SLOTS} per
 * budget (for each stream: allocated, indicative, spent, reclaimed) in one array of 64-bit
 * integers, so that a budget's sums are no objects at all and adding to one leaves no garbage
 * behind. A sum that would leave the 64-bit range moves to a map of `bigint`s: every sum is exact
 * whatever its size.
 */
class PenceSlots {
  private values = new BigInt64Array(SLOTS * 1024);
  private used = 0;
  private big: Map<number, bigint> | null = null;

  /** The first slot of a new budget (its sums all zero). */
  allocate(): number {
    if (this.used + SLOTS > this.values.length) {
      const grown = new BigInt64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const at = this.used;
    this.used += SLOTS;
    return at;
  }

  get(slot: number): bigint {
    return this.big?.get(slot) ?? (this.values[slot] as bigint);
  }

  add(slot: number, pence: bigint): void {
    const big = this.big?.get(slot);
    if (big !== undefined) {
      (this.big as Map<number, bigint>).set(slot, big + pence);
      return;
    }
    const sum = (this.values[slot] as bigint) + pence;
    if (sum >= MIN_64 && sum <= MAX_64) this.values[slot] = sum;
    else (this.big ??= new Map()).set(slot, sum);
  }
}

/**
 * A spend's parts as a {@link BalancesFold} keeps them: all a reversal needs, in as little
 * memory as it fits. One part of under 2^29 pence is the small integer `pence * 4 + stream`
 * (kept in the map's slot itself, no object at all); two parts of under 2^23 pence each are one
 * number above 2^31 (see {@link packParts}); anything else is the short text
 * `"0 5001 1 5000"` (each stream's position in {@link STREAMS} and its part in pence). Every
 * form is exact: the parts come back as the same whole pence.
 */
type PackedParts = number | string;

/** Below this many pence, one part packs into a small integer (`pence * 4 + stream`). */
const ONE_PART_PENCE = 2 ** 29;
/** Two parts pack above this (so they are never taken for one part). */
const TWO_PARTS_BASE = 2 ** 31;
/** Below this many pence each, two parts pack into one number (48 bits, exact in a double). */
const TWO_PARTS_PENCE = 2 ** 23;

/** Packs a split's parts (see {@link PackedParts}). */
function packParts(split: Split): PackedParts {
  let n = 0;
  let s1 = -1;
  let s2 = -1;
  let p1 = 0n;
  let p2 = 0n;
  for (const stream in split) {
    n += 1;
    if (n === 1) {
      s1 = STREAMS.indexOf(stream as Stream);
      p1 = (split[stream as Stream] as Money).toPence();
    } else if (n === 2) {
      s2 = STREAMS.indexOf(stream as Stream);
      p2 = (split[stream as Stream] as Money).toPence();
    }
  }
  if (n === 1 && s1 >= 0 && p1 >= 0n && p1 < BigInt(ONE_PART_PENCE)) return Number(p1) * 4 + s1;
  const small = (p: bigint): boolean => p >= 0n && p < BigInt(TWO_PARTS_PENCE);
  if (n === 2 && s1 >= 0 && s2 >= 0 && small(p1) && small(p2)) {
    return TWO_PARTS_BASE + (Number(p2) * TWO_PARTS_PENCE + Number(p1)) * 16 + s1 * 4 + s2;
  }
  const words: string[] = [];
  for (const stream in split) {
    words.push(
      String(STREAMS.indexOf(stream as Stream)),
      (split[stream as Stream] as Money).toPence().toString(),
    );
  }
  // join makes one flat string (concatenation would keep a tree of pieces alive per spend)
  return words.join(' ');
}

/** Calls `f` with each part of packed parts: the stream's position in {@link STREAMS} and its pence. */
function forEachPart(packed: PackedParts, f: (stream: number, pence: bigint) => void): void {
  if (typeof packed === 'string') {
    if (packed === '') return;
    const words = packed.split(' ');
    for (let i = 0; i < words.length; i += 2) f(Number(words[i]), BigInt(words[i + 1] as string));
    return;
  }
  if (packed < TWO_PARTS_BASE) {
    const stream = packed % 4;
    f(stream, BigInt((packed - stream) / 4));
    return;
  }
  let m = packed - TWO_PARTS_BASE;
  const code = m % 16;
  m = (m - code) / 16;
  const p1 = m % TWO_PARTS_PENCE;
  f((code - (code % 4)) / 4, BigInt(p1));
  f(code % 4, BigInt((m - p1) / TWO_PARTS_PENCE));
}

/** What a {@link BalancesFold} keeps of one budget. */
interface BudgetMoney {
  /** The streams of its `BudgetOpened` (null before it). */
  streams: readonly Stream[] | null;
  /** The first of its sums' slots in the fold's {@link PenceSlots}. */
  readonly at: number;
  /**
   * Each recorded spend not yet reversed, with its parts packed ({@link PackedParts}): all a
   * reversal needs. A replay keeps every spend of every budget, so this is most of the fold's
   * memory: for a one- or two-part spend, the map's entry and nothing else.
   */
  readonly spends: Map<string, PackedParts>;
  /**
   * A fold of a later part of a log only ({@link BalancesFold.partial}): reversals of spends it
   * has not seen, in order, to apply when it is merged after the earlier parts; and the spends
   * it saw reversed that way (they are gone, whatever the earlier parts held).
   */
  pending?: string[];
  gone?: Set<string>;
}

/**
 * One budget of a {@link BalancesFold} as JSON (money in whole pence), for merging across
 * threads. `spends` is flat: a spend id, then its packed parts, and so on.
 */
export type BudgetMoneyJson = readonly [
  budgetId: string,
  streams: readonly Stream[] | null,
  sums: ReadonlyArray<readonly [Stream, string, string, string, string]>,
  spends: ReadonlyArray<string | number>,
  pending: readonly string[],
  gone: readonly string[],
];

/** Options of {@link BalancesFold.toJson}. */
export interface BalancesFoldJsonOptions {
  /**
   * This fold is of the last part of the log: nothing after it can reverse its spends, so they
   * are left out (and the spends it reversed of earlier parts are applied as reversals still).
   * A fold that merges such a JSON must not merge anything after it.
   */
  readonly last?: boolean;
}

/** Options of {@link BalancesFold.merge}. */
export interface BalancesFoldMergeOptions {
  /** Keep only these spends of the merged fold, per budget (see {@link BalancesFold.merge}). */
  readonly keepSpends?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Calls `f` with each line of {@link BalancesFold.toJsonLines}, parsed one at a time. */
function eachJsonLine(text: string, f: (j: BudgetMoneyJson) => void): void {
  for (let at = 0; at < text.length;) {
    const end = text.indexOf('\n', at);
    const stop = end === -1 ? text.length : end;
    f(JSON.parse(text.slice(at, stop)) as BudgetMoneyJson);
    at = stop + 1;
  }
}

/** The slot of one sum (`ALLOCATED`...) of a stream (its position in {@link STREAMS}), or -1 for no stream. */
const slotOf = (b: BudgetMoney, stream: number, sum: number): number =>
  stream < 0 ? -1 : b.at + stream * 4 + sum;

/**
 * The balances of many budgets, folded event by event with only what the contract's balances
 * need: per budget its streams, four running sums in whole pence per stream, and each spend's
 * parts, packed (to undo a reversal). Gives exactly what {@link balances} gives from a full
 * {@link Replay}, in a fraction of the memory: this is what `ipb balances` runs over a log of
 * any size.
 */
export class BalancesFold {
  private readonly budgets = new Map<string, BudgetMoney>();
  private readonly sums = new PenceSlots();
  private partialFold = false;

  constructor(
    /** Which events count (both bounds inclusive). */
    readonly filter: TimeFilter = {},
  ) {}

  /**
   * A fold of one byte range of a log that does not start at the beginning: a reversal of a
   * spend it has not seen is kept, and applied by {@link BalancesFold.merge} against the folds of
   * the earlier ranges. Folding the ranges of a log this way and merging them in order gives
   * exactly the fold of the whole log.
   */
  static partial(filter: TimeFilter = {}): BalancesFold {
    const f = new BalancesFold(filter);
    f.partialFold = true;
    return f;
  }

  private budget(id: string): BudgetMoney {
    let b = this.budgets.get(id);
    if (b === undefined) {
      b = { streams: null, at: this.sums.allocate(), spends: new Map() };
      this.budgets.set(id, b);
    }
    return b;
  }

  /** Adds pence to one sum of one stream (`stream`: its position in {@link STREAMS}). */
  private plus(b: BudgetMoney, stream: number, sum: number, pence: bigint): void {
    const slot = slotOf(b, stream, sum);
    if (slot >= 0) this.sums.add(slot, pence);
  }

  /** Adds money effects to a budget's sums (the sums a balance does not show are not kept). */
  private addEffects(b: BudgetMoney, effects: readonly MoneyEffect[]): void {
    for (const { stream, sum, delta } of effects) {
      const slot = SLOT_OF_SUM[sum];
      if (slot !== undefined) this.plus(b, STREAMS.indexOf(stream), slot, delta.toPence());
    }
  }

  /** Takes a spend's parts off its budget's spent sums (it was reversed). */
  private unspend(b: BudgetMoney, packed: PackedParts): void {
    const split: { [S in Stream]?: Money } = {};
    forEachPart(packed, (stream, pence) => (split[STREAMS[stream] as Stream] = Money.fromPence(pence)));
    this.addEffects(b, reversalEffects(split));
  }

  /** Folds one event in (events that do not pass the filter are skipped). */
  add(e: PendingEvent): void {
    if (!passes(e, this.filter)) return;
    const b = this.budget(e.budgetId);
    switch (e.type) {
      case 'BudgetOpened':
        b.streams = e.data.streams;
        return;
      case 'SpendReversed': {
        const parts = b.spends.get(e.data.spendId);
        if (parts === undefined) {
          if (this.partialFold && !(b.gone?.has(e.data.spendId) ?? false)) {
            (b.pending ??= []).push(e.data.spendId);
            (b.gone ??= new Set()).add(e.data.spendId);
          }
          return;
        }
        b.spends.delete(e.data.spendId);
        // the earlier parts of the log may hold a spend of this id too: it is gone as well
        if (this.partialFold) (b.gone ??= new Set()).add(e.data.spendId);
        this.unspend(b, parts);
        return;
      }
      default:
        // what the event means for money is said once, in src/events/money-effects.ts
        this.addEffects(b, moneyEffects(e));
        if (e.type === 'SpendRecorded') b.spends.set(e.data.spendId, packParts(e.data.split));
        return;
    }
  }

  /** The fold as JSON (for sending to another thread), budgets in the order first seen. */
  toJson(options: BalancesFoldJsonOptions = {}): BudgetMoneyJson[] {
    return [...this.budgetsJson(options)];
  }

  /**
   * {@link BalancesFold.toJson} as text, one budget's JSON a line: one flat string, which another
   * thread receives as one copy (the JSON arrays would be thousands of objects to copy on each
   * side at once). {@link BalancesFold.merge} takes it as it is.
   */
  toJsonLines(options: BalancesFoldJsonOptions = {}): string {
    const lines: string[] = [];
    for (const j of this.budgetsJson(options)) lines.push(JSON.stringify(j));
    return lines.join('\n');
  }

  private *budgetsJson(options: BalancesFoldJsonOptions): Generator<BudgetMoneyJson> {
    const last = options.last === true;
    for (const [id, b] of this.budgets) {
      const sums: Array<readonly [Stream, string, string, string, string]> = [];
      STREAMS.forEach((stream, i) => {
        const [allocated, indicative, spent, reclaimed] = [ALLOCATED, INDICATIVE, SPENT, RECLAIMED].map(
          (sum) => this.sums.get(slotOf(b, i, sum)),
        ) as [bigint, bigint, bigint, bigint];
        // a stream with nothing folded yet sends nothing (adding zeros would change nothing)
        if (allocated !== 0n || indicative !== 0n || spent !== 0n || reclaimed !== 0n) {
          sums.push([stream, `${allocated}`, `${indicative}`, `${spent}`, `${reclaimed}`]);
        }
      });
      const spends: Array<string | number> = [];
      if (!last) for (const [spendId, packed] of b.spends) spends.push(spendId, packed);
      yield [id, b.streams, sums, spends, b.pending ?? [], last ? [] : [...(b.gone ?? [])]];
    }
  }

  /**
   * Merges in the fold of the next part of the same log (a {@link BalancesFold.partial} fold,
   * its {@link BalancesFold.toJson} or its {@link BalancesFold.toJsonLines}): its sums are added,
   * its reversals of spends it had not seen are applied to the spends folded so far, its spends
   * kept. Exact: merging the parts of a log in order gives the fold of the whole log.
   *
   * `options.keepSpends`: keep only the spends of `next` that these ids name, per budget (what
   * the parts still to merge reverse without having seen them: {@link BalancesFold.reversedUnseen});
   * the others cannot change a balance any more. Only for a fold that is not itself partial.
   */
  merge(
    next: BalancesFold | readonly BudgetMoneyJson[] | string,
    options: BalancesFoldMergeOptions = {},
  ): this {
    const keep = options.keepSpends;
    if (keep !== undefined && this.partialFold) {
      throw new Error('BalancesFold.merge: keepSpends is only for a fold of a log from its start');
    }
    if (next instanceof BalancesFold) {
      for (const j of next.budgetsJson({})) this.mergeBudget(j, keep);
    } else if (typeof next === 'string') {
      eachJsonLine(next, (j) => this.mergeBudget(j, keep));
    } else {
      for (const j of next) this.mergeBudget(j, keep);
    }
    return this;
  }

  /**
   * The spends a partial fold reverses without having seen them (they are in an earlier part of
   * the log), per budget: given a fold, its JSON or its JSON lines.
   */
  static reversedUnseen(part: BalancesFold | readonly BudgetMoneyJson[] | string): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const take = (j: BudgetMoneyJson): void => {
      const [id, , , , pending] = j;
      if (pending.length === 0) return;
      let ids = out.get(id);
      if (ids === undefined) out.set(id, (ids = new Set()));
      for (const spendId of pending) ids.add(spendId);
    };
    if (part instanceof BalancesFold) {
      for (const [id, b] of part.budgets)
        if (b.pending !== undefined) take([id, null, [], [], b.pending, []]);
    } else if (typeof part === 'string') eachJsonLine(part, take);
    else for (const j of part) take(j);
    return out;
  }

  private mergeBudget(j: BudgetMoneyJson, keep?: ReadonlyMap<string, ReadonlySet<string>>): void {
    const [id, streams, sums, spends, pending, gone] = j;
    const b = this.budget(id);
    if (streams !== null) b.streams = streams;
    for (const spendId of pending) {
      const earlier = b.spends.get(spendId);
      if (earlier === undefined) {
        if (this.partialFold && !(b.gone?.has(spendId) ?? false)) {
          (b.pending ??= []).push(spendId);
          (b.gone ??= new Set()).add(spendId);
        }
        continue;
      }
      this.unspend(b, earlier);
    }
    for (const spendId of gone) {
      b.spends.delete(spendId);
      if (this.partialFold) (b.gone ??= new Set()).add(spendId);
    }
    for (const [stream, allocated, indicative, spent, reclaimed] of sums) {
      const i = STREAMS.indexOf(stream);
      this.plus(b, i, ALLOCATED, BigInt(allocated));
      this.plus(b, i, INDICATIVE, BigInt(indicative));
      this.plus(b, i, SPENT, BigInt(spent));
      this.plus(b, i, RECLAIMED, BigInt(reclaimed));
    }
    const wanted = keep === undefined ? undefined : (keep.get(id) ?? null);
    for (let i = 0; i + 1 < spends.length; i += 2) {
      const spendId = spends[i] as string;
      if (wanted === undefined || (wanted !== null && wanted.has(spendId))) {
        b.spends.set(spendId, spends[i + 1] as PackedParts);
      } else {
        // no later part reverses it: it can change no balance any more (an earlier spend of the
        // same id, if any, is replaced by it, as the merge would)
        b.spends.delete(spendId);
      }
    }
  }

  /** Folds many events in, in order. */
  addAll(events: Iterable<PendingEvent>): this {
    for (const e of events) this.add(e);
    return this;
  }

  /** The balances of every budget opened by then (or of one), budgets in id order. */
  report(budgetId?: string): BalancesReport {
    return { budgets: [...this.eachBudget(budgetId)] };
  }

  /**
   * The budgets of {@link BalancesFold.report}, made one at a time as they are taken (for
   * writing out a report of many budgets without holding all of it; see
   * {@link balancesJsonPieces}).
   */
  *eachBudget(budgetId?: string): Generator<BudgetBalances> {
    const ids = [...this.budgets.keys()]
      .filter((id) => this.budgets.get(id)?.streams !== null && (budgetId === undefined || id === budgetId))
      .sort();
    for (const id of ids) yield this.budgetBalances(id);
  }

  private budgetBalances(id: string): BudgetBalances {
    const b = this.budgets.get(id) as BudgetMoney;
    const streams = (b.streams ?? []).map((stream): [Stream, StreamBalance] => {
      const i = STREAMS.indexOf(stream);
      const sum = (which: number): Money =>
        i < 0 ? Money.zero : Money.fromPence(this.sums.get(slotOf(b, i, which)));
      const allocated = sum(ALLOCATED);
      const spent = sum(SPENT);
      const reclaimed = sum(RECLAIMED);
      return [
        stream,
        {
          allocated,
          indicative: sum(INDICATIVE),
          spent,
          reclaimed,
          remaining: remainingOf({ allocated, spent, reclaimed }),
        },
      ];
    });
    return { budgetId: id, streams };
  }
}

/** Balances per budget and stream of a list of events, as of / as known at the filter's times. */
export function balances(
  events: Iterable<PendingEvent>,
  filter: TimeFilter = {},
  budgetId?: string,
): BalancesReport {
  return balancesOfReplay(new Replay(filter).addAll(events), budgetId);
}

/** The JSON form of one stream balance. */
export function streamBalanceJson(b: StreamBalance): StreamBalanceJson {
  return {
    allocated: b.allocated.toString(),
    indicative: b.indicative.toString(),
    spent: b.spent.toString(),
    reclaimed: b.reclaimed.toString(),
    remaining: b.remaining.toString(),
  };
}

/** The contract JSON form: money as strings, streams keyed by name in opening order. */
export function balancesJson(report: BalancesReport): BalancesJson {
  return { budgets: report.budgets.map(budgetBalancesJson) };
}

/** The contract JSON form of one budget's balances (an entry of {@link balancesJson}). */
function budgetBalancesJson(b: BudgetBalances): BalancesJson['budgets'][number] {
  return {
    budgetId: b.budgetId,
    streams: Object.fromEntries(b.streams.map(([s, x]) => [s, streamBalanceJson(x)])),
  };
}

/**
 * `JSON.stringify(balancesJson(report))`, character for character, in pieces of `per` budgets:
 * for writing a report of many budgets out as it is made (with
 * {@link BalancesFold.eachBudget}), never holding its whole text or all its objects.
 */
export function* balancesJsonPieces(budgets: Iterable<BudgetBalances>, per = 256): Generator<string> {
  yield '{"budgets":[';
  let piece: string[] = [];
  let first = true;
  for (const b of budgets) {
    piece.push(JSON.stringify(budgetBalancesJson(b)));
    if (piece.length >= per) {
      yield `${first ? '' : ','}${piece.join(',')}`;
      first = false;
      piece = [];
    }
  }
  if (piece.length > 0) yield `${first ? '' : ','}${piece.join(',')}`;
  yield ']}';
}

/** Budgeted against spent for one plan line. */
export interface LineBalance {
  readonly lineId: string;
  readonly category: string;
  readonly option: string;
  readonly budgeted: Money;
  readonly spent: Money;
  readonly remaining: Money;
}

/**
 * Per line of the plan in force on `onDate` (default: the latest agreed plan): the line's amount,
 * the spend recorded against that line id (reversals excluded) and what is left.
 */
export function lineBalances(s: BudgetState, onDate = '9999-12-31'): LineBalance[] {
  const plan = planOn(s.plans, onDate);
  if (plan === undefined) return [];
  const spentBy = new Map<string, Money>();
  for (const sp of s.spends.values()) {
    if (sp.reversed) continue;
    spentBy.set(sp.lineId, (spentBy.get(sp.lineId) ?? Money.zero).plus(sp.amount));
  }
  return plan.lines.map((l) => {
    const spent = spentBy.get(l.lineId) ?? Money.zero;
    return {
      lineId: l.lineId,
      category: l.category,
      option: l.option,
      budgeted: l.amount,
      spent,
      remaining: l.amount.minus(spent),
    };
  });
}
