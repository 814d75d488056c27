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
} from './budget/state.js';
export {
  decide,
  decodeCommand,
  execute,
  eventIdFor,
  describeCommand,
  budgetDecider,
  EVENT_ID_NAMESPACE,
  type Execution,
} from './budget/decider.js';
export * from './projections/replay.js';
export * from './projections/balances.js';
export * from './projections/plans.js';
export * from './projections/flags.js';
export * from './projections/audit.js';
export { textTable, balancesTable, auditTable, flagsText } from './projections/text.js';
export { canonicalJson, sha256Hex, hashOfEnvelope, sealEvents, eventLine } from './log/hash.js';
export { Ledger, type Recorded } from './ledger.js';
