import type { AuditEntry } from './audit.js';
import type { BalancesReport } from './balances.js';
import type { Flag } from './flags.js';

/** Options of {@link textTable}. */
export interface TextTableOptions {
  /**
   * Widest a column may be, by column index: longer cells are word-wrapped onto continuation
   * lines (words longer than the width are cut), so every column stays aligned.
   */
  readonly wrap?: Readonly<Record<number, number>>;
}

/** Width of a string in characters (code points, not UTF-16 units). */
function widthOf(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

function padTo(s: string, width: number, right: boolean): string {
  const pad = ' '.repeat(Math.max(0, width - widthOf(s)));
  return right ? pad + s : s + pad;
}

/** Control characters (a line break or tab inside a cell) would break the row: shown as spaces. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** Word-wraps `text` to lines of at most `width` characters. */
export function wrapText(text: string, width: number): string[] {
  if (width < 1) throw new RangeError(`wrap width must be at least 1, got ${width}`);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let chars = [...word];
    while (chars.length > width) {
      // A word longer than the column: cut it.
      if (line !== '') lines.push(line);
      line = '';
      lines.push(chars.slice(0, width).join(''));
      chars = chars.slice(width);
    }
    if (chars.length === 0) continue;
    const piece = chars.join('');
    if (line === '') line = piece;
    else if (widthOf(line) + 1 + chars.length <= width) line = `${line} ${piece}`;
    else {
      lines.push(line);
      line = piece;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Lays out rows as a plain-text table; columns whose header starts with `>` are right-aligned.
 * Cells never break the layout: control characters become spaces, and columns named in
 * `options.wrap` are word-wrapped onto continuation lines.
 */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TextTableOptions = {},
): string {
  const right = headers.map((h) => h.startsWith('>'));
  const heads = headers.map((h) => (h.startsWith('>') ? h.slice(1) : h));
  const wrap = options.wrap ?? {};
  const physical: string[][] = [];
  for (const row of rows) {
    const cells = heads.map((_, i) => {
      const c = oneLine(row[i] ?? '');
      const w = wrap[i];
      return w === undefined ? [c] : wrapText(c, w);
    });
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) physical.push(cells.map((c) => c[k] ?? ''));
  }
  const widths = heads.map((h, i) => Math.max(widthOf(h), ...physical.map((r) => widthOf(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => padTo(c, widths[i] ?? 0, right[i] === true))
      .join('  ')
      .trimEnd();
  return [line(heads), widths.map((w) => '-'.repeat(w)).join('  '), ...physical.map(line)].join('\n');
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

/** Widest the audit table's "who" column gets before it wraps. */
export const AUDIT_WHO_WIDTH = 34;
/** Widest the audit table's "what" column gets before it wraps. */
export const AUDIT_WHAT_WIDTH = 60;

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
  return textTable(
    ['seq', 'occurred', 'recorded', 'who', 'what', ...streams.map((s) => `>${s} left`)],
    rows,
    {
      wrap: { 3: AUDIT_WHO_WIDTH, 4: AUDIT_WHAT_WIDTH },
    },
  );
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
