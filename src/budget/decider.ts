import type * as t from 'io-ts';
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import type { EventDataMap, EventType, PlanLine } from '../events/data.js';
import { outcomeItemsProblem } from '../events/data.js';
import type { EventMeta, PendingEvent, PendingEventOf } from '../events/envelope.js';
import { STREAMS, type ManagementOption, type Stream } from '../events/primitives.js';
import { formatIssue, issuesOf } from '../events/report.js';
import { unsafeInputIssue, unknownFieldIssue } from '../events/strict.js';
import { currentVersion } from '../events/upcast.js';
import { allocate } from '../money/money.js';
import {
  CommandMetaC,
  commandDataCodecs,
  EVENT_OF_COMMAND,
  type Command,
  type CommandOf,
  type CommandType,
} from './commands.js';
import { ledgerError, type LedgerError } from './errors.js';
import {
  AFTER_CLOSE,
  COMMAND_ROLES,
  FREE_AT_POINT_OF_USE,
  HEALTH_PROHIBITED_PURPOSES,
  SPEND_ROLES,
} from './rules.js';
import { applyEvent, evolve, initialState, planOn, type BudgetState } from './state.js';

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

type Result = Either<LedgerError, PendingEvent[]>;

function invalid(field: string, problem: string): LedgerError {
  return ledgerError('invalid-command', `${field === '' ? '' : `${field}: `}${problem}`, { field, problem });
}

/** The commands {@link decodeCommand} returned: {@link decide} does not check them twice. */
const decodedCommands = new WeakSet<object>();

/** Checks a command's shape (e.g. from JSON, or from JavaScript callers) and decodes money. */
export function decodeCommand(u: unknown): Either<LedgerError, Command> {
  if (typeof u !== 'object' || u === null || Array.isArray(u))
    return left(invalid('', 'expected a command object'));
  const unsafe = unsafeInputIssue(u);
  if (unsafe !== null) return left(invalid(unsafe.path, unsafe.problem));
  const meta = CommandMetaC.decode(u);
  if (meta._tag === 'Left') {
    const first = issuesOf(meta.left)[0];
    return left(invalid(first?.path ?? '', first?.problem ?? 'not a command'));
  }
  const codec = commandDataCodecs[meta.right.type] as t.Type<unknown, unknown, unknown>;
  const data = codec.decode(meta.right.data);
  if (data._tag === 'Left') {
    const first = issuesOf(data.left, 'data')[0];
    return left(invalid(first?.path ?? 'data', first?.problem ?? 'invalid data'));
  }
  const unknown = unknownFieldIssue(codec, meta.right.data, 'data');
  if (unknown !== null) return left(invalid(unknown.path, unknown.problem));
  const command = { ...meta.right, data: data.right } as Command;
  decodedCommands.add(command);
  return right(command);
}

function blank(s: string): boolean {
  return s.trim().length === 0;
}

function needReason(field: string, value: string, what: string): LedgerError | null {
  return blank(value)
    ? ledgerError('reason-required', `${what} needs a reason: the budget holder is entitled to know why`, {
        field,
      })
    : null;
}

function streamIn(state: BudgetState, stream: Stream): LedgerError | null {
  const streams = state.opened?.streams ?? [];
  return streams.includes(stream)
    ? null
    : ledgerError(
        'stream-not-in-budget',
        `this budget is not funded by the ${stream} stream (it has ${streams.join(', ')})`,
        {
          stream,
          streams,
        },
      );
}

function freeAtPointOfUse(state: BudgetState): boolean {
  return (FREE_AT_POINT_OF_USE as readonly string[]).includes(state.opened?.basis ?? '');
}

function contributionNotAllowed(state: BudgetState): LedgerError {
  const basis = state.opened?.basis ?? '';
  return ledgerError(
    'contribution-not-allowed',
    `no personal contribution may be charged on a ${basis === 'chc' ? 'Continuing Healthcare' : 'section 117 aftercare'} budget: it is free at the point of use`,
    { basis },
  );
}

function checkLines(state: BudgetState, lines: readonly PlanLine[]): LedgerError | null {
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (seen.has(line.lineId)) {
      return ledgerError('plan-invalid', `line ${line.lineId} appears twice in the plan`, {
        field: `data.lines[${i}].lineId`,
        problem: 'duplicate line id',
      });
    }
    seen.add(line.lineId);
    for (const s of Object.keys(line.shares) as Stream[]) {
      const bad = streamIn(state, s);
      if (bad !== null) {
        return ledgerError('plan-invalid', `line ${line.lineId}: ${bad.message}`, {
          field: `data.lines[${i}].shares.${s}`,
          problem: 'stream not in budget',
        });
      }
      if (s === 'contribution' && freeAtPointOfUse(state)) return contributionNotAllowed(state);
    }
  }
  return null;
}

/** The role rule, with the line's management option for spend commands. */
function roleCheck(command: Command, state: BudgetState): LedgerError | null {
  const role = command.actor.role;
  const byCommand = COMMAND_ROLES[command.type];
  let allowed = byCommand;
  let option: ManagementOption | undefined;
  if (command.type === 'RecordSpend' || command.type === 'ReverseSpend') {
    option =
      command.type === 'RecordSpend'
        ? planOn(state.plans, command.data.spentOn)?.lines.find((l) => l.lineId === command.data.lineId)
            ?.option
        : state.spends.get(command.data.spendId)?.option;
    const lineOption = option;
    if (lineOption !== undefined) allowed = allowed.filter((r) => SPEND_ROLES[lineOption].includes(r));
  }
  if (option !== undefined && byCommand.includes(role) && !allowed.includes(role)) {
    // the role may do this in general: the line's management option is why it cannot here
    return ledgerError(
      'role-not-allowed',
      `${role === 'auditor' ? 'an' : 'a'} ${role} may not ${describeCommand(command.type)} on a ${option} line; on such a line: ${allowed.join(', ') || 'nobody'}`,
      { role, command: command.type, allowed, option },
    );
  }
  if (!allowed.includes(role)) {
    return ledgerError(
      'role-not-allowed',
      `${role === 'auditor' ? 'an' : 'a'} ${role} may not ${describeCommand(command.type)}; allowed: ${allowed.join(', ') || 'nobody'}`,
      { role, command: command.type, allowed },
    );
  }
  if (role === 'holder' && state.opened !== null && command.actor.id !== state.opened.personRef) {
    return ledgerError('not-your-budget', 'a budget holder may only act on their own budget', {
      role,
    });
  }
  if (role === 'representative' && state.opened !== null && !state.representatives.has(command.actor.id)) {
    return ledgerError('not-your-budget', 'this representative is not authorised on this budget', {
      role,
    });
  }
  return null;
}

/** Plain words for a command type, for messages. */
export function describeCommand(type: CommandType): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function emit<K extends EventType>(
  command: Command,
  type: K,
  data: EventDataMap[K],
  index = 0,
): PendingEventOf<K> {
  const meta: { -readonly [P in keyof EventMeta]: EventMeta[P] } = {
    eventId: eventIdFor(command.budgetId, command.commandId, index),
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

function one<K extends EventType>(command: Command, type: K, data: EventDataMap[K]): Result {
  return right([emit(command, type, data) as PendingEvent]);
}

function decideOpen(c: CommandOf<'OpenBudget'>, s: BudgetState): Result {
  if (s.status !== 'unopened') {
    return left(
      ledgerError('budget-already-opened', `budget ${c.budgetId} is already open`, { budgetId: c.budgetId }),
    );
  }
  if (c.data.periodEnd < c.data.periodStart) {
    return left(
      ledgerError(
        'period-invalid',
        `the budget period ends (${c.data.periodEnd}) before it starts (${c.data.periodStart})`,
        {
          periodStart: c.data.periodStart,
          periodEnd: c.data.periodEnd,
        },
      ),
    );
  }
  if ((c.data.basis === 'chc' || c.data.basis === 's117') && c.data.streams.includes('contribution')) {
    return left(
      ledgerError(
        'contribution-not-allowed',
        `no personal contribution stream on a ${c.data.basis} budget: it is free at the point of use`,
        {
          basis: c.data.basis,
        },
      ),
    );
  }
  return one(c, 'BudgetOpened', c.data);
}

function decideSpend(c: CommandOf<'RecordSpend'>, s: BudgetState): Result {
  if (s.spends.has(c.data.spendId)) {
    return left(
      ledgerError('duplicate-spend', `spend ${c.data.spendId} is already recorded`, {
        spendId: c.data.spendId,
      }),
    );
  }
  const { purpose = 'unspecified', ...spend } = c.data;
  const plan = planOn(s.plans, c.data.spentOn);
  const line = plan?.lines.find((l) => l.lineId === c.data.lineId);
  if (line === undefined) {
    const known = s.plans.some((p) => p.lines.some((l) => l.lineId === c.data.lineId));
    const problem =
      plan === undefined ? 'no-agreed-plan' : known ? 'line-not-in-agreed-plan' : 'unknown-line';
    return one(c, 'OffPlanSpendFlagged', { ...spend, problem });
  }
  const rule = line.shares.health === undefined ? undefined : HEALTH_PROHIBITED_PURPOSES[purpose];
  if (rule !== undefined) {
    return left(
      ledgerError(
        'prohibited-purpose',
        `line ${line.lineId} has a health share, and NHS money may not pay for ${purpose} (rule ${rule.id}: ${rule.text})`,
        { purpose, rule: rule.id },
      ),
    );
  }
  const split = allocate(c.data.amount, line.shares, STREAMS);
  return one(c, 'SpendRecorded', { ...spend, purpose, split });
}

function decideByType(c: Command, s: BudgetState): Result {
  switch (c.type) {
    case 'OpenBudget':
      return decideOpen(c, s);
    case 'AllocateFunding': {
      const bad = streamIn(s, c.data.stream);
      if (bad !== null) return left(bad);
      if (c.data.stream === 'contribution' && freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
      return one(c, 'FundingAllocated', c.data);
    }
    case 'AdjustFunding': {
      const bad =
        streamIn(s, c.data.stream) ?? needReason('data.reason', c.data.reason, 'A funding adjustment');
      if (bad !== null) return left(bad);
      if (c.data.stream === 'contribution' && freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
      return one(c, 'FundingAdjusted', c.data);
    }
    case 'AssessContribution':
      if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
      return one(c, 'ContributionAssessed', c.data);
    case 'PayFunds': {
      const bad = streamIn(s, c.data.stream);
      if (bad !== null) return left(bad);
      if (c.data.option === 'direct-payment' && s.directPayment !== 'active') {
        return left(
          ledgerError(
            'direct-payment-state',
            `direct payments are ${s.directPayment}: no money can be paid into the account`,
            {
              status: s.directPayment,
              command: c.type,
            },
          ),
        );
      }
      return one(c, 'FundsPaid', c.data);
    }
    case 'ProposePlan': {
      const expected = s.plans.length + 1;
      if (c.data.planVersion !== expected) {
        return left(
          ledgerError(
            'plan-version-out-of-order',
            `the next plan version is ${expected}, not ${c.data.planVersion}`,
            {
              expected,
              got: c.data.planVersion,
            },
          ),
        );
      }
      if (c.data.changeRequestId !== undefined && !s.changeRequests.has(c.data.changeRequestId)) {
        return left(
          ledgerError(
            'unknown-change-request',
            `there is no change request ${c.data.changeRequestId} on this budget`,
            {
              changeRequestId: c.data.changeRequestId,
            },
          ),
        );
      }
      const bad = checkLines(s, c.data.lines);
      return bad !== null ? left(bad) : one(c, 'PlanProposed', c.data);
    }
    case 'AgreePlan':
    case 'RejectPlan': {
      const plan = s.plans.find((p) => p.planVersion === c.data.planVersion);
      if (plan === undefined || plan.status !== 'proposed') {
        const status = plan?.status ?? 'not proposed';
        return left(
          ledgerError(
            'plan-not-pending',
            `plan version ${c.data.planVersion} is ${status}, so it cannot be ${c.type === 'AgreePlan' ? 'agreed' : 'rejected'}`,
            {
              planVersion: c.data.planVersion,
              status,
            },
          ),
        );
      }
      if (c.type === 'AgreePlan') return one(c, 'PlanAgreed', c.data);
      const bad = needReason('data.reason', c.data.reason, 'Rejecting a plan');
      return bad !== null ? left(bad) : one(c, 'PlanRejected', c.data);
    }
    case 'RequestChange':
      if (s.changeRequests.has(c.data.changeRequestId)) {
        return left(
          ledgerError('duplicate-change-request', `change request ${c.data.changeRequestId} already exists`, {
            changeRequestId: c.data.changeRequestId,
          }),
        );
      }
      return one(c, 'ChangeRequested', c.data);
    case 'RecordSpend':
      return decideSpend(c, s);
    case 'ReverseSpend': {
      const sp = s.spends.get(c.data.spendId);
      if (sp === undefined) {
        return left(
          ledgerError('unknown-spend', `there is no spend ${c.data.spendId} on this budget`, {
            spendId: c.data.spendId,
          }),
        );
      }
      if (sp.reversed) {
        return left(
          ledgerError('spend-already-reversed', `spend ${c.data.spendId} is already reversed`, {
            spendId: c.data.spendId,
          }),
        );
      }
      const bad = needReason('data.reason', c.data.reason, 'Reversing a spend');
      return bad !== null ? left(bad) : one(c, 'SpendReversed', c.data);
    }
    case 'ReclaimSurplus': {
      const bad = streamIn(s, c.data.stream);
      return bad !== null ? left(bad) : one(c, 'SurplusReclaimed', c.data);
    }
    case 'CompleteReview':
      return one(c, 'ReviewCompleted', c.data);
    case 'RecordOutcome': {
      const bad = outcomeItemsProblem(c.data.instrument, c.data.items);
      return bad !== null
        ? left(invalid(`data.${bad.field}`, bad.problem))
        : one(c, 'OutcomeRecorded', c.data);
    }
    case 'SuspendDirectPayment':
    case 'ResumeDirectPayment':
    case 'StopDirectPayment': {
      const need =
        c.type === 'ResumeDirectPayment' ? 'suspended' : c.type === 'SuspendDirectPayment' ? 'active' : null;
      if (s.directPayment === 'stopped' || (need !== null && s.directPayment !== need)) {
        return left(
          ledgerError(
            'direct-payment-state',
            `direct payments are ${s.directPayment}, so they cannot be ${describeCommand(c.type).split(' ')[0]}ed`,
            {
              status: s.directPayment,
              command: c.type,
            },
          ),
        );
      }
      const bad = needReason('data.reason', c.data.reason, `To ${describeCommand(c.type)}`);
      if (bad !== null) return left(bad);
      const type = EVENT_OF_COMMAND[c.type] as 'DirectPaymentSuspended';
      return one(c, type, c.data);
    }
    case 'CloseBudget': {
      const bad = needReason('data.reason', c.data.reason, 'Closing a budget');
      return bad !== null ? left(bad) : one(c, 'BudgetClosed', c.data);
    }
    case 'AuthoriseRepresentative':
    case 'RevokeRepresentative': {
      const bad = needReason('data.reason', c.data.reason, 'Changing who may act for the holder');
      if (bad !== null) return left(bad);
      return c.type === 'AuthoriseRepresentative'
        ? one(c, 'RepresentativeAuthorised', c.data)
        : one(c, 'RepresentativeRevoked', c.data);
    }
  }
}

/**
 * The Decider's `decide`: checks a command against the budget's state and returns the new
 * events it produces, or the rule it breaks. Pure: time, ids and actor come with the command.
 *
 * A command whose `commandId` the budget has already seen produces no new events (use
 * {@link execute} to get the events it produced the first time).
 */
export function decide(command: Command, state: BudgetState): Either<LedgerError, PendingEvent[]> {
  let c = command;
  if (!decodedCommands.has(command)) {
    const decoded = decodeCommand(command);
    if (decoded._tag === 'Left') return decoded;
    c = decoded.right;
  }
  if (state.commands.has(c.commandId)) return right([]);
  if (state.budgetId !== null && state.budgetId !== c.budgetId) {
    return left(
      ledgerError('wrong-budget', `this state is budget ${state.budgetId}, not ${c.budgetId}`, {
        expected: state.budgetId,
        got: c.budgetId,
      }),
    );
  }
  if (state.status === 'unopened' && c.type !== 'OpenBudget') {
    if (!COMMAND_ROLES[c.type].includes(c.actor.role)) return left(roleCheck(c, state) as LedgerError);
    return left(
      ledgerError('budget-not-opened', `budget ${c.budgetId} has not been opened`, { budgetId: c.budgetId }),
    );
  }
  const denied = roleCheck(c, state);
  if (denied !== null) return left(denied);
  if (state.status === 'closed' && !AFTER_CLOSE.includes(c.type)) {
    return left(
      ledgerError(
        'budget-closed',
        `the budget is closed: only reclaims and reversals are accepted, not ${describeCommand(c.type)}`,
        {
          command: c.type,
        },
      ),
    );
  }
  if (state.lastRecordedAt !== null && c.recordedAt < state.lastRecordedAt) {
    return left(
      ledgerError(
        'recorded-before-previous',
        `recordedAt ${c.recordedAt} is before the budget's last recorded event (${state.lastRecordedAt})`,
        {
          recordedAt: c.recordedAt,
          previous: state.lastRecordedAt,
        },
      ),
    );
  }
  return decideByType(c, state);
}

/** What {@link execute} returns: the events of the command and the state after them. */
export interface Execution {
  readonly events: readonly PendingEvent[];
  readonly state: BudgetState;
  /** True when the command id had been seen: `events` are the original ones, nothing new. */
  readonly duplicate: boolean;
}

/**
 * Decides and evolves in one step, with idempotency: a repeated `commandId` returns the events
 * it produced the first time (looked up in `history`) and changes nothing.
 */
export function execute(
  command: Command,
  state: BudgetState,
  history: readonly PendingEvent[] = [],
): Either<LedgerError, Execution> {
  const seen = state.commands.get(command.commandId);
  if (seen !== undefined) {
    const ids = new Set(seen);
    return right({ events: history.filter((e) => ids.has(e.eventId)), state, duplicate: true });
  }
  const r = decide(command, state);
  if (r._tag === 'Left') return r;
  let next = state;
  for (const e of r.right) next = evolve(next, e);
  return right({ events: r.right, state: next, duplicate: false });
}

/** The Decider as a value (see fmodel's Decider): decide, evolve and the initial state. */
export const budgetDecider = {
  decide,
  evolve,
  initialState,
} as const;

export { applyEvent };
export const formatDecodeIssue = formatIssue;
