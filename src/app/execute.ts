/**
 * Recording a command, the part every way of recording shares: a command id already seen gives
 * back its original events (or `command-id-reused` when the command differs), a new one is
 * decided. The in-memory {@link Ledger}, the {@link CommandHandler} over a store and
 * {@link execute} all run {@link decideOnce}; they differ only in where events are kept.
 */
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { Command } from '../budget/commands.js';
import { decideCommand, decodeCommand } from '../budget/decider.js';
import type { LedgerError } from '../budget/errors.js';
import { checkRepeat } from '../budget/fingerprint.js';
import { evolveDecision, type DecisionState } from '../budget/state.js';
import type { PendingEvent } from '../events/envelope.js';

/**
 * What deciding a command once gives: the original events of a repeated command id
 * (`duplicate: true`, nothing new), or the new events of the decision.
 */
export type Decided<E extends PendingEvent> =
  | { readonly duplicate: true; readonly events: readonly E[] }
  | { readonly duplicate: false; readonly events: readonly PendingEvent[] };

/**
 * Decides a decoded command once: when the budget has seen its command id, the events it
 * produced the first time (`original`, read only then) if it is the same command, else the
 * `command-id-reused` refusal; otherwise the new events of the decision, or the rule it breaks.
 */
export function decideOnce<E extends PendingEvent>(
  c: Command,
  state: DecisionState,
  original: () => readonly E[],
): Either<LedgerError, Decided<E>> {
  if (state.commands.has(c.commandId)) {
    const events = original();
    const reused = checkRepeat(c, events);
    return reused === null ? right({ duplicate: true, events }) : left(reused);
  }
  const r = decideCommand(c, state);
  return r._tag === 'Left' ? r : right({ duplicate: false, events: r.right });
}

/** What {@link execute} returns: the events of the command and the state after them. */
export interface Execution {
  readonly events: readonly PendingEvent[];
  readonly state: DecisionState;
  /** True when the command id had been seen: `events` are the original ones, nothing new. */
  readonly duplicate: boolean;
}

/**
 * Decides and evolves in one step, with idempotency: a repeated `commandId` returns the events
 * it produced the first time (looked up in `history`) and changes nothing; a different command
 * under a used `commandId` is refused with `command-id-reused` (checked against `history`).
 */
export function execute(
  command: Command,
  state: DecisionState,
  history: readonly PendingEvent[] = [],
): Either<LedgerError, Execution> {
  const decoded = decodeCommand(command);
  if (decoded._tag === 'Left') return decoded;
  const c = decoded.right;
  const r = decideOnce(c, state, () => {
    const ids = new Set(state.commands.get(c.commandId));
    return history.filter((e) => ids.has(e.eventId));
  });
  if (r._tag === 'Left') return r;
  const next = r.right.duplicate ? state : r.right.events.reduce(evolveDecision, state);
  return right({ events: r.right.events, state: next, duplicate: r.right.duplicate });
}
