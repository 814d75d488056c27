import { type Either, right } from 'fp-ts/lib/Either.js';
import type { Command } from '../budget/commands.js';
import { decodeCommand } from '../budget/decode.js';
import type { LedgerError } from '../budget/errors.js';
import { evolveDecision, initialDecisionState, type DecisionState } from '../budget/state.js';
import { GENESIS_HASH, type LedgerEvent } from '../events/envelope.js';
import { eventLine, sealEvents } from '../log/hash.js';
import { foldEvents, type BudgetState } from '../projections/budget-state.js';
import { decideOnce } from './execute.js';

/** What recording a command gives back. */
export interface Recorded {
  /** The events of the command (the original ones when it was a repeat). */
  readonly events: readonly LedgerEvent[];
  /** True when the command id had been recorded before: nothing was appended. */
  readonly duplicate: boolean;
}

/**
 * A whole ledger in memory: decide, seal and append, with idempotent command ids. For
 * examples, tests and services that keep their own persistence; services with a database
 * use a store and the command handler instead.
 */
export class Ledger {
  private readonly streams = new Map<string, { events: LedgerEvent[]; state: DecisionState }>();
  /** The read model of each budget as last asked for, and how many of its events it holds. */
  private readonly views = new Map<string, { state: BudgetState; at: number }>();
  private readonly all: LedgerEvent[] = [];

  /** Records a command: its new events, or the rule it breaks (nothing appended). */
  record(command: Command): Either<LedgerError, Recorded> {
    const decoded = decodeCommand(command);
    if (decoded._tag === 'Left') return decoded;
    const c = decoded.right;
    const stream = this.streams.get(c.budgetId) ?? { events: [], state: initialDecisionState };
    const decided = decideOnce(c, stream.state, () =>
      stream.events.filter((e) => e.commandId === c.commandId),
    );
    if (decided._tag === 'Left') return decided;
    if (decided.right.duplicate) return right({ events: decided.right.events, duplicate: true });
    const last = stream.events[stream.events.length - 1];
    const sealed = sealEvents(
      decided.right.events,
      last === undefined ? { seq: 0, hash: GENESIS_HASH } : last,
    );
    const state = sealed.reduce(evolveDecision, stream.state);
    stream.events.push(...sealed);
    this.streams.set(c.budgetId, { events: stream.events, state });
    this.all.push(...sealed);
    return right({ events: sealed, duplicate: false });
  }

  /** Records a command and throws on a refusal: for scripts and examples where a refusal is a bug. */
  recordOrThrow(command: Command): readonly LedgerEvent[] {
    const r = this.record(command);
    if (r._tag === 'Left') throw new Error(`${command.type} refused (${r.left.code}): ${r.left.message}`);
    return r.right.events;
  }

  /** Every event in the order it was recorded. */
  events(): readonly LedgerEvent[] {
    return this.all;
  }

  /** The events of one budget, in `seq` order (a copy: later records do not change it). */
  eventsOf(budgetId: string): readonly LedgerEvent[] {
    return [...(this.streams.get(budgetId)?.events ?? [])];
  }

  /** The budget's read model: everything its events say (folded from the events recorded since the last call). */
  stateOf(budgetId: string): BudgetState {
    const events = this.streams.get(budgetId)?.events ?? [];
    const view = this.views.get(budgetId);
    if (view !== undefined && view.at === events.length) return view.state;
    const state = foldEvents(events.slice(view?.at ?? 0), view?.state);
    this.views.set(budgetId, { state, at: events.length });
    return state;
  }

  /** The state the decider holds for one budget. */
  decisionStateOf(budgetId: string): DecisionState {
    return this.streams.get(budgetId)?.state ?? initialDecisionState;
  }

  /** The whole ledger as a contract log (JSON Lines, one event per line, final newline). */
  toLog(): string {
    return this.all.map((e) => `${eventLine(e)}\n`).join('');
  }
}
