/**
 * Given / when / then for the budget decider (after Emmett's DeciderSpecification):
 * given the commands already accepted, when a command arrives, then these events, or this
 * refusal. A rule and its test read alike.
 */
import { expect } from 'vitest';
import {
  Money,
  decide,
  evolve,
  initialState,
  type Actor,
  type BudgetState,
  type Command,
  type CommandDataMap,
  type CommandType,
  type ErrorCode,
  type LedgerError,
  type PendingEvent,
} from 'ipb-ledger';

export const BUDGET = 'b-1';
export const actors = {
  holder: { id: 'person-1', role: 'holder' },
  otherHolder: { id: 'person-2', role: 'holder' },
  rep: { id: 'rep-1', role: 'representative' },
  coordinator: { id: 'coord-1', role: 'coordinator' },
  commissioner: { id: 'comm-1', role: 'commissioner' },
  finance: { id: 'fin-1', role: 'finance' },
  auditor: { id: 'aud-1', role: 'auditor' },
  system: { id: 'sys-1', role: 'system' },
} as const satisfies Record<string, Actor>;

let n = 0;
/** A command at the next minute of 2025-04-01 onwards, with a fresh command id. */
export function cmd<K extends CommandType>(
  type: K,
  actor: Actor,
  data: CommandDataMap[K],
  budgetId = BUDGET,
): Command {
  n += 1;
  const minutes = n;
  const day = 1 + Math.floor(minutes / 1440);
  const hh = String(Math.floor((minutes % 1440) / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  const at = `2025-04-${String(day).padStart(2, '0')}T${hh}:${mm}:00.000Z`;
  return { type, commandId: `c-${n}`, budgetId, actor, occurredAt: at, recordedAt: at, data } as Command;
}

/** Common commands with sensible defaults. */
export const c = {
  open: (over: Partial<CommandDataMap['OpenBudget']> = {}, actor: Actor = actors.coordinator) =>
    cmd('OpenBudget', actor, {
      personRef: 'person-1',
      site: 'nottinghamshire',
      cohort: 'learning-disabilities',
      basis: 'joint',
      streams: ['health', 'social-care'],
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
      ...over,
    }),
  allocate: (
    stream: 'health' | 'social-care' | 'education' | 'contribution',
    amount: string,
    stage: 'agreed' | 'indicative' = 'agreed',
    actor: Actor = actors.finance,
  ) => cmd('AllocateFunding', actor, { stream, amount: Money.of(amount), stage }),
  plan: (planVersion = 1, over: Partial<CommandDataMap['ProposePlan']> = {}) =>
    cmd('ProposePlan', actors.coordinator, {
      planVersion,
      lines: [
        {
          lineId: 'pa',
          category: 'personal-assistant',
          option: 'direct-payment',
          amount: Money.of('1000.00'),
          shares: { health: 1, 'social-care': 1 },
        },
        {
          lineId: 'physio',
          category: 'therapy',
          option: 'notional',
          amount: Money.of('200.00'),
          shares: { health: 1 },
        },
      ],
      ...over,
    }),
  agree: (planVersion = 1, agreedOn = '2025-04-01', actor: Actor = actors.holder) =>
    cmd('AgreePlan', actor, { planVersion, agreedOn }),
  spend: (
    spendId: string,
    lineId: string,
    amount: string,
    actor: Actor = actors.holder,
    spentOn = '2025-04-02',
  ) =>
    cmd('RecordSpend', actor, {
      spendId,
      lineId,
      amount: Money.of(amount),
      spentOn,
      payee: 'PA agency',
      evidenceRef: `ev-${spendId}`,
    }),
  reverse: (spendId: string, reason = 'entered twice', actor: Actor = actors.finance) =>
    cmd('ReverseSpend', actor, { spendId, reason }),
  pay: (
    stream: 'health' | 'social-care' | 'education' | 'contribution',
    amount: string,
    option: 'direct-payment' | 'managed-account' | 'third-party' = 'direct-payment',
  ) =>
    cmd('PayFunds', actors.finance, { stream, amount: Money.of(amount), option, reference: `pay-${n + 1}` }),
  reclaim: (
    stream: 'health' | 'social-care' | 'education' | 'contribution',
    amount: string,
    noticeRef = 'N-1',
    reason: 'plan-change' | 'surplus' | 'misuse' | 'fraud' | 'death' = 'surplus',
  ) =>
    cmd('ReclaimSurplus', actors.finance, {
      stream,
      amount: Money.of(amount),
      reason,
      noticeRef,
      deadline: '2025-06-30',
    }),
};

/** A budget opened, funded 500/500 and with plan 1 (pa: 50/50 direct payment, physio: health notional) agreed. */
export const fundedBudget = (): Command[] => [
  c.open(),
  c.allocate('health', '500.00'),
  c.allocate('social-care', '500.00'),
  c.plan(),
  c.agree(),
];

/** The state after the given commands (each must be accepted). */
export function stateAfter(commands: readonly Command[]): BudgetState {
  let s = initialState;
  for (const command of commands) {
    const r = decide(command, s);
    if (r._tag === 'Left') throw new Error(`given ${command.type} was refused: ${r.left.message}`);
    for (const e of r.right) s = evolve(s, e);
  }
  return s;
}

interface Then {
  /** The command is accepted and produces events with these types (and checks on them). */
  then(types: readonly PendingEvent['type'][], check?: (events: PendingEvent[]) => void): void;
  /** The command is refused with this error code (and checks on the error). */
  thenRefused(code: ErrorCode, check?: (error: LedgerError) => void): void;
}

export function given(...commands: Command[]): { when(command: Command): Then } {
  const state = stateAfter(commands);
  return {
    when(command: Command): Then {
      const r = decide(command, state);
      return {
        then(types, check) {
          if (r._tag === 'Left')
            throw new Error(
              `expected ${types.join(', ')} but was refused: ${r.left.code}: ${r.left.message}`,
            );
          expect(r.right.map((e) => e.type)).toEqual(types);
          check?.(r.right);
        },
        thenRefused(code, check) {
          if (r._tag === 'Right')
            throw new Error(
              `expected refusal ${code} but got ${r.right.map((e) => e.type).join(', ') || 'no events'}`,
            );
          expect(r.left.code).toBe(code);
          expect(r.left.message.length).toBeGreaterThan(10);
          check?.(r.left);
        },
      };
    },
  };
}
