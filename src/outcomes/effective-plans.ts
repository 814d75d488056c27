/**
 * A budget's plans and the spends that stand, from its outcome facts: plan statuses and spend
 * lines worked out in `seq` order exactly as the budget state works them out from the events.
 */
import type { PlanLine } from '../events/data.js';
import { type Category, type ManagementOption } from '../events/primitives.js';
import { agreePlan, rejectPlan, spendLine } from '../events/budget-core.js';
import { markDecided, planOn, type PlanRecord } from '../projections/budget-state.js';
import { Money } from '../money/money.js';
import type { PlanFact, SpendFact } from './facts.js';
import type { BudgetOption } from './cells.js';

/** A spend as it stands against the plan in force on its date. */
export interface EffectiveSpend {
  readonly lineId: string;
  readonly spentOn: string;
  readonly split: readonly bigint[];
  readonly category: Category;
  readonly option: ManagementOption;
  reversed: boolean;
}

/** Applies one plan fact (proposed, agreed, rejected) to a budget's plan records. */
export function applyPlanFact(records: PlanRecord[], p: PlanFact): void {
  switch (p.kind) {
    case 'proposed': {
      const lines: PlanLine[] = p.lines.map((l) => ({
        lineId: l.lineId,
        category: l.category,
        option: l.option,
        amount: Money.fromPence(l.amount),
        shares: l.shares,
      }));
      const rec: PlanRecord = { planVersion: p.version, status: 'proposed', lines, proposedAt: p.at };
      if (p.changeRequestId !== undefined) rec.changeRequestId = p.changeRequestId;
      records.push(rec);
      return;
    }
    case 'agreed':
      agreePlan(records, p.version, p.agreedOn);
      markDecided(records, p.version, p.at, true);
      return;
    case 'rejected':
      rejectPlan(records, p.version);
      markDecided(records, p.version, p.at, false);
      return;
  }
}

/** Replays a budget's plan and spend facts in `seq` order, as `applyEvent` does. */
export function replayPlansAndSpends(plans: readonly PlanFact[], spends: readonly SpendFact[]) {
  const records: PlanRecord[] = [];
  const effective: EffectiveSpend[] = [];
  const latest = new Map<string, number>();
  let i = 0;
  let j = 0;
  while (i < plans.length || j < spends.length) {
    const p = plans[i];
    const s = spends[j];
    if (p !== undefined && (s === undefined || p.seq <= s.seq)) {
      applyPlanFact(records, p);
      i += 1;
      continue;
    }
    j += 1;
    if (s === undefined) continue;
    if (s.kind === 'spend') {
      const line = spendLine(records, s.spentOn, s.lineId);
      latest.set(s.spendId, effective.length);
      effective.push({
        lineId: s.lineId,
        spentOn: s.spentOn,
        split: s.split,
        category: line?.category ?? 'other',
        option: line?.option ?? 'notional',
        reversed: false,
      });
    } else {
      const k = latest.get(s.spendId);
      const sp = k === undefined ? undefined : effective[k];
      if (sp !== undefined && !sp.reversed) sp.reversed = true;
    }
  }
  return { records, spends: effective.filter((s) => !s.reversed) };
}

/** The management option of a budget's plan in force on `date`: one option, `mixed` or `none`. */
export function budgetOptionAt(records: readonly PlanRecord[], date: string): BudgetOption {
  const plan = planOn(records, date);
  if (plan === undefined) return 'none';
  const options = new Set(plan.lines.map((l) => l.option));
  if (options.size === 0) return 'none';
  if (options.size > 1) return 'mixed';
  return [...options][0] as ManagementOption;
}
