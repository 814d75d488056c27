/**
 * Folding a log file into projections with bounded memory: each line is read, decoded, its
 * chain checked, and folded into any fold ({@link foldLog}) or into a {@link Replay}, one small
 * state per budget ({@link replayLog}), then dropped. (Formerly `src/log/replay-log.ts`.)
 */
import type { LedgerEvent, PendingEvent } from '../events/envelope.js';
import { Replay } from '../projections/budget-states.js';
import type { TimeFilter } from '../projections/time-filter.js';
import { LogReadError, type LineError, type RawLine } from './line-record.js';
import { scanLog, type LogSource, type ReadLogOptions } from './reader.js';
import { ChainChecker } from './chain.js';

/** Options of {@link replayLog}. */
export interface ReplayLogOptions extends ReadLogOptions {
  /** Count only events that occurred / were recorded by these times. */
  readonly filter?: TimeFilter;
  /** Only this budget (the others are read and checked, but not replayed). */
  readonly budgetId?: string;
  /**
   * Check each budget's `seq` runs 1, 2, 3..., `prevHash` links to the previous `hash` and
   * `recordedAt` never goes back (default true).
   */
  readonly checkChain?: boolean;
  /**
   * Also recompute every event's `hash` (default true), so an event edited without re-sealing
   * is refused rather than counted. Turn off only for a log already checked with `verifyLog`.
   */
  readonly checkHashes?: boolean;
  /** Called with every event read (before the time filter), e.g. to collect one budget's events. */
  readonly onEvent?: (event: LedgerEvent, raw: RawLine, line: number) => void;
}

/** What a replay of a log file gives. */
export interface ReplayLogResult {
  /** The replayed states (the filter applied). */
  readonly replay: Replay;
  /** Lines read. */
  readonly lines: number;
  /** Events of unknown types skipped (tolerant mode). */
  readonly skipped: number;
  /** Skipped events by type (tolerant mode). */
  readonly skippedTypes: ReadonlyMap<string, number>;
}

/** Anything that folds events one at a time: a {@link Replay}, a `BalancesFold`... */
export interface EventFold {
  add(event: PendingEvent): void;
}

/** Options of {@link foldLog}: those of {@link replayLog} but the time filter, which the fold applies. */
export type FoldLogOptions = Omit<ReplayLogOptions, 'filter'>;

/** What {@link foldLog} gives: the fold, and what was read. */
export interface FoldLogResult<F extends EventFold> extends Omit<ReplayLogResult, 'replay'> {
  readonly fold: F;
}

/**
 * Reads a log file (or stream) and folds every event into `fold` as its line is read, checking
 * each budget's chain on the way. Throws {@link LogReadError} at the first bad line (not JSON,
 * not the contract, an unknown type in strict mode, a broken chain), naming the line.
 */
export async function foldLog<F extends EventFold>(
  source: LogSource,
  fold: F,
  options: FoldLogOptions = {},
): Promise<FoldLogResult<F>> {
  const chain = options.checkChain === false ? null : new ChainChecker(options.checkHashes !== false);
  let skipped = 0;
  const skippedTypes = new Map<string, number>();
  let failure: LineError | null = null;
  const only = options.budgetId;
  const onEvent = options.onEvent;
  const lines = await scanLog(
    source,
    (rec) => {
      if (rec.kind === 'error') {
        failure = rec.error;
        return false;
      }
      if (chain !== null) {
        const bad = chain.check(rec.line, rec.raw, rec.text);
        if (bad !== null) {
          failure = {
            line: rec.line,
            problem: 'chain',
            message: bad.reason,
            budgetId: bad.budgetId,
            seq: bad.seq,
          };
          return false;
        }
      }
      if (rec.kind === 'skipped') {
        skipped += 1;
        skippedTypes.set(rec.type, (skippedTypes.get(rec.type) ?? 0) + 1);
        return true;
      }
      onEvent?.(rec.event, rec.raw, rec.line);
      if (only === undefined || rec.event.budgetId === only) fold.add(rec.event);
      return true;
    },
    options,
  );
  if (failure !== null) throw new LogReadError(failure);
  return { fold, lines, skipped, skippedTypes };
}

/**
 * Replays a log file (or stream) into a {@link Replay}: one state per budget. Throws
 * {@link LogReadError} at the first bad line, naming it (see {@link foldLog}).
 */
export async function replayLog(source: LogSource, options: ReplayLogOptions = {}): Promise<ReplayLogResult> {
  const { filter, ...rest } = options;
  const r = await foldLog(source, new Replay(filter ?? {}, { trackCommands: false }), rest);
  return { replay: r.fold, lines: r.lines, skipped: r.skipped, skippedTypes: r.skippedTypes };
}
