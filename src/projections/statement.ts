/**
 * The budget statement: one budget as the person whose money it is can read it. A read model
 * built from the same events and projections as the auditor's views (balances, plan lines,
 * plan history, flags), with every figure exact and every sentence in plain English: no event
 * names, no stream or option codes. Text and HTML renderers are in `statement-text.ts` and
 * `statement-html.ts`; `ipb statement` prints it.
 */
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import type { Category, ManagementOption, Role, Stream } from '../events/primitives.js';
import { STREAMS } from '../events/primitives.js';
import { daysBetween } from '../events/time.js';
import { Money } from '../money/money.js';
import { planOn, type BudgetState } from '../budget/state.js';
import { balancesOf, lineBalances } from './balances.js';
import { flagsOf, reviewDue, type Flag } from './flags.js';
import { planHistory } from './plans.js';
import { Replay } from './budget-states.js';
import { passes, type TimeFilter } from './time-filter.js';

/** What to build a statement of: the time filter, and the local surplus policy. */
export interface StatementOptions extends TimeFilter {
  /** Surplus threshold in weeks of direct-payment funding (as `ipb flags`). Default 8. */
  readonly surplusWeeks?: number;
}

/** Someone who did something on the budget, named as the person would know them. */
export interface StatementPerson {
  readonly id: string;
  readonly role: Role;
  /** The role in words: "you", "your representative", "care coordinator", "finance officer"... */
  readonly roleWords: string;
  /** Who, in words: "You", or the id and the role, e.g. "coord-notts-07 (care coordinator)". */
  readonly name: string;
}

/** The money from one funder. */
export interface FunderMoney {
  readonly stream: Stream;
  /** The funder in words: "the NHS", "the council", "education", "you (your own share)". */
  readonly funder: string;
  /** Agreed money (agreed allocations and adjustments): `allocated` of the balances. */
  readonly given: Money;
  /** Early estimates, never counted as given. */
  readonly estimated: Money;
  readonly spent: Money;
  /** Money the funder took back. */
  readonly takenBack: Money;
  /** given - spent - takenBack */
  readonly left: Money;
}

/** One line of the agreed plan, in words and figures. */
export interface StatementLine {
  readonly lineId: string;
  /** What it is for, in words ("Personal assistant"), numbered when two lines share a kind. */
  readonly name: string;
  readonly category: Category;
  readonly option: ManagementOption;
  /** How it is paid, in words ("The money is paid into your account. You pay for it."). */
  readonly howPaid: string;
  /** Who pays and in what shares, in words. */
  readonly whoPays: string;
  readonly planned: Money;
  readonly spent: Money;
  /** planned - spent (negative when overspent) */
  readonly left: Money;
}

/** One funder's part of a payment. */
export interface StatementPart {
  readonly stream: Stream;
  readonly funder: string;
  readonly amount: Money;
}

/** A row of the spending list: a payment, a correction that takes one off, or one not counted. */
export type StatementSpend =
  | {
      readonly kind: 'payment';
      readonly spendId: string;
      readonly date: string;
      readonly paidTo: string;
      /** The plan line's name ("Therapy"). */
      readonly forWhat: string;
      readonly amount: Money;
      readonly parts: readonly StatementPart[];
      /** The date it was taken off by a correction, if it was. */
      readonly correctedOn: string | null;
      readonly by: StatementPerson;
    }
  | {
      readonly kind: 'correction';
      readonly spendId: string;
      readonly date: string;
      readonly paidTo: string;
      readonly forWhat: string;
      /** The payment taken off, as a negative amount, and its parts (negative). */
      readonly amount: Money;
      readonly parts: readonly StatementPart[];
      /** The date of the payment it takes off. */
      readonly paymentDate: string;
      readonly why: string;
      readonly by: StatementPerson;
    }
  | {
      readonly kind: 'not-counted';
      readonly spendId: string;
      readonly date: string;
      readonly paidTo: string;
      readonly amount: Money;
      /** Why it was not counted, in words. */
      readonly why: string;
      readonly by: StatementPerson;
    };

/** A change to the plan that was asked for and not yet agreed. */
export interface WaitingChange {
  readonly changeRequestId: string;
  readonly summary: string;
  readonly askedOn: string;
  readonly askedBy: StatementPerson;
  /** Whole days from the request to the statement's time. */
  readonly daysWaiting: number;
  /** What has happened to it so far, in words. */
  readonly progress: string;
}

/** When the next review is due. */
export interface StatementReview {
  readonly dueOn: string;
  readonly overdue: boolean;
  readonly lastReviewedOn: string | null;
  /** The rule it comes from, in words. */
  readonly rule: string;
  /** One sentence: when it is due, or that it is overdue. */
  readonly words: string;
}

/** Money a funder took back, and how to ask them to think again. */
export interface StatementReclaim {
  readonly date: string;
  readonly stream: Stream;
  readonly funder: string;
  readonly amount: Money;
  /** Why, in words. */
  readonly why: string;
  readonly noticeRef: string;
  readonly by: StatementPerson;
  /** How to ask for reconsideration, in words. */
  readonly howToAsk: string;
}

/** Whether direct payments are running, paused or stopped, and why. */
export interface StatementDirectPayment {
  readonly status: 'active' | 'suspended' | 'stopped';
  readonly since: string | null;
  readonly why: string | null;
  readonly by: StatementPerson | null;
  readonly words: string;
}

/** What is waiting or needs attention. */
export interface StatementWaiting {
  readonly changes: readonly WaitingChange[];
  /** Null when the budget is closed. */
  readonly review: StatementReview | null;
  readonly reclaims: readonly StatementReclaim[];
  readonly directPayment: StatementDirectPayment;
  /** Other things someone will check (overspends, surplus, payments not counted), in words. */
  readonly checks: readonly string[];
}

/** One thing someone did. */
export interface StatementAction {
  readonly at: string;
  readonly date: string;
  readonly who: StatementPerson;
  readonly what: string;
  readonly why: string | null;
}

/** A budget statement: everything the person needs, as of one moment. */
export interface BudgetStatement {
  readonly budgetId: string;
  /** The moment it is as of: `asOf` given, else the time of the latest event counted. */
  readonly asOf: string;
  readonly asOfDate: string;
  readonly knownAt: string | null;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly closed: { readonly on: string; readonly why: string; readonly by: StatementPerson } | null;
  readonly money: {
    readonly funders: readonly FunderMoney[];
    readonly total: Omit<FunderMoney, 'stream' | 'funder'>;
    /** The assessed personal contribution, if one was assessed. */
    readonly contributionAssessed: Money | null;
    readonly words: readonly string[];
  };
  readonly plan: {
    readonly version: number;
    readonly agreedOn: string;
    readonly lines: readonly StatementLine[];
    readonly words: string;
  } | null;
  /** Newest first. */
  readonly spending: readonly StatementSpend[];
  readonly waiting: StatementWaiting;
  /** Newest first. */
  readonly actions: readonly StatementAction[];
  /** Everyone who acted, with their role and what they did last: whom to ask. */
  readonly people: ReadonlyArray<
    StatementPerson & { readonly lastAction: string; readonly lastDate: string }
  >;
}

// ---------------------------------------------------------------------------------------------
// Words

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A date in words: `2018-04-30` is "30 April 2018". */
export function dateWords(date: string): string {
  const d = Number(date.slice(8, 10));
  const m = MONTHS[Number(date.slice(5, 7)) - 1] ?? '';
  return `${d} ${m} ${date.slice(0, 4)}`;
}

/** Money in words: "£1,500.01" (a minus sign for negative amounts). */
export const moneyWords = (m: Money): string => m.format();

const FUNDER: Readonly<Record<Stream, string>> = {
  health: 'the NHS',
  'social-care': 'the council',
  education: 'education',
  contribution: 'you (your own share)',
};

/** Who gives a stream's money, in words: "the NHS", "the council"... */
export const funderWords = (s: Stream): string => FUNDER[s];

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const ROLE_WORDS: Readonly<Record<Role, string>> = {
  holder: 'you',
  representative: 'your representative',
  coordinator: 'care coordinator',
  commissioner: 'commissioner',
  finance: 'finance officer',
  auditor: 'auditor',
  system: 'computer system',
};

/** A role in words: "care coordinator", "finance officer"... */
export const roleWords = (r: Role): string => ROLE_WORDS[r];

function person(actor: { readonly id: string; readonly role: Role }): StatementPerson {
  return {
    id: actor.id,
    role: actor.role,
    roleWords: ROLE_WORDS[actor.role],
    name: actor.role === 'holder' ? 'You' : `${actor.id} (${ROLE_WORDS[actor.role]})`,
  };
}

const CATEGORY_WORDS: Readonly<Record<Category, string>> = {
  'personal-assistant': 'Personal assistant',
  'agency-care': 'Care from an agency',
  respite: 'Short breaks',
  equipment: 'Equipment',
  therapy: 'Therapy',
  transport: 'Transport',
  'community-activity': 'Activities in the community',
  other: 'Other support',
};

/** What a plan line is for, in words. */
export const categoryWords = (c: Category): string => CATEGORY_WORDS[c];

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** How a line is paid, in words. */
export function howPaidWords(option: ManagementOption, streams: readonly Stream[]): string {
  switch (option) {
    case 'notional': {
      const payers = streams.filter((s) => s !== 'contribution').map((s) => FUNDER[s]);
      const who = payers.length === 0 ? 'The council' : capital(listWords(payers));
      return `${who} ${payers.length > 1 ? 'pay' : 'pays'} the provider for you.`;
    }
    case 'direct-payment':
      return 'The money is paid into your account. You pay for it.';
    case 'third-party':
      return 'An organisation looks after the money and pays for it.';
    case 'managed-account':
      return 'The money is paid into an account a provider runs for you. They pay for it.';
  }
}

/** Who pays a line and in what shares, in words. */
export function whoPaysWords(shares: Readonly<Partial<Record<Stream, number>>>): string {
  const parts = STREAMS.filter((s) => (shares[s] ?? 0) > 0).map((s) => [s, shares[s] as number] as const);
  if (parts.length === 1) return `Paid by ${FUNDER[(parts[0] as readonly [Stream, number])[0]]}.`;
  const total = parts.reduce((n, [, w]) => n + w, 0);
  if (parts.every(([, w]) => w === (parts[0] as readonly [Stream, number])[1])) {
    const each = parts.length === 2 ? 'half each' : 'in equal parts';
    return `Shared by ${listWords(parts.map(([s]) => FUNDER[s]))}, ${each}.`;
  }
  return `Shared by ${listWords(parts.map(([s, w]) => `${FUNDER[s]} (${w} ${w === 1 ? 'part' : 'parts'} in ${total})`))}.`;
}

const RECLAIM_WHY: Readonly<Record<string, string>> = {
  'plan-change': 'Your plan changed, so less money is needed.',
  surplus: 'There was more money in your account than you needed.',
  misuse: 'The money was not used in the way that was agreed.',
  fraud: 'The money may have been taken dishonestly.',
  death: 'The budget ended after a death.',
};

const OFF_PLAN_WHY: Readonly<Record<string, string>> = {
  'unknown-line': 'It does not match any part of your plan.',
  'no-agreed-plan': 'There was no agreed plan on that day.',
  'line-not-in-agreed-plan': 'It does not match the plan agreed for that day.',
};

const REVIEW_RESULT: Readonly<Record<string, string>> = {
  'no-change': 'nothing needs to change',
  'plan-change': 'the plan needs to change',
  ended: 'the budget will end',
};

const RULE_WORDS: Readonly<Record<string, string>> = {
  'NHS budgets are reviewed within 3 months of starting':
    'Budgets with NHS money are checked within 3 months of starting.',
  'NHS budgets are reviewed at least every 12 months':
    'Budgets with NHS money are checked at least once a year.',
  'social-care direct payments are reviewed within 6 months':
    'Direct payments from the council are checked within 6 months of starting.',
  'social-care direct payments are reviewed at least every 12 months':
    'Direct payments from the council are checked at least once a year.',
  'budgets are reviewed at least every 12 months': 'Budgets are checked at least once a year.',
};

// ---------------------------------------------------------------------------------------------
// Building

/**
 * Collects the events of one budget that pass a time filter, as a log is read: the
 * {@link EventFold} `ipb statement` runs over a log of any size (it keeps one budget only).
 */
export class StatementFold {
  readonly events: PendingEvent[] = [];
  constructor(
    readonly budgetId: string,
    readonly filter: TimeFilter = {},
  ) {}

  /** Keeps the event when it belongs to the budget and passes the filter. */
  add(e: PendingEvent): void {
    if (e.budgetId === this.budgetId && passes(e, this.filter)) this.events.push(e);
  }

  /** The statement of the events kept, or null when the budget was not opened by then. */
  statement(options: Omit<StatementOptions, keyof TimeFilter> = {}): BudgetStatement | null {
    return budgetStatement(this.events, this.budgetId, { ...this.filter, ...options });
  }
}

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

/** Names for the lines of a plan: the kind in words, numbered when two lines share a kind. */
function lineNames(lines: readonly { lineId: string; category: Category }[]): Map<string, string> {
  const count = new Map<Category, number>();
  for (const l of lines) count.set(l.category, (count.get(l.category) ?? 0) + 1);
  const seen = new Map<Category, number>();
  const out = new Map<string, string>();
  for (const l of lines) {
    const k = (seen.get(l.category) ?? 0) + 1;
    seen.set(l.category, k);
    out.set(
      l.lineId,
      (count.get(l.category) ?? 0) > 1 ? `${CATEGORY_WORDS[l.category]} ${k}` : CATEGORY_WORDS[l.category],
    );
  }
  return out;
}

/**
 * The statement of one budget from a list of events (any budgets, interleaved: only this
 * budget's are read), as of the options' times. Null when the budget was not opened by then.
 * Never reads a clock: "today" is the statement's `asOf`.
 */
export function budgetStatement(
  events: Iterable<PendingEvent | LedgerEvent>,
  budgetId: string,
  options: StatementOptions = {},
): BudgetStatement | null {
  const filter: TimeFilter = {
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.knownAt === undefined ? {} : { knownAt: options.knownAt }),
  };
  const mine: PendingEvent[] = [];
  for (const e of events) if (e.budgetId === budgetId && passes(e, filter)) mine.push(e);
  const s = new Replay(filter, { trackCommands: false }).addAll(mine).state(budgetId);
  if (s === undefined || s.opened === null) return null;
  let latest = '';
  for (const e of mine) if (e.occurredAt > latest) latest = e.occurredAt;
  const asOf = options.asOf ?? latest;
  const asOfDate = asOf.slice(0, 10);

  const plan = planOn(s.plans, '9999-12-31');
  const names = lineNames(plan?.lines ?? []);
  // Lines of earlier plans keep the names they had there.
  const allNames = new Map<string, string>();
  for (const p of s.plans) for (const [id, n] of lineNames(p.lines)) allNames.set(id, n);
  for (const [id, n] of names) allNames.set(id, n);
  const lineName = (id: string) => allNames.get(id) ?? 'Something not in your plan';

  const spends = new Map<string, SpendFacts>();
  const spending: StatementSpend[] = [];
  const rows: { order: number; row: StatementSpend }[] = [];
  const reclaims: StatementReclaim[] = [];
  const actions: StatementAction[] = [];
  const requests = new Map<string, { summary: string; by: StatementPerson; at: string }>();
  let dp: StatementDirectPayment = {
    status: 'active',
    since: null,
    why: null,
    by: null,
    words: 'Your direct payments are running as normal.',
  };
  let closed: BudgetStatement['closed'] = null;

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
        dp = {
          status: 'suspended',
          since: date,
          why: e.data.reason,
          by: who,
          words: `Your direct payments were paused on ${dateWords(date)} by ${who.name}.`,
        };
        act('Paused your direct payments.', e.data.reason);
        return;
      case 'DirectPaymentResumed':
        dp = {
          status: 'active',
          since: date,
          why: e.data.reason,
          by: who,
          words: `Your direct payments started again on ${dateWords(date)}.`,
        };
        act('Started your direct payments again.', e.data.reason);
        return;
      case 'DirectPaymentStopped':
        dp = {
          status: 'stopped',
          since: date,
          why: e.data.reason,
          by: who,
          words: `Your direct payments were stopped for good on ${dateWords(date)} by ${who.name}.`,
        };
        act('Stopped your direct payments for good.', e.data.reason);
        return;
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
  for (const { row } of rows) {
    if (row.kind === 'payment') {
      const f = spends.get(row.spendId);
      spending.push({ ...row, correctedOn: f?.correctedOn ?? null });
    } else spending.push(row);
  }

  const balances = balancesOf(budgetId, s).streams;
  const funders: FunderMoney[] = balances.map(([stream, b]) => ({
    stream,
    funder: FUNDER[stream],
    given: b.allocated,
    estimated: b.indicative,
    spent: b.spent,
    takenBack: b.reclaimed,
    left: b.remaining,
  }));
  const sum = (pick: (f: FunderMoney) => Money) => Money.sum(funders.map(pick));
  const total = {
    given: sum((f) => f.given),
    estimated: sum((f) => f.estimated),
    spent: sum((f) => f.spent),
    takenBack: sum((f) => f.takenBack),
    left: sum((f) => f.left),
  };

  const lines: StatementLine[] =
    plan === undefined
      ? []
      : lineBalances(s).map((l) => {
          const line = plan.lines.find((x) => x.lineId === l.lineId);
          const shares = line?.shares ?? {};
          return {
            lineId: l.lineId,
            name: names.get(l.lineId) ?? CATEGORY_WORDS[l.category as Category],
            category: l.category as Category,
            option: l.option as ManagementOption,
            howPaid: howPaidWords(
              l.option as ManagementOption,
              STREAMS.filter((x) => (shares[x] ?? 0) > 0),
            ),
            whoPays: whoPaysWords(shares),
            planned: l.budgeted,
            spent: l.spent,
            left: l.remaining,
          };
        });

  const flags = flagsOf(budgetId, s, {
    onDate: asOfDate,
    ...(options.surplusWeeks === undefined ? {} : { surplusWeeks: options.surplusWeeks }),
  });

  const people = peopleOf(actions);
  return {
    budgetId,
    asOf,
    asOfDate,
    knownAt: options.knownAt ?? null,
    periodStart: s.opened.periodStart,
    periodEnd: s.opened.periodEnd,
    closed,
    money: {
      funders,
      total,
      contributionAssessed: s.contribution,
      words: moneySentences(funders, total, s.contribution),
    },
    plan:
      plan === undefined || plan.agreedOn === undefined
        ? null
        : {
            version: plan.planVersion,
            agreedOn: plan.agreedOn,
            lines,
            words: `Your plan (version ${plan.planVersion}) was agreed to start on ${dateWords(plan.agreedOn)}. It has ${lines.length} ${lines.length === 1 ? 'part' : 'parts'}.`,
          },
    spending,
    waiting: {
      changes: waitingChanges(s, requests, asOf),
      review: s.status === 'open' ? review(s, asOfDate) : null,
      reclaims: [...reclaims].reverse(),
      directPayment: dp,
      checks: checks(flags, names),
    },
    actions: [...actions].reverse(),
    people,
  };
}

function moneySentences(
  funders: readonly FunderMoney[],
  total: BudgetStatement['money']['total'],
  contribution: Money | null,
): string[] {
  const out: string[] = [];
  if (total.given.isZero() && total.estimated.isPositive()) {
    out.push(`No money has been agreed yet. The early estimate is ${moneyWords(total.estimated)}.`);
  } else {
    out.push(`Your budget has ${moneyWords(total.given)} this year.`);
  }
  for (const f of funders) {
    if (!f.given.isPositive()) continue;
    out.push(
      f.stream === 'contribution'
        ? `Your own share is ${moneyWords(f.given)}.`
        : `${capital(f.funder)} gives ${moneyWords(f.given)}.`,
    );
  }
  out.push(`So far ${moneyWords(total.spent)} has been spent.`);
  if (total.takenBack.isPositive()) out.push(`${moneyWords(total.takenBack)} was taken back.`);
  out.push(
    total.left.isNegative()
      ? `You have spent ${moneyWords(total.left.negate())} more than your budget.`
      : `${moneyWords(total.left)} is left.`,
  );
  if (contribution !== null && contribution.isPositive()) {
    out.push(`Your own share was worked out as ${moneyWords(contribution)}.`);
  }
  return out;
}

function waitingChanges(
  s: BudgetState,
  requests: ReadonlyMap<string, { summary: string; by: StatementPerson; at: string }>,
  asOf: string,
): WaitingChange[] {
  const open = planHistory(s).openChangeRequests;
  const out: WaitingChange[] = [];
  for (const id of open) {
    const r = requests.get(id);
    if (r === undefined) continue;
    const answers = s.plans.filter((p) => p.changeRequestId === id);
    const last = answers[answers.length - 1];
    const progress =
      last === undefined
        ? 'No new plan has been suggested yet.'
        : last.status === 'rejected'
          ? `A new plan (version ${last.planVersion}) was suggested but turned down. A new one is needed.`
          : `A new plan (version ${last.planVersion}) has been suggested. It is not agreed yet.`;
    out.push({
      changeRequestId: id,
      summary: r.summary,
      askedOn: r.at.slice(0, 10),
      askedBy: r.by,
      daysWaiting: Math.max(0, Math.floor(daysBetween(r.at, asOf))),
      progress,
    });
  }
  return out.sort((a, b) => (a.askedOn < b.askedOn ? -1 : a.askedOn > b.askedOn ? 1 : 0));
}

function review(s: BudgetState, onDate: string): StatementReview | null {
  const due = reviewDue(s);
  if (due === null) return null;
  const last = s.reviews.length > 0 ? ([...s.reviews].sort().pop() ?? null) : null;
  const overdue = due.dueOn < onDate;
  return {
    dueOn: due.dueOn,
    overdue,
    lastReviewedOn: last,
    rule: RULE_WORDS[due.rule] ?? 'Budgets are checked at least once a year.',
    words: overdue
      ? `Your review is overdue. It was due by ${dateWords(due.dueOn)}. Ask your care coordinator when it will happen.`
      : `Your next review is due by ${dateWords(due.dueOn)}.`,
  };
}

function checks(flags: readonly Flag[], names: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const f of flags) {
    switch (f.kind) {
      case 'overspend-line':
        out.push(
          `More has been spent on "${names.get(f.lineId) ?? 'one part of your plan'}" than planned: ${moneyWords(f.over)} too much. Someone will check this with you.`,
        );
        break;
      case 'overspend-stream':
        out.push(
          `More of the money from ${FUNDER[f.stream]} has been used than was given: ${moneyWords(f.over)} too much. Someone will check this with you.`,
        );
        break;
      case 'surplus':
        out.push(
          `Your account holds ${moneyWords(f.balance)}. That is more than ${f.weeks} weeks of money (${moneyWords(f.threshold)}). The funders may ask for some of it back.`,
        );
        break;
      case 'off-plan':
        out.push(
          `A payment of ${moneyWords(f.amount)} on ${dateWords(f.spentOn)} did not match your plan. It was not counted. Someone will check it.`,
        );
        break;
      case 'review-overdue':
        break; // said in the review sentence
    }
  }
  return out;
}

function peopleOf(actions: readonly StatementAction[]): BudgetStatement['people'] {
  // actions are oldest first here; keep each person's latest action, people by first appearance
  const last = new Map<string, StatementAction>();
  for (const a of actions) last.set(`${a.who.role} ${a.who.id}`, a);
  return [...last.values()].map((a) => ({ ...a.who, lastAction: a.what, lastDate: a.date }));
}

/** A statement as JSON: money as contract strings (`"1250.00"`), everything else as is. */
export type StatementJson = Jsonify<BudgetStatement>;
type Jsonify<T> = T extends Money
  ? string
  : T extends string | number | boolean | null
    ? T
    : T extends ReadonlyArray<infer U>
      ? Jsonify<U>[]
      : { [K in keyof T]: Jsonify<T[K]> };

/** The JSON form of a statement (what `ipb statement --format json` prints). */
export function statementJson(st: BudgetStatement): StatementJson {
  const conv = (v: unknown): unknown => {
    if (v instanceof Money) return v.toString();
    if (Array.isArray(v)) return v.map(conv);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    return v;
  };
  return conv(st) as StatementJson;
}
