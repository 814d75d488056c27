/**
 * "Whatever the decider accepts, the contract accepts": generated command sequences over many
 * budgets, with hostile values (zero, negative, huge and malformed amounts, as typed Money and
 * as raw JSON; wrong streams; unknown lines; reused ids; out-of-order plan versions; commands
 * after closure; dates outside the period), run through `Ledger`, `execute` and a
 * `CommandHandler` on a store. Shared by test/decider-contract.test.ts and the store contract
 * suite (test/store-contract.ts).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  CATEGORIES,
  CommandHandler,
  Ledger,
  Money,
  OPTIONS,
  PAYMENT_OPTIONS,
  PURPOSES,
  RECLAIM_REASONS,
  ROLES,
  STREAMS,
  balances,
  decodeEvent,
  execute,
  initialState,
  verifyLogText,
  type BudgetState,
  type DecisionState,
  type Command,
  type EventStore,
  type LedgerEvent,
  type PendingEvent,
  type Stream,
} from 'ipb-ledger';

/** A command as a caller may send it: typed, or any JSON-ish object. */
type Raw = Record<string, unknown>;

/** Codes that are not the caller's fault: they must never answer a caller's mistake. */
const NOT_DOMAIN = new Set(['store-failure', 'version-conflict']);

const hugePence = 10n ** 24n;

/** An amount as a hostile caller may send it: typed Money (any sign, any size) or raw JSON. */
export const amountArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt(1n, 2_000_000n).map((p) => Money.fromPence(p)) },
  { weight: 2, arbitrary: fc.bigInt(1n, 2_000_000n).map((p) => Money.fromPence(p).toString()) },
  { weight: 1, arbitrary: fc.constant(Money.zero) },
  { weight: 1, arbitrary: fc.bigInt(-2_000_000n, -1n).map((p) => Money.fromPence(p)) },
  { weight: 1, arbitrary: fc.bigInt(hugePence, hugePence * 1000n).map((p) => Money.fromPence(p)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      '-5.00',
      '0.00',
      '-0.00',
      '1e3',
      '5.001',
      '',
      ' 5.00',
      '99999999999999999999999999.00',
      5,
      12.5,
      null,
      {},
      [],
      Number.NaN,
    ),
  },
);

const textArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('needs changed', 'moved area', 'surplus held') },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\u0000', '\ud800', 'x'.repeat(10_001)) },
);

const refArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('r-1', 'r-2', 'r-3') },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(300), '__proto__') },
);

const streamArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...STREAMS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('nhs', '', 5) },
);

const sharesArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.dictionary(fc.constantFrom(...STREAMS), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>({}, { health: 0 }, { health: -1 }, { health: 1.5 }, { nhs: 1 }),
  },
);

const dateArb = (inPeriod: boolean): fc.Arbitrary<string> =>
  inPeriod
    ? fc.integer({ min: 1, max: 28 }).map((d) => `2025-0${(d % 9) + 4}-${String(d).padStart(2, '0')}`)
    : fc.constantFrom('2024-01-15', '2026-06-01', '2027-03-31', '2025-02-30');

const roleArb = fc.constantFrom(...ROLES);

/** One step a hostile caller may take on a budget. */
export type Step =
  | { k: 'allocate'; stream: unknown; amount: unknown; stage: unknown }
  | { k: 'adjust'; stream: unknown; delta: unknown; reason: string }
  | { k: 'assess'; amount: unknown }
  | { k: 'pay'; stream: unknown; amount: unknown; option: unknown }
  | {
      k: 'propose';
      offset: number;
      lines: { line: number; option: unknown; amount: unknown; shares: unknown }[];
    }
  | { k: 'agree'; offset: number; role: (typeof ROLES)[number]; date: string; reject: boolean }
  | { k: 'request'; id: string }
  | {
      k: 'spend';
      line: number;
      amount: unknown;
      inPeriod: boolean;
      date: string;
      purpose: unknown;
      role: (typeof ROLES)[number];
    }
  | { k: 'reverse'; which: number; reason: string }
  | { k: 'reclaim'; stream: unknown; amount: unknown; reason: unknown }
  | { k: 'dp'; which: number; reason: string }
  | { k: 'close'; reason: string }
  | { k: 'review' }
  | { k: 'reuse'; which: number; same: boolean }
  | { k: 'garbage'; which: number; ref: string }
  | { k: 'back' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('allocate' as const),
      stream: streamArb,
      amount: amountArb,
      stage: fc.constantFrom<unknown>('agreed', 'agreed', 'indicative', 'final'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ k: fc.constant('adjust' as const), stream: streamArb, delta: amountArb, reason: textArb })
      .map((s) => ({
        ...s,
        delta:
          s.delta instanceof Money && s.delta.isPositive() && s.reason.length % 2 === 0
            ? s.delta.negate()
            : s.delta,
      })),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('assess' as const), amount: amountArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('pay' as const),
      stream: streamArb,
      amount: amountArb,
      option: fc.constantFrom<unknown>(...PAYMENT_OPTIONS, 'notional'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('propose' as const),
      offset: fc.constantFrom(0, 0, 0, 0, -1, 1, 2),
      lines: fc.array(
        fc.record({
          line: fc.nat(3),
          option: fc.constantFrom<unknown>(...OPTIONS),
          amount: amountArb,
          shares: sharesArb,
        }),
        { minLength: 0, maxLength: 3 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('agree' as const),
      offset: fc.constantFrom(0, 0, 0, -1, 1),
      role: roleArb,
      date: dateArb(true),
      reject: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('request' as const), id: fc.constantFrom('cr-1', 'cr-2') }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('spend' as const),
      line: fc.nat(4),
      amount: amountArb,
      inPeriod: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
      date: dateArb(true),
      purpose: fc.constantFrom<unknown>(...PURPOSES, 'unspecified', 'unspecified', 'bribes'),
      role: roleArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('reverse' as const), which: fc.nat(20), reason: textArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('reclaim' as const),
      stream: streamArb,
      amount: amountArb,
      reason: fc.constantFrom<unknown>(...RECLAIM_REASONS, 'because'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dp' as const), which: fc.nat(2), reason: textArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const), reason: textArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('review' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('reuse' as const), which: fc.nat(50), same: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('garbage' as const), which: fc.nat(5), ref: refArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('back' as const) }) },
);

/** A budget to open (well set up, or bare) and the steps taken on it. */
export interface BudgetPlan {
  readonly setup: boolean;
  readonly basis: 'chc' | 's117' | 'care-act' | 'ehcp' | 'joint';
  readonly streams: Stream[];
  readonly steps: Step[];
}

const budgetPlanArb: fc.Arbitrary<BudgetPlan> = fc.record({
  setup: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
  basis: fc.constantFrom('chc', 's117', 'care-act', 'ehcp', 'joint'),
  streams: fc.subarray([...STREAMS], { minLength: 1 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
});

/** A scenario: budgets and the interleaving of their steps. */
export interface Scenario {
  readonly budgets: readonly BudgetPlan[];
  readonly order: readonly number[];
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  budgets: fc.array(budgetPlanArb, { minLength: 1, maxLength: 4 }),
  order: fc.array(fc.nat(100), { maxLength: 80 }),
});

/** What one command came to, in any of the three paths. */
export type Outcome =
  | { ok: true; duplicate: boolean; types: string[]; ids: string[] }
  | { ok: false; code: string; field?: unknown; message: string };

/** One command sent and what a reused id should come to. */
export interface Sent {
  readonly command: Raw;
  /** For a reuse of an earlier id: whether the command is the very same one. */
  readonly reuse?: { readonly same: boolean };
}

const at = (k: number): string => {
  const day = 1 + Math.floor(k / 600);
  const minutes = k % 600;
  return `2025-04-${String(day).padStart(2, '0')}T${String(8 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00.000Z`;
};

/**
 * Plays a scenario against a {@link Ledger}: the commands are made from the budget's state as
 * the ledger sees it (so most steps make sense), and the list of what was sent is returned.
 */
export function play(s: Scenario, prefix = 'b'): { ledger: Ledger; sent: Sent[]; outcomes: Outcome[] } {
  const ledger = new Ledger();
  const sent: Sent[] = [];
  const outcomes: Outcome[] = [];
  const clock = s.budgets.map(() => 0);
  const cursor = s.budgets.map(() => 0);
  let n = 0;
  const bid = (i: number) => `${prefix}-${i}`;
  const holder = (i: number) => ({ id: `person-${i}`, role: 'holder' });
  const actorOf = (i: number, role: (typeof ROLES)[number]) =>
    role === 'holder' ? holder(i) : { id: `${role}-1`, role };
  const make = (i: number, type: string, actor: unknown, data: unknown, back = false): Raw => {
    clock[i] = (clock[i] ?? 0) + 1;
    n += 1;
    const time = at((clock[i] ?? 0) - (back ? 2 : 0));
    return { type, commandId: `cmd-${n}`, budgetId: bid(i), actor, occurredAt: time, recordedAt: time, data };
  };
  const send = (command: Raw, reuse?: { same: boolean }) => {
    sent.push(reuse === undefined ? { command } : { command, reuse });
    outcomes.push(outcomeOf(() => ledger.record(command as unknown as Command)));
  };
  const fin = { id: 'finance-1', role: 'finance' };
  const coord = { id: 'coordinator-1', role: 'coordinator' };

  s.budgets.forEach((b, i) => {
    send(
      make(i, 'OpenBudget', coord, {
        personRef: `person-${i}`,
        site: 'north',
        cohort: 'other',
        basis: b.basis,
        streams: b.streams,
        periodStart: '2025-04-01',
        periodEnd: '2026-03-31',
      }),
    );
    if (!b.setup) return;
    for (const stream of b.streams) {
      send(make(i, 'AllocateFunding', fin, { stream, amount: Money.of('1000.00'), stage: 'agreed' }));
    }
    const care = b.streams.filter((x) => x !== 'contribution');
    const shares = Object.fromEntries((care.length > 0 ? care : b.streams).map((x) => [x, 1]));
    send(
      make(i, 'ProposePlan', coord, {
        planVersion: 1,
        lines: [
          {
            lineId: 'L0',
            category: 'personal-assistant',
            option: 'direct-payment',
            amount: Money.of('600.00'),
            shares,
          },
          { lineId: 'L1', category: 'therapy', option: 'notional', amount: Money.of('300.00'), shares },
        ],
      }),
    );
    send(make(i, 'AgreePlan', holder(i), { planVersion: 1, agreedOn: '2025-04-01' }));
  });

  const picks = [...s.order];
  for (const b of s.budgets) for (let k = 0; k < b.steps.length; k++) picks.push(picks.length);
  for (const pick of picks) {
    const i = pick % s.budgets.length;
    const b = s.budgets[i];
    if (b === undefined) continue;
    const step = b.steps[cursor[i] ?? 0];
    if (step === undefined) continue;
    cursor[i] = (cursor[i] ?? 0) + 1;
    const st: BudgetState = ledger.stateOf(bid(i));
    const lineIds = ['L0', 'L1', 'L2', 'L3', 'ghost'];
    switch (step.k) {
      case 'allocate':
        send(
          make(i, 'AllocateFunding', fin, { stream: step.stream, amount: step.amount, stage: step.stage }),
        );
        break;
      case 'adjust':
        send(make(i, 'AdjustFunding', fin, { stream: step.stream, delta: step.delta, reason: step.reason }));
        break;
      case 'assess':
        send(make(i, 'AssessContribution', fin, { amount: step.amount }));
        break;
      case 'pay':
        send(
          make(i, 'PayFunds', fin, {
            stream: step.stream,
            amount: step.amount,
            option: step.option,
            reference: `pay-${n}`,
          }),
        );
        break;
      case 'propose':
        send(
          make(i, 'ProposePlan', coord, {
            planVersion: st.plans.length + 1 + step.offset,
            lines: step.lines.map((l, k) => ({
              lineId: lineIds[l.line] ?? `L${k}`,
              category: CATEGORIES[k % CATEGORIES.length],
              option: l.option,
              amount: l.amount,
              shares: l.shares,
            })),
          }),
        );
        break;
      case 'agree': {
        const pending = st.plans.find((p) => p.status === 'proposed')?.planVersion ?? st.plans.length;
        const planVersion = pending + step.offset;
        send(
          step.reject
            ? make(i, 'RejectPlan', actorOf(i, step.role), { planVersion, reason: 'not right' })
            : make(i, 'AgreePlan', actorOf(i, step.role), { planVersion, agreedOn: step.date }),
        );
        break;
      }
      case 'request':
        send(make(i, 'RequestChange', holder(i), { changeRequestId: step.id, summary: 'more hours' }));
        break;
      case 'spend':
        send(
          make(i, 'RecordSpend', actorOf(i, step.role), {
            spendId: `sp-${n}`,
            lineId: lineIds[step.line],
            amount: step.amount,
            spentOn: step.inPeriod ? step.date : '2026-06-01',
            payee: 'agency',
            evidenceRef: `ev-${n}`,
            purpose: step.purpose,
          }),
        );
        break;
      case 'reverse': {
        const ids = [...st.spends.keys(), 'sp-none'];
        send(make(i, 'ReverseSpend', fin, { spendId: ids[step.which % ids.length], reason: step.reason }));
        break;
      }
      case 'reclaim':
        send(
          make(i, 'ReclaimSurplus', fin, {
            stream: step.stream,
            amount: step.amount,
            reason: step.reason,
            noticeRef: `notice-${n}`,
          }),
        );
        break;
      case 'dp':
        send(
          make(
            i,
            ['SuspendDirectPayment', 'ResumeDirectPayment', 'StopDirectPayment'][step.which] as string,
            fin,
            { reason: step.reason },
          ),
        );
        break;
      case 'close':
        send(make(i, 'CloseBudget', coord, { closedOn: '2025-09-30', reason: step.reason }));
        break;
      case 'review':
        send(make(i, 'CompleteReview', coord, { reviewedOn: '2025-06-30', outcome: 'no-change' }));
        break;
      case 'reuse': {
        const earlier = sent.filter((x) => x.command['budgetId'] === bid(i));
        const old = earlier[step.which % Math.max(1, earlier.length)];
        if (old === undefined) break;
        if (step.same) send(old.command, { same: true });
        else {
          const other = make(i, 'RequestChange', holder(i), {
            changeRequestId: `cr-${n}`,
            summary: 'another',
          });
          send({ ...other, commandId: old.command['commandId'] }, { same: false });
        }
        break;
      }
      case 'garbage': {
        const forms: Raw[] = [
          make(i, 'RecordSpend', coord, { spendId: step.ref, lineId: 'L0' }),
          make(i, 'AllocateFunding', fin, { stream: 'health', amount: '1.00', stage: 'agreed', extra: 1 }),
          { ...make(i, 'PayFunds', fin, {}), budgetId: 'no spaces allowed' },
          {
            ...make(i, 'CloseBudget', fin, { closedOn: '2025-09-30', reason: 'x' }),
            occurredAt: '2025-13-01',
          },
          {
            ...make(
              i,
              'RequestChange',
              { id: step.ref, role: 'holder' },
              { changeRequestId: step.ref, summary: 's' },
            ),
            commandId: step.ref,
          },
          make(i, 'Teleport', coord, {}),
        ];
        send(forms[step.which % forms.length] as Raw);
        break;
      }
      case 'back':
        send(make(i, 'CompleteReview', coord, { reviewedOn: '2025-06-30', outcome: 'no-change' }, true));
        break;
    }
  }
  return { ledger, sent, outcomes };
}

function outcomeOf(
  run: () =>
    | { _tag: 'Left'; left: unknown }
    | { _tag: 'Right'; right: { events: readonly PendingEvent[]; duplicate: boolean } },
): Outcome {
  const r = run();
  if (r._tag === 'Left') {
    const e = r.left as { code: string; field?: unknown; message: string };
    return e.field === undefined
      ? { ok: false, code: e.code, message: e.message }
      : { ok: false, code: e.code, field: e.field, message: e.message };
  }
  return {
    ok: true,
    duplicate: r.right.duplicate,
    types: r.right.events.map((e) => e.type),
    ids: r.right.events.map((e) => e.eventId),
  };
}

/** The same commands through `execute`, keeping each budget's state and history. */
export function viaExecute(sent: readonly Sent[]): Outcome[] {
  const states = new Map<string, { state: DecisionState; history: PendingEvent[] }>();
  return sent.map(({ command }) =>
    outcomeOf(() => {
      const key = typeof command['budgetId'] === 'string' ? command['budgetId'] : '';
      const b = states.get(key) ?? { state: initialState, history: [] };
      const r = execute(command as unknown as Command, b.state, b.history);
      if (r._tag === 'Right' && !r.right.duplicate) {
        states.set(key, { state: r.right.state, history: [...b.history, ...r.right.events] });
      }
      return r;
    }),
  );
}

/** The same commands through a {@link CommandHandler} on a store. */
export async function viaHandler(store: EventStore, sent: readonly Sent[]): Promise<Outcome[]> {
  const handler = new CommandHandler(store);
  const out: Outcome[] = [];
  for (const { command } of sent) {
    const r = await handler.handle(command as unknown as Command);
    out.push(outcomeOf(() => r));
  }
  return out;
}

/** Checks one path's outcomes: refusals are typed domain errors naming the field; reuse is honest. */
export function checkOutcomes(sent: readonly Sent[], outcomes: readonly Outcome[], path: string): void {
  outcomes.forEach((o, k) => {
    const where = `${path}, command ${k} (${String(sent[k]?.command['type'])})`;
    if (!o.ok) {
      expect(NOT_DOMAIN.has(o.code), `${where}: ${o.code}: ${o.message}`).toBe(false);
      expect(o.message.length, where).toBeGreaterThan(5);
      if (o.code === 'invalid-command') {
        expect(typeof o.field, where).toBe('string');
        if (o.field !== '') expect(o.message.startsWith(`${String(o.field)}: `), where).toBe(true);
      }
    }
    const reuse = sent[k]?.reuse;
    if (reuse?.same === true) {
      // the very same command again: the original events, nothing new
      const first = sent.findIndex((x) => x.command === sent[k]?.command);
      const was = outcomes[first];
      if (was?.ok === true && !was.duplicate) expect(o, where).toEqual({ ...was, duplicate: true });
    }
    if (reuse !== undefined && !reuse.same) {
      // a different command under a used id: refused, naming the id (never "it worked")
      if (o.ok)
        expect(o.duplicate, `${where}: a different command under a used id was not refused`).toBe(false);
      if (!o.ok && o.code === 'command-id-reused')
        expect(o.message).toContain(String(sent[k]?.command['commandId']));
    }
  });
}

/**
 * The events of a run, sealed: every line decodes with the log decoder, the whole log verifies,
 * and balances stay within what the rules allow.
 */
export function checkEvents(events: readonly LedgerEvent[], states: (budgetId: string) => BudgetState): void {
  const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
  for (const e of events) {
    const back = decodeEvent(JSON.parse(JSON.stringify(e)));
    expect(back._tag === 'Left' ? back.left.message : 'ok', `${e.type} seq ${e.seq} of ${e.budgetId}`).toBe(
      'ok',
    );
  }
  const v = verifyLogText(text);
  expect(v.firstError?.reason ?? 'intact').toBe('intact');
  for (const b of balances(events).budgets) {
    const state = states(b.budgetId);
    for (const [stream, x] of b.streams) {
      expect(x.allocated.isNegative(), `${b.budgetId} ${stream} allocated ${x.allocated}`).toBe(false);
      expect(x.reclaimed.isNegative(), `${b.budgetId} ${stream} reclaimed ${x.reclaimed}`).toBe(false);
      // a reclaim takes only what was paid into the person's account (less spend, checked when decided)
      const paid = Money.sum(
        events
          .filter((e) => e.budgetId === b.budgetId && e.type === 'FundsPaid')
          .flatMap((e) =>
            e.type === 'FundsPaid' && e.data.stream === stream && e.data.option !== 'third-party'
              ? [e.data.amount]
              : [],
          ),
      );
      expect(
        x.reclaimed.greaterThan(paid),
        `${b.budgetId} ${stream}: reclaimed ${x.reclaimed} of ${paid} paid in`,
      ).toBe(false);
    }
    const contribution = b.streams.find(([s]) => s === 'contribution')?.[1];
    if (contribution !== undefined) {
      const assessed = state.contribution ?? Money.zero;
      expect(
        contribution.allocated.greaterThan(assessed),
        `${b.budgetId}: contribution allocated ${contribution.allocated} above assessed ${assessed}`,
      ).toBe(false);
      expect(
        b.streams.some(([s]) => s === 'social-care'),
        `${b.budgetId}: contribution without social care`,
      ).toBe(true);
    }
  }
}

/** Same answers from two paths, command by command. */
export function sameOutcomes(a: readonly Outcome[], b: readonly Outcome[], path: string): void {
  const strip = (o: Outcome) => (o.ok ? o : { ok: false, code: o.code });
  expect(b.map(strip), path).toEqual(a.map(strip));
}
