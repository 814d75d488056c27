/**
 * A small but complete history (every command type, every event type the decider makes) whose
 * personal data and free text can be set, for the fuzz and privacy tests: fill them with
 * marker strings and look for the markers in every output.
 */
import { Ledger, Money, type Actor, type Command, type CommandDataMap, type CommandType } from 'ipb-ledger';

/** The personal and free-text values written into the sample history. */
export interface SampleTexts {
  readonly personRef: string;
  readonly payee: string;
  readonly reason: string;
  readonly summary: string;
  readonly evidenceRef: string;
}

/** Plain values (no markers). */
export const PLAIN: SampleTexts = {
  personRef: 'person-1',
  payee: 'Care Co',
  reason: 'needs changed',
  summary: 'more support at night',
  evidenceRef: 'ev-1',
};

/**
 * Texts full of a marker that no library message contains: `ZQZX` repeated, so even a short
 * piece of a value quoted in a message (V8 quotes about 10 characters of broken JSON) shows.
 */
export function markers(): SampleTexts {
  return {
    personRef: 'PRZQZXZQZXZQZXZQZX',
    payee: 'PAYZQZXZQZX Mrs ZQZXZQZX Jones ZQZXZQZX',
    reason: 'RSNZQZXZQZX she said ZQZXZQZX her son ZQZXZQZX',
    summary: 'SUMZQZXZQZX night ZQZXZQZX terrors ZQZXZQZX',
    evidenceRef: 'EVZQZXZQZXZQZXZQZX',
  };
}

/** Finds any piece (4 characters or more) of a marker in a text. */
export const LEAK = /ZQZX|QZXZ|ZXZQ|XZQZ/;

/** The first leaked piece of a marker in a text, with some context, or null. */
export function leakIn(text: string): string | null {
  const m = LEAK.exec(text);
  return m === null ? null : text.slice(Math.max(0, m.index - 60), m.index + 60);
}

/** The sample history: two budgets, every command type, refusals left out. */
export function sampleHistory(t: SampleTexts = PLAIN): { ledger: Ledger; commands: Command[] } {
  const ledger = new Ledger();
  const commands: Command[] = [];
  let n = 0;
  const holder: Actor = { id: t.personRef, role: 'holder' };
  const coord: Actor = { id: 'coord-1', role: 'coordinator' };
  const fin: Actor = { id: 'fin-1', role: 'finance' };
  const comm: Actor = { id: 'comm-1', role: 'commissioner' };
  const rep: Actor = { id: 'rep-1', role: 'representative' };
  const run = <K extends CommandType>(
    budgetId: string,
    type: K,
    actor: Actor,
    data: CommandDataMap[K],
  ): void => {
    n += 1;
    const at = new Date(Date.UTC(2025, 3, 1, 9, 0, 0) + n * 3_600_000).toISOString();
    const c = { type, commandId: `s-${n}`, budgetId, actor, occurredAt: at, recordedAt: at, data } as Command;
    ledger.recordOrThrow(c);
    commands.push(c);
  };
  const day = (k: number) => new Date(Date.UTC(2025, 3, 1) + k * 86_400_000).toISOString().slice(0, 10);
  for (const [b, basis] of [
    ['b-1', 'joint'],
    ['b-2', 'chc'],
  ] as const) {
    run(b, 'OpenBudget', coord, {
      personRef: b === 'b-1' ? t.personRef : `${t.personRef}-2`,
      site: 'north',
      cohort: 'learning-disabilities',
      basis,
      streams: basis === 'chc' ? ['health'] : ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
      referredAt: '2025-03-01T10:00:00.000Z',
    });
  }
  const b = 'b-1';
  run(b, 'AllocateFunding', fin, {
    stream: 'health',
    amount: Money.of('5000.00'),
    stage: 'agreed',
    reason: t.reason,
  });
  run(b, 'AllocateFunding', fin, { stream: 'social-care', amount: Money.of('5000.00'), stage: 'agreed' });
  run(b, 'AllocateFunding', fin, { stream: 'health', amount: Money.of('300.00'), stage: 'indicative' });
  run(b, 'AdjustFunding', comm, { stream: 'social-care', delta: Money.of('-100.00'), reason: t.reason });
  run(b, 'AssessContribution', fin, { amount: Money.of('12.50') });
  run(b, 'AuthoriseRepresentative', coord, { representativeId: 'rep-1', reason: t.reason });
  run(b, 'ProposePlan', coord, {
    planVersion: 1,
    lines: [
      {
        lineId: 'pa',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('3000.00'),
        shares: { health: 1, 'social-care': 1 },
      },
      {
        lineId: 'th',
        category: 'therapy',
        option: 'notional',
        amount: Money.of('1000.00'),
        shares: { health: 1 },
      },
    ],
  });
  run(b, 'AgreePlan', holder, { planVersion: 1, agreedOn: day(1) });
  run(b, 'PayFunds', fin, {
    stream: 'health',
    amount: Money.of('1500.00'),
    option: 'direct-payment',
    reference: 'pay-1',
  });
  run(b, 'RecordSpend', holder, {
    spendId: 'sp-1',
    lineId: 'pa',
    amount: Money.of('100.01'),
    spentOn: day(2),
    payee: t.payee,
    evidenceRef: t.evidenceRef,
  });
  run(b, 'RecordSpend', coord, {
    spendId: 'sp-2',
    lineId: 'th',
    amount: Money.of('80.00'),
    spentOn: day(2),
    payee: t.payee,
    evidenceRef: t.evidenceRef,
    purpose: 'care-and-support',
  });
  run(b, 'RecordSpend', rep, {
    spendId: 'sp-3',
    lineId: 'ghost',
    amount: Money.of('9.99'),
    spentOn: day(2),
    payee: t.payee,
    evidenceRef: t.evidenceRef,
  });
  run(b, 'ReverseSpend', fin, { spendId: 'sp-2', reason: t.reason });
  run(b, 'RequestChange', holder, { changeRequestId: 'cr-1', summary: t.summary });
  run(b, 'ProposePlan', coord, {
    planVersion: 2,
    changeRequestId: 'cr-1',
    lines: [
      {
        lineId: 'pa',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('4000.00'),
        shares: { health: 1, 'social-care': 1 },
      },
    ],
  });
  run(b, 'RejectPlan', holder, { planVersion: 2, reason: t.reason });
  run(b, 'ReclaimSurplus', fin, {
    stream: 'health',
    amount: Money.of('50.00'),
    reason: 'surplus',
    noticeRef: 'notice-1',
    deadline: '2030-12-31',
  });
  run(b, 'CompleteReview', coord, { reviewedOn: day(20), outcome: 'no-change' });
  run(b, 'RecordOutcome', coord, {
    instrument: 'gas',
    measuredOn: day(20),
    respondent: 'person',
    items: [{ item: 'goal-1', score: 1, label: t.summary }],
    note: t.reason,
  });
  run(b, 'SuspendDirectPayment', fin, { reason: t.reason });
  run(b, 'ResumeDirectPayment', fin, { reason: t.reason });
  run(b, 'RevokeRepresentative', coord, { representativeId: 'rep-1', reason: t.reason });
  run(b, 'StopDirectPayment', comm, { reason: t.reason });
  run(b, 'CloseBudget', coord, { closedOn: day(40), reason: t.reason });
  const b2 = 'b-2';
  run(b2, 'AllocateFunding', fin, { stream: 'health', amount: Money.of('2000.00'), stage: 'agreed' });
  run(b2, 'ProposePlan', coord, {
    planVersion: 1,
    lines: [
      {
        lineId: 'eq',
        category: 'equipment',
        option: 'third-party',
        amount: Money.of('500.00'),
        shares: { health: 1 },
      },
    ],
  });
  run(b2, 'AgreePlanInBestInterests', coord, {
    planVersion: 1,
    agreedOn: day(3),
    bestInterestsReason: t.reason,
  });
  run(b2, 'RecordSpend', fin, {
    spendId: 'sp-9',
    lineId: 'eq',
    amount: Money.of('499.99'),
    spentOn: day(4),
    payee: t.payee,
    evidenceRef: t.evidenceRef,
  });
  return { ledger, commands };
}

/** One command of each type from the sample history, as JSON (money as strings), as a service receives it. */
export function commandJsonByType(): Map<CommandType, Record<string, unknown>> {
  const out = new Map<CommandType, Record<string, unknown>>();
  for (const c of sampleHistory().commands) {
    if (!out.has(c.type)) out.set(c.type, JSON.parse(JSON.stringify(c)) as Record<string, unknown>);
  }
  return out;
}
