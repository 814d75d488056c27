/**
 * The shape of a budget statement ({@link BudgetStatement}): what the person reads, section by
 * section, with every figure exact. Built by `statement.ts`, rendered by `statement-text.ts`
 * and `statement-html.ts`.
 */
import type { Category, ManagementOption, Role, Stream } from '../events/primitives.js';
import type { Money } from '../money/money.js';
import type { TimeFilter } from './time-filter.js';

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

/** What every row of the spending list says: which payment, when, to whom, how much, who recorded it. */
export interface StatementSpendRow {
  readonly spendId: string;
  readonly date: string;
  readonly paidTo: string;
  /** The amount; negative for a correction (the payment taken off). */
  readonly amount: Money;
  readonly by: StatementPerson;
}

/** What a payment and its correction say besides the row: what it was for and each funder's part. */
export interface StatementSpendParts {
  /** The plan line's name ("Therapy"). */
  readonly forWhat: string;
  /** Each funder's part (negative for a correction). */
  readonly parts: readonly StatementPart[];
}

/** A row of the spending list: a payment, a correction that takes one off, or one not counted. */
export type StatementSpend =
  | (StatementSpendRow &
      StatementSpendParts & {
        readonly kind: 'payment';
        /** The date it was taken off by a correction, if it was. */
        readonly correctedOn: string | null;
      })
  | (StatementSpendRow &
      StatementSpendParts & {
        readonly kind: 'correction';
        /** The date of the payment it takes off. */
        readonly paymentDate: string;
        readonly why: string;
      })
  | (StatementSpendRow & {
      readonly kind: 'not-counted';
      /** Why it was not counted, in words. */
      readonly why: string;
    });

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
