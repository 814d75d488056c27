/**
 * A small Integrated Personal Commissioning (IPC) demonstrator: two sites, the four IPC
 * cohorts (older people with long-term conditions, children and young people with
 * disabilities, people with learning disabilities, people with serious mental illness),
 * a mix of bases (CHC, s117, Care Act, EHCP, joint) and management options.
 *
 * Everything is deterministic: the same ledger, to the byte, on every run.
 */
import { pathToFileURL } from 'node:url';
import {
  Ledger,
  accountSurplus,
  Money,
  command,
  balances,
  balancesTable,
  flagsOf,
  flagsText,
  type Actor,
  type Basis,
  type Category,
  type Cohort,
  type Command,
  type CommandDataMap,
  type CommandType,
  type ManagementOption,
  type PlanLine,
  type Stream,
} from 'ipb-ledger';

interface Person {
  readonly budgetId: string;
  readonly personRef: string;
  readonly site: string;
  readonly cohort: Cohort;
  readonly basis: Basis;
  readonly streams: readonly Stream[];
  readonly lines: readonly PlanLine[];
  /** Month (0-based from April) of a change request, if any. */
  readonly changeMonth?: number;
  /**
   * The budget's period in months from April 2024 (0) to March 2025 (11), both inclusive;
   * default the whole financial year. A renewal is a second budget of the same `personRef`.
   */
  readonly span?: { readonly from: number; readonly to: number };
  /** A change request nobody has answered yet: its month and day. */
  readonly waiting?: { readonly month: number; readonly day: number };
}

const line = (
  lineId: string,
  category: Category,
  option: ManagementOption,
  amount: string,
  shares: PlanLine['shares'],
): PlanLine => ({ lineId, category, option, amount: Money.of(amount), shares });

/** The people of the demonstrator: who they are (pseudonymous), where, and their plans. */
export const PEOPLE: readonly Person[] = [
  {
    budgetId: 'ipc-n-001',
    personRef: 'p-n-001',
    site: 'north',
    cohort: 'older-people-ltc',
    basis: 'chc',
    streams: ['health'],
    lines: [
      line('care', 'agency-care', 'notional', '18200.00', { health: 1 }),
      line('kit', 'equipment', 'direct-payment', '1200.00', { health: 1 }),
    ],
  },
  {
    budgetId: 'ipc-n-002',
    personRef: 'p-n-002',
    site: 'north',
    cohort: 'older-people-ltc',
    basis: 'joint',
    streams: ['health', 'social-care', 'contribution'],
    lines: [
      line('pa', 'personal-assistant', 'direct-payment', '15600.00', {
        health: 2,
        'social-care': 2,
        contribution: 1,
      }),
      line('transport', 'transport', 'direct-payment', '900.00', { 'social-care': 1 }),
    ],
    changeMonth: 3,
  },
  {
    budgetId: 'ipc-n-003',
    personRef: 'p-n-003',
    site: 'north',
    cohort: 'children-disabilities',
    basis: 'ehcp',
    streams: ['health', 'social-care', 'education'],
    lines: [
      line('respite', 'respite', 'third-party', '6000.00', { health: 1, 'social-care': 1, education: 1 }),
      line('therapy', 'therapy', 'notional', '3000.00', { health: 1 }),
    ],
  },
  {
    budgetId: 'ipc-n-004',
    personRef: 'p-n-004',
    site: 'north',
    cohort: 'learning-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care'],
    lines: [
      line('pa', 'personal-assistant', 'direct-payment', '21000.00', { health: 1, 'social-care': 1 }),
      line('day', 'community-activity', 'managed-account', '4200.00', { 'social-care': 1 }),
    ],
    changeMonth: 2,
  },
  {
    budgetId: 'ipc-n-005',
    personRef: 'p-n-005',
    site: 'north',
    cohort: 'serious-mental-illness',
    basis: 's117',
    streams: ['health', 'social-care'],
    lines: [
      line('support', 'community-activity', 'direct-payment', '7800.00', { health: 3, 'social-care': 1 }),
      line('gym', 'other', 'direct-payment', '360.00', { health: 1 }),
    ],
  },
  {
    budgetId: 'ipc-n-006',
    personRef: 'p-n-006',
    site: 'north',
    cohort: 'serious-mental-illness',
    basis: 'care-act',
    streams: ['social-care', 'contribution'],
    lines: [
      line('support', 'agency-care', 'managed-account', '5200.00', { 'social-care': 4, contribution: 1 }),
    ],
  },
  {
    budgetId: 'ipc-n-007',
    personRef: 'p-n-007',
    site: 'north',
    cohort: 'children-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care', 'education'],
    lines: [
      line('pa', 'personal-assistant', 'direct-payment', '9000.00', { health: 1, 'social-care': 1 }),
      line('school-transport', 'transport', 'third-party', '2400.00', { education: 1 }),
    ],
    changeMonth: 4,
  },
  {
    budgetId: 'ipc-n-008',
    personRef: 'p-n-008',
    site: 'north',
    cohort: 'learning-disabilities',
    basis: 'care-act',
    streams: ['social-care'],
    lines: [line('day', 'community-activity', 'notional', '8400.00', { 'social-care': 1 })],
    waiting: { month: 6, day: 10 },
  },
  {
    budgetId: 'ipc-s-001',
    personRef: 'p-s-001',
    site: 'south',
    cohort: 'older-people-ltc',
    basis: 'joint',
    streams: ['health', 'social-care'],
    lines: [
      line('care', 'agency-care', 'third-party', '12000.00', { health: 1, 'social-care': 1 }),
      line('respite', 'respite', 'notional', '1800.00', { 'social-care': 1 }),
    ],
  },
  {
    budgetId: 'ipc-s-002',
    personRef: 'p-s-002',
    site: 'south',
    cohort: 'older-people-ltc',
    basis: 'chc',
    streams: ['health'],
    lines: [line('pa', 'personal-assistant', 'direct-payment', '24000.00', { health: 1 })],
    changeMonth: 1,
  },
  {
    budgetId: 'ipc-s-003',
    personRef: 'p-s-003',
    site: 'south',
    cohort: 'children-disabilities',
    basis: 'ehcp',
    streams: ['health', 'social-care', 'education'],
    lines: [
      line('therapy', 'therapy', 'direct-payment', '4500.00', { health: 2, education: 1 }),
      line('breaks', 'respite', 'notional', '3600.00', { 'social-care': 1 }),
    ],
    waiting: { month: 8, day: 26 },
  },
  {
    budgetId: 'ipc-s-004',
    personRef: 'p-s-004',
    site: 'south',
    cohort: 'learning-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care'],
    lines: [line('pa', 'personal-assistant', 'managed-account', '16800.00', { health: 1, 'social-care': 3 })],
  },
  {
    budgetId: 'ipc-s-005',
    personRef: 'p-s-005',
    site: 'south',
    cohort: 'serious-mental-illness',
    basis: 's117',
    streams: ['health', 'social-care'],
    lines: [
      line('support', 'community-activity', 'notional', '6000.00', { health: 1, 'social-care': 1 }),
      line('course', 'other', 'direct-payment', '600.00', { 'social-care': 1 }),
    ],
    changeMonth: 2,
  },
  {
    budgetId: 'ipc-s-006',
    personRef: 'p-s-006',
    site: 'south',
    cohort: 'serious-mental-illness',
    basis: 'joint',
    streams: ['health', 'social-care'],
    lines: [line('pa', 'personal-assistant', 'direct-payment', '7200.00', { health: 1, 'social-care': 1 })],
    span: { from: 0, to: 5 },
  },
  {
    budgetId: 'ipc-s-007',
    personRef: 'p-s-007',
    site: 'south',
    cohort: 'children-disabilities',
    basis: 'joint',
    streams: ['health', 'social-care'],
    lines: [line('respite', 'respite', 'third-party', '5000.00', { health: 1, 'social-care': 4 })],
  },
  {
    budgetId: 'ipc-s-008',
    personRef: 'p-s-008',
    site: 'south',
    cohort: 'learning-disabilities',
    basis: 'care-act',
    streams: ['social-care', 'contribution'],
    lines: [
      line('day', 'community-activity', 'direct-payment', '6600.00', { 'social-care': 5, contribution: 1 }),
    ],
  },
  // A second budget for p-n-008 alongside the first (health money from July): one person, two budgets.
  {
    budgetId: 'ipc-n-009',
    personRef: 'p-n-008',
    site: 'north',
    cohort: 'learning-disabilities',
    basis: 'chc',
    streams: ['health'],
    lines: [line('therapy', 'therapy', 'third-party', '3000.00', { health: 1 })],
    span: { from: 3, to: 11 },
  },
  // The renewal of p-s-006's budget, which ended in September.
  {
    budgetId: 'ipc-s-009',
    personRef: 'p-s-006',
    site: 'south',
    cohort: 'serious-mental-illness',
    basis: 'joint',
    streams: ['health', 'social-care'],
    lines: [line('pa', 'personal-assistant', 'direct-payment', '7800.00', { health: 1, 'social-care': 1 })],
    span: { from: 6, to: 11 },
  },
];

/** The outcome instrument each cohort's reviews use, with its number of items. */
const INSTRUMENT_OF: Readonly<Record<Cohort, { instrument: string; items: number; lo: number; hi: number }>> =
  {
    'older-people-ltc': { instrument: 'ascot', items: 8, lo: 0, hi: 3 },
    'children-disabilities': { instrument: 'gas', items: 3, lo: -2, hi: 2 },
    'learning-disabilities': { instrument: 'poet', items: 6, lo: 1, hi: 4 },
    'serious-mental-illness': { instrument: 'swemwbs', items: 7, lo: 1, hi: 5 },
    other: { instrument: 'local:wellbeing', items: 1, lo: 0, hi: 10 },
  };

/**
 * An outcome measure of a person: the `r`-th (0 = baseline when the first plan is agreed), each
 * item a little better, the same or a little worse than at the baseline, by person.
 */
function outcomeData(p: Person, index: number, r: number, on: string): CommandDataMap['RecordOutcome'] {
  const { instrument, items, lo, hi } = INSTRUMENT_OF[p.cohort];
  const trend = (index % 3) - 1;
  const children = p.cohort === 'children-disabilities';
  return {
    instrument,
    measuredOn: on,
    respondent: children ? 'representative' : 'person',
    items: Array.from({ length: items }, (_, k) => {
      const base = children ? -1 - ((index + k) % 2) : lo + ((index + k) % (hi - lo));
      const score = Math.min(hi, Math.max(lo, base + r * trend));
      return {
        item: children ? `goal-${k + 1}` : `q${k + 1}`,
        score,
        ...(children ? { label: `goal ${k + 1} in the words of ${p.personRef}` } : {}),
      };
    }),
  };
}

/** The last day of a month `YYYY-MM`. */
function lastDay(ym: string): string {
  const [y, mo] = ym.split('-').map(Number) as [number, number];
  return `${ym}-${pad(new Date(Date.UTC(y, mo, 0)).getUTCDate())}`;
}

const coordinator = (site: string): Actor => ({ id: `coord-${site}`, role: 'coordinator' });
const finance = (stream: Stream, site: string): Actor => ({
  id: `${stream === 'health' ? 'icb' : stream === 'education' ? 'school' : 'council'}-${site}-finance`,
  role: 'finance',
});

const pad = (n: number) => String(n).padStart(2, '0');
/** The i-th month of the 2024-25 financial year (0 = April 2024) as YYYY-MM. */
const month = (i: number) => (i < 9 ? `2024-${pad(i + 4)}` : `2025-${pad(i - 8)}`);

/** Shares of the plan's total that each stream carries, rounded down to whole pence. */
function streamTotals(p: Person): Map<Stream, Money> {
  const out = new Map<Stream, Money>();
  for (const l of p.lines) {
    const total = Object.values(l.shares).reduce((a, b) => a + (b ?? 0), 0);
    for (const [s, w] of Object.entries(l.shares) as [Stream, number][]) {
      const part = Money.fromPence((l.amount.toPence() * BigInt(w)) / BigInt(total));
      out.set(s, (out.get(s) ?? Money.zero).plus(part));
    }
  }
  return out;
}

/** One person's year as commands (April 2024 to March 2025, up to `months` months of spend). */
function personCommands(p: Person, index: number, months: number): Command[] {
  const commands: Command[] = [];
  const day = pad(2 + (index % 20));
  const run = <K extends CommandType>(type: K, actor: Actor, at: string, data: CommandDataMap[K]) => {
    const commandId = `${p.budgetId}-c${String(commands.length + 1).padStart(3, '0')}`;
    commands.push(
      command(type, { commandId, budgetId: p.budgetId, actor, occurredAt: at, recordedAt: at }, data),
    );
  };
  const co = coordinator(p.site);
  const from = p.span?.from ?? 0;
  const to = p.span?.to ?? 11;
  // The month before the budget starts (planning) and the one before that (referral).
  const before = from === 0 ? '2024-03' : month(from - 1);
  const referred = from === 0 ? '2024-02' : from === 1 ? '2024-03' : month(from - 2);
  const person: Actor = { id: p.personRef, role: 'holder' };
  run('OpenBudget', co, `${before}-${day}T09:00:00.000Z`, {
    personRef: p.personRef,
    site: p.site,
    cohort: p.cohort,
    basis: p.basis,
    streams: [...p.streams],
    periodStart: `${month(from)}-01`,
    periodEnd: lastDay(month(to)),
    referredAt: `${referred}-${day}T10:00:00.000Z`,
  });
  const totals = streamTotals(p);
  if (p.streams.includes('contribution')) {
    run('AssessContribution', finance('social-care', p.site), `${before}-${day}T10:30:00.000Z`, {
      amount: totals.get('contribution') ?? Money.zero,
    });
  }
  for (const s of p.streams) {
    const amount = totals.get(s) ?? Money.zero;
    if (amount.isPositive())
      run('AllocateFunding', finance(s, p.site), `${before}-${day}T11:00:00.000Z`, {
        stream: s,
        amount,
        stage: 'indicative',
      });
  }
  run('ProposePlan', co, `${before}-${day}T14:00:00.000Z`, { planVersion: 1, lines: [...p.lines] });
  // plans are agreed by the person; where a person cannot agree, the coordinator agrees in their best interests
  const bestInterests = p.cohort === 'learning-disabilities' && index % 2 === 0;
  const agree = (at: string, planVersion: number, agreedOn: string) =>
    bestInterests
      ? run('AgreePlanInBestInterests', co, at, {
          planVersion,
          agreedOn,
          bestInterestsReason: 'assessed as lacking capacity to agree the plan; family consulted',
        })
      : run('AgreePlan', person, at, { planVersion, agreedOn });
  agree(`${before}-${pad(Number(day) + 5)}T12:00:00.000Z`, 1, `${before}-${pad(Number(day) + 5)}`);
  // A baseline outcome measure when the first plan of the person's first budget is agreed.
  if (from === 0) {
    const on = `${before}-${pad(Number(day) + 5)}`;
    run('RecordOutcome', co, `${on}T12:30:00.000Z`, outcomeData(p, index, 0, on));
  }
  for (const s of p.streams) {
    const amount = totals.get(s) ?? Money.zero;
    if (amount.isPositive())
      run('AllocateFunding', finance(s, p.site), `${before}-${pad(Number(day) + 6)}T09:00:00.000Z`, {
        stream: s,
        amount,
        stage: 'agreed',
      });
  }
  let lines = [...p.lines];
  let version = 1;
  for (let m = from; m < Math.min(months, to + 1); m++) {
    const ym = month(m);
    // Cash for direct payments and managed accounts, paid monthly per stream.
    for (const s of p.streams) {
      const cash = lines.filter((l) => l.option !== 'notional' && l.shares[s] !== undefined);
      if (cash.length === 0) continue;
      const pence = cash.reduce((acc, l) => {
        const total = Object.values(l.shares).reduce((a, b) => a + (b ?? 0), 0);
        return acc + (l.amount.toPence() * BigInt(l.shares[s] ?? 0)) / BigInt(total * 12);
      }, 0n);
      if (pence > 0n) {
        run('PayFunds', finance(s, p.site), `${ym}-01T08:00:00.000Z`, {
          stream: s,
          amount: Money.fromPence(pence),
          option:
            cash[0]?.option === 'managed-account'
              ? 'managed-account'
              : cash[0]?.option === 'third-party'
                ? 'third-party'
                : 'direct-payment',
          reference: `pay-${p.budgetId}-${ym}-${s}`,
        });
      }
    }
    const reversals: [Actor, string][] = [];
    for (const [li, l] of lines.entries()) {
      // a little under or over a twelfth, deterministic per person, line and month
      const wobble = BigInt(((index * 7 + li * 13 + m * 5) % 11) - 5);
      const pence = (l.amount.toPence() * (100n + wobble)) / 1200n;
      if (pence <= 0n) continue;
      const holder = l.option === 'direct-payment' || l.option === 'managed-account';
      const actor: Actor = holder ? { id: p.personRef, role: 'holder' } : co;
      const spendId = `${p.budgetId}-${ym}-${l.lineId}`;
      run('RecordSpend', actor, `${ym}-25T17:00:00.000Z`, {
        spendId,
        lineId: l.lineId,
        amount: Money.fromPence(pence),
        spentOn: `${ym}-24`,
        payee: `${l.category} provider`,
        evidenceRef: `ev-${spendId}`,
      });
      if ((index + m + li) % 17 === 0) reversals.push([actor, spendId]);
    }
    for (const [actor, spendId] of reversals) {
      run('ReverseSpend', actor, `${ym}-25T19:00:00.000Z`, {
        spendId,
        reason: 'invoice withdrawn by the provider',
      });
    }
    if (p.changeMonth === m) {
      run('RequestChange', { id: p.personRef, role: 'holder' }, `${ym}-26T09:00:00.000Z`, {
        changeRequestId: `cr-${ym}`,
        summary: 'needs changed',
      });
      version += 1;
      lines = lines.map((l, i) =>
        i === 0 ? { ...l, amount: Money.fromPence((l.amount.toPence() * 11n) / 10n) } : l,
      );
      run('ProposePlan', co, `${ym}-27T15:00:00.000Z`, {
        planVersion: version,
        changeRequestId: `cr-${ym}`,
        lines,
      });
      const agreedDay = pad(27 + (index % 2));
      agree(`${ym}-${agreedDay}T16:00:00.000Z`, version, `${ym}-${agreedDay}`);
      const first = lines[0];
      if (first !== undefined) {
        const extra = Money.fromPence(first.amount.toPence() / 11n);
        const s = (Object.keys(first.shares)[0] ?? p.streams[0]) as Stream;
        run('AdjustFunding', finance(s, p.site), `${ym}-28T17:00:00.000Z`, {
          stream: s,
          delta: extra,
          reason: `plan version ${version} agreed`,
        });
      }
    }
    if (index === 5 && m === 4) {
      // a receipt for something that is not in the plan: flagged, not counted as spend
      run('RecordSpend', { id: p.personRef, role: 'holder' }, `${ym}-26T10:00:00.000Z`, {
        spendId: `${p.budgetId}-${ym}-x`,
        lineId: 'holiday',
        amount: Money.of('420.00'),
        spentOn: `${ym}-20`,
        payee: 'travel agent',
        evidenceRef: `ev-${p.budgetId}-${ym}-x`,
      });
    }
    if (index === 7 && m === 5) {
      // a one-off equipment purchase recorded against the day-service line: an overspend to explain
      run('RecordSpend', co, `${ym}-26T11:00:00.000Z`, {
        spendId: `${p.budgetId}-${ym}-oneoff`,
        lineId: 'day',
        amount: Money.of('2950.00'),
        spentOn: `${ym}-26`,
        payee: 'day service (annual fee)',
        evidenceRef: `ev-${p.budgetId}-${ym}-oneoff`,
      });
    }
    if ((m === 2 || m === 8) && index !== 9) {
      run('CompleteReview', co, `${ym}-28T18:00:00.000Z`, { reviewedOn: `${ym}-28`, outcome: 'no-change' });
      // The review measures what changed for the person (the renewal carries on the count).
      run('RecordOutcome', co, `${ym}-28T18:30:00.000Z`, outcomeData(p, index, m === 2 ? 1 : 2, `${ym}-28`));
    }
    if (p.waiting?.month === m) {
      run('RequestChange', { id: p.personRef, role: 'holder' }, `${ym}-${pad(p.waiting.day)}T09:00:00.000Z`, {
        changeRequestId: `cr-wait-${ym}`,
        summary: 'would like a different provider',
      });
    }
  }
  const lastMonth = Math.min(months - 1, to);
  if (index % 5 === 3 && lastMonth - from >= 5) {
    const s = p.streams[0] as Stream;
    run('ReclaimSurplus', finance(s, p.site), `${month(lastMonth)}-28T20:00:00.000Z`, {
      stream: s,
      amount: Money.of('150.00'),
      reason: 'surplus',
      noticeRef: `notice-${p.budgetId}`,
      deadline: `${month(months - 1)}-28`,
    });
  }
  return commands;
}

/**
 * The demonstrator's ledger: every person's year, budgets interleaved in the order the
 * commands were recorded (by recorded time, then budget).
 */
export function ipcSiteLedger(months = 9): Ledger {
  const all = PEOPLE.flatMap((p, i) => personCommands(p, i, months).map((c, k) => ({ c, k })));
  all.sort((a, b) =>
    a.c.recordedAt !== b.c.recordedAt
      ? a.c.recordedAt < b.c.recordedAt
        ? -1
        : 1
      : a.c.budgetId !== b.c.budgetId
        ? a.c.budgetId < b.c.budgetId
          ? -1
          : 1
        : a.k - b.k,
  );
  const ledger = new Ledger();
  for (const { c } of all) {
    if (c.type === 'ReclaimSurplus') {
      // a reclaim takes at most the surplus held in the person's account at the time
      const surplus = accountSurplus(ledger.stateOf(c.budgetId), c.data.stream);
      if (!surplus.isPositive()) continue;
      if (c.data.amount.greaterThan(surplus)) {
        ledger.recordOrThrow({ ...c, data: { ...c.data, amount: surplus } });
        continue;
      }
    }
    ledger.recordOrThrow(c);
  }
  return ledger;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ledger = ipcSiteLedger();
  console.log(balancesTable(balances(ledger.events())));
  console.log();
  const flags = PEOPLE.flatMap((p) =>
    flagsOf(p.budgetId, ledger.stateOf(p.budgetId), { onDate: '2024-12-31' }),
  );
  console.log(flagsText(flags));
}
