/**
 * Which plan version is in force on a date: one rule, read by the decider and by the read
 * models alike.
 */

/** Where a plan version stands. */
export type PlanStatus = 'proposed' | 'agreed' | 'rejected' | 'superseded';

/** What {@link planOn} needs of a plan version. */
export interface DatedPlan {
  readonly planVersion: number;
  readonly status: PlanStatus;
  readonly agreedOn?: string;
}

/** The plan in force on a date: the agreed (or later superseded) version agreed latest on or before it. */
export function planOn<P extends DatedPlan>(plans: readonly P[], date: string): P | undefined {
  let best: P | undefined;
  for (const p of plans) {
    if (p.agreedOn === undefined || p.agreedOn > date) continue;
    if (p.status !== 'agreed' && p.status !== 'superseded') continue;
    if (
      best === undefined ||
      (best.agreedOn ?? '') < p.agreedOn ||
      (best.agreedOn === p.agreedOn && best.planVersion < p.planVersion)
    ) {
      best = p;
    }
  }
  return best;
}
