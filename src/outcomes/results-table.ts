/** Outcome rows as a plain-text table: the headline figures. */
import { textTable } from '../projections/text.js';
import type { OutcomesJson } from './results.js';

/** A share as a percentage with one decimal, or `-`. */
export const pct = (s: string | null): string => (s === null ? '-' : `${(Number(s) * 100).toFixed(1)}%`);
const num = (n: number | null): string => (n === null ? '-' : n.toFixed(2));

/** The headline figures as a plain-text table. */
export function outcomesTable(result: OutcomesJson): string {
  const rows = result.rows.map((r) => [
    ...result.by.map((d) => r.group[d] ?? ''),
    r.period.label,
    String(r.budgets.live),
    String(r.budgets.active),
    String(r.people.live),
    r.money.total.allocatedToDate,
    r.money.total.spent,
    r.money.total.remaining,
    pct(r.money.total.underspend),
    pct(r.spendShares.health),
    pct(r.spendShares['social-care']),
    String(r.planChangeLeadTime.count),
    num(r.planChangeLeadTime.medianDays),
    num(r.planChangeLeadTime.p90Days),
    String(r.requests.pendingAtEnd),
    `${r.reviews.onTime}/${r.reviews.late}/${r.reviews.overdueAtEnd}`,
    r.flags.overspendPer100Budgets ?? '-',
    r.flags.offPlanPer100Budgets ?? '-',
  ]);
  return textTable(
    [
      ...result.by,
      'period',
      '>live',
      '>active',
      '>people',
      '>allocated to date',
      '>spent in period',
      '>remaining',
      '>underspend',
      '>health',
      '>social care',
      '>changes',
      '>median days',
      '>p90 days',
      '>waiting',
      '>reviews ok/late/overdue',
      '>overspend/100',
      '>off-plan/100',
    ],
    rows,
  );
}
