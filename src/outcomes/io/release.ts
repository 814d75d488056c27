/**
 * Writing exports of a log: a verified copy, or a pseudonymised release, each with the
 * manifest the contract asks of an export to a third party.
 */
import { createHash } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { fastHashOfEnvelope } from '../../log/hash.js';
import { MANIFEST_SCHEMA, manifestPathOf, writeManifest, type Manifest } from '../../log/manifest.js';
import { readLogBatches } from '../../log/reader.js';
import { LogWriter } from '../../log/writer.js';
import { Pseudonymiser, ReleaseBuilder } from '../pseudonymise.js';

/** What an export wrote. */
export interface ExportSummary {
  readonly path: string;
  readonly manifestPath: string;
  readonly events: number;
  readonly budgets: number;
  /** Lines of the input left out (tolerant mode: lines that failed their own checks). */
  readonly skippedLines: number;
}

/**
 * Writes a pseudonymised release of the log at `source` to `target` (and its manifest beside
 * it). Lines that fail their own checks (not readable, not the contract, unknown type, hash
 * that does not recompute) are left out and counted; the caller decides beforehand whether the
 * input verifies well enough to release.
 */
export async function writeRelease(
  source: string,
  target: string,
  key: Uint8Array,
  options: { readonly maxLineBytes?: number } = {},
): Promise<ExportSummary> {
  const builder = new ReleaseBuilder(new Pseudonymiser(key));
  const w = await LogWriter.create(target);
  let skipped = 0;
  try {
    for await (const batch of readLogBatches(source, {
      tolerant: true,
      ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    })) {
      const pending = [];
      for (const rec of batch) {
        if (rec.kind !== 'event' || fastHashOfEnvelope(rec.raw) !== rec.raw['hash']) {
          skipped += 1;
          continue;
        }
        pending.push(builder.add(rec.event));
      }
      await w.appendPending(pending);
    }
  } catch (e) {
    await w.abort();
    throw e;
  }
  const m = await w.close();
  return {
    path: target,
    manifestPath: manifestPathOf(target),
    events: m.events,
    budgets: Object.keys(m.budgets).length,
    skippedLines: skipped,
  };
}

/**
 * Writes a verified log unchanged to `target` (byte for byte) with a fresh manifest beside it.
 * The caller verifies the log first.
 */
export async function writeCopy(source: string, target: string): Promise<ExportSummary> {
  await copyFile(source, target);
  const sha = createHash('sha256');
  const heads = new Map<string, { seq: number; hash: string }>();
  let lines = 0;
  for await (const batch of readLogBatches(target, { tolerant: true, onBytes: (c) => sha.update(c) })) {
    for (const rec of batch) {
      lines += 1;
      if (rec.kind === 'error') continue;
      heads.set(rec.raw['budgetId'] as string, {
        seq: rec.raw['seq'] as number,
        hash: rec.raw['hash'] as string,
      });
    }
  }
  const m: Manifest = {
    schema: MANIFEST_SCHEMA,
    events: lines,
    sha256: sha.digest('hex'),
    budgets: Object.fromEntries([...heads.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  await writeManifest(manifestPathOf(target), m);
  return {
    path: target,
    manifestPath: manifestPathOf(target),
    events: lines,
    budgets: heads.size,
    skippedLines: 0,
  };
}
