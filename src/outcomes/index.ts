/**
 * Outcome metrics for evaluators: mergeable per-budget facts, cells by group and period,
 * JSON / CSV / table output, the HTML report and pseudonymised releases.
 *
 * @module
 */
export {
  PERIOD_KINDS,
  periodOf,
  nextPeriod,
  periodsBetween,
  parsePeriodKind,
  type Period,
  type PeriodKind,
} from './periods.js';
export { ExactMultiset, roundedDecimal, daysOf, MS_PER_DAY, type Rational } from './exact.js';
export {
  emptyFacts,
  personKey,
  addEventToFacts,
  factsOfEvents,
  mergeFacts,
  combineFacts,
  factsToJson,
  factsFromJson,
  penceString,
  stringPence,
  type OutcomeFacts,
  type OutcomeFactsJson,
  type BudgetFacts,
  type BudgetFactsJson,
  type OpenedFact,
  type OutcomeRecordFact,
  type RequestFact,
  type PlanFact,
  type SpendFact,
  type LineFact,
} from './facts.js';
export {
  DIMENSIONS,
  outcomeCells,
  mergeCells,
  type Dimension,
  type BudgetOption,
  BUDGET_OPTIONS,
  type PersonMark,
  type PersonMeasure,
  type OutcomeCell,
  type OutcomeCells,
  type OutcomeOptions,
} from './metrics.js';
export {
  outcomesJson,
  outcomesCsv,
  outcomesTable,
  rowOfCell,
  durationStats,
  csvHeader,
  csvInstruments,
  outcomeChange,
  phbReturnTable,
  phbReturnCsv,
  OUTCOME_PRESETS,
  type OutcomePreset,
  type PeopleJson,
  type RequestsJson,
  type OutcomeChangeJson,
  type OutcomesJson,
  type OutcomeRowJson,
  type StreamMoneyJson,
  type DurationStatsJson,
} from './results.js';
export {
  readLogsForOutcomes,
  DEFAULT_MIN_RANGE_BYTES,
  type OutcomeReadOptions,
  type OutcomeReadResult,
  type FileReadSummary,
  type InputProblem,
} from './parallel.js';
export {
  readRange,
  splitFile,
  budgetKey,
  type RangeTask,
  type RangeReadOptions,
  type RangeResult,
  type SkipProblem,
  type LineFailure,
} from './read.js';
export {
  joinChains,
  linkProblem,
  startProblem,
  RangeChainBuilder,
  type ChainEnd,
  type ChainBreak,
  type RangeChain,
  type FileChain,
  type JoinedBreak,
} from '../log/chain.js';
export {
  outcomesHtml,
  reportCharts,
  chartData,
  STREAM_COLOURS,
  OPTION_COLOURS,
  type ReportOptions,
  type ReportInput,
  type ReportChart,
} from './html.js';
export {
  Pseudonymiser,
  ReleaseBuilder,
  pseudonymiseEvents,
  releaseKeyProblem,
  WITHHELD,
  MIN_KEY_BYTES,
} from './pseudonymise.js';
export { writeRelease, writeCopy, type ExportSummary } from './release.js';
