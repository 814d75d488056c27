/**
 * Type-level tests: the public types infer what users expect. `npm run typecheck` (tsc over
 * test/) checks every `expectTypeOf` and every `@ts-expect-error` here; vitest runs the file too.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { describe, expectTypeOf, it } from 'vitest';
import type { journalOf } from 'ipb-ledger';
import {
  Money,
  decide,
  decodeEvent,
  initialDecisionState,
  type Command,
  type CommandDataMap,
  type CommandOf,
  type DecodeError,
  type ErrorCode,
  type ErrorOf,
  type EventOf,
  type EventType,
  type FundsPaid,
  type JournalTransaction,
  type LedgerError,
  type LedgerEvent,
  type PaymentOption,
  type PendingEvent,
  type Purpose,
  type SpendRecorded,
  type Split,
} from 'ipb-ledger';

/**
 * The checks live in functions that are never called: tsc checks their bodies, and at run
 * time there is no event or error to look at.
 */
const typeChecks: ((...args: never[]) => unknown)[] = [];
function check<A extends unknown[]>(body: (...args: A) => void): void {
  typeChecks.push(body as (...args: never[]) => unknown);
  expectTypeOf(body).toBeFunction();
}

describe('events', () => {
  it('the event union narrows by `type` to that event’s data', () => {
    check((event: LedgerEvent) => {
      if (event.type === 'SpendRecorded') {
        expectTypeOf(event).toEqualTypeOf<EventOf<'SpendRecorded'>>();
        expectTypeOf(event.data).toEqualTypeOf<SpendRecorded>();
        expectTypeOf(event.data.purpose).toEqualTypeOf<Purpose>();
        expectTypeOf(event.data.split).toEqualTypeOf<Split>();
        expectTypeOf(event.data.amount).toEqualTypeOf<Money>();
      }
      if (event.type === 'FundsPaid') {
        expectTypeOf(event.data).toEqualTypeOf<FundsPaid>();
        expectTypeOf(event.data.option).toEqualTypeOf<PaymentOption>();
      }
      expectTypeOf(event.type).toEqualTypeOf<EventType>();
    });
    expectTypeOf<Extract<LedgerEvent, { type: 'BudgetClosed' }>>().toEqualTypeOf<EventOf<'BudgetClosed'>>();
  });

  it('fields that only some events have are not reachable before narrowing', () => {
    check((event: LedgerEvent) => {
      // @ts-expect-error `amount` is not on every event's data
      expectTypeOf(event.data.amount).toBeUnknown();
      expectTypeOf(event).toHaveProperty('seq').toEqualTypeOf<number>();
    });
    expectTypeOf<PendingEvent>().not.toHaveProperty('seq');
  });

  it('money is Money, never a JS number', () => {
    expectTypeOf<SpendRecorded['amount']>().toEqualTypeOf<Money>();
    expectTypeOf<number>().not.toExtend<Money>();
    expectTypeOf<string>().not.toExtend<Money>();
  });

  it('decoding gives a decode error or an event, never throws a type away', () => {
    expectTypeOf(decodeEvent).returns.toEqualTypeOf<Either<DecodeError, LedgerEvent>>();
    expectTypeOf(decodeEvent).parameter(0).toBeUnknown();
  });
});

describe('commands', () => {
  const meta = {
    commandId: 'c1',
    budgetId: 'b1',
    actor: { id: 'a', role: 'finance' },
    occurredAt: '2025-04-01T09:00:00.000Z',
    recordedAt: '2025-04-01T09:00:00.000Z',
  } as const;
  const spend = {
    spendId: 's',
    lineId: 'l',
    amount: Money.of('1.00'),
    spentOn: '2025-04-01',
    payee: 'p',
    evidenceRef: 'e',
  };

  it('a complete command is a Command; purpose is optional', () => {
    expectTypeOf({ ...meta, type: 'RecordSpend' as const, data: spend }).toExtend<Command>();
    expectTypeOf({
      ...meta,
      type: 'RecordSpend' as const,
      data: { ...spend, purpose: 'alcohol' as const },
    }).toExtend<Command>();
    expectTypeOf<CommandDataMap['RecordSpend']['purpose']>().toEqualTypeOf<Purpose | undefined>();
  });

  it('commands with a missing or wrong field are refused by the compiler', () => {
    const { evidenceRef: _drop, ...noEvidence } = spend;
    expectTypeOf({ ...meta, type: 'RecordSpend' as const, data: noEvidence }).not.toExtend<Command>();
    expectTypeOf({ ...meta, type: 'RecordSpend' as const }).not.toExtend<Command>();
    expectTypeOf({
      ...meta,
      type: 'RecordSpend' as const,
      data: { ...spend, amount: 1 },
    }).not.toExtend<Command>();
    expectTypeOf({
      ...meta,
      type: 'RecordSpend' as const,
      data: { ...spend, purpose: 'holiday' },
    }).not.toExtend<Command>();
    const { actor: _a, ...noActor } = meta;
    expectTypeOf({ ...noActor, type: 'RecordSpend' as const, data: spend }).not.toExtend<Command>();
    // @ts-expect-error the data of an AllocateFunding command needs a stage
    const bad: CommandDataMap['AllocateFunding'] = { stream: 'health', amount: Money.of('1.00') };
    expectTypeOf(bad).toExtend<CommandOf<'AllocateFunding'>['data']>();
    expectTypeOf(typeChecks).toBeArray();
  });

  it('decide returns a ledger error or the pending events', () => {
    expectTypeOf(decide).returns.toEqualTypeOf<Either<LedgerError, PendingEvent[]>>();
    expectTypeOf(decide).parameter(1).toEqualTypeOf(initialDecisionState);
  });
});

describe('errors', () => {
  it('are a discriminated union on `code`', () => {
    check((error: LedgerError) => {
      expectTypeOf(error.code).toEqualTypeOf<ErrorCode>();
      expectTypeOf<'prohibited-purpose'>().toExtend<ErrorCode>();
      expectTypeOf<'no-such-code'>().not.toExtend<ErrorCode>();
      if (error.code === 'prohibited-purpose') {
        expectTypeOf(error).toEqualTypeOf<ErrorOf<'prohibited-purpose'>>();
        expectTypeOf(error.rule).toEqualTypeOf<string>();
        expectTypeOf(error.purpose).toEqualTypeOf<string>();
      }
      if (error.code === 'invalid-command') {
        expectTypeOf(error).toHaveProperty('field').toEqualTypeOf<string>();
        expectTypeOf(error).not.toHaveProperty('rule');
      }
    });
  });

  it('every error has a code and a message for people', () => {
    expectTypeOf<LedgerError>().toHaveProperty('message').toEqualTypeOf<string>();
    check((error: LedgerError) => {
      // @ts-expect-error `rule` belongs to one error only
      expectTypeOf(error.rule).toEqualTypeOf<string>();
    });
  });
});

describe('journal', () => {
  it('postings carry Money and transactions name their event type', () => {
    expectTypeOf<JournalTransaction['postings'][number]['amount']>().toEqualTypeOf<Money>();
    expectTypeOf<JournalTransaction['type']>().toEqualTypeOf<EventType>();
    expectTypeOf<LedgerEvent[]>().toExtend<Parameters<typeof journalOf>[0]>();
  });
});
