/**
 * What one budget contributes to one reporting period (its flows: money, spend by category and
 * option, reclaims, requests, reviews, counted events), before `metrics.ts` adds it to the
 * budget's cells.
 */
import { CATEGORIES, OPTIONS, RECLAIM_REASONS } from '../events/primitives.js';
import { TALLIES } from './facts.js';
import { zeros } from './cells.js';

/** Flows of one budget in one period. */
export interface Flows {
  allocated: bigint[];
  spent: bigint[];
  reclaimed: bigint[];
  byCategory: bigint[];
  byOption: bigint[];
  reclaimCount: number[];
  reclaimAmount: bigint[];
  byLine: Map<string, bigint>;
  changeRequests: number;
  leadTimes: number[];
  referral: number[];
  reviews: string[];
  offPlan: number;
  requestsAgreed: number;
  requestsDeclined: number;
  requestToDecision: number[];
  decidedWithin7Days: number;
  requestsDue7Days: number;
  outcomeRecords: number;
  tallies: number[];
  tallyPence: bigint[];
}

/** Empty flows. */
export function newFlows(): Flows {
  return {
    allocated: zeros(4),
    spent: zeros(4),
    reclaimed: zeros(4),
    byCategory: zeros(CATEGORIES.length),
    byOption: zeros(OPTIONS.length),
    reclaimCount: RECLAIM_REASONS.map(() => 0),
    reclaimAmount: zeros(RECLAIM_REASONS.length),
    byLine: new Map(),
    changeRequests: 0,
    leadTimes: [],
    referral: [],
    reviews: [],
    offPlan: 0,
    requestsAgreed: 0,
    requestsDeclined: 0,
    requestToDecision: [],
    decidedWithin7Days: 0,
    requestsDue7Days: 0,
    outcomeRecords: 0,
    tallies: TALLIES.map(() => 0),
    tallyPence: zeros(TALLIES.length),
  };
}

/** The flows of a period with nothing dated in it (read only). */
export const NO_FLOWS: Flows = newFlows();
