/**
 * Typed command builders (`command`, `commands.*`) and reading a budget back in one call
 * (`budgetView`, `loadBudget`). The type-level parts are checked by `npm run typecheck`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  COMMAND_TYPES,
  Ledger,
  MemoryEventStore,
  CommandHandler,
  Money,
  balances,
  budgetView,
  command,
  commands,
  flagsOf,
  foldEvents,
  auditTrail,
  loadBudget,
  type CommandMeta,
  type CommandOf,
  type Command,
} from 'ipb-ledger';

const meta = (commandId: string): CommandMeta => ({
  commandId,
  budgetId: 'b-1',
  actor: { id: 'fin-1', role: 'finance' },
  occurredAt: '2025-04-01T09:00:00.000Z',
  recordedAt: '2025-04-01T09:00:00.000Z',
});

describe('command builders', () => {
  it('have one builder per command type, named in camelCase, building what a literal would', () => {
    const names = Object.keys(commands).sort();
    expect(names).toEqual(COMMAND_TYPES.map((t) => t.charAt(0).toLowerCase() + t.slice(1)).sort());
    const data = { stream: 'health', amount: Money.of('10.00'), stage: 'agreed' } as const;
    const built = commands.allocateFunding(meta('c-1'), data);
    expect(built).toEqual({ type: 'AllocateFunding', ...meta('c-1'), data });
    expect(command('AllocateFunding', meta('c-1'), data)).toEqual(built);
    for (const type of COMMAND_TYPES) {
      const name = (type.charAt(0).toLowerCase() + type.slice(1)) as keyof typeof commands;
      const b = commands[name] as (m: CommandMeta, d: unknown) => Command;
      expect(b(meta('x'), {}).type).toBe(type);
    }
  });

  it('type data by the command type, so no cast is needed and a wrong field does not compile', () => {
    const spend = commands.recordSpend(meta('c-2'), {
      spendId: 's-1',
      lineId: 'pa',
      amount: Money.of('1.00'),
      spentOn: '2025-04-01',
      payee: 'PA',
      evidenceRef: 'e-1',
    });
    expectTypeOf(spend).toEqualTypeOf<CommandOf<'RecordSpend'>>();
    const asCommand: Command = spend;
    expect(asCommand.type).toBe('RecordSpend');
    command('AllocateFunding', meta('c-3'), {
      // @ts-expect-error AllocateFunding has no spendId
      spendId: 's-1',
      stream: 'health',
      amount: Money.of('1.00'),
      stage: 'agreed',
    });
    // @ts-expect-error amounts are Money, not numbers
    commands.allocateFunding(meta('c-4'), { stream: 'health', amount: 12.5, stage: 'agreed' });
  });

  it('leave checking to the decider: a bad field is a typed refusal naming it', () => {
    const ledger = new Ledger();
    const r = ledger.record(
      command('OpenBudget', meta('c-5'), {
        personRef: 'p-1',
        site: 'north',
        cohort: 'other',
        basis: 'joint',
        streams: ['health'],
        periodStart: '2025-04-01',
        periodEnd: '2025-02-30',
      }),
    );
    expect(r._tag).toBe('Left');
    if (r._tag === 'Left') expect(r.left.message).toContain('periodEnd');
  });
});

describe('loadBudget / budgetView', () => {
  const coord = { id: 'co-1', role: 'coordinator' } as const;
  const at = (d: string) => ({
    occurredAt: `2025-04-${d}T09:00:00.000Z`,
    recordedAt: `2025-04-${d}T09:00:00.000Z`,
  });
  const m = (id: string, d: string, actor: CommandMeta['actor'] = coord): CommandMeta => ({
    commandId: id,
    budgetId: 'b-1',
    actor,
    ...at(d),
  });
  const history: Command[] = [
    commands.openBudget(m('o', '01'), {
      personRef: 'p-1',
      site: 'north',
      cohort: 'other',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
    }),
    commands.allocateFunding(m('a', '02', { id: 'f', role: 'finance' }), {
      stream: 'health',
      amount: Money.of('100.00'),
      stage: 'agreed',
    }),
    commands.proposePlan(m('p', '03'), {
      planVersion: 1,
      lines: [
        {
          lineId: 'pa',
          category: 'personal-assistant',
          option: 'managed-account',
          amount: Money.of('100.00'),
          shares: { health: 1 },
        },
      ],
    }),
    commands.agreePlan(m('g', '04', { id: 'p-1', role: 'holder' }), {
      planVersion: 1,
      agreedOn: '2025-04-04',
    }),
    commands.recordSpend(m('s', '05'), {
      spendId: 's-1',
      lineId: 'pa',
      amount: Money.of('120.00'),
      spentOn: '2025-04-05',
      payee: 'Agency',
      evidenceRef: 'inv-1',
    }),
  ];

  it('gives the state, balances, flags, plans and audit trail the separate calls give', async () => {
    const store = new MemoryEventStore();
    const handler = new CommandHandler(store);
    for (const c of history) {
      const r = await handler.handle(c);
      expect(r._tag).toBe('Right');
    }
    const events = await store.readStream('b-1');
    const view = await loadBudget(store, 'b-1', { flags: { onDate: '2025-04-30' } });
    if (view === null) throw new Error('no view');
    expect(view.events).toEqual(events);
    expect(view.state).toEqual(foldEvents(events));
    expect(view.balances).toEqual(balances(events).budgets[0]);
    expect(view.balances.streams[0]?.[1].spent.toString()).toBe('120.00');
    expect(view.flags).toEqual(flagsOf('b-1', foldEvents(events), { onDate: '2025-04-30' }));
    expect(view.flags.map((f) => f.kind)).toContain('overspend-line');
    expect(view.auditTrail).toEqual(auditTrail(events));
    expect(view.plans.plans.map((p) => p.status)).toEqual(['agreed']);
    expect(await loadBudget(store, 'no-such-budget')).toBeNull();
  });

  it('honours the time filter and ignores other budgets', () => {
    const ledger = new Ledger();
    for (const c of history) ledger.recordOrThrow(c);
    ledger.recordOrThrow(
      commands.openBudget(
        { ...m('o2', '01'), budgetId: 'b-2' },
        {
          personRef: 'p-2',
          site: 'north',
          cohort: 'other',
          basis: 'joint',
          streams: ['health'],
          periodStart: '2025-04-01',
          periodEnd: '2026-03-31',
        },
      ),
    );
    const early = budgetView('b-1', ledger.events(), { filter: { asOf: '2025-04-03T00:00:00.000Z' } });
    expect(early.events.map((e) => e.type)).toEqual(['BudgetOpened', 'FundingAllocated']);
    expect(early.auditTrail).toHaveLength(2);
    expect(early.balances.streams[0]?.[1].allocated.toString()).toBe('100.00');
    expect(early.balances.streams[0]?.[1].spent.toString()).toBe('0.00');
  });
});
