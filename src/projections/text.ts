import type { AuditEntry } from './audit.js';
import type { BalancesReport } from './balances.js';
import type { Flag } from './flags.js';

/** Lays out rows as a plain-text table; columns whose header starts with `>` are right-aligned. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const right = headers.map((h) => h.startsWith('>'));
  const heads = headers.map((h) => (h.startsWith('>') ? h.slice(1) : h));
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(heads), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Balances of every budget as a table: one row per budget and stream. */
export function balancesTable(report: BalancesReport): string {
  const rows: string[][] = [];
  for (const b of report.budgets) {
    for (const [stream, x] of b.streams) {
      rows.push([
        b.budgetId,
        stream,
        x.allocated.toString(),
        x.indicative.toString(),
        x.spent.toString(),
        x.reclaimed.toString(),
        x.remaining.toString(),
      ]);
    }
  }
  return textTable(
    ['budget', 'stream', '>allocated', '>indicative', '>spent', '>reclaimed', '>remaining'],
    rows,
  );
}

/** The audit trail as a table: seq, when, who, what, and remaining per stream after each event. */
export function auditTable(entries: readonly AuditEntry[]): string {
  const streams = entries[entries.length - 1]?.balancesAfter.map(([s]) => s) ?? [];
  const rows = entries.map((a) => [
    String(a.seq ?? ''),
    a.occurredAt.slice(0, 10),
    a.recordedAt.slice(0, 10),
    `${a.actorId} (${a.role})`,
    a.what + (a.reason === null || a.reason === '' ? '' : ` - because: ${a.reason}`),
    ...streams.map((s) => a.balancesAfter.find(([k]) => k === s)?.[1].remaining.toString() ?? ''),
  ]);
  return textTable(['seq', 'occurred', 'recorded', 'who', 'what', ...streams.map((s) => `>${s} left`)], rows);
}

const EXPLANATION = {
  unexplained: 'unexplained',
  explained: 'explained by the coordinator',
  'exception-approved': 'exception approved by the commissioner',
} as const;

/** One line per flag. */
export function flagsText(flags: readonly Flag[]): string {
  if (flags.length === 0) return 'no flags';
  return flags
    .map((f) => {
      switch (f.kind) {
        case 'overspend-line':
          return `${f.budgetId}: line ${f.lineId} overspent by ${f.over.format()} (budgeted ${f.budgeted.format()}, spent ${f.spent.format()}; ${EXPLANATION[f.explanation]})`;
        case 'overspend-stream':
          return `${f.budgetId}: ${f.stream} overspent by ${f.over.format()} (allocated ${f.allocated.format()}, spent and reclaimed ${f.used.format()}; ${EXPLANATION[f.explanation]})`;
        case 'direct-payment-suspended':
          return `${f.budgetId}: direct payments suspended since ${f.since}: nothing is paid into the person's account (the reason is in the audit trail)`;
        case 'direct-payment-stopped':
          return `${f.budgetId}: direct payments stopped since ${f.since}: nothing is paid in, and the holder or representative no longer spends on direct-payment lines (the reason is in the audit trail)`;
        case 'off-plan':
          return `${f.budgetId}: off-plan spend ${f.spendId} of ${f.amount.format()} on line ${f.lineId} dated ${f.spentOn} (${f.problem})`;
        case 'review-overdue':
          return `${f.budgetId}: review overdue since ${f.dueOn} (${f.rule}; last review ${f.lastReviewedOn ?? 'none'})`;
        case 'surplus':
          return `${f.budgetId}: direct-payment surplus ${f.balance.format()} above ${f.weeks} weeks of funding (${f.threshold.format()})`;
      }
    })
    .join('\n');
}
