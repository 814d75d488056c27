/**
 * The state of every budget in a stream of events, folded side by side ({@link Replay}): what
 * `ipb replay`, the journal and the statement read many budgets with. (Formerly
 * `src/projections/replay.ts`.)
 */
import type { PendingEvent } from '../events/envelope.js';
import { applyEvent, mutableState, type BudgetState, type ReplayOptions } from './budget-state.js';
import { passes, type TimeFilter } from './time-filter.js';

/**
 * Folds the events of many budgets (interleaved, each budget in `seq` order) into one state per
 * budget: one mutable accumulator per budget, no copy per event. Feed it in chunks or all at
 * once: the result is the same.
 */
export class Replay {
  private readonly states = new Map<string, BudgetState>();
  private readonly options: ReplayOptions;
  /** Events seen, and events that passed the time filter. */
  seen = 0;
  counted = 0;

  constructor(
    readonly filter: TimeFilter = {},
    options: ReplayOptions = { trackCommands: false },
  ) {
    this.options = options;
  }

  /** Folds one event in (or counts it as seen and skips it when the filter excludes it). */
  add(e: PendingEvent): void {
    this.seen += 1;
    if (!passes(e, this.filter)) return;
    this.counted += 1;
    let s = this.states.get(e.budgetId);
    if (s === undefined) {
      s = mutableState();
      this.states.set(e.budgetId, s);
    }
    applyEvent(s, e, this.options);
  }

  /** Folds many events in, in order. */
  addAll(events: Iterable<PendingEvent>): this {
    for (const e of events) this.add(e);
    return this;
  }

  /** Ids of the budgets whose opening passed the filter, in UTF-16 code unit order. */
  budgetIds(): string[] {
    return [...this.states.entries()]
      .filter(([, s]) => s.opened !== null)
      .map(([id]) => id)
      .sort();
  }

  /** The state of one budget (read it, do not change it), or undefined when not opened by then. */
  state(budgetId: string): BudgetState | undefined {
    const s = this.states.get(budgetId);
    return s === undefined || s.opened === null ? undefined : s;
  }

  /** Every opened budget's state, in budget id order. */
  *entries(): IterableIterator<[string, BudgetState]> {
    for (const id of this.budgetIds()) yield [id, this.states.get(id) as BudgetState];
  }
}

/** Replays events (optionally up to a time) and returns the replay. */
export function replay(events: Iterable<PendingEvent>, filter: TimeFilter = {}): Replay {
  return new Replay(filter).addAll(events);
}
