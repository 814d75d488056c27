import type { ManagementOption, Role, Stream } from '../events/primitives.js';
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
