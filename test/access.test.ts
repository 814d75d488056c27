/**
 * Access rules, generated from the table in docs/rules.md: every role tries every command
 * (spend commands on a line of every management option). Allowed roles succeed; every other
 * role is refused with `role-not-allowed` and nothing is appended.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Ledger,
  Money,
  OPTIONS,
  ROLES,
  initialState,
  decide,
  dateOfEpochDay,
  epochDay,
  type Actor,
  type Command,
  type CommandType,
  type ManagementOption,
  type Role,
} from 'ipb-ledger';
import { roleTable } from './helpers.js';

const md = readFileSync('docs/rules.md', 'utf8');
const table = (firstHeader: string) => roleTable(md, firstHeader) as Map<string, Set<Role>>;
const commandTable = table('command');
const spendTable = table('option');

const B = 'acc-1';
const personRef = 'person-acc';
/** An actor of each role with the right identity for this budget (holder = personRef, authorised representative). */
const actorFor = (role: Role): Actor => ({
  id: role === 'holder' ? personRef : role === 'representative' ? 'rep-acc' : `${role}-1`,
  role,
});

let t = 0;
function make<K extends CommandType>(
  type: K,
  actor: Actor,
  data: Extract<Command, { type: K }>['data'],
): Command {
  t += 1;
  const day = dateOfEpochDay(epochDay('2025-05-01') + Math.floor(t / 1440));
  const at = `${day}T${String(Math.floor(t / 60) % 24).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}:00.000Z`;
  return {
    type,
    commandId: `acc-${t}`,
    budgetId: B,
    actor,
    occurredAt: '2025-05-01T00:00:00.000Z',
    recordedAt: at,
    data,
  } as Command;
}

const fin = actorFor('finance');
const coord = actorFor('coordinator');
const lineFor = (o: ManagementOption) => `line-${o}`;

/** A live budget where every command is valid for an allowed role. */
function fixture(): Ledger {
  const l = new Ledger();
  const run = (c: Command) => l.recordOrThrow(c);
  run(
    make('OpenBudget', coord, {
      personRef,
      site: 's',
      cohort: 'other',
      basis: 'care-act',
      streams: ['health', 'social-care', 'contribution'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
  );
  run(make('AuthoriseRepresentative', coord, { representativeId: 'rep-acc', reason: 'holder asked' }));
  run(make('AllocateFunding', fin, { stream: 'health', amount: Money.of('1000.00'), stage: 'agreed' }));
  run(
    make('PayFunds', fin, {
      stream: 'health',
      amount: Money.of('100.00'),
      option: 'direct-payment',
      reference: 'dp-1',
    }),
  );
  run(
    make('ProposePlan', coord, {
      planVersion: 1,
      lines: OPTIONS.map((o) => ({
        lineId: lineFor(o),
        category: 'other',
        option: o,
        amount: Money.of('100.00'),
        shares: { health: 1 },
      })),
    }),
  );
  run(make('AgreePlan', actorFor('holder'), { planVersion: 1, agreedOn: '2025-04-01' }));
  for (const o of OPTIONS) {
    const who = [...(spendTable.get(o) ?? [])].includes('coordinator') ? coord : fin;
    run(
      make('RecordSpend', who, {
        spendId: `sp-${o}`,
        lineId: lineFor(o),
        amount: Money.of('1.00'),
        spentOn: '2025-04-10',
        payee: 'p',
        evidenceRef: 'e',
      }),
    );
  }
  run(make('RequestChange', actorFor('holder'), { changeRequestId: 'cr-1', summary: 'more' }));
  run(
    make('ProposePlan', coord, {
      planVersion: 2,
      changeRequestId: 'cr-1',
      lines: [
        {
          lineId: 'x',
          category: 'other',
          option: 'notional',
          amount: Money.of('1.00'),
          shares: { health: 1 },
        },
      ],
    }),
  );
  return l;
}

interface Case {
  readonly name: string;
  readonly allowed: Set<Role>;
  readonly command: (actor: Actor) => Command;
  readonly setup?: (l: Ledger) => void;
  readonly fresh?: boolean;
}

const cases: Case[] = [];
const allowed = (type: CommandType) => commandTable.get(type) ?? new Set<Role>();
const add = (type: CommandType, command: (a: Actor) => Command, extra: Partial<Case> = {}) =>
  cases.push({ name: type, allowed: allowed(type), command, ...extra });

add(
  'OpenBudget',
  (a) =>
    make('OpenBudget', a, {
      personRef,
      site: 's',
      cohort: 'other',
      basis: 'joint',
      streams: ['health'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
  { fresh: true },
);
add('AllocateFunding', (a) =>
  make('AllocateFunding', a, { stream: 'health', amount: Money.of('5.00'), stage: 'agreed' }),
);
add('AdjustFunding', (a) =>
  make('AdjustFunding', a, { stream: 'health', delta: Money.of('-5.00'), reason: 'less needed' }),
);
add('AssessContribution', (a) => make('AssessContribution', a, { amount: Money.of('5.00') }));
add('PayFunds', (a) =>
  make('PayFunds', a, {
    stream: 'health',
    amount: Money.of('5.00'),
    option: 'direct-payment',
    reference: 'r',
  }),
);
add('ProposePlan', (a) => make('ProposePlan', a, { planVersion: 3, lines: [] }));
add('AgreePlan', (a) => make('AgreePlan', a, { planVersion: 2, agreedOn: '2025-05-01' }));
add('RejectPlan', (a) => make('RejectPlan', a, { planVersion: 2, reason: 'too little' }));
add('RequestChange', (a) => make('RequestChange', a, { changeRequestId: 'cr-2', summary: 'x' }));
for (const o of OPTIONS) {
  const both = (type: CommandType) => new Set([...allowed(type)].filter((r) => spendTable.get(o)?.has(r)));
  cases.push({
    name: `RecordSpend on ${o}`,
    allowed: both('RecordSpend'),
    command: (a) =>
      make('RecordSpend', a, {
        spendId: `new-${o}`,
        lineId: lineFor(o),
        amount: Money.of('1.00'),
        spentOn: '2025-04-20',
        payee: 'p',
        evidenceRef: 'e',
      }),
  });
  cases.push({
    name: `ReverseSpend on ${o}`,
    allowed: both('ReverseSpend'),
    command: (a) => make('ReverseSpend', a, { spendId: `sp-${o}`, reason: 'mistake' }),
  });
}
add('ReclaimSurplus', (a) =>
  make('ReclaimSurplus', a, {
    stream: 'health',
    amount: Money.of('5.00'),
    reason: 'surplus',
    noticeRef: 'n',
    deadline: '2026-03-31',
  }),
);
add('CompleteReview', (a) => make('CompleteReview', a, { reviewedOn: '2025-05-01', outcome: 'no-change' }));
add('SuspendDirectPayment', (a) => make('SuspendDirectPayment', a, { reason: 'check' }));
add('ResumeDirectPayment', (a) => make('ResumeDirectPayment', a, { reason: 'ok' }), {
  setup: (l) => l.recordOrThrow(make('SuspendDirectPayment', fin, { reason: 'check' })),
});
add('StopDirectPayment', (a) => make('StopDirectPayment', a, { reason: 'ended' }));
add('CloseBudget', (a) => make('CloseBudget', a, { closedOn: '2025-05-01', reason: 'moved' }));
add('AuthoriseRepresentative', (a) =>
  make('AuthoriseRepresentative', a, { representativeId: 'rep-2', reason: 'asked' }),
);
add('RevokeRepresentative', (a) =>
  make('RevokeRepresentative', a, { representativeId: 'rep-acc', reason: 'asked' }),
);
add('RecordOutcome', (a) =>
  make('RecordOutcome', a, {
    instrument: 'gas',
    measuredOn: '2025-05-01',
    respondent: 'person',
    items: [{ item: 'goal-1', score: 0 }],
  }),
);

add('AgreePlanInBestInterests', (a) =>
  make('AgreePlanInBestInterests', a, {
    planVersion: 2,
    agreedOn: '2025-05-01',
    bestInterestsReason: 'assessed as lacking capacity to agree the plan',
  }),
);
add('DeclineChangeRequest', (a) =>
  make('DeclineChangeRequest', a, { changeRequestId: 'cr-1', reason: 'already in the plan' }),
);
/** An overspend on the notional line (the coordinator records spend there). */
const overspend = (l: Ledger) =>
  l.recordOrThrow(
    make('RecordSpend', coord, {
      spendId: 'sp-over',
      lineId: lineFor('notional'),
      amount: Money.of('150.00'),
      spentOn: '2025-04-20',
      payee: 'p',
      evidenceRef: 'e',
    }),
  );
add('ExplainOverspend', (a) => make('ExplainOverspend', a, { lineId: lineFor('notional'), reason: 'why' }), {
  setup: overspend,
});
add(
  'ApproveOverspendException',
  (a) => make('ApproveOverspendException', a, { lineId: lineFor('notional'), reason: 'agreed' }),
  { setup: overspend },
);
/** A reclaim of direct-payment surplus (100.00 paid in, 1.00 spent). */
const reclaim = (l: Ledger) =>
  l.recordOrThrow(
    make('ReclaimSurplus', fin, {
      stream: 'health',
      amount: Money.of('5.00'),
      reason: 'surplus',
      noticeRef: 'n-r',
      deadline: '2026-03-31',
    }),
  );
add('RequestReconsideration', (a) => make('RequestReconsideration', a, { noticeRef: 'n-r', reason: 'why' }), {
  setup: reclaim,
});
add(
  'AnswerReconsideration',
  (a) =>
    make('AnswerReconsideration', a, {
      noticeRef: 'n-r',
      outcome: 'upheld',
      returned: Money.of('0.00'),
      reason: 'the surplus is real',
    }),
  {
    setup: (l) => {
      reclaim(l);
      l.recordOrThrow(
        make('RequestReconsideration', actorFor('holder'), { noticeRef: 'n-r', reason: 'why' }),
      );
    },
  },
);
add('SetLocalExclusions', (a) =>
  make('SetLocalExclusions', a, {
    exclusions: [{ stream: 'health', purpose: 'gambling', ruleId: 'rule-1', text: 'not for gambling' }],
    reason: 'site policy',
  }),
);
add('HoldContingency', (a) =>
  make('HoldContingency', a, {
    contingencyId: 'k-1',
    stream: 'health',
    amount: Money.of('5.00'),
    reason: 'winter',
  }),
);
add(
  'ReturnContingency',
  (a) => make('ReturnContingency', a, { contingencyId: 'k-1', amount: Money.of('5.00'), reason: 'unused' }),
  {
    setup: (l) =>
      l.recordOrThrow(
        make('HoldContingency', fin, {
          contingencyId: 'k-1',
          stream: 'health',
          amount: Money.of('5.00'),
          reason: 'winter',
        }),
      ),
  },
);

describe('every role on every command, from the table in docs/rules.md', () => {
  it('covers every command in the table', () => {
    expect(new Set(cases.map((c) => c.name.split(' ')[0]))).toEqual(new Set(commandTable.keys()));
  });

  for (const k of cases) {
    for (const role of ROLES) {
      const verdict = k.allowed.has(role) ? 'may' : 'may not';
      it(`${role} ${verdict}: ${k.name}`, () => {
        const l = fixture();
        k.setup?.(l);
        const before = k.fresh ? 0 : l.events().length;
        const state = k.fresh ? initialState : l.stateOf(B);
        const r = decide(k.command(actorFor(role)), state);
        if (k.allowed.has(role)) {
          expect(r._tag === 'Right' ? r.right.length : r.left.message).toBeGreaterThan(0);
        } else {
          expect(r._tag === 'Left' ? r.left.code : 'accepted').toBe('role-not-allowed');
          if (!k.fresh) {
            const rec = l.record(k.command(actorFor(role)));
            expect(rec._tag).toBe('Left');
            expect(l.events().length).toBe(before);
          }
        }
      });
    }
  }
});

describe('identity rules', () => {
  it('a holder may only act on their own budget; a revoked representative no longer may', () => {
    const l = fixture();
    const stranger = decide(
      make(
        'RequestChange',
        { id: 'someone-else', role: 'holder' },
        { changeRequestId: 'cr-9', summary: 'x' },
      ),
      l.stateOf(B),
    );
    expect(stranger._tag === 'Left' && stranger.left.code).toBe('not-your-budget');
    l.recordOrThrow(
      make('RevokeRepresentative', coord, { representativeId: 'rep-acc', reason: 'holder asked' }),
    );
    const rep = decide(
      make('RequestChange', actorFor('representative'), { changeRequestId: 'cr-9', summary: 'x' }),
      l.stateOf(B),
    );
    expect(rep._tag === 'Left' && rep.left.code).toBe('not-your-budget');
  });
});
