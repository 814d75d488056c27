/**
 * The decision state of one budget: only what the rules of {@link decide} read, and its pure
 * `evolve`. What each event does to it is written once, in src/events/budget-core.ts (shared
 * with the budget read model); the read models (spends by date and category, reviews, off-plan
 * attempts, overspend notes...) are folded in src/projections/, never here.
 *
 * Any change to the shape of {@link DecisionState} must bump {@link DECISION_STATE_VERSION}
 * (snapshots are keyed by it; test/snapshot-schema.test.ts fails when the shape moves alone).
 */
import { enableMapSet, freeze, produce, type Draft } from 'immer';
import { evolveCore, initialCore, thawCore, type RecordMakers } from '../events/budget-core.js';
import type * as Core from '../events/budget-core.js';
import type { PendingEvent } from '../events/envelope.js';

export type { DirectPaymentStatus } from '../events/budget-core.js';

enableMapSet();

/** The schema version of {@link DecisionState}: bump it with every change of its shape. */
export const DECISION_STATE_VERSION = 1;

/** A plan version as the rules need it. */
export type DecisionPlan = Core.CorePlan;

/** A recorded spend as the rules need it: its line, option, split and whether it was reversed. */
export type DecisionSpend = Core.CoreSpend;

/** A change request: whether it was declined (answers are read from the plans). */
export type DecisionChangeRequest = Core.CoreChangeRequest;

/** A reclaim by its notice: what was taken, from which stream, and where reconsideration stands. */
export type DecisionReclaim = Core.CoreReclaim;

/** A contingency held outside the budget and what of it was returned. */
export type DecisionContingency = Core.CoreContingency;

/** What the decider knows about one budget: everything its rules need, nothing more. */
export type DecisionState = Core.BudgetCore;

/** The decision state of a budget before its first event. */
export const initialDecisionState: DecisionState = freeze(initialCore(), true);

/** The decider keeps the core records as they are. */
const DECISION_RECORDS: RecordMakers<Core.CoreRecords> = {
  plan: (core) => core,
  spend: (core) => core,
  changeRequest: (core) => core,
  reclaim: (core) => core,
  contingency: (core) => core,
};

/**
 * Applies one event to a mutable decision state (in place). The decision state is exactly the
 * core of src/events/budget-core.ts, so {@link evolveCore} (an exhaustive `switch` with a
 * `never` check) is its whole evolve.
 */
export function applyDecision(s: DecisionState | Draft<DecisionState>, e: PendingEvent): void {
  evolveCore(s as DecisionState, e, DECISION_RECORDS);
}

/** The Decider's `evolve`: one event, one new immutable state (structural sharing via immer). */
export function evolveDecision(state: DecisionState, event: PendingEvent): DecisionState {
  return produce(state, (draft) => {
    applyDecision(draft, event);
  });
}

/** A mutable copy of a decision state, for accumulators that never share the object. */
export function thawDecision(state: DecisionState = initialDecisionState): DecisionState {
  return thawCore(state);
}

/** Folds many events into a decision state at once (one mutable accumulator), frozen at the end. */
export function foldDecisions(
  events: Iterable<PendingEvent>,
  from: DecisionState = initialDecisionState,
): DecisionState {
  const acc = thawDecision(from);
  for (const e of events) applyDecision(acc, e);
  return freeze(acc, true);
}
