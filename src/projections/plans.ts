import type { BudgetState, PlanStatus } from './budget-state.js';
import { daysBetween } from '../events/time.js';
import { Money } from '../money/money.js';

/** One version of a budget's care plan and what became of it. */
export interface PlanHistoryEntry {
  readonly planVersion: number;
  readonly status: PlanStatus;
  readonly proposedAt: string;
  readonly agreedOn?: string;
  readonly decidedAt?: string;
  readonly lines: number;
  readonly total: Money;
  readonly changeRequestId?: string;
  /** Days from the change request to the plan's agreement (when both exist). */
  readonly leadTimeDays?: number;
}

/** Every plan version of a budget with its lead times, and the time from referral to the first agreed plan. */
export interface PlanHistory {
  readonly plans: readonly PlanHistoryEntry[];
  /** Days from referral to the first agreed plan, when the budget has a referral time and an agreed plan. */
  readonly referralToAgreedDays?: number;
  /** Change requests still without an agreed plan. */
  readonly openChangeRequests: readonly string[];
}

/** The plan history of a budget with change-request lead times. */
export function planHistory(s: BudgetState): PlanHistory {
  const plans: PlanHistoryEntry[] = s.plans.map((p) => {
    const entry: {
      -readonly [K in keyof PlanHistoryEntry]: PlanHistoryEntry[K];
    } = {
      planVersion: p.planVersion,
      status: p.status,
      proposedAt: p.proposedAt,
      lines: p.lines.length,
      total: Money.sum(p.lines.map((l) => l.amount)),
    };
    if (p.agreedOn !== undefined) entry.agreedOn = p.agreedOn;
    if (p.decidedAt !== undefined) entry.decidedAt = p.decidedAt;
    if (p.changeRequestId !== undefined) {
      entry.changeRequestId = p.changeRequestId;
      const cr = s.changeRequests.get(p.changeRequestId);
      if (
        cr !== undefined &&
        p.decidedAt !== undefined &&
        (p.status === 'agreed' || p.status === 'superseded')
      ) {
        entry.leadTimeDays = daysBetween(cr.requestedAt, p.decidedAt);
      }
    }
    return entry;
  });
  const agreedIds = new Set(plans.filter((p) => p.leadTimeDays !== undefined).map((p) => p.changeRequestId));
  const openChangeRequests = [...s.changeRequests.keys()].filter((id) => !agreedIds.has(id)).sort();
  const firstAgreed = plans
    .filter((p) => p.decidedAt !== undefined && (p.status === 'agreed' || p.status === 'superseded'))
    .map((p) => p.decidedAt as string)
    .sort()[0];
  const referredAt = s.opened?.referredAt;
  return referredAt !== undefined && firstAgreed !== undefined
    ? { plans, openChangeRequests, referralToAgreedDays: daysBetween(referredAt, firstAgreed) }
    : { plans, openChangeRequests };
}
