/**
 * Double-entry postings of money events: each event that moves money becomes one balanced
 * transaction between the accounts of {@link accounts}.
 */
import type { BudgetState } from '../projections/budget-state.js';
import { applyEvent, mutableState } from '../projections/budget-state.js';
import type { EventType } from '../events/data.js';
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import { moneyEffects, type MoneyEffect } from '../events/money-effects.js';
import type { Category, Stream } from '../events/primitives.js';
import { balancesOf } from '../projections/balances.js';
import { Replay } from '../projections/budget-states.js';
import { passes, type TimeFilter } from '../projections/time-filter.js';
import { Money } from '../money/money.js';
import { accounts } from './accounts.js';

/** One side of a transaction: an amount into (positive) or out of (negative) an account. */
export interface Posting {
  readonly account: string;
  readonly amount: Money;
}

/** The postings of one money event. Its postings always sum to zero. */
export interface JournalTransaction {
  /** `YYYY-MM-DD`: the UTC date the event occurred (a reversal is never dated before its spend). */
  readonly date: string;
  /** One line for people: the budget, what happened, and its references. */
  readonly description: string;
  readonly budgetId: string;
  readonly eventId: string;
  /** Position in the budget's stream (null for an event not yet stored). */
  readonly seq: number | null;
  readonly type: EventType;
  readonly postings: readonly Posting[];
}

/** Event types that move money, and so have postings. */
export const MONEY_EVENT_TYPES: readonly EventType[] = [
  'FundingAllocated',
  'FundingAdjusted',
  'SpendRecorded',
  'SpendReversed',
  'SurplusReclaimed',
  'ReclaimReconsidered',
  'FundsPaid',
];

/** Longest free text (payee, reason) copied into a description, in characters. */
const MAX_DESCRIPTION_TEXT = 80;

/**
 * Free text made safe for one journal line: control characters and line breaks become spaces,
 * `;` (which starts a comment in hledger and ledger) becomes `,`, runs of spaces collapse, and
 * long text is cut at a character boundary.
 */
export function journalSafeText(s: string, max = MAX_DESCRIPTION_TEXT): string {
  const chars = Array.from(
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?')
      .replace(/;/g, ',')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  return chars.length > max ? `${chars.slice(0, max - 3).join('')}...` : chars.join('');
}

function pair(into: string, from: string, amount: Money): Posting[] {
  return [
    { account: into, amount },
    { account: from, amount: amount.negate() },
  ];
}

function spendKey(budgetId: string, spendId: string): string {
  return `${budgetId}\u0000${spendId}`;
}

/**
 * The postings of one money effect (src/events/money-effects.ts) on budget `id`: funding
 * (agreed or indicative) and cash paid come from their funder, with the sign of the change;
 * spend and reclaims go out of `available` (to the spend account of `category`, or back to the
 * funder) and come back to it when negative; a zero spend part or return posts nothing. Of
 * `paid`, what went to an account (`paidToAccount`) has no account of its own.
 */
function effectPostings(id: string, { stream, sum, delta }: MoneyEffect, category: Category): Posting[] {
  switch (sum) {
    case 'allocated':
      return pair(accounts.available(id, stream), accounts.funder(stream, id), delta);
    case 'indicative':
      return pair(accounts.indicativeBudget(id, stream), accounts.indicativeFunder(stream, id), delta);
    case 'paid':
      return pair(accounts.paidBudget(id, stream), accounts.paidFunder(stream, id), delta);
    case 'paidToAccount':
      return [];
    case 'spent':
    case 'reclaimed': {
      if (delta.isZero()) return [];
      const out = sum === 'spent' ? accounts.spent(id, stream, category) : accounts.reclaimed(stream, id);
      return delta.isPositive()
        ? pair(out, accounts.available(id, stream), delta)
        : pair(accounts.available(id, stream), out, delta.negate());
    }
  }
}

/** What a money event is, in one line for people (null for an event that moves no money). */
function moneyWords(e: PendingEvent, category: Category): string | null {
  switch (e.type) {
    case 'FundingAllocated':
      return `${e.data.stage} allocation of ${e.data.stream} funding`;
    case 'FundingAdjusted':
      return `${e.data.stream} funding ${e.data.delta.isNegative() ? 'reduced' : 'increased'}: ${journalSafeText(e.data.reason)}`;
    case 'SpendRecorded':
      return `spend ${journalSafeText(e.data.spendId)} on line ${journalSafeText(e.data.lineId)} (${category}): ${journalSafeText(e.data.payee)}`;
    case 'SpendReversed':
      return `reversal of spend ${journalSafeText(e.data.spendId)}: ${journalSafeText(e.data.reason)}`;
    case 'SurplusReclaimed':
      return `${e.data.stream} surplus reclaimed (${e.data.reason}, notice ${journalSafeText(e.data.noticeRef)})`;
    case 'ReclaimReconsidered':
      return `${e.data.stream} reclaim reconsidered (${e.data.outcome}, notice ${journalSafeText(e.data.noticeRef)})`;
    case 'FundsPaid':
      return `${e.data.stream} funds paid by ${e.data.option} (ref ${journalSafeText(e.data.reference)})`;
    default:
      return null;
  }
}

/**
 * Turns events into journal transactions, one budget state per budget (the same fold the
 * ledger's projections use, so a spend is booked under the category of the plan line in force
 * on its date). What an event does to a stream's money is {@link moneyEffects}; this only
 * names the accounts. Feed events in log order: interleaved budgets, each budget in `seq` order.
 */
export class JournalBuilder {
  private readonly states = new Map<string, BudgetState>();
  private readonly spendDates = new Map<string, string>();

  /** Applies one event and returns its transaction, or null when it moves no money. */
  add(e: PendingEvent | LedgerEvent): JournalTransaction | null {
    let s = this.states.get(e.budgetId);
    if (s === undefined) {
      s = mutableState();
      this.states.set(e.budgetId, s);
    }
    const id = e.budgetId;
    let date = e.occurredAt.slice(0, 10);
    // a reversal undoes its spend (unknown or already reversed: nothing), booked as it was
    const reversed = e.type === 'SpendReversed' ? s.spends.get(e.data.spendId) : undefined;
    const undone = reversed !== undefined && !reversed.reversed ? reversed : undefined;
    applyEvent(s, e, { trackCommands: false });
    const category =
      e.type === 'SpendRecorded'
        ? (s.spends.get(e.data.spendId)?.category ?? 'other')
        : (undone?.category ?? 'other');
    const what = moneyWords(e, category);
    if (what === null) return null;
    const postings: Posting[] = [];
    for (const effect of moneyEffects(e, undone?.split))
      postings.push(...effectPostings(id, effect, category));
    if (e.type === 'SpendRecorded') this.spendDates.set(spendKey(id, e.data.spendId), date);
    if (undone !== undefined) {
      const spentOn = this.spendDates.get(spendKey(id, undone.spendId));
      if (spentOn !== undefined && spentOn > date) date = spentOn;
    }
    if (postings.length === 0) return null;
    return {
      date,
      description: `${id} ${what}`,
      budgetId: id,
      eventId: e.eventId,
      seq: 'seq' in e ? e.seq : null,
      type: e.type,
      postings,
    };
  }
}

/** What {@link journalOf} returns: the transactions and the budgets they belong to. */
export interface JournalEntries {
  /** One transaction per money event, in log order. */
  readonly transactions: readonly JournalTransaction[];
  /** The events that passed the filter, of budgets whose opening passed it, in log order. */
  readonly events: readonly (PendingEvent | LedgerEvent)[];
  /** Budgets in the journal, in id order. */
  readonly budgetIds: readonly string[];
}

/**
 * The transactions of a log. Counts only events that pass `filter` (as balances do), and only
 * budgets whose `BudgetOpened` passes it (a budget the balances do not list has no postings).
 */
export function journalOf(
  events: Iterable<PendingEvent | LedgerEvent>,
  filter: TimeFilter = {},
): JournalEntries {
  const passing = [...events].filter((e) => passes(e, filter));
  const opened = new Set(passing.filter((e) => e.type === 'BudgetOpened').map((e) => e.budgetId));
  const kept = passing.filter((e) => opened.has(e.budgetId));
  const builder = new JournalBuilder();
  const transactions: JournalTransaction[] = [];
  for (const e of kept) {
    const t = builder.add(e);
    if (t !== null) transactions.push(t);
  }
  return { transactions, events: kept, budgetIds: [...opened].sort() };
}

/** Sum of a transaction's postings: always £0.00 for a balanced transaction. */
export function transactionSum(t: JournalTransaction): Money {
  return Money.sum(t.postings.map((p) => p.amount));
}

/** Balance of every account the transactions post to (accounts that net to zero included). */
export function accountBalancesOf(transactions: Iterable<JournalTransaction>): Map<string, Money> {
  const out = new Map<string, Money>();
  for (const t of transactions) {
    for (const p of t.postings) out.set(p.account, (out.get(p.account) ?? Money.zero).plus(p.amount));
  }
  return out;
}

/**
 * The balance every account of the journal should have, computed from the ledger's own
 * projections (the contract balances per budget and stream, spend by category from the budget
 * state, cash paid from the stream totals), not from postings. Comparing it with
 * {@link accountBalancesOf}, or with hledger's and ledger's own totals, checks the postings.
 */
export function projectedAccountBalances(
  events: Iterable<PendingEvent | LedgerEvent>,
  filter: TimeFilter = {},
): Map<string, Money> {
  const out = new Map<string, Money>();
  const add = (account: string, amount: Money) =>
    out.set(account, (out.get(account) ?? Money.zero).plus(amount));
  for (const [id, s] of new Replay(filter).addAll(events).entries()) {
    for (const [stream, b] of balancesOf(id, s).streams) {
      add(accounts.funder(stream, id), b.allocated.negate());
      add(accounts.available(id, stream), b.remaining);
      add(accounts.reclaimed(stream, id), b.reclaimed);
      add(accounts.indicativeBudget(id, stream), b.indicative);
      add(accounts.indicativeFunder(stream, id), b.indicative.negate());
      const paid = s.totals.get(stream)?.paid ?? Money.zero;
      add(accounts.paidBudget(id, stream), paid);
      add(accounts.paidFunder(stream, id), paid.negate());
    }
    for (const sp of s.spends.values()) {
      if (sp.reversed) continue;
      for (const [stream, part] of Object.entries(sp.split) as [Stream, Money][]) {
        add(accounts.spent(id, stream, sp.category), part);
      }
    }
  }
  return out;
}
