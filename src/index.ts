/**
 * ipb-ledger: the books of integrated personal budgets as an event-sourced ledger.
 *
 * @packageDocumentation
 */
export {
  Money,
  MoneyFormatError,
  allocate,
  allocateList,
  moneyProblem,
  MONEY_PATTERN,
} from './money/money.js';
export * from './events/primitives.js';
export * from './events/data.js';
export * from './events/envelope.js';
export { issuesOf, formatIssue, type DecodeIssue } from './events/report.js';
export { upcasters, currentVersion, upcastData, type Upcaster } from './events/upcast.js';
export { epochDay, epochMs, addMonths, daysBetween, dateOfEpochDay } from './events/time.js';
export * from './budget/commands.js';
export * from './budget/errors.js';
export * from './budget/rules.js';
export {
  commandFingerprint,
  fingerprintOfEvents,
  commandTypeOf,
  checkRepeat,
  commandIdReused,
} from './budget/fingerprint.js';
export {
  moneyEffects,
  reversalEffects,
  addEffects,
  usedOf,
  remainingOf,
  emptySums,
  type MoneyEffect,
  type StreamSums,
  type SumName,
} from './events/money-effects.js';
export { type DatedPlan } from './events/plan-on.js';
export {
  initialState,
  evolve,
  applyEvent,
  foldEvents,
  mutableState,
  planOn,
  type BudgetState,
  type StreamTotals,
  type PlanRecord,
  type PlanStatus,
  type SpendRecord,
  type ChangeRequestRecord,
  type DirectPaymentStatus,
  type OffPlanAttempt,
  type ReplayOptions,
} from './projections/budget-state.js';
export {
  DECISION_STATE_VERSION,
  initialDecisionState,
  evolveDecision,
  applyDecision,
  foldDecisions,
  thawDecision,
  type DecisionState,
  type DecisionPlan,
  type DecisionSpend,
  type DecisionChangeRequest,
  type DecisionReclaim,
  type DecisionContingency,
} from './budget/state.js';
export {
  decide,
  decideCommand,
  decodeCommand,
  accountSurplus,
  eventIdFor,
  describeCommand,
  budgetDecider,
  EVENT_ID_NAMESPACE,
  type Decision,
} from './budget/decider.js';
export * from './projections/time-filter.js';
export * from './projections/budget-states.js';
export * from './projections/balances.js';
export * from './projections/plans.js';
export * from './projections/flags.js';
export * from './projections/audit.js';
export { budgetView, type BudgetView, type BudgetViewOptions } from './projections/budget-view.js';
export {
  textTable,
  wrapText,
  balancesTable,
  auditTable,
  flagsText,
  AUDIT_WHO_WIDTH,
  AUDIT_WHAT_WIDTH,
  type TextTableOptions,
} from './projections/text.js';
export * from './projections/statement.js';
export {
  statementText,
  statementIntro,
  spendWords,
  partsWords,
  STATEMENT_SECTIONS,
} from './projections/statement-text.js';
export { statementHtml } from './projections/statement-html.js';
export { canonicalJson, sha256Hex, hashOfEnvelope, sealEvents, eventLine } from './log/hash.js';
export { Ledger, type Recorded } from './app/ledger.js';
export { decideOnce, execute, type Decided, type Execution } from './app/execute.js';
export * from './journal/index.js';
export * from './store/port.js';
export { MemoryEventStore } from './store/memory.js';
export { FileEventStore, type FileStoreOptions, type FileStoreIo, type Recovery } from './store/file.js';
export * from './store/postgres.js';
export * from './app/command-handler.js';
export * from './app/projection-runner.js';
export { storeLines, exportStore } from './store/export.js';
export { loadBudget } from './app/load-budget.js';
export {
  encodeState,
  decodeState,
  encodeBudgetState,
  decodeBudgetState,
  BUDGET_STATE_FORMAT,
} from './app/state-codec.js';
export * from './outcomes/index.js';
export {
  readLog,
  readLogBatches,
  scanLog,
  parseLog,
  eventsOfLog,
  type ReadLogOptions,
  type LogSource,
} from './log/reader.js';
export {
  recordOfLine,
  LogReadError,
  describeLineError,
  describeProblem,
  type LogRecord,
  type LineError,
  type LineProblem,
  type RawLine,
} from './log/line-record.js';
export { LineSplitter, DEFAULT_MAX_LINE_BYTES } from './log/line-splitter.js';
export {
  verifyLog,
  verifyLogText,
  LogVerifier,
  ChainChecker,
  type VerifyResult,
  type VerifyError,
  type VerifyOptions,
  type ManifestCheck,
  type ChainHead,
} from './log/verify.js';
export {
  MANIFEST_SCHEMA,
  ManifestBuilder,
  manifestPathOf,
  manifestText,
  writeManifest,
  readManifest,
  manifestProblem,
  type Manifest,
  type ManifestRead,
} from './log/manifest.js';
export { logText, manifestOf, LogWriter, exportLog, type LogWriterOptions } from './log/writer.js';
export { replayLog, type ReplayLogOptions, type ReplayLogResult } from './log/fold-log.js';
export { fastDecodeEvent, decodeEventFast } from './log/fast-decode.js';
export { fastHashOfEnvelope, isStringifyCanonical } from './log/hash.js';
export { PRIVATE_FIELDS, jsonSyntaxProblem } from './events/report.js';
export { unsafeInputIssue, unknownFieldIssue, MAX_COMMAND_DEPTH } from './events/strict.js';
export { foldLog, type EventFold, type FoldLogOptions, type FoldLogResult } from './log/fold-log.js';
export { hashOfLine, canonicalHashCut } from './log/hash.js';
export {
  verifyLogParallel,
  foldBalancesParallel,
  budgetEventsParallel,
  checkLogInWorkers,
  planRanges,
  type ParallelOptions,
  type ParallelReadSummary,
} from './log/parallel.js';
export {
  checkRange,
  joinRanges,
  type RangeCheck,
  type RangeCheckOptions,
  type RangeProblem,
  type JoinedRanges,
  type CheckedRecord,
} from './log/range.js';
export { manifestMismatch } from './log/verify.js';
