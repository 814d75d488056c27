import type { ManagementOption, Role, Stream } from '../events/primitives.js';
import type { Money } from '../money/money.js';
import type { CommandType } from './commands.js';

/**
 * Every way a command can be refused. Each error has a `code` to branch on, a `message`
 * a caseworker understands, and the data that caused it. Nothing is appended when a
 * command is refused.
 */
export type LedgerError =
  | {
      readonly code: 'invalid-command';
      readonly message: string;
      readonly field: string;
      readonly problem: string;
    }
  | {
      readonly code: 'role-not-allowed';
      readonly message: string;
      readonly role: Role;
      readonly command: CommandType;
      readonly allowed: readonly Role[];
      /** The line's management option, when it is why this role cannot act on the line. */
      readonly option?: ManagementOption;
    }
  | {
      readonly code: 'not-your-budget';
      readonly message: string;
      /** Only the role: the acting id may be the person's own reference, so it is not repeated here. */
      readonly role: Role;
    }
  | { readonly code: 'budget-not-opened'; readonly message: string; readonly budgetId: string }
  | { readonly code: 'budget-already-opened'; readonly message: string; readonly budgetId: string }
  | { readonly code: 'budget-closed'; readonly message: string; readonly command: CommandType }
  | {
      readonly code: 'wrong-budget';
      readonly message: string;
      readonly expected: string;
      readonly got: string;
    }
  | {
      readonly code: 'stream-not-in-budget';
      readonly message: string;
      readonly stream: Stream;
      readonly streams: readonly Stream[];
    }
  | { readonly code: 'contribution-not-allowed'; readonly message: string; readonly basis: string }
  | { readonly code: 'reason-required'; readonly message: string; readonly field: string }
  | {
      readonly code: 'plan-version-out-of-order';
      readonly message: string;
      readonly expected: number;
      readonly got: number;
    }
  | {
      readonly code: 'plan-not-pending';
      readonly message: string;
      readonly planVersion: number;
      readonly status: string;
    }
  | {
      readonly code: 'plan-invalid';
      readonly message: string;
      readonly field: string;
      readonly problem: string;
    }
  | { readonly code: 'unknown-change-request'; readonly message: string; readonly changeRequestId: string }
  | { readonly code: 'duplicate-change-request'; readonly message: string; readonly changeRequestId: string }
  | { readonly code: 'duplicate-spend'; readonly message: string; readonly spendId: string }
  | { readonly code: 'unknown-spend'; readonly message: string; readonly spendId: string }
  | { readonly code: 'spend-already-reversed'; readonly message: string; readonly spendId: string }
  | {
      readonly code: 'direct-payment-state';
      readonly message: string;
      readonly status: string;
      readonly command: CommandType;
    }
  | {
      readonly code: 'recorded-before-previous';
      readonly message: string;
      readonly recordedAt: string;
      readonly previous: string;
    }
  | {
      readonly code: 'period-invalid';
      readonly message: string;
      readonly periodStart: string;
      readonly periodEnd: string;
    }
  | {
      readonly code: 'prohibited-purpose';
      readonly message: string;
      readonly purpose: string;
      readonly rule: string;
    }
  | {
      /** A `contribution` stream or share without the social care it is a charge for. */
      readonly code: 'contribution-without-social-care';
      readonly message: string;
      readonly field: string;
    }
  | {
      /** A contribution allocated before any `ContributionAssessed`. */
      readonly code: 'contribution-not-assessed';
      readonly message: string;
      readonly field: string;
    }
  | {
      /** The contribution allocated would exceed the amount assessed. */
      readonly code: 'contribution-above-assessed';
      readonly message: string;
      readonly field: string;
      readonly assessed: Money;
      readonly allocated: Money;
    }
  | {
      /** An adjustment would take a stream's agreed funding below 0.00. */
      readonly code: 'allocation-below-zero';
      readonly message: string;
      readonly field: string;
      readonly stream: Stream;
      readonly allocated: Money;
    }
  | {
      /** A reclaim above the surplus held in the person's account for that stream. */
      readonly code: 'reclaim-above-surplus';
      readonly message: string;
      readonly field: string;
      readonly stream: Stream;
      readonly surplus: Money;
    }
  | {
      /** Declining a change request already declined or already answered by an agreed plan. */
      readonly code: 'change-request-closed';
      readonly message: string;
      readonly changeRequestId: string;
    }
  | {
      /** Explaining or approving an overspend where there is none. */
      readonly code: 'no-overspend';
      readonly message: string;
      readonly field: string;
    }
  | {
      /** A reclaim notice that does not exist on the budget. */
      readonly code: 'unknown-reclaim';
      readonly message: string;
      readonly noticeRef: string;
    }
  | {
      /** A new reclaim with a notice reference already used on the budget. */
      readonly code: 'duplicate-notice';
      readonly message: string;
      readonly noticeRef: string;
    }
  | {
      /** Asking twice for reconsideration, or answering one that was not asked for or already answered. */
      readonly code: 'reconsideration-state';
      readonly message: string;
      readonly noticeRef: string;
      readonly status: string;
    }
  | {
      /** A contingency id that does not exist on the budget. */
      readonly code: 'unknown-contingency';
      readonly message: string;
      readonly contingencyId: string;
    }
  | {
      /** A new contingency with an id already used on the budget. */
      readonly code: 'duplicate-contingency';
      readonly message: string;
      readonly contingencyId: string;
    }
  | {
      /** Returning more of a contingency than is still held. */
      readonly code: 'contingency-above-held';
      readonly message: string;
      readonly field: string;
      readonly held: Money;
    }
  | {
      /** A different command sent with a `commandId` already used on the budget. */
      readonly code: 'command-id-reused';
      readonly message: string;
      readonly field: 'commandId';
      readonly commandId: string;
    };

/** Every `code` a {@link LedgerError} can have. */
export type ErrorCode = LedgerError['code'];
/** The error with one code, e.g. `ErrorOf<'prohibited-purpose'>`. */
export type ErrorOf<C extends ErrorCode> = Extract<LedgerError, { code: C }>;

/** Builds an error value; `message` first so the text reads well where it is made. */
export function ledgerError<C extends ErrorCode>(
  code: C,
  message: string,
  details: Omit<ErrorOf<C>, 'code' | 'message'>,
): ErrorOf<C> {
  return { code, message, ...details } as ErrorOf<C>;
}
