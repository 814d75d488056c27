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
import { Money, allocate } from '../money/money.js';
import {
  CommandMetaC,
  commandDataCodecs,
  EVENT_OF_COMMAND,
  type Command,
  type CommandOf,
  type CommandType,
} from './commands.js';
import { ledgerError, type LedgerError } from './errors.js';
import { checkRepeat } from './fingerprint.js';
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
    const contribution = line.shares.contribution;
    const care = line.shares['social-care'];
    if (contribution !== undefined && (care === undefined || contribution > care)) {
      return ledgerError(
        'contribution-without-social-care',
        care === undefined
          ? `line ${line.lineId}: a contribution share needs a social-care share on the same line (a contribution is a charge for social care)`
          : `line ${line.lineId}: the contribution share (${contribution}) may not be larger than the social-care share (${care})`,
        { field: `data.lines[${i}].shares.contribution` },
      );
    }
  }
  return null;
}

/** The surplus held in the person's account for a stream: paid in, less spend from it, less reclaims. */
export function accountSurplus(state: BudgetState, stream: Stream): Money {
  const x = state.totals.get(stream);
  if (x === undefined) return Money.zero;
  let spent = Money.zero;
  for (const sp of state.spends.values()) {
    if (sp.reversed || (sp.option !== 'direct-payment' && sp.option !== 'managed-account')) continue;
    spent = spent.plus(sp.split[stream] ?? Money.zero);
  }
  return x.paidToAccount.minus(spent).minus(x.reclaimed);
}

/** Checks that a contribution allocation stays within the amount assessed. */
function contributionWithin(state: BudgetState, field: string, after: Money): LedgerError | null {
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
    const who = `${role === 'auditor' ? 'an' : 'a'} ${role}`;
    const list = allowed.join(', ') || 'nobody';
    return ledgerError(
      'role-not-allowed',
      `${who} may not ${describeCommand(command.type)}; allowed: ${list}`,
      {
        role,
        command: command.type,
        allowed,
      },
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
  if (c.data.streams.includes('contribution') && !c.data.streams.includes('social-care')) {
    return left(
      ledgerError(
        'contribution-without-social-care',
        'a contribution is a charge for social care: a budget has a contribution stream only beside a social-care stream',
        { field: 'data.streams' },
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
  const opened = s.opened;
  const outside =
    opened !== null && (c.data.spentOn < opened.periodStart || c.data.spentOn > opened.periodEnd);
  const plan = outside ? undefined : planOn(s.plans, c.data.spentOn);
  const line = plan?.lines.find((l) => l.lineId === c.data.lineId);
  if (line === undefined) {
    const known = s.plans.some((p) => p.lines.some((l) => l.lineId === c.data.lineId));
    const problem = outside
      ? 'outside-budget-period'
      : plan === undefined
        ? 'no-agreed-plan'
        : known
          ? 'line-not-in-agreed-plan'
          : 'unknown-line';
    return one(
      c,
      'OffPlanSpendFlagged',
      purpose === 'unspecified' ? { ...spend, problem } : { ...spend, problem, purpose },
    );
  }
  const byHolder = c.actor.role === 'holder' || c.actor.role === 'representative';
  if (
    byHolder &&
    s.directPayment === 'stopped' &&
    (line.option === 'direct-payment' || line.option === 'managed-account')
  ) {
    return left(
      ledgerError(
        'direct-payment-state',
        `direct payments are stopped (${s.directPaymentReason ?? 'no reason recorded'}): the ${c.actor.role} can no longer spend on ${line.option} line ${line.lineId}`,
        { status: s.directPayment, command: c.type },
      ),
    );
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
  const local = s.exclusions.find((x) => x.purpose === purpose && line.shares[x.stream] !== undefined);
  if (local !== undefined) {
    return left(
      ledgerError(
        'prohibited-purpose',
        `line ${line.lineId} has a ${local.stream} share, and this site's ${local.stream} money may not pay for ${purpose} (local rule ${local.ruleId}: ${local.text})`,
        { purpose, rule: local.ruleId },
      ),
    );
  }
  const split = allocate(c.data.amount, line.shares, STREAMS);
  return one(c, 'SpendRecorded', { ...spend, purpose, split });
}

/** The overspend now on a line (of the latest agreed plan) or a stream; zero or less when none. */
export function overspendOf(
  s: BudgetState,
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
  return x === undefined ? Money.zero : x.spent.plus(x.reclaimed).minus(x.allocated);
}

function decideOverspendNote(
  c: CommandOf<'ExplainOverspend'> | CommandOf<'ApproveOverspendException'>,
  s: BudgetState,
): Result {
  const { lineId, stream, reason } = c.data;
  if ((lineId === undefined) === (stream === undefined)) {
    return left(invalid('data.lineId', 'name exactly one of a line (lineId) or a stream (stream)'));
  }
  if (stream !== undefined) {
    const bad = streamIn(s, stream);
    if (bad !== null) return left(bad);
  }
  const what = c.type === 'ExplainOverspend' ? 'Explaining an overspend' : 'Approving an exception';
  const bad = needReason('data.reason', reason, what);
  if (bad !== null) return left(bad);
  const over = overspendOf(s, c.data);
  if (!over.isPositive()) {
    return left(
      ledgerError(
        'no-overspend',
        `there is no overspend on ${lineId !== undefined ? `line ${lineId}` : `the ${stream ?? ''} stream`} to ${c.type === 'ExplainOverspend' ? 'explain' : 'approve'}`,
        { field: lineId !== undefined ? 'data.lineId' : 'data.stream' },
      ),
    );
  }
  const data = { ...c.data, over };
  return c.type === 'ExplainOverspend'
    ? one(c, 'OverspendExplained', data)
    : one(c, 'OverspendExceptionApproved', data);
}

function decideReconsideration(
  c: CommandOf<'RequestReconsideration'> | CommandOf<'AnswerReconsideration'>,
  s: BudgetState,
): Result {
  const r = s.reclaims.get(c.data.noticeRef);
  if (r === undefined) {
    return left(
      ledgerError('unknown-reclaim', `there is no reclaim with notice ${c.data.noticeRef} on this budget`, {
        noticeRef: c.data.noticeRef,
      }),
    );
  }
  const need = c.type === 'RequestReconsideration' ? 'none' : 'requested';
  if (r.reconsideration !== need) {
    const now = {
      none: 'not been asked for',
      requested: 'already been asked for',
      answered: 'already been answered',
    }[r.reconsideration];
    return left(
      ledgerError('reconsideration-state', `reconsideration of notice ${r.noticeRef} has ${now}`, {
        noticeRef: r.noticeRef,
        status: r.reconsideration,
      }),
    );
  }
  if (c.type === 'RequestReconsideration') {
    const bad = needReason('data.reason', c.data.reason, 'Asking for reconsideration');
    return bad !== null ? left(bad) : one(c, 'ReconsiderationRequested', c.data);
  }
  const bad = needReason('data.reason', c.data.reason, 'The answer to a reconsideration');
  if (bad !== null) return left(bad);
  const { outcome, returned } = c.data;
  const fits =
    outcome === 'upheld'
      ? returned.isZero()
      : outcome === 'withdrawn'
        ? returned.equals(r.amount)
        : returned.isPositive() && returned.lessThan(r.amount);
  if (!fits) {
    const want =
      outcome === 'upheld'
        ? 'an upheld reclaim returns 0.00'
        : outcome === 'withdrawn'
          ? `a withdrawn reclaim returns all of it (${r.amount.toString()})`
          : `a reduced reclaim returns more than 0.00 and less than the ${r.amount.toString()} reclaimed`;
    return left(invalid('data.returned', `${want}, not ${returned.toString()}`));
  }
  return one(c, 'ReclaimReconsidered', { ...c.data, stream: r.stream });
}

function decideByType(c: Command, s: BudgetState): Result {
  switch (c.type) {
    case 'OpenBudget':
      return decideOpen(c, s);
    case 'AllocateFunding': {
      const bad = streamIn(s, c.data.stream);
      if (bad !== null) return left(bad);
      if (c.data.stream === 'contribution') {
        if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
        const x = s.totals.get('contribution');
        const before = c.data.stage === 'agreed' ? x?.allocated : x?.indicative;
        const over = contributionWithin(s, 'data.amount', (before ?? Money.zero).plus(c.data.amount));
        if (over !== null) return left(over);
      }
      return one(c, 'FundingAllocated', c.data);
    }
    case 'AdjustFunding': {
      const bad =
        streamIn(s, c.data.stream) ?? needReason('data.reason', c.data.reason, 'A funding adjustment');
      if (bad !== null) return left(bad);
      const after = (s.totals.get(c.data.stream)?.allocated ?? Money.zero).plus(c.data.delta);
      if (after.isNegative()) {
        return left(
          ledgerError(
            'allocation-below-zero',
            `the ${c.data.stream} funding agreed would fall to ${after.format()}: an adjustment may lower it to 0.00 at most`,
            { field: 'data.delta', stream: c.data.stream, allocated: after },
          ),
        );
      }
      if (c.data.stream === 'contribution') {
        if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
        if (c.data.delta.isPositive()) {
          const over = contributionWithin(s, 'data.delta', after);
          if (over !== null) return left(over);
        }
      }
      return one(c, 'FundingAdjusted', c.data);
    }
    case 'AssessContribution': {
      if (freeAtPointOfUse(s)) return left(contributionNotAllowed(s));
      if (!(s.opened?.streams ?? []).includes('social-care')) {
        return left(
          ledgerError(
            'contribution-without-social-care',
            'a contribution is a charge for social care: this budget has no social-care stream',
            { field: 'type' },
          ),
        );
      }
      const allocated = s.totals.get('contribution')?.allocated ?? Money.zero;
      if (allocated.greaterThan(c.data.amount)) {
        return left(
          ledgerError(
            'contribution-above-assessed',
            `${allocated.format()} of contribution is already allocated, above the ${c.data.amount.format()} now assessed: adjust the contribution funding down first`,
            { field: 'data.amount', assessed: c.data.amount, allocated },
          ),
        );
      }
      return one(c, 'ContributionAssessed', c.data);
    }
    case 'PayFunds': {
      const bad = streamIn(s, c.data.stream);
      if (bad !== null) return left(bad);
      if (c.data.option !== 'third-party' && s.directPayment !== 'active') {
        return left(
          ledgerError(
            'direct-payment-state',
            `direct payments are ${s.directPayment}: no money can be paid into the person's account (${c.data.option})`,
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
    case 'AgreePlanInBestInterests':
    case 'RejectPlan': {
      const plan = s.plans.find((p) => p.planVersion === c.data.planVersion);
      if (plan === undefined || plan.status !== 'proposed') {
        const status = plan?.status ?? 'not proposed';
        return left(
          ledgerError(
            'plan-not-pending',
            `plan version ${c.data.planVersion} is ${status}, so it cannot be ${c.type === 'RejectPlan' ? 'rejected' : 'agreed'}`,
            {
              planVersion: c.data.planVersion,
              status,
            },
          ),
        );
      }
      if (c.type === 'AgreePlan') return one(c, 'PlanAgreed', c.data);
      if (c.type === 'AgreePlanInBestInterests') {
        const bad = needReason(
          'data.bestInterestsReason',
          c.data.bestInterestsReason,
          'Agreeing a plan in the best interests of a person who cannot agree',
        );
        return bad !== null ? left(bad) : one(c, 'PlanAgreed', c.data);
      }
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
    case 'DeclineChangeRequest': {
      const cr = s.changeRequests.get(c.data.changeRequestId);
      if (cr === undefined) {
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
      const answered = s.plans.find(
        (p) =>
          p.changeRequestId === cr.changeRequestId && (p.status === 'agreed' || p.status === 'superseded'),
      );
      if (cr.declinedAt !== undefined || answered !== undefined) {
        return left(
          ledgerError(
            'change-request-closed',
            cr.declinedAt !== undefined
              ? `change request ${cr.changeRequestId} was already declined`
              : `change request ${cr.changeRequestId} was answered by plan version ${answered?.planVersion ?? 0}, agreed`,
            { changeRequestId: cr.changeRequestId },
          ),
        );
      }
      const bad = needReason('data.reason', c.data.reason, 'Declining a change request');
      return bad !== null ? left(bad) : one(c, 'ChangeRequestDeclined', c.data);
    }
    case 'ExplainOverspend':
    case 'ApproveOverspendException':
      return decideOverspendNote(c, s);
    case 'RequestReconsideration':
    case 'AnswerReconsideration':
      return decideReconsideration(c, s);
    case 'SetLocalExclusions': {
      for (const [i, x] of c.data.exclusions.entries()) {
        const bad = streamIn(s, x.stream);
        if (bad !== null) return left(invalid(`data.exclusions[${i}].stream`, bad.message));
        if (x.purpose === 'unspecified') {
          return left(
            invalid(
              `data.exclusions[${i}].purpose`,
              'an exclusion names a purpose; "unspecified" cannot be excluded',
            ),
          );
        }
      }
      const bad = needReason('data.reason', c.data.reason, 'Setting local exclusions');
      return bad !== null ? left(bad) : one(c, 'LocalExclusionsSet', c.data);
    }
    case 'HoldContingency': {
      const bad =
        streamIn(s, c.data.stream) ?? needReason('data.reason', c.data.reason, 'Holding a contingency');
      if (bad !== null) return left(bad);
      if (s.contingencies.has(c.data.contingencyId)) {
        return left(
          ledgerError('duplicate-contingency', `contingency ${c.data.contingencyId} already exists`, {
            contingencyId: c.data.contingencyId,
          }),
        );
      }
      return one(c, 'ContingencyHeld', c.data);
    }
    case 'ReturnContingency': {
      const k = s.contingencies.get(c.data.contingencyId);
      if (k === undefined) {
        return left(
          ledgerError(
            'unknown-contingency',
            `there is no contingency ${c.data.contingencyId} on this budget`,
            {
              contingencyId: c.data.contingencyId,
            },
          ),
        );
      }
      const held = k.amount.minus(k.returned);
      if (c.data.amount.greaterThan(held)) {
        return left(
          ledgerError(
            'contingency-above-held',
            `only ${held.format()} of contingency ${k.contingencyId} is still held, not ${c.data.amount.format()}`,
            { field: 'data.amount', held },
          ),
        );
      }
      return one(c, 'ContingencyReturned', c.data);
    }
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
      if (bad !== null) return left(bad);
      if (s.reclaims.has(c.data.noticeRef)) {
        return left(
          ledgerError('duplicate-notice', `notice ${c.data.noticeRef} was already used for a reclaim`, {
            noticeRef: c.data.noticeRef,
          }),
        );
      }
      if (c.data.deadline < c.occurredAt.slice(0, 10)) {
        return left(
          invalid(
            'data.deadline',
            `the notice's deadline (${c.data.deadline}) is before the notice is given`,
          ),
        );
      }
      const surplus = accountSurplus(s, c.data.stream);
      if (c.data.amount.greaterThan(surplus)) {
        const held = surplus.isNegative() ? Money.zero : surplus;
        return left(
          ledgerError(
            'reclaim-above-surplus',
            `a reclaim takes only the surplus held in the person's account: ${held.format()} of ${c.data.stream} money (paid in, less spend from it and earlier reclaims), not ${c.data.amount.format()}`,
            { field: 'data.amount', stream: c.data.stream, surplus: held },
          ),
        );
      }
      return one(c, 'SurplusReclaimed', c.data);
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
        const done = {
          SuspendDirectPayment: 'suspended',
          ResumeDirectPayment: 'resumed',
          StopDirectPayment: 'stopped',
        };
        return left(
          ledgerError(
            'direct-payment-state',
            s.directPayment === 'stopped'
              ? `direct payments are stopped for good, so they cannot be ${done[c.type]}`
              : `direct payments are ${s.directPayment}, so they cannot be ${done[c.type]}`,
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
 * it produced the first time (looked up in `history`) and changes nothing; a different command
 * under a used `commandId` is refused with `command-id-reused` (checked against `history`).
 */
export function execute(
  command: Command,
  state: BudgetState,
  history: readonly PendingEvent[] = [],
): Either<LedgerError, Execution> {
  const decoded = decodedCommands.has(command) ? right(command) : decodeCommand(command);
  if (decoded._tag === 'Left') return decoded;
  const c = decoded.right;
  const seen = state.commands.get(c.commandId);
  if (seen !== undefined) {
    const ids = new Set(seen);
    const events = history.filter((e) => ids.has(e.eventId));
    const reused = checkRepeat(c, events);
    return reused === null ? right({ events, state, duplicate: true }) : left(reused);
  }
  const r = decide(c, state);
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
