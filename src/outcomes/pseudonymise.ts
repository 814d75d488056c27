/**
 * Pseudonymised releases of a log for evaluators.
 *
 * Every identifier (the person, the budget, every actor, event, spend, plan line, change
 * request, payment reference, notice and representative) is replaced by an HMAC-SHA-256 of the
 * value under a per-release key, so the same value gets the same pseudonym inside a release
 * (spends still match their reversals, lines their plans) while two releases made with
 * different keys cannot be linked. Free text is withheld: `payee` becomes the category of the
 * plan line the spend was recorded against, other reasons, summaries and evidence references
 * become {@link WITHHELD}, optional free text (`FundingAllocated.reason`) and optional
 * identifiers (`commandId`, `correlationId`, `causationId`) are dropped. Dates, amounts,
 * splits, categories, options, reasons from fixed lists and the site are kept, so outcomes
 * computed on a release equal those computed on the original.
 *
 * Payloads are rebuilt field by field (a whitelist per event type, checked for exhaustiveness
 * by the compiler), so a field this code does not know never reaches a release. The release is
 * re-sealed as a log of its own, with its own hash chains and manifest.
 */
import { createHmac } from 'node:crypto';
import type { EventDataMap, EventType } from '../events/data.js';
import type { LedgerEvent, PendingEvent, PendingEventOf } from '../events/envelope.js';
import type { Category } from '../events/primitives.js';
import { applyEvent, mutableState, planOn, type BudgetState } from '../projections/budget-state.js';

/** What replaces required free text in a release. */
export const WITHHELD = 'withheld';

/** The smallest release key accepted, in bytes. */
export const MIN_KEY_BYTES = 32;

/** Why a release key cannot be used, or null. */
export function releaseKeyProblem(key: Uint8Array): string | null {
  return key.length < MIN_KEY_BYTES
    ? `the key is ${key.length} bytes; use at least ${MIN_KEY_BYTES} random bytes (e.g. "openssl rand -hex 32 > release.key")`
    : null;
}

/** Keyed pseudonyms of one release. */
export class Pseudonymiser {
  private readonly key: Buffer;

  /** `key`: the per-release secret (at least {@link MIN_KEY_BYTES} bytes). */
  constructor(key: Uint8Array) {
    const problem = releaseKeyProblem(key);
    if (problem !== null) throw new RangeError(problem);
    this.key = Buffer.from(key);
  }

  /** The pseudonym of a value: HMAC-SHA-256 under the release key, 64 lowercase hex digits. */
  id(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }

  /** A pseudonymous lowercase UUID (RFC 9562 version 8, "custom") built from {@link Pseudonymiser.id}. */
  uuid(value: string): string {
    const h = this.id(`uuid:${value}`);
    const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

type DataOf<K extends EventType> = EventDataMap[K];

/**
 * Rebuilds an event's payload with identifiers pseudonymised and free text withheld.
 * `categoryOf(lineId, spentOn)` gives the category that replaces a payee.
 */
function releaseData(
  e: LedgerEvent,
  p: Pseudonymiser,
  categoryOf: (lineId: string, spentOn: string) => Category,
): DataOf<EventType> {
  switch (e.type) {
    case 'BudgetOpened': {
      const d = e.data;
      const out: DataOf<'BudgetOpened'> = {
        personRef: p.id(d.personRef),
        site: d.site,
        cohort: d.cohort,
        basis: d.basis,
        streams: [...d.streams],
        periodStart: d.periodStart,
        periodEnd: d.periodEnd,
      };
      if (d.referredAt !== undefined) out.referredAt = d.referredAt;
      return out;
    }
    case 'FundingAllocated':
      return {
        stream: e.data.stream,
        amount: e.data.amount,
        stage: e.data.stage,
      } satisfies DataOf<'FundingAllocated'>;
    case 'FundingAdjusted':
      return {
        stream: e.data.stream,
        delta: e.data.delta,
        reason: WITHHELD,
      } satisfies DataOf<'FundingAdjusted'>;
    case 'ContributionAssessed':
      return { amount: e.data.amount } satisfies DataOf<'ContributionAssessed'>;
    case 'FundsPaid':
      return {
        stream: e.data.stream,
        amount: e.data.amount,
        option: e.data.option,
        reference: p.id(e.data.reference),
      } satisfies DataOf<'FundsPaid'>;
    case 'PlanProposed': {
      const out: DataOf<'PlanProposed'> = {
        planVersion: e.data.planVersion,
        lines: e.data.lines.map((l) => ({
          lineId: p.id(l.lineId),
          category: l.category,
          option: l.option,
          amount: l.amount,
          shares: { ...l.shares },
        })),
      };
      if (e.data.changeRequestId !== undefined) out.changeRequestId = p.id(e.data.changeRequestId);
      return out;
    }
    case 'PlanAgreed':
      return e.data.bestInterestsReason === undefined
        ? ({ planVersion: e.data.planVersion, agreedOn: e.data.agreedOn } satisfies DataOf<'PlanAgreed'>)
        : ({
            planVersion: e.data.planVersion,
            agreedOn: e.data.agreedOn,
            bestInterestsReason: WITHHELD,
          } satisfies DataOf<'PlanAgreed'>);
    case 'PlanRejected':
      return { planVersion: e.data.planVersion, reason: WITHHELD } satisfies DataOf<'PlanRejected'>;
    case 'ChangeRequested':
      return {
        changeRequestId: p.id(e.data.changeRequestId),
        summary: WITHHELD,
      } satisfies DataOf<'ChangeRequested'>;
    case 'SpendRecorded':
      return {
        spendId: p.id(e.data.spendId),
        lineId: p.id(e.data.lineId),
        amount: e.data.amount,
        spentOn: e.data.spentOn,
        payee: categoryOf(e.data.lineId, e.data.spentOn),
        evidenceRef: WITHHELD,
        split: { ...e.data.split },
        purpose: e.data.purpose,
      } satisfies DataOf<'SpendRecorded'>;
    case 'SpendReversed':
      return { spendId: p.id(e.data.spendId), reason: WITHHELD } satisfies DataOf<'SpendReversed'>;
    case 'SurplusReclaimed': {
      const out: DataOf<'SurplusReclaimed'> = {
        stream: e.data.stream,
        amount: e.data.amount,
        reason: e.data.reason,
        noticeRef: p.id(e.data.noticeRef),
      };
      return e.data.deadline === undefined ? out : { ...out, deadline: e.data.deadline };
    }
    case 'ReviewCompleted':
      return { reviewedOn: e.data.reviewedOn, outcome: e.data.outcome } satisfies DataOf<'ReviewCompleted'>;
    case 'DirectPaymentSuspended':
    case 'DirectPaymentResumed':
    case 'DirectPaymentStopped':
      return { reason: WITHHELD } satisfies DataOf<'DirectPaymentStopped'>;
    case 'BudgetClosed':
      return { closedOn: e.data.closedOn, reason: WITHHELD } satisfies DataOf<'BudgetClosed'>;
    case 'OffPlanSpendFlagged':
      return {
        spendId: p.id(e.data.spendId),
        lineId: p.id(e.data.lineId),
        amount: e.data.amount,
        spentOn: e.data.spentOn,
        payee: 'off-plan',
        evidenceRef: WITHHELD,
        problem: e.data.problem,
      } satisfies DataOf<'OffPlanSpendFlagged'>;
    case 'RepresentativeAuthorised':
    case 'RepresentativeRevoked':
      return {
        representativeId: p.id(e.data.representativeId),
        reason: WITHHELD,
      } satisfies DataOf<'RepresentativeRevoked'>;
    case 'OutcomeRecorded':
      // Item codes and scores are kept; the wording of goals and any note are free text: dropped.
      return {
        instrument: e.data.instrument,
        measuredOn: e.data.measuredOn,
        respondent: e.data.respondent,
        items: e.data.items.map((i) => ({ item: i.item, score: i.score })),
      } satisfies DataOf<'OutcomeRecorded'>;
    case 'ChangeRequestDeclined':
      return {
        changeRequestId: p.id(e.data.changeRequestId),
        reason: WITHHELD,
      } satisfies DataOf<'ChangeRequestDeclined'>;
    case 'OverspendExplained':
    case 'OverspendExceptionApproved': {
      const out: DataOf<'OverspendExplained'> = { over: e.data.over, reason: WITHHELD };
      if (e.data.lineId !== undefined) return { ...out, lineId: p.id(e.data.lineId) };
      return e.data.stream === undefined ? out : { ...out, stream: e.data.stream };
    }
    case 'ReconsiderationRequested':
      return {
        noticeRef: p.id(e.data.noticeRef),
        reason: WITHHELD,
      } satisfies DataOf<'ReconsiderationRequested'>;
    case 'ReclaimReconsidered':
      return {
        noticeRef: p.id(e.data.noticeRef),
        stream: e.data.stream,
        outcome: e.data.outcome,
        returned: e.data.returned,
        reason: WITHHELD,
      } satisfies DataOf<'ReclaimReconsidered'>;
    case 'LocalExclusionsSet':
      return {
        exclusions: e.data.exclusions.map((x) => ({ ...x })),
        reason: WITHHELD,
      } satisfies DataOf<'LocalExclusionsSet'>;
    case 'ContingencyHeld':
      return {
        contingencyId: p.id(e.data.contingencyId),
        stream: e.data.stream,
        amount: e.data.amount,
        reason: WITHHELD,
      } satisfies DataOf<'ContingencyHeld'>;
    case 'ContingencyReturned':
      return {
        contingencyId: p.id(e.data.contingencyId),
        amount: e.data.amount,
        reason: WITHHELD,
      } satisfies DataOf<'ContingencyReturned'>;
    default: {
      const never: never = e;
      throw new TypeError(`no release rule for event type ${(never as { type: string }).type}`);
    }
  }
}

/**
 * Turns the events of a log, in order, into the pending events of its release (seal them with
 * `sealEvents` or a `LogWriter`). Keeps, per budget, only its plans (to name a payee's category).
 */
export class ReleaseBuilder {
  private readonly plans = new Map<string, BudgetState>();

  constructor(private readonly p: Pseudonymiser) {}

  /** The released form of one event (events of a budget must come in `seq` order). */
  add(e: LedgerEvent): PendingEvent {
    let s = this.plans.get(e.budgetId);
    if (s === undefined) {
      s = mutableState();
      this.plans.set(e.budgetId, s);
    }
    const state = s;
    // The category the budget state gives a spend: the line of the plan in force on its date.
    const categoryOf = (lineId: string, spentOn: string): Category =>
      planOn(state.plans, spentOn)?.lines.find((l) => l.lineId === lineId)?.category ?? 'other';
    const data = releaseData(e, this.p, categoryOf);
    if (e.type === 'PlanProposed' || e.type === 'PlanAgreed' || e.type === 'PlanRejected') {
      applyEvent(state, e, { trackCommands: false });
    }
    const out = {
      eventId: this.p.uuid(e.eventId),
      budgetId: this.p.id(e.budgetId),
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      actor: { id: this.p.id(e.actor.id), role: e.actor.role },
      type: e.type,
      v: e.v,
      data,
    };
    return out as PendingEventOf<typeof e.type> as PendingEvent;
  }
}

/** The release of a list of events (pending: seal them as a new log). */
export function pseudonymiseEvents(events: Iterable<LedgerEvent>, key: Uint8Array): PendingEvent[] {
  const b = new ReleaseBuilder(new Pseudonymiser(key));
  const out: PendingEvent[] = [];
  for (const e of events) out.push(b.add(e));
  return out;
}
