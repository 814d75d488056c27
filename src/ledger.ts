import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { Command } from './budget/commands.js';
import { decide, decodeCommand } from './budget/decider.js';
import { checkRepeat } from './budget/fingerprint.js';
import type { LedgerError } from './budget/errors.js';
import { evolve, initialState, type BudgetState } from './budget/state.js';
import { GENESIS_HASH, type LedgerEvent } from './events/envelope.js';
import { eventLine, sealEvents } from './log/hash.js';

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
  private readonly streams = new Map<string, { events: LedgerEvent[]; state: BudgetState }>();
  private readonly all: LedgerEvent[] = [];

  /** Records a command: its new events, or the rule it breaks (nothing appended). */
  record(command: Command): Either<LedgerError, Recorded> {
    const decoded = decodeCommand(command);
    if (decoded._tag === 'Left') return decoded;
    const c = decoded.right;
    const stream = this.streams.get(c.budgetId) ?? { events: [], state: initialState };
    if (stream.state.commands.has(c.commandId)) {
      const events = stream.events.filter((e) => e.commandId === c.commandId);
      const reused = checkRepeat(c, events);
      return reused === null ? right({ events, duplicate: true }) : left(reused);
    }
    const decided = decide(c, stream.state);
    if (decided._tag === 'Left') return left(decided.left);
    const last = stream.events[stream.events.length - 1];
    const sealed = sealEvents(decided.right, last === undefined ? { seq: 0, hash: GENESIS_HASH } : last);
    let state = stream.state;
    for (const e of sealed) state = evolve(state, e);
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

  /** The decider state of one budget. */
  stateOf(budgetId: string): BudgetState {
    return this.streams.get(budgetId)?.state ?? initialState;
  }

  /** The whole ledger as a contract log (JSON Lines, one event per line, final newline). */
  toLog(): string {
    return this.all.map((e) => `${eventLine(e)}\n`).join('');
  }
}
