/**
 * The statement tells the same story as the auditor's views, and only about its own budget.
 *
 * - Same numbers: for generated multi-budget histories, any budget and any as-of time, every
 *   figure of the statement equals the lean balances fold (`ipb balances`), the plan-line
 *   balances, the plan history and the flags, to the penny.
 * - Safe to hand over: with every free-text field and actor of the other budgets full of marker
 *   strings, no piece of a marker appears in the statement (text, HTML or JSON), from the
 *   library or from `ipb statement`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BalancesFold,
  Money,
  Replay,
  addMonths,
  STREAMS,
  budgetStatement,
  flagsOf,
  lineBalances,
  planHistory,
  statementHtml,
  statementJson,
  statementText,
  type BudgetStatement,
  type LedgerEvent,
} from 'ipb-ledger';
import { RUNS, eventsOf, historyArb } from './arbitraries.js';
import { ipb } from './cli-helpers.js';
import { BUSY, OTHER_LEAK, OTHER_MARKER, busyLedger } from './statement-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-statement-props-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A budget of the history and a time to look at it: before it all, at an event, or after. */
function pick(events: readonly LedgerEvent[], b: number, t: number): { id: string; asOf: string } {
  const ids = [...new Set(events.map((e) => e.budgetId))].sort();
  const times = [...new Set(events.map((e) => e.occurredAt))].sort();
  // Review due dates too (3, 6 and 12 months after the start, 12 after a review), on the day.
  const dues = ['2024-07-01', '2024-07-02', '2024-10-01', '2024-10-02', '2025-04-01', '2025-04-02'];
  for (const e of events) if (e.type === 'ReviewCompleted') dues.push(addMonths(e.data.reviewedOn, 12));
  const all = [
    '2000-01-01T00:00:00.000Z',
    ...times,
    ...dues.map((d) => `${d}T12:00:00.000Z`),
    '2099-12-31T23:59:59.999Z',
  ];
  return { id: ids[b % ids.length] as string, asOf: all[t % all.length] as string };
}

const s = (m: Money): string => m.toString();

describe('the statement and the auditor see the same numbers', () => {
  it('money, plan lines, spending, waiting and flags equal the projections at any as-of', () => {
    let compared = 0;
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), (h, b, t) => {
        const events = eventsOf(h);
        const { id, asOf } = pick(events, b, t);
        const st = budgetStatement(events, id, { asOf });
        const state = new Replay({ asOf }).addAll(events).state(id);
        if (state === undefined) {
          expect(st).toBeNull();
          return;
        }
        expect(st).not.toBeNull();
        const statement = st as BudgetStatement;
        compared += 1;

        // Money: the lean fold `ipb balances` runs, stream by stream.
        const bal = new BalancesFold({ asOf }).addAll(events).report(id).budgets[0];
        expect(
          statement.money.funders.map((f) => [
            f.stream,
            s(f.given),
            s(f.estimated),
            s(f.spent),
            s(f.takenBack),
            s(f.left),
          ]),
        ).toEqual(
          bal?.streams.map(([k, x]) => [
            k,
            s(x.allocated),
            s(x.indicative),
            s(x.spent),
            s(x.reclaimed),
            s(x.remaining),
          ]),
        );
        const total = (f: (x: BudgetStatement['money']['funders'][number]) => Money) =>
          s(Money.sum(statement.money.funders.map(f)));
        expect([
          s(statement.money.total.given),
          s(statement.money.total.spent),
          s(statement.money.total.left),
        ]).toEqual([total((x) => x.given), total((x) => x.spent), total((x) => x.left)]);

        // Plan lines: the plan-line balances.
        expect(
          (statement.plan?.lines ?? []).map((l) => [l.lineId, s(l.planned), s(l.spent), s(l.left)]),
        ).toEqual(
          statement.plan === null
            ? []
            : lineBalances(state).map((l) => [l.lineId, s(l.budgeted), s(l.spent), s(l.remaining)]),
        );

        // Spending: every payment and correction, newest first; per stream they add up to spent.
        const mine = events.filter((e) => e.budgetId === id && e.occurredAt <= asOf);
        const count = (type: string) => mine.filter((e) => e.type === type).length;
        const kinds = (k: string) => statement.spending.filter((r) => r.kind === k).length;
        expect(kinds('payment')).toBe(count('SpendRecorded'));
        expect(kinds('correction')).toBe(count('SpendReversed'));
        expect(kinds('not-counted')).toBe(count('OffPlanSpendFlagged'));
        const dates = statement.spending.map((r) => r.date);
        expect(dates).toEqual([...dates].sort().reverse());
        for (const stream of STREAMS) {
          const parts = statement.spending.flatMap((r) =>
            r.kind === 'not-counted' ? [] : r.parts.filter((p) => p.stream === stream).map((p) => p.amount),
          );
          const spent = statement.money.funders.find((f) => f.stream === stream)?.spent ?? Money.zero;
          expect(s(Money.sum(parts)), stream).toBe(s(spent));
        }
        for (const r of statement.spending) {
          if (r.kind !== 'not-counted') expect(s(Money.sum(r.parts.map((p) => p.amount)))).toBe(s(r.amount));
        }

        // Taken back: the reclaims listed add up to each stream's reclaimed.
        for (const f of statement.money.funders) {
          const listed = statement.waiting.reclaims.filter((r) => r.stream === f.stream).map((r) => r.amount);
          expect(s(Money.sum(listed))).toBe(s(f.takenBack));
        }

        // Waiting: the plan history's open change requests, the flags on the as-of date.
        expect(statement.waiting.changes.map((c) => c.changeRequestId).sort()).toEqual(
          [...planHistory(state).openChangeRequests].sort(),
        );
        for (const c of statement.waiting.changes) expect(c.daysWaiting).toBeGreaterThanOrEqual(0);
        const flags = flagsOf(id, state, { onDate: asOf.slice(0, 10) });
        expect(statement.waiting.review?.overdue ?? false).toBe(
          flags.some((f) => f.kind === 'review-overdue'),
        );
        // the review and the direct payment have sentences of their own; every other flag is a check
        const ownSentence = ['review-overdue', 'direct-payment-suspended', 'direct-payment-stopped'];
        expect(statement.waiting.checks).toHaveLength(
          flags.filter((f) => !ownSentence.includes(f.kind)).length,
        );
        expect(statement.waiting.directPayment.status).toBe(state.directPayment);
        expect(statement.closed !== null).toBe(state.status === 'closed');

        // Who did what: one action per event counted.
        expect(statement.actions).toHaveLength(mine.length);

        // JSON carries the same money as contract strings.
        const json = statementJson(statement);
        expect(json.money.funders.map((f) => f.left)).toEqual(statement.money.funders.map((f) => s(f.left)));
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(RUNS / 4);
  });
});

/** The events of a history with every free text and actor of budgets other than `keep` marked. */
function markOthers(events: readonly LedgerEvent[], keep: string): LedgerEvent[] {
  const FREE = [
    'payee',
    'summary',
    'personRef',
    'site',
    'evidenceRef',
    'noticeRef',
    'reference',
    'representativeId',
  ];
  return events.map((e) => {
    if (e.budgetId === keep) return e;
    const data: Record<string, unknown> = { ...(e.data as unknown as Record<string, unknown>) };
    for (const k of FREE) if (typeof data[k] === 'string') data[k] = `${OTHER_MARKER} ${String(data[k])}`;
    if (typeof data['reason'] === 'string' && e.type !== 'SurplusReclaimed')
      data['reason'] = `${OTHER_MARKER} why`;
    return {
      ...e,
      actor: { ...e.actor, id: `${e.actor.id}-${OTHER_MARKER}` },
      data,
    } as unknown as LedgerEvent;
  });
}

const leak = (text: string): string | null => {
  const m = OTHER_LEAK.exec(text);
  return m === null ? null : text.slice(Math.max(0, m.index - 40), m.index + 40);
};

describe('a statement says nothing about other budgets', () => {
  it('for generated histories, no marker from another budget appears in any format', () => {
    let checked = 0;
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), (h, b, t) => {
        const { id, asOf } = pick(eventsOf(h), b, t);
        const events = markOthers(eventsOf(h), id);
        const st = budgetStatement(events, id, { asOf });
        if (st === null) return;
        checked += 1;
        for (const text of [statementText(st), statementHtml(st), JSON.stringify(statementJson(st))])
          expect(leak(text)).toBeNull();
        // The markers are there to be found: another budget's statement shows them.
        const other = events.find((e) => e.budgetId !== id && e.occurredAt <= asOf);
        if (other !== undefined) {
          const theirs = budgetStatement(events, other.budgetId, { asOf });
          if (theirs !== null) expect(leak(statementText(theirs))).not.toBeNull();
        }
      }),
      { numRuns: RUNS },
    );
    expect(checked).toBeGreaterThan(RUNS / 4);
  });

  it('ipb statement of one budget in a log full of other budgets shows none of their text', async () => {
    const log = join(dir, 'busy.jsonl');
    writeFileSync(log, busyLedger().toLog());
    for (const format of ['text', 'html', 'json']) {
      const r = await ipb(['statement', log, '--budget', BUSY, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(3000);
      expect(leak(r.stdout), format).toBeNull();
      expect(r.stdout).toContain('Sam the personal assistant');
    }
    const theirs = await ipb(['statement', log, '--budget', 'other-1']);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(leak(theirs.stdout)).not.toBeNull();
  });
});
