/**
 * docs/auditing.md: the library side of an audit. A service exports its log with the manifest
 * beside it; an auditor verifies the file and replays it as of a date, all streaming.
 */
import {
  balancesJson,
  balancesOfReplay,
  describeProblem,
  exportLog,
  replayLog,
  scanLog,
  verifyLog,
  type BalancesJson,
  type Ledger,
} from 'ipb-ledger';

/** Exports a ledger to `path` (and `path.manifest.json`), verifies it and replays it as of `asOf`. */
export async function auditExport(ledger: Ledger, path: string, asOf: string): Promise<BalancesJson> {
  // The service: an export to a third party writes the log and its manifest.
  await exportLog(path, ledger.events());

  // The auditor: verify (the manifest beside the log is found and checked) ...
  const verdict = await verifyLog(path);
  if (!verdict.ok && verdict.firstError !== null) {
    throw new Error(`not intact: ${describeProblem(verdict.firstError, verdict.firstError.reason)}`);
  }
  // ... then replay as of a time: one small state per budget, never the whole log in memory.
  const { replay } = await replayLog(path, { filter: { asOf } });
  return balancesJson(balancesOfReplay(replay));
}

/** Counts the spends in a log, line by line, stopping at the first bad line. */
export async function countSpends(path: string): Promise<number> {
  let spends = 0;
  await scanLog(path, (rec) => {
    if (rec.kind === 'error') throw new Error(describeProblem(rec.error, rec.error.message));
    if (rec.kind === 'event' && rec.event.type === 'SpendRecorded') spends += 1;
  });
  return spends;
}
