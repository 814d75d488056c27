/**
 * Outcome metrics for evaluators: mergeable per-budget facts, cells by group and period,
 * JSON / CSV / table output, the HTML report and pseudonymised releases.
 *
 * In two parts. The modules directly in `src/outcomes/` are pure: they turn events into facts,
 * facts into cells and cells into JSON, CSV, tables and HTML, and never touch a file or a
 * thread (an eslint rule keeps `node:fs` and `node:worker_threads` out of them). The I/O lives
 * in `src/outcomes/io/`: reading byte ranges of log files (`read-range.ts`), the parallel
 * driver that shares ranges among worker threads and checks manifests (`read-logs.ts`), the
 * worker itself (`worker.ts`) and writing releases and copies (`release.ts`). The chain
 * checks and their stitching across ranges are the log's own (`src/log/chain.ts`,
 * `src/log/range.ts`), the same code `ipb verify --workers` runs.
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
  TALLIES,
  type Tally,
  emptyFacts,
  personKey,
  addEventToFacts,
  factsOfEvents,
  type OutcomeFacts,
  type BudgetFacts,
  type OpenedFact,
  type OutcomeRecordFact,
  type RequestFact,
  type PlanFact,
  type SpendFact,
  type LineFact,
} from './facts.js';
export { mergeFacts, combineFacts } from './facts-merge.js';
export {
  factsToJson,
  factsFromJson,
  penceString,
  stringPence,
  type OutcomeFactsJson,
  type BudgetFactsJson,
} from './facts-json.js';
export { outcomeCells, type OutcomeOptions } from './metrics.js';
export {
  DIMENSIONS,
  mergeCells,
  type Dimension,
  type BudgetOption,
  BUDGET_OPTIONS,
  type PersonMark,
  type PersonMeasure,
  type OutcomeCell,
  type OutcomeCells,
} from './cells.js';
export {
  outcomesJson,
  rowOfCell,
  type PeopleJson,
  type RequestsJson,
  type OutcomeChangeJson,
  type OutcomesJson,
  type OutcomeRowJson,
  type StreamMoneyJson,
  type DurationStatsJson,
} from './results.js';
export { durationStats, outcomeChange } from './statistics.js';
export { outcomesCsv, csvHeader, csvInstruments } from './results-csv.js';
export { outcomesTable } from './results-table.js';
export { phbReturnTable, phbReturnCsv, OUTCOME_PRESETS, type OutcomePreset } from './phb-return.js';
export {
  readLogsForOutcomes,
  DEFAULT_MIN_RANGE_BYTES,
  type OutcomeReadOptions,
  type OutcomeReadResult,
  type FileReadSummary,
  type InputProblem,
} from './io/read-logs.js';
export {
  readRange,
  splitFile,
  budgetKey,
  type RangeTask,
  type RangeReadOptions,
  type RangeResult,
  type SkipProblem,
  type LineFailure,
} from './io/read-range.js';
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
export { outcomesHtml, type ReportOptions, type ReportInput } from './html.js';
export {
  reportCharts,
  chartData,
  STREAM_COLOURS,
  OPTION_COLOURS,
  type ReportChart,
} from './report-charts.js';
export {
  Pseudonymiser,
  ReleaseBuilder,
  pseudonymiseEvents,
  releaseKeyProblem,
  WITHHELD,
  MIN_KEY_BYTES,
} from './pseudonymise.js';
export { writeRelease, writeCopy, type ExportSummary } from './io/release.js';
