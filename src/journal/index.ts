/**
 * The double-entry journal: postings of money events between a stated chart of accounts, and a
 * plain-text journal writer for hledger and ledger.
 */
export { JOURNAL_COMMODITY, accountComponent, budgetIdOfComponent, accounts } from './accounts.js';
export {
  JournalBuilder,
  MONEY_EVENT_TYPES,
  accountBalancesOf,
  journalOf,
  journalSafeText,
  projectedAccountBalances,
  transactionSum,
  type JournalEntries,
  type JournalTransaction,
  type Posting,
} from './postings.js';
export {
  balanceAssertions,
  journalChunks,
  journalText,
  periodEnds,
  writeJournal,
  type AssertionPeriod,
  type BalanceAssertion,
  type JournalOptions,
  type JournalSink,
  type JournalSummary,
} from './writer.js';
