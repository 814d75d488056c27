/**
 * The budget statement: Karl's and a busy budget's statements say the right things in plain
 * words (no event names, no codes, a low reading grade), every section has what the issue
 * asks for, and `ipb statement` prints the same statement the library builds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  COHORTS,
  EVENT_TYPES,
  OPTIONS,
  RECLAIM_REASONS,
  Money,
  StatementFold,
  balances,
  budgetStatement,
  spendWords,
  statementHtml,
  statementJson,
  statementText,
  type BudgetStatement,
} from 'ipb-ledger';
import { KARL, karlLedger } from '../examples/karl.js';
import { statementFor } from '../docs/snippets/statement.js';
import { hasStackTrace, ipb } from './cli-helpers.js';
import { BUSY, busyLedger } from './statement-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-statement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const karlEvents = karlLedger().events();
const karl = budgetStatement(karlEvents, KARL) as BudgetStatement;
const busyEvents = busyLedger().events();
const busy = budgetStatement(busyEvents, BUSY, { asOf: '2024-09-01T23:59:59.999Z' }) as BudgetStatement;

/** The visible text of an HTML page, roughly (tags dropped, entities of the escaper undone). */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&[a-z]+;/g, ' ');
}

/** Every sentence the library itself writes into a statement (staff's free text left out). */
function ownSentences(st: BudgetStatement): string[] {
  const out = [...st.money.words];
  if (st.plan !== null) {
    out.push(st.plan.words);
    for (const l of st.plan.lines) out.push(l.howPaid, l.whoPays);
  }
  // payees and reasons are the staff's words, not the library's
  for (const row of st.spending)
    out.push(spendWords({ ...row, paidTo: 'Sam', ...('why' in row ? { why: '' } : {}) }));
  for (const c of st.waiting.changes) out.push(c.progress);
  if (st.waiting.review !== null) out.push(st.waiting.review.words, st.waiting.review.rule);
  for (const r of st.waiting.reclaims) out.push(r.why, r.howToAsk);
  out.push(st.waiting.directPayment.words, ...st.waiting.checks);
  for (const a of st.actions) out.push(a.what.replace(/ to [^.]*\./, ' to Sam.'));
  return out;
}

/** Flesch-Kincaid grade of sentences; money amounts and dates count as one short word each. */
function grade(sentences: readonly string[]): number {
  const text = sentences
    .join(' ')
    .replace(/-?£[0-9,]+\.[0-9]{2}/g, 'cash')
    .replace(/\b[0-9]{1,2} [A-Z][a-z]+ [0-9]{4}\b/g, 'then')
    .replace(/"[^"]*"/g, 'it');
  const sentenceCount = text.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== '').length;
  const words = text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w));
  const syllables = words.reduce(
    (n, w) => n + Math.max(1, syllable(w.replace(/[^A-Za-z']/g, '') || 'one')),
    0,
  );
  return fleschKincaid({ sentence: sentenceCount, word: words.length, syllable: syllables });
}

describe("Karl's statement", () => {
  it('money from each funder and what is left equal the balances', () => {
    const b = balances(karlEvents, {}, KARL).budgets[0];
    expect(karl.money.funders.map((f) => [f.stream, f.given.toString(), f.left.toString()])).toEqual(
      b?.streams.map(([s, x]) => [s, x.allocated.toString(), x.remaining.toString()]),
    );
    expect(karl.money.total.given.toString()).toBe('30000.00');
    expect(karl.money.total.spent.toString()).toBe('4103.34');
    expect(karl.money.total.left.toString()).toBe('25896.66');
    expect(karl.money.words).toEqual([
      'Your budget has £30,000.00 this year.',
      'The NHS gives £15,000.00.',
      'The council gives £15,000.00.',
      'So far £4,103.34 has been spent.',
      '£25,896.66 is left.',
    ]);
  });

  it('each plan line says what it is for, how it is paid and planned, spent, left', () => {
    expect(karl.plan?.version).toBe(2);
    expect(
      karl.plan?.lines.map((l) => [
        l.name,
        l.howPaid,
        l.whoPays,
        l.planned.toString(),
        l.spent.toString(),
        l.left.toString(),
      ]),
    ).toEqual([
      [
        'Personal assistant',
        'The money is paid into your account. You pay for it.',
        'Shared by the NHS and the council, half each.',
        '22000.00',
        '3333.34',
        '18666.66',
      ],
      ['Therapy', 'The NHS pays the provider for you.', 'Paid by the NHS.', '4000.00', '320.00', '3680.00'],
      [
        'Short breaks',
        'An organisation looks after the money and pays for it.',
        'Shared by the NHS (1 part in 4) and the council (3 parts in 4).',
        '2000.00',
        '450.00',
        '1550.00',
      ],
    ]);
  });

  it('spending is newest first, with payee and split, and the reversal is a correction', () => {
    expect(karl.spending.map((r) => [r.kind, r.date, r.amount.toString()])).toEqual([
      ['payment', '2018-07-01', '450.00'],
      ['payment', '2018-06-30', '1833.33'],
      ['correction', '2018-05-21', '-240.00'],
      ['payment', '2018-05-19', '240.00'],
      ['payment', '2018-05-08', '320.00'],
      ['payment', '2018-04-30', '1500.01'],
    ]);
    const first = karl.spending[5];
    expect(first?.kind === 'payment' ? first.parts.map((p) => [p.funder, p.amount.toString()]) : []).toEqual([
      ['the NHS', '750.01'],
      ['the council', '750.00'],
    ]);
    const correction = karl.spending[2];
    expect(correction?.kind).toBe('correction');
    expect(spendWords(correction as BudgetStatement['spending'][number])).toBe(
      'Correction: the payment of £240.00 to Newark day centre on 19 May 2018 was taken off. Why: entered twice; the centre refunded the session',
    );
    const corrected = karl.spending[3];
    expect(corrected?.kind === 'payment' ? corrected.correctedOn : null).toBe('2018-05-21');
  });

  it('says what is waiting: nothing, and the next review', () => {
    expect(karl.waiting.changes).toEqual([]);
    expect(karl.waiting.review?.words).toBe('Your next review is due by 2 July 2019.');
    expect(karl.waiting.reclaims).toEqual([]);
    expect(karl.waiting.directPayment.status).toBe('active');
    expect(karl.waiting.checks).toEqual([]);
  });

  it('says who did what, in their role, newest first', () => {
    expect(karl.actions.length).toBe(karlEvents.length);
    expect(karl.actions[0]).toMatchObject({
      date: '2018-07-02',
      who: { id: 'coord-notts-07', roleWords: 'care coordinator' },
    });
    const roles = Object.fromEntries(karl.people.map((p) => [p.id, p.roleWords]));
    expect(roles).toEqual({
      'coord-notts-07': 'care coordinator',
      'rep-helen': 'your representative',
      'icb-notts-finance': 'finance officer',
      'ncc-commissioner-3': 'commissioner',
      'person-karl': 'you',
    });
    expect(karl.people.find((p) => p.id === 'rep-helen')?.lastDate).toBe('2018-06-30');
  });

  it('as of an earlier date shows only what had happened by then', () => {
    const may = budgetStatement(karlEvents, KARL, { asOf: '2018-05-20T23:59:59.999Z' }) as BudgetStatement;
    expect(may.asOfDate).toBe('2018-05-20');
    expect(may.plan?.version).toBe(1);
    expect(may.spending.map((r) => r.kind)).toEqual(['payment', 'payment', 'payment']);
    expect(may.money.total.spent.toString()).toBe('2060.01');
    expect(budgetStatement(karlEvents, KARL, { asOf: '2018-04-01T00:00:00.000Z' })).toBeNull();
    expect(budgetStatement(karlEvents, 'no-such-budget')).toBeNull();
  });
});

describe('a busy budget', () => {
  it('has four funders, the contribution and the early estimate', () => {
    expect(busy.money.funders.map((f) => f.funder)).toEqual([
      'the NHS',
      'the council',
      'education',
      'you (your own share)',
    ]);
    expect(busy.money.total.takenBack.toString()).toBe('400.00');
    expect(busy.money.contributionAssessed?.toString()).toBe('300.00');
    expect(busy.money.funders[2]?.estimated.toString()).toBe('250.00');
  });

  it('numbers two lines of the same kind and says how each is paid', () => {
    expect(busy.plan?.lines.map((l) => l.name)).toEqual([
      'Personal assistant',
      'Other support',
      'Therapy 1',
      'Therapy 2',
    ]);
    expect(busy.plan?.lines[1]?.howPaid).toBe(
      'The money is paid into an account a provider runs for you. They pay for it.',
    );
    expect(busy.plan?.lines[3]?.whoPays).toBe(
      'Shared by the NHS, the council and education, in equal parts.',
    );
    expect(busy.plan?.lines[2]?.left.toString()).toBe('-50.00');
  });

  it('lists the unanswered changes with how long they waited and what happened to them', () => {
    expect(busy.waiting.changes.map((c) => [c.summary, c.askedOn, c.daysWaiting, c.progress])).toEqual([
      ['Swimming lessons twice a week', '2024-05-02', 122, 'No new plan has been suggested yet.'],
      [
        'A different tutor',
        '2024-05-03',
        121,
        'A new plan (version 2) was suggested but turned down. A new one is needed.',
      ],
    ]);
  });

  it('says the review is overdue, then not overdue on an earlier date', () => {
    expect(busy.waiting.review).toMatchObject({ dueOn: '2024-07-01', overdue: true });
    expect(busy.waiting.review?.words).toContain('Your review is overdue.');
    const june = budgetStatement(busyEvents, BUSY, { asOf: '2024-06-30T12:00:00.000Z' }) as BudgetStatement;
    expect(june.waiting.review).toMatchObject({ dueOn: '2024-07-01', overdue: false });
  });

  it('gives the reclaim with its notice and how to ask for reconsideration', () => {
    expect(busy.waiting.reclaims).toHaveLength(1);
    const r = busy.waiting.reclaims[0];
    expect(r?.noticeRef).toBe('RN-2024-17');
    expect(r?.why).toBe('There was more money in your account than you needed.');
    expect(r?.howToAsk).toContain('reconsideration');
    expect(r?.howToAsk).toContain('fin-lee (finance officer)');
    expect(r?.howToAsk).toContain('RN-2024-17');
  });

  it('gives the suspension and its reason', () => {
    expect(busy.waiting.directPayment).toMatchObject({
      status: 'suspended',
      since: '2024-06-01',
      why: 'Bank statements not sent for 2 months',
    });
  });

  it('lists the overspend, the payment not counted and the surplus as things to check', () => {
    expect(busy.waiting.checks).toHaveLength(3);
    expect(busy.waiting.checks[0]).toContain('"Therapy 1"');
    expect(busy.spending[0]).toMatchObject({ kind: 'not-counted', paidTo: 'Leisure centre' });
  });
});

describe('plain words', () => {
  const codes = [
    ...EVENT_TYPES,
    ...OPTIONS.filter((o) => o !== 'notional'),
    'notional',
    ...CATEGORIES.filter((c) => c.includes('-')),
    ...RECLAIM_REASONS.filter((r) => r.includes('-')),
    ...COHORTS,
    'social-care',
    'indicative',
    'allocated',
    'pa-support',
    'day-activities',
    'sp-0001',
    'karl-cmd',
    'cr-1',
    'cr-a',
    'ot-2',
    'undefined',
    'null',
    'NaN',
    '[object',
  ];
  const escape = (x: string) => x.replace(/[.*+?^$()|[\]\\{}]/g, (c) => `\\${c}`);
  const hasCode = (text: string, code: string) =>
    new RegExp(`(^|[^A-Za-z-])${escape(code)}($|[^A-Za-z-])`).test(text);
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
  it.each([
    ['Karl, text', statementText(karl)],
    ['Karl, HTML', visibleText(statementHtml(karl))],
    ['busy, text', statementText(busy)],
    ['busy, HTML', visibleText(statementHtml(busy))],
  ])('%s has no event names, codes or ids', (_, text) => {
    for (const code of codes) expect(hasCode(text, code), code).toBe(false);
    expect(text).not.toMatch(uuid);
    expect(text.length).toBeGreaterThan(2000);
  });

  it('the code check finds a code when there is one', () => {
    const text = statementText(karl).replace('Personal assistant', 'personal-assistant');
    expect(codes.some((c) => hasCode(text, c))).toBe(true);
  });

  it('reads at a reading age of about 9 to 11 (Flesch-Kincaid grade 6 or lower)', () => {
    const karlGrade = grade(ownSentences(karl));
    const busyGrade = grade(ownSentences(busy));
    expect(karlGrade).toBeLessThanOrEqual(6);
    expect(busyGrade).toBeLessThanOrEqual(6);
    // The measure can fail: officialese scores far higher.
    expect(
      grade([
        'The reconsideration of the reclaimed surplus is undertaken by the commissioning organisation in accordance with applicable regulations.',
      ]),
    ).toBeGreaterThan(12);
  });
});

describe('the fold and the JSON', () => {
  it('StatementFold over a log gives the same statement as budgetStatement', () => {
    const fold = new StatementFold(KARL, { asOf: '2018-06-30T23:59:59.999Z' });
    for (const e of karlEvents) fold.add(e);
    expect(fold.statement()).toEqual(budgetStatement(karlEvents, KARL, { asOf: '2018-06-30T23:59:59.999Z' }));
  });

  it('JSON has money as contract strings and round-trips through JSON text', () => {
    const json = statementJson(karl);
    expect(json.money.total.left).toBe('25896.66');
    expect(json.spending[2]?.amount).toBe('-240.00');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(JSON.stringify(json)).not.toMatch(/"pence"|\{\}/);
    expect(
      Money.of(json.money.funders[0]?.left ?? '').equals(karl.money.funders[0]?.left ?? Money.zero),
    ).toBe(true);
  });
});

describe('docs/snippets/statement.ts', () => {
  it('builds the text and HTML as of a day, and refuses a day before the budget', () => {
    const r = statementFor(karlEvents, KARL, '2018-05-31');
    expect(r.left).toBe('28179.99'); // 30,000.00 less 1,500.01 and 320.00 (the 240.00 was taken off)
    expect(r.text).toContain('It shows everything up to 31 May 2018.');
    expect(r.html).toContain('<h1>Your budget statement</h1>');
    expect(() => statementFor(karlEvents, KARL, '2018-03-01')).toThrow(
      'no budget notts-karl-2018 by 2018-03-01',
    );
  });
});

describe('ipb statement', () => {
  const log = 'examples/logs/karl.jsonl';
  it('prints the text statement the library builds', async () => {
    const r = await ipb(['statement', log, '--budget', KARL]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(statementText(karl));
  });

  it('prints JSON, and HTML to a file with --out, as of a date', async () => {
    const asOf = '2018-05-31';
    const want = budgetStatement(karlEvents, KARL, { asOf: `${asOf}T23:59:59.999Z` }) as BudgetStatement;
    const j = await ipb(['statement', log, '--budget', KARL, '--as-of', asOf, '--format', 'json']);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual(statementJson(want));
    const out = join(dir, 'karl.html');
    const h = await ipb([
      'statement',
      log,
      '--budget',
      KARL,
      '--as-of',
      asOf,
      '--format',
      'html',
      '--out',
      out,
    ]);
    expect(h.code, h.stderr).toBe(0);
    expect(h.stderr).toBe(`wrote ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(statementHtml(want));
  });

  it('refuses what it cannot do, with a message and the right exit code, never a stack', async () => {
    const busyLog = join(dir, 'busy.jsonl');
    writeFileSync(busyLog, busyLedger().toLog());
    const cases: [string[], number, RegExp][] = [
      [['statement', log, '--budget', 'nobody'], 1, /no budget "nobody" in/],
      [['statement', log, '--budget', KARL, '--as-of', '2018-01-01'], 1, /by the times given/],
      [['statement', log], 2, /required option '--budget <id>' not specified/],
      [['statement', log, '--budget', KARL, '--as-of', '2018-02-30'], 2, /--as-of/],
      [['statement', log, '--budget', KARL, '--format', 'pdf'], 2, /Allowed choices are text, html, json/],
      [['statement', join(dir, 'missing.jsonl'), '--budget', KARL], 2, /no such file/],
      [['statement', log, '--budget', KARL, '--out', dir], 2, /cannot write/],
      [['statement', busyLog, '--budget', BUSY, '--surplus-weeks', '0'], 2, /whole number >= 1/],
    ];
    for (const [args, code, message] of cases) {
      const r = await ipb(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('--help shows the exit codes and an example', async () => {
    const r = await ipb(['statement', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain('$ ipb statement examples/logs/karl.jsonl --budget notts-karl-2018');
  });
});
