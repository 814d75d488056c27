/**
 * A budget statement as plain text for the terminal (what `ipb statement` prints by default):
 * the same sections, sentences and figures as the HTML, in short lines and small tables.
 */
import type { Money } from '../money/money.js';
import {
  dateWords,
  moneyWords,
  type BudgetStatement,
  type StatementPart,
  type StatementSpend,
} from './statement.js';
import { capital } from './statement-words.js';
import { textTable } from './text.js';

const why = (w: string | null): string => (w === null || w.trim() === '' ? '' : ` Why: ${w}`);

/** Section titles, shared by the text and HTML statements. */
export const STATEMENT_SECTIONS = {
  money: 'Your money',
  plan: 'Your plan',
  spending: 'Your spending',
  waiting: 'What is waiting',
  actions: 'Who did what',
  people: 'Who to ask',
} as const;

/** The heading lines of a statement: whose budget, which year, up to when. */
export function statementIntro(st: BudgetStatement): string[] {
  const out = [
    `This statement is for budget ${st.budgetId}.`,
    `The budget year is ${dateWords(st.periodStart)} to ${dateWords(st.periodEnd)}.`,
    `It shows everything up to ${dateWords(st.asOfDate)}.`,
  ];
  if (st.knownAt !== null)
    out.push(`It uses only what was written down by ${dateWords(st.knownAt.slice(0, 10))}.`);
  if (st.closed !== null) {
    out.push(
      `This budget was closed on ${dateWords(st.closed.on)} by ${st.closed.by.name}.${why(st.closed.why)}`,
    );
  }
  return out;
}

/** One sentence per spending row (the HTML shows the same words). */
export function spendWords(row: StatementSpend): string {
  switch (row.kind) {
    case 'payment':
      return `Paid ${moneyWords(row.amount)} to ${row.paidTo} for ${row.forWhat}.${
        row.correctedOn === null
          ? ''
          : ` This was taken off on ${dateWords(row.correctedOn)} (see the correction).`
      }`;
    case 'correction':
      return `Correction: the payment of ${moneyWords(row.amount.negate())} to ${row.paidTo} on ${dateWords(row.paymentDate)} was taken off.${why(row.why)}`;
    case 'not-counted':
      return `Not counted: a payment of ${moneyWords(row.amount)} to ${row.paidTo}. ${row.why} Someone will check it.`;
  }
}

/** "the NHS £750.01, the council £750.00" */
export function partsWords(parts: readonly StatementPart[]): string {
  return parts.map((p) => `${p.funder} ${moneyWords(p.amount)}`).join(', ');
}

const m = (x: Money): string => moneyWords(x);

/** The statement as plain text. */
export function statementText(st: BudgetStatement): string {
  const out: string[] = ['YOUR BUDGET STATEMENT', '', ...statementIntro(st), ''];
  const section = (n: number, title: string) => out.push(`${n}. ${title.toUpperCase()}`, '');

  section(1, STATEMENT_SECTIONS.money);
  out.push(...st.money.words, '');
  out.push(
    textTable(
      ['Who gives the money', '>Given', '>Spent', '>Taken back', '>Left'],
      [
        ...st.money.funders.map((f) => [
          capital(f.funder),
          m(f.given),
          m(f.spent),
          m(f.takenBack),
          m(f.left),
        ]),
        [
          'Total',
          m(st.money.total.given),
          m(st.money.total.spent),
          m(st.money.total.takenBack),
          m(st.money.total.left),
        ],
      ],
    ),
    '',
  );
  const estimates = st.money.funders.filter((f) => f.estimated.isPositive());
  if (estimates.length > 0) {
    out.push(
      `Early estimates (not counted yet): ${estimates.map((f) => `${f.funder} ${m(f.estimated)}`).join(', ')}.`,
      '',
    );
  }

  section(2, STATEMENT_SECTIONS.plan);
  if (st.plan === null) out.push('You do not have an agreed plan yet.', '');
  else {
    out.push(st.plan.words, '');
    for (const l of st.plan.lines) {
      out.push(
        l.name,
        `  ${l.howPaid}`,
        `  ${l.whoPays}`,
        `  Planned ${m(l.planned)}. Spent ${m(l.spent)}. ${
          l.left.isNegative() ? `Overspent by ${m(l.left.negate())}.` : `Left ${m(l.left)}.`
        }`,
        '',
      );
    }
  }

  section(3, `${STATEMENT_SECTIONS.spending}, newest first`);
  if (st.spending.length === 0) out.push('Nothing has been spent yet.', '');
  for (const row of st.spending) {
    out.push(`${dateWords(row.date)}: ${spendWords(row)}`);
    if (row.kind !== 'not-counted') out.push(`  Shared: ${partsWords(row.parts)}.`);
    out.push('');
  }

  section(4, STATEMENT_SECTIONS.waiting);
  const w = st.waiting;
  out.push('Changes you asked for:');
  if (w.changes.length === 0) out.push('  None are waiting.');
  for (const c of w.changes) {
    out.push(
      `  On ${dateWords(c.askedOn)} ${c.askedBy.role === 'holder' ? 'you' : c.askedBy.name} asked for this change: "${c.summary}".`,
      `  It has waited ${c.daysWaiting} ${c.daysWaiting === 1 ? 'day' : 'days'}. ${c.progress}`,
    );
  }
  out.push(
    '',
    'Your review:',
    `  ${w.review === null ? 'No more reviews: the budget is closed.' : w.review.words}`,
  );
  if (w.review !== null) out.push(`  ${w.review.rule}`);
  out.push('', 'Money taken back:');
  if (w.reclaims.length === 0) out.push('  None.');
  for (const r of w.reclaims) {
    out.push(
      `  On ${dateWords(r.date)} ${r.funder} took back ${m(r.amount)}. ${r.why}`,
      `  Notice number: ${r.noticeRef}. ${r.howToAsk}`,
    );
  }
  out.push('', 'Direct payments:', `  ${w.directPayment.words}${why(w.directPayment.why)}`);
  if (w.checks.length > 0) {
    out.push('', 'Other things to check:');
    for (const c of w.checks) out.push(`  ${c}`);
  }
  out.push('');

  section(5, `${STATEMENT_SECTIONS.actions}, newest first`);
  for (const a of st.actions) out.push(`${dateWords(a.date)}, ${a.who.name}:`, `  ${a.what}${why(a.why)}`);
  out.push('');

  section(6, STATEMENT_SECTIONS.people);
  for (const p of st.people) {
    out.push(
      p.role === 'holder' ? 'You' : `${p.id}, ${p.roleWords}`,
      `  Last thing ${p.role === 'holder' ? 'you' : 'they'} did, on ${dateWords(p.lastDate)}: ${p.lastAction}`,
    );
  }
  return `${out.join('\n')}\n`;
}
