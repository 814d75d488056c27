import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import type { Role, Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';
import { applyEvent, mutableState } from './budget-state.js';
import { balancesOf, streamBalanceJson, type StreamBalance, type StreamBalanceJson } from './balances.js';
import { passes, type TimeFilter } from './time-filter.js';

/** One line of the audit trail: who did what, when, why, and the balances after it. */
export interface AuditEntry {
  readonly seq: number | null;
  readonly eventId: string;
  readonly type: PendingEvent['type'];
  readonly actorId: string;
  readonly role: Role;
  /** A sentence a person can read. */
  readonly what: string;
  readonly amounts: Readonly<Record<string, Money>>;
  readonly reason: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly commandId: string | null;
  readonly balancesAfter: ReadonlyArray<readonly [Stream, StreamBalance]>;
}

function splitText(split: Partial<Record<Stream, Money>>): string {
  return Object.entries(split)
    .map(([s, m]) => `${s} ${(m as Money).format()}`)
    .join(', ');
}

function overspendTarget(d: { readonly lineId?: string; readonly stream?: Stream }): string {
  return d.lineId !== undefined ? `line ${d.lineId}` : `the ${d.stream ?? 'unknown'} stream`;
}

/** A plain sentence for an event. */
export function describeEvent(e: PendingEvent): string {
  switch (e.type) {
    case 'BudgetOpened':
      return `opened the budget (${e.data.cohort}, ${e.data.basis}) at ${e.data.site} for ${e.data.periodStart} to ${e.data.periodEnd}, funded by ${e.data.streams.join(' and ')}`;
    case 'FundingAllocated':
      return `allocated ${e.data.amount.format()} of ${e.data.stream} money (${e.data.stage})`;
    case 'FundingAdjusted':
      return `${e.data.delta.isNegative() ? 'reduced' : 'increased'} ${e.data.stream} funding by ${(e.data.delta.isNegative() ? e.data.delta.negate() : e.data.delta).format()}`;
    case 'ContributionAssessed':
      return `assessed the personal contribution at ${e.data.amount.format()}`;
    case 'FundsPaid':
      return `paid ${e.data.amount.format()} of ${e.data.stream} money by ${e.data.option} (ref ${e.data.reference})`;
    case 'PlanProposed':
      return `proposed plan version ${e.data.planVersion} with ${e.data.lines.length} line(s) totalling ${Money.sum(e.data.lines.map((l) => l.amount)).format()}${e.data.changeRequestId === undefined ? '' : ` for change request ${e.data.changeRequestId}`}`;
    case 'PlanAgreed':
      return e.data.bestInterestsReason === undefined
        ? `agreed plan version ${e.data.planVersion} on ${e.data.agreedOn}`
        : `agreed plan version ${e.data.planVersion} on ${e.data.agreedOn} in the best interests of a person who cannot agree (${e.data.bestInterestsReason})`;
    case 'PlanRejected':
      return `rejected plan version ${e.data.planVersion}`;
    case 'ChangeRequested':
      return `asked for a plan change (${e.data.changeRequestId})`;
    case 'SpendRecorded':
      return `recorded spend ${e.data.spendId} of ${e.data.amount.format()} on line ${e.data.lineId} on ${e.data.spentOn}, split ${splitText(e.data.split)} (evidence ${e.data.evidenceRef})`;
    case 'SpendReversed':
      return `reversed spend ${e.data.spendId}`;
    case 'SurplusReclaimed':
      return `reclaimed ${e.data.amount.format()} of ${e.data.stream} money (${e.data.reason}, notice ${e.data.noticeRef}${e.data.deadline === undefined ? '' : `, deadline ${e.data.deadline}`})`;
    case 'ReviewCompleted':
      return `completed a review on ${e.data.reviewedOn}: ${e.data.outcome}`;
    case 'DirectPaymentSuspended':
      return 'suspended the direct payment';
    case 'DirectPaymentResumed':
      return 'resumed the direct payment';
    case 'DirectPaymentStopped':
      return 'stopped the direct payment';
    case 'BudgetClosed':
      return `closed the budget on ${e.data.closedOn}`;
    case 'OffPlanSpendFlagged':
      return `flagged off-plan spend ${e.data.spendId} of ${e.data.amount.format()} on line ${e.data.lineId} (${e.data.problem}); not recorded as spend`;
    case 'RepresentativeAuthorised':
      return `authorised representative ${e.data.representativeId}`;
    case 'RepresentativeRevoked':
      return `revoked representative ${e.data.representativeId}`;
    case 'OutcomeRecorded':
      return `recorded a ${e.data.instrument} outcome measure taken on ${e.data.measuredOn} (answered by the ${e.data.respondent}): ${e.data.items.map((i) => `${i.item} ${i.score}`).join(', ')}`;
    case 'ChangeRequestDeclined':
      return `declined change request ${e.data.changeRequestId} (${e.data.reason})`;
    case 'OverspendExplained':
      return `explained the overspend of ${e.data.over.format()} on ${overspendTarget(e.data)} (${e.data.reason})`;
    case 'OverspendExceptionApproved':
      return `approved an exception for the overspend of ${e.data.over.format()} on ${overspendTarget(e.data)} (${e.data.reason})`;
    case 'ReconsiderationRequested':
      return `asked the funder to reconsider the reclaim of notice ${e.data.noticeRef}`;
    case 'ReclaimReconsidered':
      return `reconsidered the reclaim of notice ${e.data.noticeRef}: ${e.data.outcome}, ${e.data.returned.format()} of ${e.data.stream} money returned (${e.data.reason})`;
    case 'LocalExclusionsSet':
      return e.data.exclusions.length === 0
        ? 'cleared the local exclusions'
        : `set the local exclusions: ${e.data.exclusions.map((x) => `${x.stream} money not for ${x.purpose} (${x.ruleId})`).join('; ')}`;
    case 'ContingencyHeld':
      return `held a contingency ${e.data.contingencyId} of ${e.data.amount.format()} of ${e.data.stream} money outside the budget`;
    case 'ContingencyReturned':
      return `returned ${e.data.amount.format()} of contingency ${e.data.contingencyId} unused`;
  }
}

function amountsOf(e: PendingEvent): Record<string, Money> {
  const out: Record<string, Money> = {};
  for (const [k, v] of Object.entries(e.data)) if (v instanceof Money) out[k] = v;
  if (e.type === 'SpendRecorded')
    for (const [s, m] of Object.entries(e.data.split)) out[`split.${s}`] = m as Money;
  return out;
}

function reasonOf(e: PendingEvent): string | null {
  const r = (e.data as { reason?: unknown }).reason;
  return typeof r === 'string' ? r : null;
}

/** The audit trail of one budget's events, in order, stopping at the filter's times. */
export function auditTrail(
  events: Iterable<PendingEvent | LedgerEvent>,
  filter: TimeFilter = {},
): AuditEntry[] {
  const s = mutableState();
  const out: AuditEntry[] = [];
  for (const e of events) {
    if (!passes(e, filter)) continue;
    applyEvent(s, e, { trackCommands: false });
    out.push({
      seq: 'seq' in e ? e.seq : null,
      eventId: e.eventId,
      type: e.type,
      actorId: e.actor.id,
      role: e.actor.role,
      what: describeEvent(e),
      amounts: amountsOf(e),
      reason: reasonOf(e),
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      commandId: e.commandId ?? null,
      balancesAfter: balancesOf(e.budgetId, s).streams.map(([k, v]) => [k, { ...v }] as const),
    });
  }
  return out;
}

/** The JSON form of an {@link AuditEntry} (money as contract strings). */
export interface AuditEntryJson {
  readonly seq: number | null;
  readonly eventId: string;
  readonly type: string;
  readonly actor: { readonly id: string; readonly role: Role };
  readonly what: string;
  readonly amounts: Readonly<Record<string, string>>;
  readonly reason: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly commandId: string | null;
  readonly balancesAfter: Readonly<Partial<Record<Stream, StreamBalanceJson>>>;
}

/** The JSON form of one audit entry. */
export function auditEntryJson(a: AuditEntry): AuditEntryJson {
  return {
    seq: a.seq,
    eventId: a.eventId,
    type: a.type,
    actor: { id: a.actorId, role: a.role },
    what: a.what,
    amounts: Object.fromEntries(Object.entries(a.amounts).map(([k, m]) => [k, m.toString()])),
    reason: a.reason,
    occurredAt: a.occurredAt,
    recordedAt: a.recordedAt,
    commandId: a.commandId,
    balancesAfter: Object.fromEntries(a.balancesAfter.map(([s, b]) => [s, streamBalanceJson(b)])),
  };
}
