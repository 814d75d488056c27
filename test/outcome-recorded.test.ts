/**
 * OutcomeRecorded: an outcome measure for the person. The decider and the log contract accept
 * the same data (known instruments with their score ranges, `local:` instruments), refuse bad
 * input naming the field, move no money, and the audit trail says what was measured.
 */
import { describe, expect, it } from 'vitest';
import {
  INSTRUMENT_NAMES,
  Ledger,
  OutcomeRecordedC,
  auditTrail,
  balances,
  decodeEvent,
  encodeEvent,
  eventsOfLog,
  journalOf,
  type CommandDataMap,
} from 'ipb-ledger';
import { actors, cmd, fundedBudget, given } from './spec.js';

const measure = (over: Partial<CommandDataMap['RecordOutcome']> = {}) =>
  cmd('RecordOutcome', actors.coordinator, {
    instrument: 'gas',
    measuredOn: '2025-06-30',
    respondent: 'person',
    items: [
      { item: 'goal-1', score: -1, label: 'get out to the allotment' },
      { item: 'goal-2', score: 2 },
    ],
    ...over,
  });

/** The codec's verdict on some data: `accepted`, or its messages. */
const problemOf = (data: unknown): string => {
  const r = OutcomeRecordedC.decode(data);
  return r._tag === 'Right' ? 'accepted' : r.left.map((e) => e.message ?? '').join('; ');
};

describe('OutcomeRecorded', () => {
  it('is recorded by the holder, a representative or the coordinator; a funder or auditor may not', () => {
    given(...fundedBudget())
      .when(measure())
      .then(['OutcomeRecorded']);
    given(...fundedBudget())
      .when(cmd('RecordOutcome', actors.holder, { ...(measure().data as CommandDataMap['RecordOutcome']) }))
      .then(['OutcomeRecorded']);
    given(...fundedBudget())
      .when(cmd('RecordOutcome', actors.finance, { ...(measure().data as CommandDataMap['RecordOutcome']) }))
      .thenRefused('role-not-allowed');
    given(...fundedBudget())
      .when(cmd('RecordOutcome', actors.auditor, { ...(measure().data as CommandDataMap['RecordOutcome']) }))
      .thenRefused('role-not-allowed');
  });

  it('is refused before the budget is opened and after it is closed', () => {
    given().when(measure()).thenRefused('budget-not-opened');
    given(
      ...fundedBudget(),
      cmd('CloseBudget', actors.coordinator, { closedOn: '2025-05-01', reason: 'moved' }),
    )
      .when(measure())
      .thenRefused('budget-closed');
  });

  it('checks scores against the instrument, items once each, at least one; names the field', () => {
    const ok = { instrument: 'gas', measuredOn: '2025-06-30', respondent: 'person' };
    expect(problemOf({ ...ok, items: [{ item: 'goal-1', score: 2 }] })).toBe('accepted');
    expect(problemOf({ ...ok, items: [{ item: 'goal-1', score: 3 }] })).toContain(
      'a gas score is from -2 to 2, got 3',
    );
    expect(problemOf({ ...ok, items: [] })).toContain('expected at least one item');
    expect(
      problemOf({
        ...ok,
        items: [
          { item: 'goal-1', score: 0 },
          { item: 'goal-1', score: 1 },
        ],
      }),
    ).toContain('item "goal-1" is given twice');
    expect(problemOf({ ...ok, items: [{ item: 'goal-1', score: 1.5 }] })).toContain(
      'expected a whole number score',
    );
    expect(problemOf({ ...ok, items: [{ item: 'Goal 1', score: 1 }] })).toContain('expected an item code');
    expect(problemOf({ ...ok, instrument: 'phq9', items: [{ item: 'q1', score: 1 }] })).toContain(
      'expected one of gas, poet, ascot, wemwbs, swemwbs or local:<name>',
    );
    expect(problemOf({ ...ok, instrument: 'local:my-wellbeing', items: [{ item: 'q1', score: 40 }] })).toBe(
      'accepted',
    );
    expect(
      problemOf({ ...ok, instrument: 'local:my-wellbeing', items: [{ item: 'q1', score: 1001 }] }),
    ).toContain('from -1000 to 1000');
    expect(problemOf({ ...ok, respondent: 'neighbour', items: [{ item: 'q1', score: 1 }] })).toContain(
      'expected one of person, representative, practitioner',
    );
    expect(INSTRUMENT_NAMES).toEqual(['gas', 'poet', 'ascot', 'wemwbs', 'swemwbs']);
    // The decider refuses the same command as invalid, naming the field.
    given(...fundedBudget())
      .when(measure({ items: [{ item: 'goal-1', score: 5 }] }))
      .thenRefused('invalid-command', (e) => expect(e.message).toContain('items.0.score'));
  });

  it('moves no money, makes no journal posting, and reads back from a log; the audit trail says what was measured', () => {
    const l = new Ledger();
    for (const x of fundedBudget()) l.recordOrThrow(x);
    const before = balances(l.events());
    const journalBefore = journalOf(l.events()).transactions.length;
    l.recordOrThrow(measure());
    expect(balances(l.events())).toEqual(before);
    expect(journalOf(l.events()).transactions.length).toBe(journalBefore);
    const back = eventsOfLog(l.toLog());
    const last = back[back.length - 1];
    expect(last?.type).toBe('OutcomeRecorded');
    const decoded = decodeEvent(JSON.parse(JSON.stringify(encodeEvent(last as never))));
    expect(decoded._tag).toBe('Right');
    const trail = auditTrail(back);
    expect(trail[trail.length - 1]?.what).toBe(
      'recorded a gas outcome measure taken on 2025-06-30 (answered by the person): goal-1 -1, goal-2 2',
    );
    // The wording of a goal is kept in the log (for the service), never in the audit sentence.
    expect(trail[trail.length - 1]?.what).not.toContain('allotment');
  });
});
