/**
 * What happened to a budget, in the person's words: one walk over its events gives the spending
 * list (payments, corrections, payments not counted), money taken back, the direct-payment
 * status, the closure and every action with who did it. The figures (balances, plan lines,
 * flags) come from the projections in `statement.ts`.
 */
import type { PendingEvent } from '../events/envelope.js';
import { STREAMS, type Stream } from '../events/primitives.js';
import { Money } from '../money/money.js';
import type {
  BudgetStatement,
  StatementAction,
  StatementDirectPayment,
  StatementPart,
  StatementPerson,
  StatementReclaim,
  StatementSpend,
} from './statement-model.js';
import {
  FUNDER,
  OFF_PLAN_WHY,
  RECLAIM_WHY,
  REVIEW_RESULT,
  dateWords,
  moneyWords,
  person,
} from './statement-words.js';

interface SpendFacts {
  readonly paidTo: string;
  readonly lineId: string;
  readonly date: string;
  readonly amount: Money;
  readonly split: Readonly<Partial<Record<Stream, Money>>>;
  readonly by: StatementPerson;
  forWhat: string;
  correctedOn: string | null;
}

function partsOf(split: Readonly<Partial<Record<Stream, Money>>>, negate: boolean): StatementPart[] {
  return STREAMS.filter((s) => split[s] !== undefined).map((s) => {
    const m = split[s] as Money;
    return { stream: s, funder: FUNDER[s], amount: negate ? m.negate() : m };
  });
}

/** Each direct-payment event: the status it sets, its sentence (from the date and who), and the action. */
const DIRECT_PAYMENT_WORDS = {
  DirectPaymentSuspended: [
    'suspended',
    (date: string, who: string) => `Your direct payments were paused on ${date} by ${who}.`,
    'Paused your direct payments.',
  ],
  DirectPaymentResumed: [
    'active',
    (date: string) => `Your direct payments started again on ${date}.`,
    'Started your direct payments again.',
  ],
  DirectPaymentStopped: [
    'stopped',
    (date: string, who: string) => `Your direct payments were stopped for good on ${date} by ${who}.`,
    'Stopped your direct payments for good.',
  ],
} as const satisfies Record<
  string,
  readonly [StatementDirectPayment['status'], (date: string, who: string) => string, string]
>;

/** A change request as asked: what, by whom, when. */
export interface AskedChange {
  readonly summary: string;
  readonly by: StatementPerson;
  readonly at: string;
}

/** What the walk over a budget's events gives. */
export interface StatementHistory {
  /** Newest first. */
  readonly spending: StatementSpend[];
  /** Oldest first. */
  readonly reclaims: StatementReclaim[];
  /** Oldest first. */
  readonly actions: StatementAction[];
  readonly requests: ReadonlyMap<string, AskedChange>;
  readonly directPayment: StatementDirectPayment;
  readonly closed: BudgetStatement['closed'];
}

/**
 * Walks one budget's events (in log order, already filtered) into its history in words;
 * `lineName` names a plan line by its id.
 */
export function statementHistory(
  mine: readonly PendingEvent[],
  lineName: (lineId: string) => string,
): StatementHistory {
  const spends = new Map<string, SpendFacts>();
  const rows: { order: number; row: StatementSpend }[] = [];
  const reclaims: StatementReclaim[] = [];
  const actions: StatementAction[] = [];
  const requests = new Map<string, AskedChange>();
  let dp: StatementDirectPayment = {
    status: 'active',
    since: null,
    why: null,
    by: null,
    words: 'Your direct payments are running as normal.',
  };
  let closed: StatementHistory['closed'] = null;

  mine.forEach((e, order) => {
    const who = person(e.actor);
    const date = e.occurredAt.slice(0, 10);
    const act = (what: string, why: string | null = null) =>
      actions.push({ at: e.occurredAt, date, who, what, why });
    switch (e.type) {
      case 'BudgetOpened':
        act(`Set up your budget for ${dateWords(e.data.periodStart)} to ${dateWords(e.data.periodEnd)}.`);
        return;
      case 'RepresentativeAuthorised':
        act(`Agreed that ${e.data.representativeId} can act for you.`, e.data.reason);
        return;
      case 'RepresentativeRevoked':
        act(`Stopped ${e.data.representativeId} acting for you.`, e.data.reason);
        return;
      case 'FundingAllocated':
        act(
          e.data.stage === 'agreed'
            ? `Agreed ${moneyWords(e.data.amount)} from ${FUNDER[e.data.stream]}.`
            : `Gave an early estimate of ${moneyWords(e.data.amount)} from ${FUNDER[e.data.stream]}.`,
          e.data.reason ?? null,
        );
        return;
      case 'FundingAdjusted':
        act(
          e.data.delta.isNegative()
            ? `Lowered the money from ${FUNDER[e.data.stream]} by ${moneyWords(e.data.delta.negate())}.`
            : `Raised the money from ${FUNDER[e.data.stream]} by ${moneyWords(e.data.delta)}.`,
          e.data.reason,
        );
        return;
      case 'ContributionAssessed':
        act(`Worked out your own share: ${moneyWords(e.data.amount)}.`);
        return;
      case 'FundsPaid':
        act(
          `Paid ${moneyWords(e.data.amount)} from ${FUNDER[e.data.stream]} ${
            e.data.option === 'direct-payment'
              ? 'into your account'
              : e.data.option === 'managed-account'
                ? 'into the account run for you'
                : 'to the organisation that holds your money'
          }.`,
        );
        return;
      case 'PlanProposed':
        act(
          `Suggested a plan (version ${e.data.planVersion}) costing ${moneyWords(Money.sum(e.data.lines.map((l) => l.amount)))}.`,
        );
        return;
      case 'PlanAgreed':
        act(`Agreed the plan (version ${e.data.planVersion}). It starts on ${dateWords(e.data.agreedOn)}.`);
        return;
      case 'PlanRejected':
        act(`Turned down the suggested plan (version ${e.data.planVersion}).`, e.data.reason);
        return;
      case 'ChangeRequested':
        requests.set(e.data.changeRequestId, { summary: e.data.summary, by: who, at: e.occurredAt });
        act(`Asked for a change to the plan: "${e.data.summary}".`);
        return;
      case 'SpendRecorded': {
        const f: SpendFacts = {
          paidTo: e.data.payee,
          lineId: e.data.lineId,
          date: e.data.spentOn,
          amount: e.data.amount,
          split: e.data.split,
          by: who,
          forWhat: lineName(e.data.lineId),
          correctedOn: null,
        };
        spends.set(e.data.spendId, f);
        rows.push({
          order,
          row: {
            kind: 'payment',
            spendId: e.data.spendId,
            date: f.date,
            paidTo: f.paidTo,
            forWhat: f.forWhat,
            amount: f.amount,
            parts: partsOf(f.split, false),
            correctedOn: null,
            by: who,
          },
        });
        act(`Recorded a payment of ${moneyWords(e.data.amount)} to ${e.data.payee}.`);
        return;
      }
      case 'SpendReversed': {
        const f = spends.get(e.data.spendId);
        if (f === undefined || f.correctedOn !== null) return;
        f.correctedOn = date;
        rows.push({
          order,
          row: {
            kind: 'correction',
            spendId: e.data.spendId,
            date,
            paidTo: f.paidTo,
            forWhat: f.forWhat,
            amount: f.amount.negate(),
            parts: partsOf(f.split, true),
            paymentDate: f.date,
            why: e.data.reason,
            by: who,
          },
        });
        act(
          `Took off the payment of ${moneyWords(f.amount)} to ${f.paidTo} from ${dateWords(f.date)}. This is a correction.`,
          e.data.reason,
        );
        return;
      }
      case 'OffPlanSpendFlagged':
        rows.push({
          order,
          row: {
            kind: 'not-counted',
            spendId: e.data.spendId,
            date: e.data.spentOn,
            paidTo: e.data.payee,
            amount: e.data.amount,
            why: OFF_PLAN_WHY[e.data.problem] ?? 'It does not match your plan.',
            by: who,
          },
        });
        act(
          `Tried to record a payment of ${moneyWords(e.data.amount)} to ${e.data.payee}. It does not match your plan, so it was not counted.`,
        );
        return;
      case 'SurplusReclaimed': {
        const funder = FUNDER[e.data.stream];
        reclaims.push({
          date,
          stream: e.data.stream,
          funder,
          amount: e.data.amount,
          why: RECLAIM_WHY[e.data.reason] ?? 'Money was taken back.',
          noticeRef: e.data.noticeRef,
          by: who,
          howToAsk: `If you think this is wrong, you can ask ${funder} to look at it again. This is called asking for a reconsideration. Contact ${who.name} and give the notice number ${e.data.noticeRef}.`,
        });
        act(
          `Took back ${moneyWords(e.data.amount)} of the money from ${funder}.`,
          RECLAIM_WHY[e.data.reason] ?? null,
        );
        return;
      }
      case 'ReviewCompleted':
        act(
          `Reviewed your budget and plan on ${dateWords(e.data.reviewedOn)}. The result: ${REVIEW_RESULT[e.data.outcome] ?? e.data.outcome}.`,
        );
        return;
      case 'DirectPaymentSuspended':
      case 'DirectPaymentResumed':
      case 'DirectPaymentStopped': {
        const [status, words, what] = DIRECT_PAYMENT_WORDS[e.type];
        dp = { status, since: date, why: e.data.reason, by: who, words: words(dateWords(date), who.name) };
        act(what, e.data.reason);
        return;
      }
      case 'BudgetClosed':
        closed = { on: e.data.closedOn, why: e.data.reason, by: who };
        act(`Closed your budget on ${dateWords(e.data.closedOn)}.`, e.data.reason);
        return;
      case 'OutcomeRecorded':
        act(
          `Wrote down how things are going for you, on ${dateWords(e.data.measuredOn)} (${e.data.items.length} ${e.data.items.length === 1 ? 'answer' : 'answers'}).`,
        );
        return;
      default:
        // An event this statement has no words for yet still shows who did something, and when.
        act('Made a change to the records of your budget.');
        return;
    }
  });

  // Spending, newest first: by date, then the later record first.
  rows.sort((a, b) => (a.row.date < b.row.date ? 1 : a.row.date > b.row.date ? -1 : b.order - a.order));
  const spending: StatementSpend[] = [];
  for (const { row } of rows) {
    if (row.kind === 'payment') {
      const f = spends.get(row.spendId);
      spending.push({ ...row, correctedOn: f?.correctedOn ?? null });
    } else spending.push(row);
  }
  return { spending, reclaims, actions, requests, directPayment: dp, closed };
}
