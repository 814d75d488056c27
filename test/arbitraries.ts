/**
 * fast-check generators of valid command histories over many budgets.
 *
 * fast-check draws "intents" (plain numbers and choices); an interpreter turns each intent
 * into a command that makes sense for the budget's state at that point (a spend on a line
 * of the agreed plan, a reversal of a recorded spend, ...). Some intents deliberately make
 * commands the rules refuse, so histories also exercise refusals. Everything the ledger
 * accepted is the history.
 */
import fc from 'fast-check';
import {
  BASES,
  CATEGORIES,
  COHORTS,
  Ledger,
  Money,
  OPTIONS,
  STREAMS,
  dateOfEpochDay,
  epochDay,
  type Actor,
  type Basis,
  type BudgetState,
  type Command,
  type CommandDataMap,
  type CommandType,
  type LedgerError,
  type LedgerEvent,
  type PlanLine,
  type Stream,
} from 'ipb-ledger';

/** Runs per property: 200 by default, more with FC_RUNS=N. */
export const RUNS = Number(process.env['FC_RUNS'] ?? 200);

export const moneyArb = (maxPence = 5_000_000n, minPence = 1n): fc.Arbitrary<Money> =>
  fc.bigInt(minPence, maxPence).map((p) => Money.fromPence(p));

interface BudgetSpec {
  /** Open with agreed funding on every stream and an agreed first plan (most budgets). */
  readonly setup: boolean;
  readonly basis: Basis;
  readonly cohort: (typeof COHORTS)[number];
  readonly streams: Stream[];
  readonly intents: Intent[];
}

type Intent =
  | { kind: 'allocate'; s: number; pence: bigint; agreed: boolean }
  | { kind: 'adjust'; s: number; pence: bigint; down: boolean }
  | { kind: 'propose'; lines: { cat: number; opt: number; pence: bigint; w: number[] }[]; then: number }
  | { kind: 'agree'; reject: boolean }
  | { kind: 'request' }
  | { kind: 'spend'; line: number; pence: bigint; bogus: boolean }
  | { kind: 'reverse'; which: number }
  | { kind: 'reclaim'; s: number; pence: bigint }
  | { kind: 'pay'; s: number; pence: bigint }
  | { kind: 'review' }
  | { kind: 'contribution'; pence: bigint }
  | { kind: 'suspend' }
  | { kind: 'close' }
  | { kind: 'badRole' }
  | { kind: 'repeat' };

const pence = (max: bigint) => fc.bigInt(1n, max);

const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      s: fc.nat(3),
      pence: pence(3_000_000n),
      agreed: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      s: fc.nat(3),
      pence: pence(500_000n),
      down: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('propose' as const),
      lines: fc.array(
        fc.record({
          cat: fc.nat(CATEGORIES.length - 1),
          opt: fc.nat(OPTIONS.length - 1),
          pence: fc.bigInt(0n, 2_000_000n),
          w: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 4, maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      // 0-6: agreed at once, 7: rejected at once, 8-9: left pending
      then: fc.integer({ min: 0, max: 9 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('agree' as const), reject: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('request' as const) }) },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('spend' as const),
      line: fc.nat(5),
      pence: pence(400_000n),
      bogus: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reverse' as const), which: fc.nat(50) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reclaim' as const), s: fc.nat(3), pence: pence(200_000n) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('pay' as const), s: fc.nat(3), pence: pence(300_000n) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('review' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('contribution' as const), pence: pence(100_000n) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('suspend' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('badRole' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const) }) },
);

const budgetSpecArb: fc.Arbitrary<BudgetSpec> = fc
  .record({
    setup: fc.integer({ min: 0, max: 9 }).map((x) => x > 0),
    basis: fc.constantFrom(...BASES),
    cohort: fc.constantFrom(...COHORTS),
    streams: fc.subarray([...STREAMS], { minLength: 1 }),
    intents: fc.array(intentArb, { minLength: 1, maxLength: 40 }),
  })
  .map((b) => ({
    ...b,
    streams:
      b.basis === 'chc' || b.basis === 's117'
        ? b.streams
            .filter((s) => s !== 'contribution')
            .concat(b.streams.length === 1 && b.streams[0] === 'contribution' ? ['health'] : [])
        : b.streams,
  }));

/** A generated history: the commands tried, in order, and what the ledger made of them. */
export interface History {
  readonly commands: readonly Command[];
  readonly ledger: Ledger;
  readonly refusals: readonly LedgerError[];
}

const finance: Actor = { id: 'fin-1', role: 'finance' };
const coord: Actor = { id: 'coord-1', role: 'coordinator' };

/** Turns budget specs into commands against a live ledger, interleaving budgets by `order`. */
export function interpret(specs: readonly BudgetSpec[], order: readonly number[]): History {
  const ledger = new Ledger();
  const commands: Command[] = [];
  const refusals: LedgerError[] = [];
  const cursors = specs.map(() => 0);
  const clocks = specs.map(() => 0);
  let n = 0;
  const budgetId = (i: number) => `b-${i}`;
  const holder = (i: number): Actor => ({ id: `person-${i}`, role: 'holder' });
  const send = (c: Command) => {
    commands.push(c);
    const r = ledger.record(c);
    if (r._tag === 'Left') refusals.push(r.left);
  };
  const make = <K extends CommandType>(
    i: number,
    type: K,
    actor: Actor,
    data: CommandDataMap[K],
  ): Command => {
    clocks[i] = (clocks[i] ?? 0) + 1;
    n += 1;
    // one event a day from 2024-04-01, at a varying time of day; recorded a little later
    const day = dateOfEpochDay(epochDay('2024-04-01') + (clocks[i] ?? 0));
    const at = `${day}T${String(8 + (n % 10)).padStart(2, '0')}:00:00.000Z`;
    return {
      type,
      commandId: `cmd-${n}`,
      budgetId: budgetId(i),
      actor,
      occurredAt: at,
      recordedAt: at,
      data,
    } as Command;
  };
  const dayOf = (i: number) => dateOfEpochDay(epochDay('2024-04-01') + (clocks[i] ?? 0) + 1);
  const state = (i: number): BudgetState => ledger.stateOf(budgetId(i));

  specs.forEach((spec, i) => {
    send(
      make(i, 'OpenBudget', coord, {
        personRef: `person-${i}`,
        site: i % 2 === 0 ? 'north' : 'south',
        cohort: spec.cohort,
        basis: spec.basis,
        streams: spec.streams,
        periodStart: '2024-04-01',
        periodEnd: '2025-03-31',
      }),
    );
  });

  specs.forEach((spec, i) => {
    if (!spec.setup) return;
    for (const [k, stream] of spec.streams.entries()) {
      send(
        make(i, 'AllocateFunding', finance, {
          stream,
          amount: Money.fromPence(BigInt(100_000 * (k + 1) + i)),
          stage: 'agreed',
        }),
      );
    }
    const lines: PlanLine[] = [
      {
        lineId: 'L0',
        category: 'personal-assistant',
        option: 'direct-payment',
        amount: Money.of('600.00'),
        shares: Object.fromEntries(spec.streams.map((st) => [st, 1])),
      },
      {
        lineId: 'L1',
        category: 'therapy',
        option: 'notional',
        amount: Money.of('300.00'),
        shares: { [spec.streams[0] as Stream]: 1 },
      },
    ];
    send(make(i, 'ProposePlan', coord, { planVersion: 1, lines }));
    send(make(i, 'AgreePlan', holder(i), { planVersion: 1, agreedOn: dayOf(i) }));
  });

  const steps = [...order];
  for (const spec of specs) for (let k = 0; k < spec.intents.length; k++) steps.push(steps.length);
  for (const pick of steps) {
    const i = specs.length === 0 ? 0 : pick % specs.length;
    const spec = specs[i];
    if (spec === undefined) continue;
    const at = cursors[i] ?? 0;
    const intent = spec.intents[at];
    if (intent === undefined) continue;
    cursors[i] = at + 1;
    const s = state(i);
    const stream = (k: number) => spec.streams[k % spec.streams.length] as Stream;
    switch (intent.kind) {
      case 'allocate':
        send(
          make(i, 'AllocateFunding', finance, {
            stream: stream(intent.s),
            amount: Money.fromPence(intent.pence),
            stage: intent.agreed ? 'agreed' : 'indicative',
          }),
        );
        break;
      case 'adjust':
        send(
          make(i, 'AdjustFunding', finance, {
            stream: stream(intent.s),
            delta: Money.fromPence(intent.down ? -intent.pence : intent.pence),
            reason: intent.down ? 'needs reduced' : 'needs increased',
          }),
        );
        break;
      case 'propose': {
        const lines: PlanLine[] = intent.lines.map((l, k) => ({
          lineId: `L${k}`,
          category: CATEGORIES[l.cat] ?? 'other',
          option: OPTIONS[l.opt] ?? 'notional',
          amount: Money.fromPence(l.pence),
          shares: Object.fromEntries(spec.streams.map((st, j) => [st, l.w[j] ?? 1])),
        }));
        const openCr = [...s.changeRequests.values()].find((c) => c.planVersion === undefined);
        const planVersion = s.plans.length + 1;
        const data: CommandDataMap['ProposePlan'] = { planVersion, lines };
        send(
          make(
            i,
            'ProposePlan',
            coord,
            openCr === undefined ? data : { ...data, changeRequestId: openCr.changeRequestId },
          ),
        );
        if (intent.then <= 6) send(make(i, 'AgreePlan', holder(i), { planVersion, agreedOn: dayOf(i) }));
        else if (intent.then === 7)
          send(make(i, 'RejectPlan', coord, { planVersion, reason: 'too expensive' }));
        break;
      }
      case 'agree': {
        const pending = s.plans.find((p) => p.status === 'proposed');
        const v = pending?.planVersion ?? s.plans.length + 1;
        send(
          intent.reject
            ? make(i, 'RejectPlan', holder(i), { planVersion: v, reason: 'not what I asked for' })
            : make(i, 'AgreePlan', holder(i), { planVersion: v, agreedOn: dayOf(i) }),
        );
        break;
      }
      case 'request':
        send(make(i, 'RequestChange', holder(i), { changeRequestId: `cr-${at}`, summary: 'needs changed' }));
        break;
      case 'spend': {
        const agreed = [...s.plans].reverse().find((p) => p.status === 'agreed');
        const lineId = intent.bogus
          ? 'ghost'
          : (agreed?.lines[intent.line % agreed.lines.length]?.lineId ?? `L${intent.line}`);
        send(
          make(i, 'RecordSpend', coord, {
            spendId: `sp-${i}-${at}`,
            lineId,
            amount: Money.fromPence(intent.pence),
            spentOn: dayOf(i),
            payee: 'provider',
            evidenceRef: `ev-${at}`,
          }),
        );
        break;
      }
      case 'reverse': {
        const spends = [...s.spends.keys()];
        const spendId = spends.length === 0 ? 'sp-none' : (spends[intent.which % spends.length] as string);
        send(make(i, 'ReverseSpend', finance, { spendId, reason: 'entered in error' }));
        break;
      }
      case 'reclaim':
        send(
          make(i, 'ReclaimSurplus', finance, {
            stream: stream(intent.s),
            // small amounts: a reclaim takes only the direct-payment surplus, so most fit in one
            amount: Money.fromPence(1n + (intent.pence % 1000n)),
            reason: 'surplus',
            noticeRef: `n-${at}`,
            deadline: '2025-06-30',
          }),
        );
        break;
      case 'pay':
        send(
          make(i, 'PayFunds', finance, {
            stream: stream(intent.s),
            amount: Money.fromPence(intent.pence),
            option: 'direct-payment',
            reference: `pay-${at}`,
          }),
        );
        break;
      case 'review':
        send(make(i, 'CompleteReview', coord, { reviewedOn: dayOf(i), outcome: 'no-change' }));
        break;
      case 'contribution':
        send(make(i, 'AssessContribution', finance, { amount: Money.fromPence(intent.pence) }));
        break;
      case 'suspend':
        send(
          s.directPayment === 'active'
            ? make(i, 'SuspendDirectPayment', finance, { reason: 'account review' })
            : make(i, 'ResumeDirectPayment', finance, { reason: 'review complete' }),
        );
        break;
      case 'close':
        // closing ends a budget's history: only near the end of its intents
        if (at < spec.intents.length - 3) break;
        send(make(i, 'CloseBudget', coord, { closedOn: dayOf(i), reason: 'moved area' }));
        break;
      case 'badRole':
        send(
          make(
            i,
            'AllocateFunding',
            { id: 'aud-1', role: 'auditor' },
            { stream: stream(0), amount: Money.of('1.00'), stage: 'agreed' },
          ),
        );
        break;
      case 'repeat': {
        const last = commands[commands.length - 1];
        if (last !== undefined) send(last);
        break;
      }
    }
  }
  return { commands, ledger, refusals };
}

/** Histories over 1 to 4 budgets, interleaved. */
export const historyArb: fc.Arbitrary<History> = fc
  .tuple(fc.array(budgetSpecArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(1000), { maxLength: 60 }))
  .map(([specs, order]) => interpret(specs, order));

/** All events of a history in recorded order. */
export const eventsOf = (h: History): readonly LedgerEvent[] => h.ledger.events();
