/**
 * Outcomes of the events the money rules added (issue 12): declined change requests, reclaims
 * reconsidered (money back to the stream), plans agreed in the person's best interests,
 * overspends explained and exceptions approved, contingencies held and returned. Every figure
 * is worked out again here straight from the events (by the month of `occurredAt`), and the
 * money is checked against the contract balances.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Ledger,
  Money,
  balances,
  factsOfEvents,
  factsToJson,
  logText,
  mergeFacts,
  outcomeCells,
  outcomesCsv,
  outcomesJson,
  pseudonymiseEvents,
  readLogsForOutcomes,
  sealEvents,
  type Command,
  type LedgerEvent,
  type OutcomeRowJson,
  type PendingEvent,
} from 'ipb-ledger';
import { actors, c, cmd } from './spec.js';

/** The command at a given time (each later than the one before). */
const at = (command: Command, time: string): Command => ({
  ...command,
  occurredAt: `${time}:00.000Z`,
  recordedAt: `${time}:00.000Z`,
});

const commands: Command[] = [
  at(c.open(), '2025-04-01T09:00'),
  at(c.allocate('health', '500.00'), '2025-04-01T09:10'),
  at(c.allocate('social-care', '500.00'), '2025-04-01T09:20'),
  at(c.plan(), '2025-04-01T09:30'),
  at(c.agree(), '2025-04-01T09:40'),
  at(c.pay('health', '100.00'), '2025-04-03T10:00'),
  at(c.pay('social-care', '50.00'), '2025-04-03T10:05'),
  at(c.reclaim('health', '80.00', 'N-1'), '2025-04-20T10:00'),
  at(c.reclaim('social-care', '15.00', 'N-2', 'plan-change'), '2025-04-21T10:00'),
  at(
    cmd('RequestChange', actors.holder, { changeRequestId: 'cr-1', summary: 'more hours' }),
    '2025-04-25T10:00',
  ),
  at(
    cmd('RequestReconsideration', actors.holder, { noticeRef: 'N-1', reason: 'respite booked' }),
    '2025-05-02T10:00',
  ),
  at(
    cmd('AnswerReconsideration', actors.finance, {
      noticeRef: 'N-1',
      outcome: 'reduced',
      returned: Money.of('30.00'),
      reason: 'respite invoices seen',
    }),
    '2025-05-09T10:00',
  ),
  at(
    cmd('RequestReconsideration', actors.holder, { noticeRef: 'N-2', reason: 'plan not changed' }),
    '2025-05-10T10:00',
  ),
  at(
    cmd('DeclineChangeRequest', actors.coordinator, {
      changeRequestId: 'cr-1',
      reason: 'no change in assessed need',
    }),
    '2025-05-12T10:00',
  ),
  at(c.spend('s1', 'pa', '1100.00'), '2025-05-13T10:00'),
  at(
    cmd('ExplainOverspend', actors.coordinator, { lineId: 'pa', reason: 'extra care after a fall' }),
    '2025-05-14T10:00',
  ),
  at(
    cmd('ApproveOverspendException', actors.commissioner, { lineId: 'pa', reason: 'approved at panel' }),
    '2025-05-15T10:00',
  ),
  at(
    cmd('ExplainOverspend', actors.coordinator, { stream: 'health', reason: 'the same fall' }),
    '2025-05-16T10:00',
  ),
  at(
    cmd('HoldContingency', actors.commissioner, {
      contingencyId: 'k-1',
      stream: 'health',
      amount: Money.of('100.00'),
      reason: 'winter pressures',
    }),
    '2025-05-20T10:00',
  ),
  at(c.plan(2), '2025-06-01T10:00'),
  at(
    cmd('AgreePlanInBestInterests', actors.coordinator, {
      planVersion: 2,
      agreedOn: '2025-06-02',
      bestInterestsReason: 'lacks capacity to agree; family consulted',
    }),
    '2025-06-02T10:00',
  ),
  at(
    cmd('AnswerReconsideration', actors.finance, {
      noticeRef: 'N-2',
      outcome: 'upheld',
      returned: Money.of('0.00'),
      reason: 'the plan did change',
    }),
    '2025-06-11T10:00',
  ),
  at(
    cmd('ReturnContingency', actors.finance, {
      contingencyId: 'k-1',
      amount: Money.of('60.00'),
      reason: 'not needed',
    }),
    '2025-06-20T10:00',
  ),
];
// A problem in the fixture (a command refused) stops the file here, with the refusal.
const ledger = new Ledger();
for (const command of commands) ledger.recordOrThrow(command);
const events: LedgerEvent[] = [...ledger.events()];

function rowsOf(evs: readonly LedgerEvent[]): readonly OutcomeRowJson[] {
  const facts = factsOfEvents(evs);
  return outcomesJson(outcomeCells(facts, { period: 'month' }), [], 'month', facts.latest).rows;
}

const month = (e: PendingEvent): string => e.occurredAt.slice(0, 7);
const of = <T extends PendingEvent['type']>(type: T, m: string) =>
  events.filter((e): e is Extract<LedgerEvent, { type: T }> => e.type === type && month(e) === m);
const pounds = (xs: readonly Money[]): string => Money.sum(xs).toString();

describe('outcomes of the events the money rules added', () => {
  const rows = rowsOf(events);

  it('has one row per month from April to June, every new event counted in its month', () => {
    expect(rows.map((r) => r.period.start.slice(0, 7))).toEqual(['2025-04', '2025-05', '2025-06']);
    const totals = { agreed: 0, declined: 0, explained: 0, contingencies: 0, reconsidered: 0 };
    for (const r of rows) {
      const m = r.period.start.slice(0, 7);
      const agreed = of('PlanAgreed', m);
      expect(r.plansAgreed, m).toEqual({
        byPerson: agreed.filter((e) => e.data.bestInterestsReason === undefined).length,
        inBestInterests: agreed.filter((e) => e.data.bestInterestsReason !== undefined).length,
      });
      expect(r.overspends, m).toEqual({
        explained: of('OverspendExplained', m).length,
        exceptionsApproved: of('OverspendExceptionApproved', m).length,
      });
      const answers = of('ReclaimReconsidered', m);
      expect(r.reconsiderations, m).toEqual({
        answered: answers.length,
        returned: pounds(answers.map((e) => e.data.returned)),
      });
      const held = of('ContingencyHeld', m);
      const back = of('ContingencyReturned', m);
      expect(r.contingencies, m).toEqual({
        held: held.length,
        heldAmount: pounds(held.map((e) => e.data.amount)),
        returned: back.length,
        returnedAmount: pounds(back.map((e) => e.data.amount)),
      });
      expect(r.requests.declined, m).toBe(of('ChangeRequestDeclined', m).length);
      totals.agreed += r.plansAgreed.byPerson + r.plansAgreed.inBestInterests;
      totals.declined += r.requests.declined;
      totals.explained += r.overspends.explained + r.overspends.exceptionsApproved;
      totals.contingencies += r.contingencies.held + r.contingencies.returned;
      totals.reconsidered += r.reconsiderations.answered;
    }
    // Every event of these types in the log is counted once (none is lost between months).
    expect(totals).toEqual({ agreed: 2, declined: 1, explained: 3, contingencies: 2, reconsidered: 2 });
  });

  it('a declined request is decided: it no longer waits', () => {
    const may = rows[1];
    expect(may?.requests).toMatchObject({ received: 0, declined: 1, agreed: 0, pendingAtEnd: 0 });
    expect(rows[0]?.requests).toMatchObject({ received: 1, pendingAtEnd: 1 });
    expect(may?.requestToDecision.count).toBe(1);
  });

  it('money given back on reconsideration is no longer reclaimed, as in the contract balances; contingencies move no budget money', () => {
    const b = balances(events);
    for (const stream of ['health', 'social-care'] as const) {
      const want = (k: 'allocated' | 'spent' | 'reclaimed' | 'remaining') =>
        Money.sum(b.budgets.flatMap((x) => x.streams.filter(([s]) => s === stream).map(([, v]) => v[k])));
      const sumOfRows = Money.sum(rows.map((r) => Money.of(r.money[stream].reclaimed)));
      expect(sumOfRows.toString(), stream).toBe(want('reclaimed').toString());
      const last = rows[rows.length - 1];
      expect(last?.money[stream].reclaimedToDate, stream).toBe(want('reclaimed').toString());
      expect(last?.money[stream].remaining, stream).toBe(want('remaining').toString());
    }
    // 80.00 reclaimed in April, 30.00 of it back in May: May's health reclaimed is -30.00.
    expect(rows.map((r) => r.money.health.reclaimed)).toEqual(['80.00', '-30.00', '0.00']);
    // The reclaims by reason keep what was reclaimed; the answers say what went back.
    expect(rows[0]?.reclaimsByReason['surplus']).toEqual({ count: 1, amount: '80.00' });
    const withoutContingencies = events.filter(
      (e) => e.type !== 'ContingencyHeld' && e.type !== 'ContingencyReturned',
    );
    expect(rowsOf(withoutContingencies).map((r) => r.money)).toEqual(rows.map((r) => r.money));
  });

  it('the CSV carries the new columns with the JSON figures', () => {
    const csv = outcomesCsv(
      outcomesJson(outcomeCells(factsOfEvents(events), { period: 'month' }), [], 'month', '2025-06-30'),
    );
    const [header, ...lines] = csv
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    const may = lines[1] ?? [];
    const col = (name: string) => may[(header ?? []).indexOf(name)];
    expect(col('plans_agreed_by_person')).toBe('0');
    expect(col('overspends_explained')).toBe('2');
    expect(col('overspend_exceptions_approved')).toBe('1');
    expect(col('reconsiderations_answered')).toBe('1');
    expect(col('reconsiderations_returned')).toBe('30.00');
    expect(col('contingencies_held')).toBe('1');
    expect(col('contingencies_held_amount')).toBe('100.00');
    expect(col('contingencies_returned_amount')).toBe('0.00');
    expect(col('requests_declined')).toBe('1');
    expect(header?.length).toBe(may.length);
  });

  it('the facts merge, cross worker threads and survive a pseudonymised release unchanged', async () => {
    const whole = JSON.stringify(factsToJson(factsOfEvents(events)));
    for (let cut = 0; cut <= events.length; cut += 3) {
      const merged = mergeFacts(factsOfEvents(events.slice(0, cut)), factsOfEvents(events.slice(cut)));
      expect(JSON.stringify(factsToJson(merged)), `cut at ${cut}`).toBe(whole);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ipb-money-outcomes-'));
    try {
      const path = join(dir, 'log.jsonl');
      writeFileSync(path, logText(events));
      const read = await readLogsForOutcomes([path], { workers: 2, ranges: 4, minRangeBytes: 1 });
      expect(read.firstProblem).toBeNull();
      expect(JSON.stringify(factsToJson(read.facts))).toBe(whole);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const key = Buffer.from('money-rules-outcomes-release-key-0123456789', 'utf8');
    // One budget: its released events sealed in order are the release's log.
    const release = sealEvents(pseudonymiseEvents(events, key));
    expect(release.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(JSON.stringify(rowsOf(release))).toBe(JSON.stringify(rows));
  });
});
