/**
 * Which events a projection counts: the as-of (occurred time) and known-at (recorded time)
 * filter every read model, the log readers and outcomes share.
 */
import type { PendingEvent } from '../events/envelope.js';

/**
 * Which events count: those that had happened by `asOf` (occurred time) and that the ledger
 * knew by `knownAt` (recorded time). Both inclusive, both optional, both contract timestamps.
 */
export interface TimeFilter {
  readonly asOf?: string;
  readonly knownAt?: string;
}

/** True when an event counts under a time filter (both bounds inclusive). */
export function passes(e: Pick<PendingEvent, 'occurredAt' | 'recordedAt'>, f: TimeFilter): boolean {
  return (
    (f.asOf === undefined || e.occurredAt <= f.asOf) && (f.knownAt === undefined || e.recordedAt <= f.knownAt)
  );
}
