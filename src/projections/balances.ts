import type { PendingEvent } from '../events/envelope.js';
import type { Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';
import type { BudgetState } from '../budget/state.js';
import { planOn } from '../budget/state.js';
import { Replay, type TimeFilter } from './replay.js';

/** A stream's balance exactly as the log contract defines it. */
export interface StreamBalance {
  readonly allocated: Money;
  readonly indicative: Money;
  readonly spent: Money;
  readonly reclaimed: Money;
  /** allocated - spent - reclaimed */
  readonly remaining: Money;
}

export interface BudgetBalances {
  readonly budgetId: string;
  /** Streams in the order the budget was opened with. */
  readonly streams: ReadonlyArray<readonly [Stream, StreamBalance]>;
}

export interface BalancesReport {
  readonly budgets: readonly BudgetBalances[];
}

export type StreamBalanceJson = { readonly [K in keyof StreamBalance]: string };
/** The JSON of `ipb balances --json`. */
export interface BalancesJson {
  readonly budgets: ReadonlyArray<{
    readonly budgetId: string;
    readonly streams: Readonly<Partial<Record<Stream, StreamBalanceJson>>>;
  }>;
}

/** The balances of one budget's state. */
export function balancesOf(budgetId: string, s: BudgetState): BudgetBalances {
  const streams = (s.opened?.streams ?? []).map((stream): [Stream, StreamBalance] => {
    const x = s.totals.get(stream);
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
  return { budgetId, streams };
}

/** Balances of every budget in a replay, budgets in id order. */
export function balancesOfReplay(r: Replay, budgetId?: string): BalancesReport {
  const budgets: BudgetBalances[] = [];
  for (const [id, s] of r.entries()) {
    if (budgetId === undefined || id === budgetId) budgets.push(balancesOf(id, s));
  }
  return { budgets };
}

/** Balances per budget and stream of a list of events, as of / as known at the filter's times. */
export function balances(
  events: Iterable<PendingEvent>,
  filter: TimeFilter = {},
  budgetId?: string,
): BalancesReport {
  return balancesOfReplay(new Replay(filter).addAll(events), budgetId);
}

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
