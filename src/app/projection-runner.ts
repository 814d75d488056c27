/**
 * Projections that catch up: a runner reads every event after its checkpoint in the store's
 * global order, folds them into a projection, and saves state and checkpoint together in one
 * atomic write after each batch. A restart resumes from the last save, so no event is counted
 * twice or missed, whatever moment the process stopped at.
 */
import { applyEvent, mutableState, type BudgetState } from '../projections/budget-state.js';
import type { LedgerEvent } from '../events/envelope.js';
import { balancesOf, type BalancesReport } from '../projections/balances.js';
import { limitOf } from '../store/append.js';
import type { Checkpoint, EventStore, ProjectionStateStore } from '../store/port.js';
import { decodeState, encodeState } from './state-codec.js';

/** A projection a {@link CatchUpRunner} can keep current. */
export interface Projection<S> {
  /** Where its state is saved (letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  /** Changes whenever `apply` or the state's shape changes: saved state in another format is rebuilt from the start. */
  readonly format: string;
  initial(): S;
  /** Folds one event in; may change `state` in place and return it. */
  apply(state: S, event: LedgerEvent): S;
  encode(state: S): string;
  decode(text: string): S;
}

/** Options of a {@link CatchUpRunner}. */
export interface CatchUpOptions {
  /** Events read and applied per saved batch (default 500). */
  readonly batchSize?: number;
}

/** Keeps one projection current with a store. */
export class CatchUpRunner<S> {
  private state: S;
  private position: Checkpoint | undefined = undefined;
  private loaded = false;
  private readonly batchSize: number;

  constructor(
    private readonly store: EventStore,
    private readonly saves: ProjectionStateStore,
    /** The projection kept current. */
    readonly projection: Projection<S>,
    options: CatchUpOptions = {},
  ) {
    this.state = projection.initial();
    this.batchSize = limitOf(options.batchSize, 500);
  }

  /** The projection's state (read it, do not change it) and the checkpoint it reflects. */
  current(): { readonly state: S; readonly checkpoint: Checkpoint | undefined } {
    return { state: this.state, checkpoint: this.position };
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const saved = await this.saves.loadProjection(this.projection.name);
    const prefix = `${this.projection.format}\n`;
    if (saved !== null && saved.state.startsWith(prefix)) {
      this.state = this.projection.decode(saved.state.slice(prefix.length));
      this.position = saved.checkpoint;
    }
    this.loaded = true;
  }

  /**
   * Reads and applies batches until the store has nothing newer; saves after each batch.
   * Returns the number of events applied.
   */
  async catchUp(): Promise<number> {
    await this.load();
    let applied = 0;
    for (;;) {
      const page = await this.store.readAll({
        ...(this.position === undefined ? {} : { after: this.position }),
        limit: this.batchSize,
      });
      if (page.events.length === 0) return applied;
      let state = this.state;
      try {
        for (const x of page.events) state = this.projection.apply(state, x.event);
        await this.saves.saveProjection(this.projection.name, {
          checkpoint: page.checkpoint,
          state: `${this.projection.format}\n${this.projection.encode(state)}`,
        });
      } catch (err) {
        // the state in memory may hold events the saved checkpoint does not: start again from the save
        this.state = this.projection.initial();
        this.position = undefined;
        this.loaded = false;
        throw err;
      }
      this.state = state;
      this.position = page.checkpoint;
      applied += page.events.length;
    }
  }

  /** Catches up every `intervalMs` (default 500) until `signal` aborts. */
  async run(signal: AbortSignal, intervalMs = 500): Promise<void> {
    while (!signal.aborted) {
      await this.catchUp();
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, intervalMs);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}

/** State of {@link balancesProjection}: every budget's state, by budget id. */
export type BudgetStates = Map<string, BudgetState>;

/** Balances of every budget, kept current from the global order (no command ids kept: it only reports). */
export function balancesProjection(name = 'balances'): Projection<BudgetStates> {
  return {
    name,
    format: 'ipb.balances/1',
    initial: () => new Map(),
    apply(states, e) {
      let s = states.get(e.budgetId);
      if (s === undefined) {
        s = mutableState();
        states.set(e.budgetId, s);
      }
      applyEvent(s, e, { trackCommands: false });
      return states;
    },
    encode: (states) => encodeState(states),
    decode(text) {
      const u = decodeState(text);
      if (!(u instanceof Map)) throw new TypeError(`saved ${name} projection is not a map of budgets`);
      return u as BudgetStates;
    },
  };
}

/** The balances report of a {@link balancesProjection} state: opened budgets in id order. */
export function balancesOfStates(states: BudgetStates): BalancesReport {
  const ids = [...states.entries()]
    .filter(([, s]) => s.status !== 'unopened')
    .map(([id]) => id)
    .sort();
  return { budgets: ids.map((id) => balancesOf(id, states.get(id) as BudgetState)) };
}
