/**
 * A seeded generator of large, varied logs for the journal tests: many budgets interleaved,
 * budget ids with `:` and `.`, every stream mix and basis, indicative and agreed funding,
 * adjustments both ways, plan changes, spends split over up to four streams (parts of 0.00
 * included), spends with every purpose (prohibited ones on health lines are refused), reversals
 * (some dated before their spend), reclaims (also after closing), cash payments, backdated
 * events, and commands the rules refuse. Everything goes through the real decider.
 */
import {
  BASES,
  CATEGORIES,
  COHORTS,
  Ledger,
  Money,
  OPTIONS,
  PURPOSES,
  STREAMS,
  dateOfEpochDay,
  epochDay,
  type Actor,
  type Basis,
  type Command,
  type CommandDataMap,
  type CommandType,
  type LedgerEvent,
  type PlanLine,
  type Stream,
} from 'ipb-ledger';

/** A small fast PRNG (mulberry32): the same seed gives the same log on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What {@link generateLog} made. */
export interface GeneratedLog {
  readonly ledger: Ledger;
  readonly events: readonly LedgerEvent[];
  readonly refused: number;
  readonly refusedCodes: ReadonlyMap<string, number>;
}

const finance: Actor = { id: 'fin-1', role: 'finance' };
const coord: Actor = { id: 'coord-1', role: 'coordinator' };
const DAY = 86_400_000;

function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  const rest = ms - day * DAY;
  const h = Math.floor(rest / 3_600_000);
  const mi = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  const milli = rest % 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${dateOfEpochDay(day)}T${p(h)}:${p(mi)}:${p(s)}.${p(milli, 3)}Z`;
}

/**
 * Records about `targetEvents` events over `budgets` budgets (default: one per 150 events)
 * and returns the ledger. Deterministic in `seed`.
 */
export function generateLog(seed: number, targetEvents: number, budgets?: number): GeneratedLog {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const chance = (p: number) => rnd() < p;
  const pence = (max: number): Money => Money.fromPence(BigInt(1 + int(max)));
  const ledger = new Ledger();
  const refusedCodes = new Map<string, number>();
  let refused = 0;
  let n = 0;
  const count = Math.max(1, budgets ?? Math.ceil(targetEvents / 150));
  const specs = Array.from({ length: count }, (_, i) => {
    const basis: Basis = pick(BASES);
    let streams = STREAMS.filter(() => chance(0.55));
    if (basis === 'chc' || basis === 's117') streams = streams.filter((s) => s !== 'contribution');
    if (streams.length === 0) streams = [pick(['health', 'social-care'] as const)];
    // a contribution is a charge for social care: it exists only beside a social-care stream
    if (streams.includes('contribution') && !streams.includes('social-care'))
      streams = STREAMS.filter((s) => s === 'social-care' || streams.includes(s));
    const id = pick([`site-${seed}:${i}`, `b.${seed}.${i}`, `B_${seed}_${i}`, `ipb-${seed}-${i}`]);
    // budgets start at different times over two years; the clock is the recorded time
    return { id, basis, streams, clock: epochDay('2023-01-01') * DAY + int(700) * DAY + int(DAY), plans: 0 };
  });
  const send = <K extends CommandType>(
    b: (typeof specs)[number],
    type: K,
    actor: Actor,
    data: CommandDataMap[K],
    backdate = 0,
  ): boolean => {
    n += 1;
    b.clock += int(4 * DAY) + 1;
    const c = {
      type,
      commandId: `g${seed}-${n}`,
      budgetId: b.id,
      actor,
      occurredAt: iso(b.clock - backdate),
      recordedAt: iso(b.clock),
      data,
    } as Command;
    const r = ledger.record(c);
    if (r._tag === 'Left') {
      refused += 1;
      refusedCodes.set(r.left.code, (refusedCodes.get(r.left.code) ?? 0) + 1);
      return false;
    }
    return true;
  };
  const today = (b: (typeof specs)[number]) => dateOfEpochDay(Math.floor(b.clock / DAY));
  const propose = (b: (typeof specs)[number]) => {
    const lines: PlanLine[] = Array.from({ length: 1 + int(4) }, (_, k) => {
      const shares: Partial<Record<Stream, number>> = {};
      for (const s of b.streams) if (chance(0.7)) shares[s] = 1 + int(pick([1, 3, 7, 100]));
      if (Object.keys(shares).length === 0) shares[pick(b.streams)] = 1;
      // never a larger contribution share than the social-care share, never without it
      if (shares.contribution !== undefined)
        shares.contribution = Math.min(shares.contribution, (shares['social-care'] ??= shares.contribution));
      return {
        lineId: `L${k}`,
        category: pick(CATEGORIES),
        option: pick(OPTIONS),
        amount: pence(2_000_000),
        shares,
      };
    });
    b.plans += 1;
    const planVersion = b.plans;
    send(b, 'ProposePlan', coord, { planVersion, lines });
    if (chance(0.85))
      send(b, 'AgreePlan', { id: `person-${b.id}`, role: 'holder' }, { planVersion, agreedOn: today(b) });
    else send(b, 'RejectPlan', coord, { planVersion, reason: 'not affordable' });
  };
  for (const b of specs) {
    send(b, 'OpenBudget', coord, {
      personRef: `person-${b.id}`,
      site: pick(['north', 'south', 'east']),
      cohort: pick(COHORTS),
      basis: b.basis,
      streams: b.streams,
      periodStart: today(b),
      periodEnd: dateOfEpochDay(Math.floor(b.clock / DAY) + 364),
    });
    if (b.streams.includes('contribution'))
      send(b, 'AssessContribution', finance, { amount: Money.of('200000.00') });
    for (const s of b.streams) {
      if (chance(0.5))
        send(b, 'AllocateFunding', finance, { stream: s, amount: pence(5_000_000), stage: 'indicative' });
      send(b, 'AllocateFunding', finance, { stream: s, amount: pence(9_000_000), stage: 'agreed' });
    }
    propose(b);
  }
  while (ledger.events().length < targetEvents) {
    const b = pick(specs);
    const st = ledger.stateOf(b.id);
    const r = rnd();
    const backdate = chance(0.15) ? int(40) * DAY + int(DAY) : 0;
    if (st.status === 'closed') {
      if (chance(0.1))
        send(b, 'ReclaimSurplus', finance, {
          stream: pick(b.streams),
          amount: pence(50_000),
          reason: 'death',
          noticeRef: `n-${n}`,
          deadline: '2027-12-31',
        });
      else if (chance(0.03))
        send(b, 'AllocateFunding', finance, { stream: pick(b.streams), amount: pence(100), stage: 'agreed' });
      continue;
    }
    if (r < 0.5) {
      const plan = [...st.plans].reverse().find((p) => p.status === 'agreed');
      const lineId = chance(0.05) || plan === undefined ? 'ghost' : (pick(plan.lines).lineId as string);
      const data: CommandDataMap['RecordSpend'] = {
        spendId: `sp-${n}`,
        lineId,
        amount: chance(0.1) ? pick([Money.of('0.01'), Money.of('0.02'), Money.of('100.01')]) : pence(300_000),
        spentOn: dateOfEpochDay(Math.floor((b.clock - backdate) / DAY)),
        payee: pick(['PA wages', 'Agency; "quoted"\nsecond line', 'Café ünïcode', '  ']),
        evidenceRef: `ev-${n}`,
      };
      send(
        b,
        'RecordSpend',
        pick([coord, finance]),
        chance(0.3) ? data : { ...data, purpose: chance(0.75) ? 'care-and-support' : pick(PURPOSES) },
        backdate,
      );
    } else if (r < 0.58) {
      const open = [...st.spends.values()].filter((s) => !s.reversed);
      if (open.length > 0)
        send(
          b,
          'ReverseSpend',
          finance,
          { spendId: pick(open).spendId, reason: 'duplicate invoice' },
          backdate * 2,
        );
    } else if (r < 0.66) {
      send(
        b,
        'AdjustFunding',
        finance,
        {
          stream: pick(b.streams),
          delta: chance(0.5) ? pence(200_000) : pence(200_000).negate(),
          reason: 'reassessed',
        },
        backdate,
      );
    } else if (r < 0.72) {
      send(b, 'PayFunds', finance, {
        stream: pick(b.streams),
        amount: pence(400_000),
        option: pick(['direct-payment', 'third-party', 'managed-account'] as const),
        reference: `pay-${n}`,
      });
    } else if (r < 0.76) {
      send(
        b,
        'ReclaimSurplus',
        finance,
        {
          stream: pick(b.streams),
          amount: pence(60_000),
          reason: pick(['surplus', 'plan-change', 'misuse'] as const),
          noticeRef: `notice-${n}`,
          deadline: '2027-12-31',
        },
        backdate,
      );
    } else if (r < 0.8) {
      send(
        b,
        'AllocateFunding',
        finance,
        {
          stream: pick([...b.streams, 'education' as const]),
          amount: pence(1_000_000),
          stage: chance(0.7) ? 'agreed' : 'indicative',
        },
        backdate,
      );
    } else if (r < 0.84) {
      propose(b);
    } else if (r < 0.87) {
      send(b, 'CompleteReview', coord, { reviewedOn: today(b), outcome: 'no-change' });
    } else if (r < 0.9) {
      send(b, 'RequestChange', coord, { changeRequestId: `cr-${n}`, summary: 'needs changed' });
    } else if (r < 0.93) {
      if (st.directPayment === 'active')
        send(b, 'SuspendDirectPayment', finance, { reason: 'evidence missing' });
      else send(b, 'ResumeDirectPayment', finance, { reason: 'evidence received' });
    } else if (r < 0.95) {
      send(b, 'AssessContribution', finance, { amount: pence(50_000) });
    } else if (
      r < 0.955 &&
      chance(0.2) &&
      ledger.events().length > (targetEvents * 2) / 3 &&
      // a closed budget takes only reclaims of its surplus: keep one open so the log can grow
      specs.some((o) => o !== b && ledger.stateOf(o.id).status === 'open')
    ) {
      send(b, 'CloseBudget', coord, { closedOn: today(b), reason: 'moved area' });
    } else {
      send(
        b,
        'AllocateFunding',
        { id: 'aud-1', role: 'auditor' },
        { stream: pick(b.streams), amount: pence(100), stage: 'agreed' },
      );
    }
  }
  return { ledger, events: ledger.events(), refused, refusedCodes };
}
