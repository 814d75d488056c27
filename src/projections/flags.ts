import type { BudgetState } from './budget-state.js';
import { overspendKey, planOn } from './budget-state.js';
import { usedOf } from '../events/money-effects.js';
import type { Stream } from '../events/primitives.js';
import { addMonths, epochDay } from '../events/time.js';
import { Money } from '../money/money.js';
import { lineBalances } from './balances.js';

/** Something an officer must look at. Flags never block recording; they ask for an explanation. */
export type Flag =
  | {
      readonly kind: 'overspend-line';
      readonly budgetId: string;
      readonly lineId: string;
      readonly budgeted: Money;
      readonly spent: Money;
      readonly over: Money;
      readonly explanation: OverspendExplanation;
    }
  | {
      readonly kind: 'overspend-stream';
      readonly budgetId: string;
      readonly stream: Stream;
      readonly allocated: Money;
      readonly used: Money;
      readonly over: Money;
      readonly explanation: OverspendExplanation;
    }
  | {
      readonly kind: 'off-plan';
      readonly budgetId: string;
      readonly spendId: string;
      readonly lineId: string;
      readonly amount: Money;
      readonly spentOn: string;
      readonly problem: string;
    }
  | {
      readonly kind: 'review-overdue';
      readonly budgetId: string;
      readonly dueOn: string;
      readonly lastReviewedOn: string | null;
      readonly rule: string;
    }
  | {
      /**
       * Direct payments are suspended (no money goes in) or stopped (no money goes in and the
       * holder no longer spends on direct-payment lines), since `since`. The reason, free text,
       * is in the audit trail only.
       */
      readonly kind: 'direct-payment-suspended' | 'direct-payment-stopped';
      readonly budgetId: string;
      readonly since: string;
    }
  | {
      readonly kind: 'surplus';
      readonly budgetId: string;
      readonly balance: Money;
      readonly threshold: Money;
      readonly weeks: number;
    };

/**
 * Where an overspend stands: `unexplained`, `explained` by the coordinator, or
 * `exception-approved` by the commissioner (an explanation or approval covers the overspend it
 * was recorded for; a larger overspend later is unexplained again).
 */
export type OverspendExplanation = 'unexplained' | 'explained' | 'exception-approved';

function explanationOf(s: BudgetState, key: string, over: Money): OverspendExplanation {
  const note = s.overspendNotes.get(key);
  if (note?.approved != null && !over.greaterThan(note.approved)) return 'exception-approved';
  if (note?.explained != null && !over.greaterThan(note.explained)) return 'explained';
  return 'unexplained';
}

/** The kind of a {@link Flag}: branch on it. */
export type FlagKind = Flag['kind'];

/** Local policy for flags: the date reviews are judged on and the surplus threshold. */
export interface FlagOptions {
  /** The date reviews are judged on (`YYYY-MM-DD`); no flag for reviews without it. */
  readonly onDate?: string;
  /** Surplus threshold in weeks of direct-payment funding (local policy, commonly 4 to 8). Default 8. */
  readonly surplusWeeks?: number;
}

/**
 * When the next review is due: NHS money within 3 months of the start, social-care direct
 * payments within 6, then at least every 12 months after the last review. The earliest rule wins.
 */
export function reviewDue(s: BudgetState): { dueOn: string; rule: string } | null {
  if (s.opened === null) return null;
  const start = s.opened.periodStart;
  const last = s.reviews.length > 0 ? [...s.reviews].sort()[s.reviews.length - 1] : undefined;
  const dues: { dueOn: string; rule: string }[] = [];
  const hasDirect = s.plans.some((p) =>
    p.lines.some((l) => l.option === 'direct-payment' || l.option === 'managed-account'),
  );
  if (s.opened.streams.includes('health')) {
    dues.push(
      last === undefined
        ? { dueOn: addMonths(start, 3), rule: 'NHS budgets are reviewed within 3 months of starting' }
        : { dueOn: addMonths(last, 12), rule: 'NHS budgets are reviewed at least every 12 months' },
    );
  }
  if (s.opened.streams.includes('social-care') && hasDirect) {
    dues.push(
      last === undefined
        ? { dueOn: addMonths(start, 6), rule: 'social-care direct payments are reviewed within 6 months' }
        : {
            dueOn: addMonths(last, 12),
            rule: 'social-care direct payments are reviewed at least every 12 months',
          },
    );
  }
  if (dues.length === 0) {
    dues.push(
      last === undefined
        ? { dueOn: addMonths(start, 12), rule: 'budgets are reviewed at least every 12 months' }
        : { dueOn: addMonths(last, 12), rule: 'budgets are reviewed at least every 12 months' },
    );
  }
  dues.sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
  return dues[0] ?? null;
}

/**
 * Cash held in the direct-payment account: paid in (direct payment and managed account) less
 * spend on such lines and reclaims.
 */
export function directPaymentBalance(s: BudgetState): Money {
  let paid = Money.zero;
  for (const x of s.totals.values()) paid = paid.plus(x.paid);
  let spent = Money.zero;
  for (const sp of s.spends.values()) {
    if (
      !sp.reversed &&
      (sp.option === 'direct-payment' || sp.option === 'managed-account' || sp.option === 'third-party')
    ) {
      spent = spent.plus(sp.amount);
    }
  }
  let reclaimed = Money.zero;
  for (const x of s.totals.values()) reclaimed = reclaimed.plus(x.reclaimed);
  return paid.minus(spent).minus(reclaimed);
}

/** All flags of one budget. */
export function flagsOf(budgetId: string, s: BudgetState, options: FlagOptions = {}): Flag[] {
  const flags: Flag[] = [];
  for (const l of lineBalances(s)) {
    if (l.remaining.isNegative()) {
      const over = l.remaining.negate();
      flags.push({
        kind: 'overspend-line',
        budgetId,
        lineId: l.lineId,
        budgeted: l.budgeted,
        spent: l.spent,
        over,
        explanation: explanationOf(s, overspendKey({ lineId: l.lineId }), over),
      });
    }
  }
  for (const stream of s.opened?.streams ?? []) {
    const x = s.totals.get(stream);
    if (x === undefined) continue;
    const used = usedOf(x);
    if (used.greaterThan(x.allocated)) {
      flags.push({
        kind: 'overspend-stream',
        budgetId,
        stream,
        allocated: x.allocated,
        used,
        over: used.minus(x.allocated),
        explanation: explanationOf(s, overspendKey({ stream }), used.minus(x.allocated)),
      });
    }
  }
  for (const o of s.offPlan) {
    flags.push({
      kind: 'off-plan',
      budgetId,
      spendId: o.spendId,
      lineId: o.lineId,
      amount: o.amount,
      spentOn: o.spentOn,
      problem: o.problem,
    });
  }
  if (s.directPayment !== 'active') {
    flags.push({
      kind: s.directPayment === 'stopped' ? 'direct-payment-stopped' : 'direct-payment-suspended',
      budgetId,
      since: s.directPaymentSince ?? '',
    });
  }
  if (options.onDate !== undefined && s.status === 'open') {
    const due = reviewDue(s);
    if (due !== null && due.dueOn < options.onDate) {
      const last = s.reviews.length > 0 ? ([...s.reviews].sort().pop() ?? null) : null;
      flags.push({
        kind: 'review-overdue',
        budgetId,
        dueOn: due.dueOn,
        lastReviewedOn: last,
        rule: due.rule,
      });
    }
  }
  const weeks = options.surplusWeeks ?? 8;
  const plan = planOn(s.plans, '9999-12-31');
  if (plan !== undefined && s.opened !== null) {
    const cashLines = plan.lines.filter((l) => l.option !== 'notional');
    if (cashLines.length > 0) {
      const days = epochDay(s.opened.periodEnd) - epochDay(s.opened.periodStart) + 1;
      const periodPence = Money.sum(cashLines.map((l) => l.amount)).toPence();
      // threshold = weeks of funding = plan total * (7 * weeks) / days, in whole pence (rounded down)
      const threshold = Money.fromPence((periodPence * BigInt(7 * weeks)) / BigInt(Math.max(days, 1)));
      const balance = directPaymentBalance(s);
      if (balance.greaterThan(threshold))
        flags.push({ kind: 'surplus', budgetId, balance, threshold, weeks });
    }
  }
  return flags;
}

/** A flag as JSON (money as strings). */
export function flagJson(f: Flag): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(f))
    out[k] = v instanceof Money ? v.toString() : (v as string | number | null);
  return out;
}
