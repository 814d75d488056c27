/**
 * A budget statement as one self-contained, accessible HTML file: no script, no network, one
 * `<main>` with a heading per section, tables with captions and header cells, dark text on a
 * white ground, every status said in words (never by colour alone), and print styles for A4.
 */
import type { Money } from '../money/money.js';
import { dateWords, moneyWords, type BudgetStatement, type StatementSpend } from './statement.js';
import { STATEMENT_SECTIONS, spendWords, statementIntro } from './statement-text.js';

const esc = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Column widths in per cent (the tables have a fixed layout, so long words wrap inside them). */
const cols = (widths: readonly number[]): string =>
  `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>`;

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const money = (x: Money): string => `<td class="num">${esc(moneyWords(x))}</td>`;
const whyP = (w: string | null): string =>
  w === null || w.trim() === '' ? '' : `<p class="why"><span class="label">Why:</span> ${esc(w)}</p>`;

const CSS = `
:root { color: #1b1b1b; background: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1rem; line-height: 1.5; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 2rem; }
h1 { font-size: 1.9rem; margin: 0 0 .5rem; color: #00234f; }
h2 { font-size: 1.4rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 3px solid #00234f;
  color: #00234f; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .25rem; }
p { margin: .35rem 0; max-width: 45rem; }
a { color: #004b93; }
nav ol { padding-left: 1.5rem; margin: .5rem 0 0; }
.intro { font-size: 1.05rem; }
table { width: 100%; border-collapse: collapse; margin: .75rem 0 1rem; table-layout: fixed; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .3rem .45rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; word-break: break-word; }
thead th { background: #e8edf3; }
tbody th { font-weight: 600; }
tfoot th, tfoot td { font-weight: 700; border-top: 2px solid #1b1b1b; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.correction { background: #fff3e0; }
tr.not-counted { background: #f3f3f3; }
.kind { font-weight: 700; }
.why { margin: .15rem 0 0; }
.label { font-weight: 700; }
.box { border: 2px solid #1b1b1b; border-radius: 4px; padding: .5rem .75rem; margin: .5rem 0; }
.box.attention { border-width: 4px; }
ul.plain { padding-left: 1.25rem; }
ul.parts { list-style: none; margin: 0; padding: 0; }
.nowrap { white-space: nowrap; }
footer { max-width: 52rem; margin: 0 auto; padding: 0 1rem 2rem; font-size: .9rem; }
@page { size: A4; margin: 15mm; }
@media print {
  body { font-size: 10pt; }
  table { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  footer { max-width: none; padding: 0; }
  nav { display: none; }
  h1 { font-size: 18pt; }
  h2 { font-size: 14pt; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 11pt; break-after: avoid; page-break-after: avoid; }
  caption { break-after: avoid; }
  thead { display: table-header-group; }
  tr, .box { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

function spendRow(row: StatementSpend): string {
  const kind = row.kind === 'payment' ? 'Payment' : row.kind === 'correction' ? 'Correction' : 'Not counted';
  const parts =
    row.kind === 'not-counted'
      ? 'Nothing counted'
      : `<ul class="parts">${row.parts
          .map(
            (p) =>
              `<li>${esc(capital(p.funder))}: <span class="nowrap">${esc(moneyWords(p.amount))}</span></li>`,
          )
          .join('')}</ul>`;
  return `<tr class="${row.kind}"><th scope="row">${esc(dateWords(row.date))}</th><td><span class="kind">${kind}.</span> ${esc(capital(spendWords(row).replace(/^(Correction|Not counted): /, '')))}</td>${money(row.amount)}<td>${parts}</td></tr>`;
}

/** The statement as one self-contained HTML page (A4 print styles included). */
export function statementHtml(st: BudgetStatement): string {
  const sections: string[] = [];
  const ids = ['money', 'plan', 'spending', 'waiting', 'actions', 'people'] as const;
  const h2 = (n: number, id: (typeof ids)[number]) =>
    `<h2 id="${id}">${n}. ${esc(STATEMENT_SECTIONS[id])}</h2>`;

  // 1. Money
  sections.push(
    `<section aria-labelledby="money">${h2(1, 'money')}${st.money.words.map((w) => `<p>${esc(w)}</p>`).join('')}
<table><caption>Money from each funder</caption>${cols([28, 18, 18, 18, 18])}
<thead><tr><th scope="col">Who gives the money</th><th scope="col" class="num">Given</th><th scope="col" class="num">Spent</th><th scope="col" class="num">Taken back</th><th scope="col" class="num">Left</th></tr></thead>
<tbody>${st.money.funders
      .map(
        (f) =>
          `<tr><th scope="row">${esc(capital(f.funder))}</th>${money(f.given)}${money(f.spent)}${money(f.takenBack)}${money(f.left)}</tr>`,
      )
      .join('')}</tbody>
<tfoot><tr><th scope="row">Total</th>${money(st.money.total.given)}${money(st.money.total.spent)}${money(st.money.total.takenBack)}${money(st.money.total.left)}</tr></tfoot>
</table>${
      st.money.funders.some((f) => f.estimated.isPositive())
        ? `<p>Early estimates (not counted yet): ${esc(
            st.money.funders
              .filter((f) => f.estimated.isPositive())
              .map((f) => `${f.funder} ${moneyWords(f.estimated)}`)
              .join(', '),
          )}.</p>`
        : ''
    }</section>`,
  );

  // 2. Plan
  sections.push(
    `<section aria-labelledby="plan">${h2(2, 'plan')}${
      st.plan === null
        ? '<p>You do not have an agreed plan yet.</p>'
        : `<p>${esc(st.plan.words)}</p>
<table><caption>The parts of your plan</caption>${cols([18, 37, 15, 15, 15])}
<thead><tr><th scope="col">Part of your plan</th><th scope="col">How it is paid</th><th scope="col" class="num">Planned</th><th scope="col" class="num">Spent</th><th scope="col" class="num">Left</th></tr></thead>
<tbody>${st.plan.lines
            .map(
              (l) =>
                `<tr><th scope="row">${esc(l.name)}</th><td>${esc(l.howPaid)} ${esc(l.whoPays)}</td>${money(l.planned)}${money(l.spent)}<td class="num">${
                  l.left.isNegative()
                    ? `Overspent by ${esc(moneyWords(l.left.negate()))}`
                    : esc(moneyWords(l.left))
                }</td></tr>`,
            )
            .join('')}</tbody></table>`
    }</section>`,
  );

  // 3. Spending
  sections.push(
    `<section aria-labelledby="spending">${h2(3, 'spending')}${
      st.spending.length === 0
        ? '<p>Nothing has been spent yet.</p>'
        : `<p>Newest first. A correction takes a payment off again; its amounts have a minus sign.</p>
<table><caption>Payments and corrections, newest first</caption>${cols([16, 46, 14, 24])}
<thead><tr><th scope="col">Date</th><th scope="col">What happened</th><th scope="col" class="num">Amount</th><th scope="col">Who paid</th></tr></thead>
<tbody>${st.spending.map(spendRow).join('\n')}</tbody></table>`
    }</section>`,
  );

  // 4. Waiting
  const w = st.waiting;
  const changes =
    w.changes.length === 0
      ? '<p>None are waiting.</p>'
      : `<ul class="plain">${w.changes
          .map(
            (c) =>
              `<li><p>On ${esc(dateWords(c.askedOn))} ${esc(c.askedBy.role === 'holder' ? 'you' : c.askedBy.name)} asked for this change: &ldquo;${esc(c.summary)}&rdquo;.</p><p>It has waited <strong>${c.daysWaiting} ${c.daysWaiting === 1 ? 'day' : 'days'}</strong>. ${esc(c.progress)}</p></li>`,
          )
          .join('')}</ul>`;
  const reviewBox =
    w.review === null
      ? '<p>No more reviews: the budget is closed.</p>'
      : `<div class="box${w.review.overdue ? ' attention' : ''}"><p>${w.review.overdue ? '<strong>Overdue.</strong> ' : ''}${esc(w.review.words)}</p><p>${esc(w.review.rule)}</p></div>`;
  const reclaims =
    w.reclaims.length === 0
      ? '<p>None.</p>'
      : w.reclaims
          .map(
            (r) =>
              `<div class="box"><p>On ${esc(dateWords(r.date))} ${esc(r.funder)} took back <strong>${esc(moneyWords(r.amount))}</strong>. ${esc(r.why)}</p><p><span class="label">Notice number:</span> ${esc(r.noticeRef)}</p><p>${esc(r.howToAsk)}</p></div>`,
          )
          .join('');
  sections.push(
    `<section aria-labelledby="waiting">${h2(4, 'waiting')}
<h3>Changes you asked for</h3>${changes}
<h3>Your review</h3>${reviewBox}
<h3>Money taken back</h3>${reclaims}
<h3>Direct payments</h3><p>${w.directPayment.status === 'active' ? '' : `<strong>${w.directPayment.status === 'suspended' ? 'Paused' : 'Stopped'}.</strong> `}${esc(w.directPayment.words)}</p>${whyP(w.directPayment.why)}${
      w.checks.length === 0
        ? ''
        : `<h3>Other things to check</h3><ul class="plain">${w.checks.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`
    }</section>`,
  );

  // 5. Actions
  sections.push(
    `<section aria-labelledby="actions">${h2(5, 'actions')}
<table><caption>Everything done on your budget, newest first</caption>${cols([17, 25, 58])}
<thead><tr><th scope="col">Date</th><th scope="col">Who</th><th scope="col">What they did</th></tr></thead>
<tbody>${st.actions
      .map(
        (a) =>
          `<tr><th scope="row">${esc(dateWords(a.date))}</th><td>${esc(a.who.name)}</td><td>${esc(a.what)}${whyP(a.why)}</td></tr>`,
      )
      .join('\n')}</tbody></table></section>`,
  );

  // 6. People
  sections.push(
    `<section aria-labelledby="people">${h2(6, 'people')}
<p>If you have a question, ask the person who did the thing you are asking about.</p>
<table><caption>People who worked on your budget</caption>${cols([25, 20, 55])}
<thead><tr><th scope="col">Who</th><th scope="col">Their role</th><th scope="col">Last thing they did</th></tr></thead>
<tbody>${st.people
      .map(
        (p) =>
          `<tr><th scope="row">${esc(p.role === 'holder' ? 'You' : p.id)}</th><td>${esc(p.roleWords)}</td><td>${esc(dateWords(p.lastDate))}: ${esc(p.lastAction)}</td></tr>`,
      )
      .join('\n')}</tbody></table></section>`,
  );

  const title = `Budget statement for ${st.budgetId}, up to ${dateWords(st.asOfDate)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Your budget statement</h1>
<div class="intro">${statementIntro(st)
    .map((l) => `<p>${esc(l)}</p>`)
    .join('')}</div>
<nav aria-label="Sections of this statement"><ol>${ids
    .map((id) => `<li><a href="#${id}">${esc(STATEMENT_SECTIONS[id])}</a></li>`)
    .join('')}</ol></nav>
${sections.join('\n')}
</main>
<footer><p>This statement was made from the records of your budget, up to ${esc(dateWords(st.asOfDate))}. The figures are the same ones the auditors see.</p></footer>
</body>
</html>
`;
}
