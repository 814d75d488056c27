/**
 * Writes a plain-text journal that hledger and ledger read: dated transactions in GBP and a
 * balance assertion per budget stream at each period end.
 *
 * No `commodity` directive is written, on purpose: hledger 1.25 judges a transaction balanced
 * at the display precision a `commodity` directive declares, so `commodity 1.00 GBP` would let
 * a transaction that is out by a fraction of a penny pass its check. Without it, both tools
 * check every transaction exactly.
 */
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import { addMonths, dateOfEpochDay, epochDay } from '../events/time.js';
import { Money } from '../money/money.js';
import { balancesOf } from '../projections/balances.js';
import { Replay } from '../projections/budget-states.js';
import type { TimeFilter } from '../projections/time-filter.js';
import { JOURNAL_COMMODITY, accounts } from './accounts.js';
import { journalOf, type JournalTransaction, type Posting } from './postings.js';

/** How often the journal asserts each budget stream's available balance. */
export type AssertionPeriod = 'month' | 'quarter' | 'none';

/** Options of {@link journalText} and {@link writeJournal}. */
export interface JournalOptions {
  /** Balance assertions at each month end (default), each quarter end (and the last month's end), or none. */
  readonly assertions?: AssertionPeriod;
  /** Count only events that pass this filter, as `balances` does. Default: every event. */
  readonly filter?: TimeFilter;
}

/** A balance assertion: what an account must hold at the end of a date. */
export interface BalanceAssertion {
  readonly date: string;
  readonly budgetId: string;
  readonly account: string;
  readonly balance: Money;
}

/** What was written. */
export interface JournalSummary {
  /** Events that passed the filter, of budgets in the journal. */
  readonly events: number;
  readonly budgets: number;
  readonly transactions: number;
  readonly assertions: number;
}

/** Somewhere to write text: a Node `Writable` (a file, stdout) fits. */
export interface JournalSink {
  /** Writes a chunk; returns false when the sink wants the writer to wait for `drain`. */
  write(chunk: string): boolean;
  /** Calls back once the sink can take more. */
  once(event: 'drain', listener: () => void): unknown;
}

function monthEnd(date: string): string {
  return dateOfEpochDay(epochDay(addMonths(`${date.slice(0, 7)}-01`, 1)) - 1);
}

/** Period ends (`YYYY-MM-DD`) from the period holding `first` to the one holding `last`. */
export function periodEnds(first: string, last: string, period: Exclude<AssertionPeriod, 'none'>): string[] {
  const out: string[] = [];
  let month = `${first.slice(0, 7)}-01`;
  const stop = monthEnd(last);
  for (;;) {
    const end = monthEnd(month);
    const m = Number(end.slice(5, 7));
    if (period === 'month' || m % 3 === 0 || end >= stop) out.push(end);
    if (end >= stop) break;
    month = addMonths(month, 1);
  }
  return out;
}

const END_OF_DAY = 'T23:59:59.999Z';

/**
 * The balance assertions of a journal: for each budget and each period end from the month of
 * its first event to the month of its last, the available balance of every stream as the
 * ledger's own balances give it (replayed as of the end of that day). hledger and ledger
 * check each one against the sum of the postings, so an assertion that fails means the
 * postings and the projections disagree.
 */
export function balanceAssertions(
  events: readonly (PendingEvent | LedgerEvent)[],
  budgetIds: readonly string[],
  period: Exclude<AssertionPeriod, 'none'>,
  filter: TimeFilter = {},
): BalanceAssertion[] {
  const byBudget = new Map<string, (PendingEvent | LedgerEvent)[]>();
  for (const e of events) {
    const list = byBudget.get(e.budgetId);
    if (list === undefined) byBudget.set(e.budgetId, [e]);
    else list.push(e);
  }
  const out: BalanceAssertion[] = [];
  for (const id of budgetIds) {
    const list = byBudget.get(id) ?? [];
    if (list.length === 0) continue;
    let first = '9999-12-31';
    let last = '0000-01-01';
    for (const e of list) {
      const d = e.occurredAt.slice(0, 10);
      if (d < first) first = d;
      if (d > last) last = d;
    }
    for (const date of periodEnds(first, last, period)) {
      const end = `${date}${END_OF_DAY}`;
      const asOf = filter.asOf !== undefined && filter.asOf < end ? filter.asOf : end;
      const s = new Replay({ ...filter, asOf }).addAll(list).state(id);
      if (s === undefined) continue;
      for (const [stream, b] of balancesOf(id, s).streams) {
        out.push({ date, budgetId: id, account: accounts.available(id, stream), balance: b.remaining });
      }
    }
  }
  return out;
}

function amountText(m: Money): string {
  return `${m.toString()} ${JOURNAL_COMMODITY}`;
}

function postingLine(p: Posting): string {
  return `    ${p.account}  ${amountText(p.amount)}`;
}

function transactionText(t: JournalTransaction): string {
  const tags = [`event:${t.eventId}`, ...(t.seq === null ? [] : [`seq:${t.seq}`]), `type:${t.type}`];
  return [
    `${t.date} * ${t.description}`,
    `    ; ${tags.join(', ')}`,
    ...t.postings.map(postingLine),
    '',
  ].join('\n');
}

function assertionText(date: string, budgetId: string, list: readonly BalanceAssertion[]): string {
  return [
    `${date} * ${budgetId} balances at period end`,
    ...list.map((a) => `    ${a.account}  ${amountText(Money.zero)} = ${amountText(a.balance)}`),
    '',
  ].join('\n');
}

/**
 * The journal as chunks of text, in date order (assertions after the day's transactions), for
 * {@link writeJournal} and {@link journalText}.
 */
export function* journalChunks(
  events: Iterable<PendingEvent | LedgerEvent>,
  options: JournalOptions = {},
  summary?: (s: JournalSummary) => void,
): Generator<string> {
  const filter = options.filter ?? {};
  const period = options.assertions ?? 'month';
  const j = journalOf(events, filter);
  const assertions = period === 'none' ? [] : balanceAssertions(j.events, j.budgetIds, period, filter);
  summary?.({
    events: j.events.length,
    budgets: j.budgetIds.length,
    transactions: j.transactions.length,
    assertions: assertions.length,
  });
  yield [
    '; ipb-ledger journal: double-entry postings of an ipb.event/1 log (chart of accounts: docs/journal.md).',
    `; ${j.events.length} events, ${j.budgetIds.length} budgets, ${j.transactions.length} transactions, ${assertions.length} balance assertions.`,
    '; Dates are the UTC date each event occurred. Amounts are GBP with 2 decimals.',
    '; No commodity directive on purpose: hledger and ledger then check every transaction balances exactly.',
    '',
    '',
  ].join('\n');
  const txns = j.transactions
    .map((t, i) => ({ t, i }))
    .sort((a, b) => (a.t.date < b.t.date ? -1 : a.t.date > b.t.date ? 1 : a.i - b.i));
  const groups: { date: string; budgetId: string; list: BalanceAssertion[] }[] = [];
  for (const a of assertions) {
    const g = groups[groups.length - 1];
    if (g !== undefined && g.date === a.date && g.budgetId === a.budgetId) g.list.push(a);
    else groups.push({ date: a.date, budgetId: a.budgetId, list: [a] });
  }
  groups.sort((a, b) =>
    a.date < b.date
      ? -1
      : a.date > b.date
        ? 1
        : a.budgetId < b.budgetId
          ? -1
          : a.budgetId > b.budgetId
            ? 1
            : 0,
  );
  let ti = 0;
  let buf = '';
  for (const g of groups) {
    while (ti < txns.length && (txns[ti]?.t.date ?? '') <= g.date) {
      buf += `${transactionText((txns[ti] as { t: JournalTransaction }).t)}\n`;
      ti += 1;
      if (buf.length > 65_536) {
        yield buf;
        buf = '';
      }
    }
    buf += `${assertionText(g.date, g.budgetId, g.list)}\n`;
  }
  for (; ti < txns.length; ti++) {
    buf += `${transactionText((txns[ti] as { t: JournalTransaction }).t)}\n`;
    if (buf.length > 65_536) {
      yield buf;
      buf = '';
    }
  }
  if (buf !== '') yield buf;
}

/** The whole journal as one string. */
export function journalText(
  events: Iterable<PendingEvent | LedgerEvent>,
  options: JournalOptions = {},
): string {
  return [...journalChunks(events, options)].join('');
}

/**
 * Writes the journal to a sink (e.g. `fs.createWriteStream(path)` or `process.stdout`),
 * waiting for `drain` when the sink asks, and says what it wrote. Does not close the sink.
 */
export async function writeJournal(
  events: Iterable<PendingEvent | LedgerEvent>,
  out: JournalSink,
  options: JournalOptions = {},
): Promise<JournalSummary> {
  let summary: JournalSummary = { events: 0, budgets: 0, transactions: 0, assertions: 0 };
  for (const chunk of journalChunks(events, options, (s) => (summary = s))) {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  return summary;
}
