/**
 * Tamper-evident verification of a contract log: every line parses and matches the contract,
 * each budget's `seq` runs 1, 2, 3..., `recordedAt` never goes back, every `prevHash` is the
 * previous `hash` of its budget, every `hash` recomputes, every split adds up, and (when a
 * manifest is given) the log holds exactly what the manifest lists. The first offending line
 * is named with its budget, `seq` and a reason a person can act on.
 */
import { createHash } from 'node:crypto';
import { ChainChecker, short, type ChainHead } from './chain.js';
import { manifestPathOf, readManifest, type Manifest, type ManifestRead } from './manifest.js';
import { LineSplitter } from './line-splitter.js';
import { scanLog, toBuffer, type LogSource, type ReadLogOptions } from './reader.js';
import { type LogRecord } from './line-record.js';

export { ChainChecker, type ChainHead } from './chain.js';

/** The first problem found: the line (1-based; null for whole-file problems), budget, seq and why. */
export interface VerifyError {
  readonly line: number | null;
  readonly budgetId: string | null;
  readonly seq: number | null;
  readonly reason: string;
}

/** What the manifest check did. */
export interface ManifestCheck {
  /** Path of the manifest beside the log. */
  readonly path: string;
  /** True when the log matches it; false when not; null when a bad line stopped verification first. */
  readonly ok: boolean | null;
}

/** The outcome of verifying a log. */
export interface VerifyResult {
  /** True when the log is intact (and matches its manifest, when there is one). */
  readonly ok: boolean;
  /** Lines read (up to and including the first bad one when not intact). */
  readonly events: number;
  /** The first problem, or null when intact. */
  readonly firstError: VerifyError | null;
  /** Budgets seen. */
  readonly budgets: number;
  /** Events of unknown types skipped (tolerant mode only). */
  readonly skipped: number;
  /** The manifest checked, or null when there was none. */
  readonly manifest: ManifestCheck | null;
}

/**
 * Line-by-line verification state: feed it records in order ({@link LogVerifier.add}), then
 * {@link LogVerifier.finish}. Used by {@link verifyLog} (files, streams) and
 * {@link verifyLogText} (in memory).
 */
export class LogVerifier {
  private readonly chain = new ChainChecker(true);
  private lines = 0;
  private skipped = 0;
  private error: VerifyError | null = null;
  private beyond: { budgetId: string | null; seq: number | null } | null = null;

  constructor(private readonly manifest: Manifest | null = null) {}

  /** Checks one record; returns false once the log is known not to be intact (stop reading). */
  add(rec: LogRecord): boolean {
    if (this.error !== null) return false;
    this.lines = rec.line;
    if (this.manifest !== null && rec.line === this.manifest.events + 1) {
      this.beyond =
        rec.kind === 'error'
          ? { budgetId: rec.error.budgetId, seq: rec.error.seq }
          : { budgetId: rec.raw['budgetId'] as string, seq: rec.raw['seq'] as number };
    }
    if (rec.kind === 'error') {
      const e = rec.error;
      this.error = { line: e.line, budgetId: e.budgetId, seq: e.seq, reason: e.message };
      return false;
    }
    if (rec.kind === 'skipped') this.skipped += 1;
    this.error = this.chain.check(rec.line, rec.raw, rec.text);
    return this.error === null;
  }

  /** The result, checking the manifest (with the whole file's SHA-256) when one was given. */
  finish(manifestPath: string | null = null, fileSha256: string | null = null): VerifyResult {
    const base = { events: this.lines, budgets: this.chain.budgets().size, skipped: this.skipped };
    const checked = (ok: boolean | null): ManifestCheck | null =>
      manifestPath === null || this.manifest === null ? null : { path: manifestPath, ok };
    if (this.error !== null) return { ...base, ok: false, firstError: this.error, manifest: checked(null) };
    if (this.manifest === null) return { ...base, ok: true, firstError: null, manifest: null };
    const problem = manifestMismatch(
      this.manifest,
      this.lines,
      this.chain.budgets(),
      this.beyond,
      fileSha256,
    );
    return problem === null
      ? { ...base, ok: true, firstError: null, manifest: checked(true) }
      : { ...base, ok: false, firstError: problem, manifest: checked(false) };
  }
}

/**
 * Why a log whose lines all check does not match its manifest, or null: `lines` read, each
 * budget's chain head, the budget and seq of the first line beyond the manifest's count (when
 * there is one) and the whole file's SHA-256. One reader or many, the same words.
 */
export function manifestMismatch(
  m: Manifest,
  lines: number,
  heads: ReadonlyMap<string, Pick<ChainHead, 'seq' | 'hash' | 'line' | 'firstLine'>>,
  beyond: { budgetId: string | null; seq: number | null } | null,
  fileSha256: string | null,
): VerifyError | null {
  const listed = new Map(Object.entries(m.budgets));
  const missing = [...listed.keys()].filter((id) => !heads.has(id)).sort();
  const behind = [...listed.entries()]
    .filter(([id, x]) => {
      const h = heads.get(id);
      return h !== undefined && h.seq < x.seq;
    })
    .map(([id]) => id)
    .sort();
  if (lines < m.events) {
    const which = [
      ...missing.map((id) => `budget ${id} (${listed.get(id)?.seq} events) is missing`),
      ...behind.map(
        (id) =>
          `budget ${id} ends at seq ${heads.get(id)?.seq} (line ${heads.get(id)?.line}) but the manifest lists seq ${listed.get(id)?.seq}`,
      ),
    ];
    return {
      line: lines + 1,
      budgetId: null,
      seq: null,
      reason: `the log ends after ${lines} lines but its manifest lists ${m.events} events: the file was cut or events were removed${which.length > 0 ? ` (${which.slice(0, 3).join('; ')}${which.length > 3 ? `; and ${which.length - 3} more` : ''})` : ''}`,
    };
  }
  // Compare each budget's last event with the manifest, in log order of the differences.
  const diffs: VerifyError[] = [];
  for (const [id, h] of heads) {
    const x = listed.get(id);
    if (x === undefined) {
      diffs.push({
        line: h.firstLine,
        budgetId: id,
        seq: 1,
        reason: `budget ${id} is not in the manifest: it was added after export`,
      });
    } else if (x.seq !== h.seq || x.hash !== h.hash) {
      diffs.push({
        line: h.line,
        budgetId: id,
        seq: h.seq,
        reason:
          x.seq !== h.seq
            ? `budget ${id} ends here at seq ${h.seq} but the manifest lists seq ${x.seq}: events were added or removed`
            : `the last event of budget ${id} (seq ${h.seq}) has hash ${short(h.hash)} but the manifest lists ${short(x.hash)}: the budget's events were changed and re-sealed`,
      });
    }
  }
  if (lines > m.events) {
    diffs.push({
      line: m.events + 1,
      budgetId: beyond?.budgetId ?? null,
      seq: beyond?.seq ?? null,
      reason: `the manifest lists ${m.events} events but the log goes on to line ${lines}: lines were added after export`,
    });
  }
  diffs.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const first = diffs[0];
  if (first !== undefined) return first;
  const gone = missing[0];
  if (gone !== undefined) {
    return {
      line: null,
      budgetId: gone,
      seq: null,
      reason: `budget ${gone} is in the manifest (${listed.get(gone)?.seq} events) but not in the log: it was dropped`,
    };
  }
  if (fileSha256 !== null && fileSha256 !== m.sha256) {
    return {
      line: null,
      budgetId: null,
      seq: null,
      reason: `the file's SHA-256 ${short(fileSha256)} does not match the manifest's ${short(m.sha256)}: its bytes changed (lines reordered across budgets, reformatted or re-encoded) even though every event checks`,
    };
  }
  return null;
}

/** Options of {@link verifyLog}. */
export interface VerifyOptions extends ReadLogOptions {
  /**
   * The manifest to check: a path, or false for none. Default: `<log>.manifest.json` beside a
   * log given by path, when that file exists.
   */
  readonly manifest?: string | false;
}

/** The verdict on a log whose manifest cannot be read or parsed. */
export function invalidManifest(read: Extract<ManifestRead, { kind: 'invalid' }>): VerifyResult {
  return {
    ok: false,
    events: 0,
    budgets: 0,
    skipped: 0,
    firstError: {
      line: null,
      budgetId: null,
      seq: null,
      reason: `the manifest ${read.path} cannot be used: ${read.problem}`,
    },
    manifest: { path: read.path, ok: false },
  };
}

/** Verifies a log file (or stream), stopping at the first problem. Memory stays bounded. */
export async function verifyLog(source: LogSource, options: VerifyOptions = {}): Promise<VerifyResult> {
  const manifestPath =
    options.manifest === false
      ? null
      : (options.manifest ?? (typeof source === 'string' ? manifestPathOf(source) : null));
  const read: ManifestRead = manifestPath === null ? { kind: 'absent' } : await readManifest(manifestPath);
  if (read.kind === 'invalid') return invalidManifest(read);
  const manifest = read.kind === 'ok' ? read.manifest : null;
  const sha = manifest === null ? null : createHash('sha256');
  const v = new LogVerifier(manifest);
  const readOptions: ReadLogOptions = sha === null ? options : { ...options, onBytes: (c) => sha.update(c) };
  await scanLog(source, (rec) => v.add(rec), readOptions);
  return v.finish(manifest === null ? null : manifestPath, sha === null ? null : sha.digest('hex'));
}

/** Verifies a log held in memory, optionally against its manifest. */
export function verifyLogText(
  text: string | Uint8Array,
  manifest: Manifest | null = null,
  options: ReadLogOptions = {},
): VerifyResult {
  const bytes = toBuffer(text);
  const v = new LogVerifier(manifest);
  const splitter: LineSplitter = new LineSplitter((rec) => {
    if (!v.add(rec)) splitter.stop();
  }, options);
  splitter.push(bytes);
  splitter.end();
  const sha = manifest === null ? null : createHash('sha256').update(bytes).digest('hex');
  return v.finish(manifest === null ? null : '(in memory)', sha);
}
