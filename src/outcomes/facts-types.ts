/**
 * What the outcome facts are: the per-budget facts each part of a log folds its events into
 * (`facts.ts` folds them, `facts-merge.ts` merges parts, `facts-json.ts` carries them across
 * worker threads). Money is in pence (bigint), exact.
 */
import type { Basis, Category, Cohort, ManagementOption, Shares, Stream } from '../events/primitives.js';

/**
 * Events the metrics count per group and period (with an amount where they carry one): plans
 * agreed by the person (or their representative) and in their best interests, overspends
 * explained and exceptions approved, reclaims reconsidered (the amount: what went back to the
 * stream), contingencies held and returned (outside the budget: never in its money figures).
 */
export const TALLIES = [
  'plan-agreed-by-person',
  'plan-agreed-in-best-interests',
  'overspend-explained',
  'overspend-exception-approved',
  'reclaim-reconsidered',
  'contingency-held',
  'contingency-returned',
] as const;
/** One of {@link TALLIES}. */
export type Tally = (typeof TALLIES)[number];

/** A plan line as the metrics need it (amount in pence). */
export interface LineFact {
  readonly lineId: string;
  readonly category: Category;
  readonly option: ManagementOption;
  readonly amount: bigint;
  readonly shares: Shares;
}

/** A plan event of a budget, kept with its `seq` (plan statuses are replayed in order). */
export type PlanFact =
  | {
      readonly seq: number;
      readonly kind: 'proposed';
      readonly at: string;
      readonly version: number;
      readonly lines: readonly LineFact[];
      readonly changeRequestId?: string;
    }
  | {
      readonly seq: number;
      readonly kind: 'agreed';
      readonly at: string;
      readonly version: number;
      readonly agreedOn: string;
    }
  | { readonly seq: number; readonly kind: 'rejected'; readonly at: string; readonly version: number };

/** A spend or a reversal of a budget, kept with its `seq` (a reversal may be in another part). */
export type SpendFact =
  | {
      readonly seq: number;
      readonly kind: 'spend';
      readonly spendId: string;
      readonly lineId: string;
      readonly spentOn: string;
      /** Parts in pence by stream, in the canonical order of {@link STREAMS}. */
      readonly split: readonly [bigint, bigint, bigint, bigint];
    }
  | { readonly seq: number; readonly kind: 'reversal'; readonly spendId: string };

/** What a budget's opening says. */
export interface OpenedFact {
  readonly seq: number;
  readonly at: string;
  /**
   * Who the budget is for, as the SHA-256 (hex) of its `personRef`: equal references give equal
   * keys, so people are counted once however many budgets they hold, and the facts (which cross
   * worker boundaries and may be saved) never hold the reference itself.
   */
  readonly person: string;
  readonly site: string;
  readonly cohort: Cohort;
  readonly basis: Basis;
  readonly streams: readonly Stream[];
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly referredAt?: string;
}

/** An outcome measure of a budget: instrument, date, and the sum and number of its item scores. */
export interface OutcomeRecordFact {
  readonly seq: number;
  readonly instrument: string;
  readonly measuredOn: string;
  readonly sum: number;
  readonly count: number;
}

/** A change request's id and a time: when it was asked for, or when it was declined. */
export interface RequestFact {
  readonly seq: number;
  readonly id: string;
  readonly at: string;
}

/** Everything the metrics need about one budget, from the events of one part of a log. */
export interface BudgetFacts {
  opened: OpenedFact | null;
  /** Closures, by `seq`. The first one closes the budget. */
  closed: { readonly seq: number; readonly closedOn: string }[];
  /** Agreed allocations and adjustments in pence, by `date \t streamIndex` (date = occurred date). */
  funding: Map<string, bigint>;
  /** Reclaims by `date \t streamIndex \t reasonIndex`: count and pence. */
  reclaims: Map<string, { count: number; pence: bigint }>;
  /** Money given back on reconsideration of a reclaim, pence by `date \t streamIndex`. */
  returned: Map<string, bigint>;
  /** Counted events by `date \t tallyIndex` ({@link TALLIES}): how many, and their pence. */
  tallies: Map<string, { count: number; pence: bigint }>;
  /** Plan events by `seq`. */
  plans: PlanFact[];
  /** Spends and reversals by `seq`. */
  spends: SpendFact[];
  /** Change requests by `seq`: id and when asked (occurredAt). */
  changeRequests: RequestFact[];
  /** Change requests declined, by `seq`: id and when (occurredAt). */
  declines: RequestFact[];
  /** Outcome measures, by `seq`. */
  outcomes: OutcomeRecordFact[];
  /** Reviews completed, by `reviewedOn`. */
  reviews: Map<string, number>;
  /** Off-plan spend attempts, by `spentOn`. */
  offPlan: Map<string, number>;
}

/** The mergeable facts of (part of) a log. */
export interface OutcomeFacts {
  /** Per budget, by key (the budget id, scoped by file when several logs are read). */
  readonly budgets: Map<string, BudgetFacts>;
  /** Events that passed the time filter. */
  counted: number;
  /** Latest date of anything counted (`occurredAt` date, `spentOn`), or null: the default horizon. */
  latest: string | null;
}
