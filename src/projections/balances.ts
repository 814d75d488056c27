import type { PendingEvent } from '../events/envelope.js';
import { STREAMS, type Split, type Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';
import type { BudgetState } from '../budget/state.js';
import { planOn } from '../budget/state.js';
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

/** The running sums of one stream, as a budget's state or a {@link BalancesFold} keeps them. */
interface StreamSums {
  allocated: Money;
  indicative: Money;
  spent: Money;
  reclaimed: Money;
}

/** Balances of the given streams (in that order) from their running sums; absent sums are zero. */
function streamBalances(
  streams: readonly Stream[],
  sums: ReadonlyMap<Stream, StreamSums>,
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
        remaining: allocated.minus(spent).minus(reclaimed),
      },
    ];
  });
}

/** The balances of one budget's state. */
export function balancesOf(budgetId: string, s: BudgetState): BudgetBalances {
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

/** What a {@link BalancesFold} keeps of one budget. */
interface BudgetMoney {
  /** The streams of its `BudgetOpened` (null before it). */
  streams: readonly Stream[] | null;
  readonly sums: Map<Stream, StreamSums>;
  /**
   * Each recorded spend not yet reversed, with its parts (see {@link partsText}): all a
   * reversal needs, in one short string. A spend's `Money` parts would take three times the
   * memory, and a replay keeps every spend of every budget.
   */
  readonly spends: Map<string, string>;
  /**
   * A fold of a later part of a log only ({@link BalancesFold.partial}): reversals of spends it
   * has not seen, in order, to apply when it is merged after the earlier parts; and the spends
   * it saw reversed that way (they are gone, whatever the earlier parts held).
   */
  pending?: string[];
  gone?: Set<string>;
}

/** One budget of a {@link BalancesFold} as JSON (money in whole pence), for merging across threads. */
export type BudgetMoneyJson = readonly [
  budgetId: string,
  streams: readonly Stream[] | null,
  sums: ReadonlyArray<readonly [Stream, string, string, string, string]>,
  spends: ReadonlyArray<readonly [string, string]>,
  pending: readonly string[],
  gone: readonly string[],
];

function sumsOf(b: BudgetMoney, stream: Stream): StreamSums {
  let x = b.sums.get(stream);
  if (x === undefined) {
    x = { allocated: Money.zero, indicative: Money.zero, spent: Money.zero, reclaimed: Money.zero };
    b.sums.set(stream, x);
  }
  return x;
}

/**
 * A split as the short text a {@link BalancesFold} keeps: each stream's position in
 * {@link STREAMS} and its part in whole pence, e.g. `"0 5001 1 5000"` for
 * `{ health: 50.01, social-care: 50.00 }`.
 */
function partsText(split: Split): string {
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

/** The parts of a split kept by {@link partsText}. */
function* partsOf(text: string): Generator<[Stream, Money]> {
  const words = text.split(' ');
  for (let i = 0; i < words.length; i += 2) {
    yield [STREAMS[Number(words[i])] as Stream, Money.fromPence(BigInt(words[i + 1] as string))];
  }
}

/**
 * The balances of many budgets, folded event by event with only what the contract's balances
 * need: per budget its streams, four running sums per stream, and each spend's parts (to undo
 * a reversal). Gives exactly what {@link balances} gives from a full {@link Replay}, in a
 * fraction of the memory: this is what `ipb balances` runs over a log of any size.
 */
export class BalancesFold {
  private readonly budgets = new Map<string, BudgetMoney>();
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

  /** Folds one event in (events that do not pass the filter are skipped). */
  add(e: PendingEvent): void {
    if (!passes(e, this.filter)) return;
    let b = this.budgets.get(e.budgetId);
    if (b === undefined) {
      b = { streams: null, sums: new Map(), spends: new Map() };
      this.budgets.set(e.budgetId, b);
    }
    switch (e.type) {
      case 'BudgetOpened':
        b.streams = e.data.streams;
        return;
      case 'FundingAllocated': {
        const x = sumsOf(b, e.data.stream);
        if (e.data.stage === 'agreed') x.allocated = x.allocated.plus(e.data.amount);
        else x.indicative = x.indicative.plus(e.data.amount);
        return;
      }
      case 'FundingAdjusted': {
        const x = sumsOf(b, e.data.stream);
        x.allocated = x.allocated.plus(e.data.delta);
        return;
      }
      case 'SpendRecorded': {
        const split = e.data.split;
        for (const stream in split) {
          const x = sumsOf(b, stream as Stream);
          x.spent = x.spent.plus(split[stream as Stream] as Money);
        }
        b.spends.set(e.data.spendId, partsText(split));
        return;
      }
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
        for (const [stream, part] of partsOf(parts)) {
          const x = sumsOf(b, stream);
          x.spent = x.spent.minus(part);
        }
        return;
      }
      case 'SurplusReclaimed': {
        const x = sumsOf(b, e.data.stream);
        x.reclaimed = x.reclaimed.plus(e.data.amount);
        return;
      }
      case 'ReclaimReconsidered': {
        // what the funder gave back on reconsideration is no longer reclaimed
        const x = sumsOf(b, e.data.stream);
        x.reclaimed = x.reclaimed.minus(e.data.returned);
        return;
      }
      default:
        return;
    }
  }

  /** The fold as JSON (for sending to another thread), budgets in the order first seen. */
  toJson(): BudgetMoneyJson[] {
    const out: BudgetMoneyJson[] = [];
    for (const [id, b] of this.budgets) {
      out.push([
        id,
        b.streams,
        [...b.sums].map(
          ([stream, x]) =>
            [
              stream,
              x.allocated.toPence().toString(),
              x.indicative.toPence().toString(),
              x.spent.toPence().toString(),
              x.reclaimed.toPence().toString(),
            ] as const,
        ),
        [...b.spends],
        b.pending ?? [],
        [...(b.gone ?? [])],
      ]);
    }
    return out;
  }

  /**
   * Merges in the fold of the next part of the same log (a {@link BalancesFold.partial} fold,
   * or its {@link BalancesFold.toJson}): its sums are added, its reversals of spends it had not
   * seen are applied to the spends folded so far, its spends kept. Exact: merging the parts of a
   * log in order gives the fold of the whole log.
   */
  merge(next: BalancesFold | readonly BudgetMoneyJson[]): this {
    const parts = next instanceof BalancesFold ? next.toJson() : next;
    for (const [id, streams, sums, spends, pending, gone] of parts) {
      let b = this.budgets.get(id);
      if (b === undefined) {
        b = { streams: null, sums: new Map(), spends: new Map() };
        this.budgets.set(id, b);
      }
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
        for (const [stream, part] of partsOf(earlier)) {
          const x = sumsOf(b, stream);
          x.spent = x.spent.minus(part);
        }
      }
      for (const spendId of gone) {
        b.spends.delete(spendId);
        if (this.partialFold) (b.gone ??= new Set()).add(spendId);
      }
      for (const [stream, allocated, indicative, spent, reclaimed] of sums) {
        const x = sumsOf(b, stream);
        x.allocated = x.allocated.plus(Money.fromPence(BigInt(allocated)));
        x.indicative = x.indicative.plus(Money.fromPence(BigInt(indicative)));
        x.spent = x.spent.plus(Money.fromPence(BigInt(spent)));
        x.reclaimed = x.reclaimed.plus(Money.fromPence(BigInt(reclaimed)));
      }
      for (const [spendId, text] of spends) b.spends.set(spendId, text);
    }
    return this;
  }

  /** Folds many events in, in order. */
  addAll(events: Iterable<PendingEvent>): this {
    for (const e of events) this.add(e);
    return this;
  }

  /** The balances of every budget opened by then (or of one), budgets in id order. */
  report(budgetId?: string): BalancesReport {
    const ids = [...this.budgets.keys()]
      .filter((id) => this.budgets.get(id)?.streams !== null && (budgetId === undefined || id === budgetId))
      .sort();
    return {
      budgets: ids.map((id) => {
        const b = this.budgets.get(id) as BudgetMoney;
        const streams = streamBalances(b.streams ?? [], b.sums);
        return { budgetId: id, streams };
      }),
    };
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
  return {
    budgets: report.budgets.map((b) => ({
      budgetId: b.budgetId,
      streams: Object.fromEntries(b.streams.map(([s, x]) => [s, streamBalanceJson(x)])),
    })),
  };
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
