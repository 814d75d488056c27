/**
 * What each event means for money: the one place that says which running sum of which stream
 * an event moves, and by how much. The decider's state, the budget read model, the balances
 * fold and the outcome facts all add these effects up instead of writing the meaning again.
 */
import { Money } from '../money/money.js';
import type { PendingEvent } from './envelope.js';
import { STREAMS, type Split, type Stream } from './primitives.js';

/** The running sums of one funding stream. */
export interface StreamSums {
  /** Sum of agreed allocations and adjustments. */
  allocated: Money;
  /** Sum of indicative allocations (never counted as allocated). */
  indicative: Money;
  /** Spend recorded, less reversals. */
  spent: Money;
  /** Surplus reclaimed, less what reconsideration gave back. */
  reclaimed: Money;
  /** Cash paid into a direct-payment account or to a third party. */
  paid: Money;
  /** Of `paid`, the cash paid into the person's account (direct payment or managed account). */
  paidToAccount: Money;
}

/** The name of one running sum. */
export type SumName = keyof StreamSums;

/** One change to one running sum of one stream. */
export interface MoneyEffect {
  readonly stream: Stream;
  readonly sum: SumName;
  readonly delta: Money;
}

/** Sums of a stream before any event: all zero. */
export function emptySums(): StreamSums {
  return {
    allocated: Money.zero,
    indicative: Money.zero,
    spent: Money.zero,
    reclaimed: Money.zero,
    paid: Money.zero,
    paidToAccount: Money.zero,
  };
}

/** What has left a stream's allocation: spend recorded plus surplus reclaimed (both net of reversals). */
export function usedOf(x: Pick<StreamSums, 'spent' | 'reclaimed'>): Money {
  return x.spent.plus(x.reclaimed);
}

/** What is left of a stream's allocation: allocated less {@link usedOf}; negative when overspent. */
export function remainingOf(x: Pick<StreamSums, 'allocated' | 'spent' | 'reclaimed'>): Money {
  return x.allocated.minus(usedOf(x));
}

/** The parts of a split as effects on `spent`, in the order of {@link STREAMS}. */
function splitEffects(split: Split, sign: 1 | -1): MoneyEffect[] {
  const out: MoneyEffect[] = [];
  for (const stream of STREAMS) {
    const part = split[stream];
    if (part === undefined) continue;
    out.push({ stream, sum: 'spent', delta: sign === 1 ? part : part.negate() });
  }
  return out;
}

const NONE: readonly MoneyEffect[] = [];

/** What reversing a spend of this split does: its parts are no longer spent. */
export function reversalEffects(split: Split): readonly MoneyEffect[] {
  return splitEffects(split, -1);
}

/**
 * The effects of one event on its budget's sums. A reversal undoes the split of the spend it
 * reverses: pass that split as `reversed` (undefined when the spend is unknown or already
 * reversed: then the reversal moves nothing).
 */
export function moneyEffects(e: PendingEvent, reversed?: Split): readonly MoneyEffect[] {
  switch (e.type) {
    case 'FundingAllocated':
      return [
        {
          stream: e.data.stream,
          sum: e.data.stage === 'agreed' ? 'allocated' : 'indicative',
          delta: e.data.amount,
        },
      ];
    case 'FundingAdjusted':
      return [{ stream: e.data.stream, sum: 'allocated', delta: e.data.delta }];
    case 'FundsPaid':
      return e.data.option === 'third-party'
        ? [{ stream: e.data.stream, sum: 'paid', delta: e.data.amount }]
        : [
            { stream: e.data.stream, sum: 'paid', delta: e.data.amount },
            { stream: e.data.stream, sum: 'paidToAccount', delta: e.data.amount },
          ];
    case 'SpendRecorded':
      return splitEffects(e.data.split, 1);
    case 'SpendReversed':
      return reversed === undefined ? NONE : reversalEffects(reversed);
    case 'SurplusReclaimed':
      return [{ stream: e.data.stream, sum: 'reclaimed', delta: e.data.amount }];
    case 'ReclaimReconsidered':
      // what the funder gave back on reconsideration is no longer reclaimed
      return [{ stream: e.data.stream, sum: 'reclaimed', delta: e.data.returned.negate() }];
    default:
      return NONE;
  }
}

/** Adds effects to running sums; `sumsOf` gives (creating if needed) a stream's sums. */
export function addEffects(
  effects: readonly MoneyEffect[],
  sumsOf: (stream: Stream) => Pick<StreamSums, SumName>,
): void {
  for (const { stream, sum, delta } of effects) {
    const x = sumsOf(stream);
    x[sum] = x[sum].plus(delta);
  }
}
