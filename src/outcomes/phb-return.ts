/**
 * The `phb-return` preset of `ipb outcomes`: people by management option per quarter, as
 * national returns count personal health budgets (notional, direct payment, third party), with
 * the mixed ones and their parts, and the people whose live budgets carry both health and
 * social-care money.
 */
import { OPTIONS, type ManagementOption } from '../events/primitives.js';
import { textTable } from '../projections/text.js';
import type { BudgetOption } from './cells.js';
import type { OutcomesJson } from './results.js';
import { csvCell, snake } from './results-csv.js';
import { pct } from './results-table.js';

/** Names of the presets of `ipb outcomes`. */
export const OUTCOME_PRESETS = ['phb-return'] as const;
/** A preset of `ipb outcomes`. */
export type OutcomePreset = (typeof OUTCOME_PRESETS)[number];

const OPTION_HEADS: Readonly<Record<BudgetOption, string>> = {
  notional: 'notional',
  'third-party': 'third party',
  'direct-payment': 'direct payment',
  'managed-account': 'managed account',
  mixed: 'mixed',
  none: 'no plan',
};
const OPTION_SHORT: Readonly<Record<ManagementOption, string>> = {
  notional: 'n',
  'third-party': 'tp',
  'direct-payment': 'dp',
  'managed-account': 'ma',
};
/** Column order of the return: the national return's options first. */
const RETURN_OPTIONS: readonly BudgetOption[] = [
  'notional',
  'direct-payment',
  'third-party',
  'managed-account',
  'mixed',
  'none',
];

/** The `phb-return` table: people live at the end of each quarter by option (count and share). */
export function phbReturnTable(result: OutcomesJson): string {
  const rows = result.rows.map((r) => [
    ...result.by.map((d) => r.group[d] ?? ''),
    r.period.label,
    r.period.asAt,
    String(r.people.live),
    ...RETURN_OPTIONS.map((o) => `${r.people.byOption[o]} (${pct(r.people.optionShares[o])})`),
    OPTIONS.filter((o) => r.people.mixedIncludes[o] > 0)
      .map((o) => `${OPTION_SHORT[o]} ${r.people.mixedIncludes[o]}`)
      .join(', ') || '-',
    String(r.people.integrated),
  ]);
  return textTable(
    [
      ...result.by,
      'quarter',
      'as at',
      '>people',
      ...RETURN_OPTIONS.map((o) => `>${OPTION_HEADS[o]}`),
      'mixed with',
      '>integrated',
    ],
    rows,
  );
}

/** The `phb-return` figures as CSV (counts and shares, one row per group and quarter). */
export function phbReturnCsv(result: OutcomesJson): string {
  const head = [
    ...result.by,
    'period',
    'as_at',
    'people_live',
    ...RETURN_OPTIONS.map((o) => `people_option_${snake(o)}`),
    ...RETURN_OPTIONS.map((o) => `share_option_${snake(o)}`),
    ...OPTIONS.map((o) => `people_mixed_with_${snake(o)}`),
    'people_integrated',
    'budgets_live',
  ];
  const lines = [head.map(csvCell).join(',')];
  for (const r of result.rows) {
    lines.push(
      [
        ...result.by.map((d) => r.group[d] ?? ''),
        r.period.label,
        r.period.asAt,
        r.people.live,
        ...RETURN_OPTIONS.map((o) => r.people.byOption[o]),
        ...RETURN_OPTIONS.map((o) => r.people.optionShares[o]),
        ...OPTIONS.map((o) => r.people.mixedIncludes[o]),
        r.people.integrated,
        r.budgets.live,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
