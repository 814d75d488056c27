/**
 * What the rules of src/budget/decide/ share: the result type, making events from a command,
 * and the checks several rules make (a reason given, a stream of the budget, contribution
 * limits, surplus in the account, overspend, the role rule).
 */
import { type Either, right } from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import type { EventDataMap, EventType } from '../../events/data.js';
import type { EventMeta, PendingEvent, PendingEventOf } from '../../events/envelope.js';
import { remainingOf } from '../../events/money-effects.js';
import { planOn } from '../../events/plan-on.js';
import type { ManagementOption, Stream } from '../../events/primitives.js';
import { currentVersion } from '../../events/upcast.js';
import { Money } from '../../money/money.js';
import type { Command, CommandType } from '../commands.js';
import { ledgerError, type LedgerError } from '../errors.js';
import { COMMAND_ROLES, FREE_AT_POINT_OF_USE, SPEND_ROLES } from '../rules.js';
import type { DecisionState } from '../state.js';

/** What deciding a command gives: its new events, or the rule it breaks. */
export type Decision = Either<LedgerError, PendingEvent[]>;

/** Namespace for event ids derived from command ids (UUID v5): same command, same ids, every replay. */
export const EVENT_ID_NAMESPACE = '6f1c9a52-3b7e-5d0a-9c4e-1b2d3e4f5a6b';

/**
 * The id of the `index`-th event a command produces on a budget: a name-based UUID (v5) of
 * the budget id, the command id and the index, so no random source is needed, a replay gives
 * the same ids, and two budgets never share an event id even when callers reuse command ids.
 */
export function eventIdFor(budgetId: string, commandId: string, index: number): string {
  return uuidv5(JSON.stringify([budgetId, commandId, index]), EVENT_ID_NAMESPACE);
}

function emit<K extends EventType>(command: Command, type: K, data: EventDataMap[K]): PendingEventOf<K> {
  const meta: { -readonly [P in keyof EventMeta]: EventMeta[P] } = {
    eventId: eventIdFor(command.budgetId, command.commandId, 0),
    budgetId: command.budgetId,
    occurredAt: command.occurredAt,
    recordedAt: command.recordedAt,
    actor: { id: command.actor.id, role: command.actor.role },
    commandId: command.commandId,
  };
  if (command.correlationId !== undefined) meta.correlationId = command.correlationId;
  if (command.causationId !== undefined) meta.causationId = command.causationId;
  return { ...meta, type, v: currentVersion(type), data };
}

/** The one event a command produces. */
export function one<K extends EventType>(command: Command, type: K, data: EventDataMap[K]): Decision {
  return right([emit(command, type, data) as PendingEvent]);
}

/** The refusal of a blank reason, or null when one is given. */
export function needReason(field: string, value: string, what: string): LedgerError | null {
  return value.trim().length === 0
    ? ledgerError('reason-required', `${what} needs a reason: the budget holder is entitled to know why`, {
        field,
      })
    : null;
}

/** The refusal of a stream the budget is not funded by, or null. */
export function streamIn(state: DecisionState, stream: Stream): LedgerError | null {
  const streams = state.opened?.streams ?? [];
  return streams.includes(stream)
    ? null
    : ledgerError(
        'stream-not-in-budget',
        `this budget is not funded by the ${stream} stream (it has ${streams.join(', ')})`,
        { stream, streams },
      );
}

/** Whether the budget is free at the point of use (no personal contribution). */
export function freeAtPointOfUse(state: DecisionState): boolean {
  return (FREE_AT_POINT_OF_USE as readonly string[]).includes(state.opened?.basis ?? '');
}

/** The refusal of a contribution on a budget free at the point of use. */
export function contributionNotAllowed(state: DecisionState): LedgerError {
  const basis = state.opened?.basis ?? '';
  return ledgerError(
    'contribution-not-allowed',
    `no personal contribution may be charged on a ${basis === 'chc' ? 'Continuing Healthcare' : 'section 117 aftercare'} budget: it is free at the point of use`,
    { basis },
  );
}

/** Checks that a contribution allocation stays within the amount assessed. */
export function contributionWithin(state: DecisionState, field: string, after: Money): LedgerError | null {
  if (state.contribution === null) {
    return ledgerError(
      'contribution-not-assessed',
      'a contribution is allocated only after it is assessed (AssessContribution)',
      { field },
    );
  }
  if (after.greaterThan(state.contribution)) {
    return ledgerError(
      'contribution-above-assessed',
      `the contribution allocated would be ${after.format()}, above the ${state.contribution.format()} assessed`,
      { field, assessed: state.contribution, allocated: after },
    );
  }
  return null;
}

/** The surplus held in the person's account for a stream: paid in, less spend from it, less reclaims. */
export function accountSurplus(state: DecisionState, stream: Stream): Money {
  const x = state.totals.get(stream);
  if (x === undefined) return Money.zero;
  let spent = Money.zero;
  for (const sp of state.spends.values()) {
    if (sp.reversed || (sp.option !== 'direct-payment' && sp.option !== 'managed-account')) continue;
    spent = spent.plus(sp.split[stream] ?? Money.zero);
  }
  return x.paidToAccount.minus(spent).minus(x.reclaimed);
}

/** The overspend now on a line (of the latest agreed plan) or a stream; zero or less when none. */
export function overspendOf(
  s: DecisionState,
  target: { readonly lineId?: string; readonly stream?: Stream },
): Money {
  if (target.lineId !== undefined) {
    const line = planOn(s.plans, '9999-12-31')?.lines.find((l) => l.lineId === target.lineId);
    if (line === undefined) return Money.zero;
    let spent = Money.zero;
    for (const sp of s.spends.values())
      if (!sp.reversed && sp.lineId === line.lineId) spent = spent.plus(sp.amount);
    return spent.minus(line.amount);
  }
  const x = target.stream === undefined ? undefined : s.totals.get(target.stream);
  return x === undefined ? Money.zero : remainingOf(x).negate();
}

/** Plain words for a command type, for messages. */
export function describeCommand(type: CommandType): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The management option of the line a spend command acts on, when it has one. */
function lineOptionOf(command: Command, state: DecisionState): ManagementOption | undefined {
  if (command.type === 'RecordSpend') {
    return planOn(state.plans, command.data.spentOn)?.lines.find((l) => l.lineId === command.data.lineId)
      ?.option;
  }
  if (command.type === 'ReverseSpend') return state.spends.get(command.data.spendId)?.option;
  return undefined;
}

/** The role rule, with the line's management option for spend commands: a refusal, or null. */
export function roleCheck(command: Command, state: DecisionState): LedgerError | null {
  const role = command.actor.role;
  const byCommand = COMMAND_ROLES[command.type];
  const option = lineOptionOf(command, state);
  const allowed = option === undefined ? byCommand : byCommand.filter((r) => SPEND_ROLES[option].includes(r));
  const who = `${role === 'auditor' ? 'an' : 'a'} ${role}`;
  if (option !== undefined && byCommand.includes(role) && !allowed.includes(role)) {
    // the role may do this in general: the line's management option is why it cannot here
    return ledgerError(
      'role-not-allowed',
      `${who} may not ${describeCommand(command.type)} on a ${option} line; on such a line: ${allowed.join(', ') || 'nobody'}`,
      { role, command: command.type, allowed, option },
    );
  }
  if (!allowed.includes(role)) {
    return ledgerError(
      'role-not-allowed',
      `${who} may not ${describeCommand(command.type)}; allowed: ${allowed.join(', ') || 'nobody'}`,
      { role, command: command.type, allowed },
    );
  }
  if (role === 'holder' && state.opened !== null && command.actor.id !== state.opened.personRef) {
    return ledgerError('not-your-budget', 'a budget holder may only act on their own budget', { role });
  }
  if (role === 'representative' && state.opened !== null && !state.representatives.has(command.actor.id)) {
    return ledgerError('not-your-budget', 'this representative is not authorised on this budget', { role });
  }
  return null;
}
