/**
 * The export manifest (`<log>.manifest.json`): what a log must hold, so that what the lines
 * alone cannot show (a cut at a line end, dropped budgets, re-hashed last events) is found.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { BUDGET_ID_RE } from '../events/primitives.js';

/** Schema tag of a manifest. */
export const MANIFEST_SCHEMA = 'ipb.manifest/1';

/** The manifest of an exported log, as the contract fixes it. */
export interface Manifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  /** Number of lines (events) in the log. */
  readonly events: number;
  /** SHA-256 of the whole log file's bytes. */
  readonly sha256: string;
  /** For each budget: the `seq` and `hash` of its last event. */
  readonly budgets: Readonly<Record<string, { readonly seq: number; readonly hash: string }>>;
}

/** Where the manifest of a log lives: beside it, `<log>.manifest.json`. */
export function manifestPathOf(logPath: string): string {
  return `${logPath}.manifest.json`;
}

/** The SHA-256 of a whole file's bytes (hex), read in 1 MiB chunks: what a manifest's `sha256` is checked against. */
export async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Builds a manifest while a log is written: feed it every line's bytes (with newline) and every
 * event's budget, seq and hash, in order.
 */
export class ManifestBuilder {
  private readonly sha = createHash('sha256');
  private events = 0;
  private readonly budgets = new Map<string, { seq: number; hash: string }>();

  /** Adds one line of the log (its exact bytes, newline included) and the event it holds. */
  addLine(line: string | Uint8Array, event: { budgetId: string; seq: number; hash: string }): void {
    this.sha.update(line);
    this.events += 1;
    this.budgets.set(event.budgetId, { seq: event.seq, hash: event.hash });
  }

  /** The finished manifest (budgets in id order). Call once. */
  finish(): Manifest {
    // fromEntries defines own properties, so even a budget id like "__proto__" stays data.
    const budgets = Object.fromEntries([...this.budgets.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { schema: MANIFEST_SCHEMA, events: this.events, sha256: this.sha.digest('hex'), budgets };
  }
}

/** The manifest's file text (pretty JSON, final newline). */
export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** Writes a manifest to `path`. */
export async function writeManifest(path: string, m: Manifest): Promise<void> {
  await writeFile(path, manifestText(m), 'utf8');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks a parsed manifest; returns the problem or null. */
export function manifestProblem(u: unknown): string | null {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return 'expected a JSON object';
  const m = u as Record<string, unknown>;
  if (m['schema'] !== MANIFEST_SCHEMA)
    return `schema: expected "${MANIFEST_SCHEMA}", got ${JSON.stringify(m['schema']) ?? 'nothing'}`;
  if (typeof m['events'] !== 'number' || !Number.isSafeInteger(m['events']) || m['events'] < 0)
    return 'events: expected a whole number >= 0';
  if (typeof m['sha256'] !== 'string' || !HEX64.test(m['sha256']))
    return 'sha256: expected 64 lowercase hex digits';
  const b = m['budgets'];
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'budgets: expected an object';
  for (const [id, v] of Object.entries(b)) {
    if (!BUDGET_ID_RE.test(id)) return `budgets: ${JSON.stringify(id)} is not a budget id`;
    const x = v as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null) return `budgets.${id}: expected {"seq": n, "hash": "..."}`;
    if (typeof x['seq'] !== 'number' || !Number.isSafeInteger(x['seq']) || x['seq'] < 1)
      return `budgets.${id}.seq: expected a whole number >= 1`;
    if (typeof x['hash'] !== 'string' || !HEX64.test(x['hash']))
      return `budgets.${id}.hash: expected 64 lowercase hex digits`;
  }
  return null;
}

/** Outcome of reading a manifest file: none beside the log, a valid one, or why it is unusable. */
export type ManifestRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly path: string; readonly manifest: Manifest }
  | { readonly kind: 'invalid'; readonly path: string; readonly problem: string };

/** Reads and checks the manifest at `path` (absent when there is no such file). */
export async function readManifest(path: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { kind: 'absent' };
    return {
      kind: 'invalid',
      path,
      problem: `cannot read it: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  let u: unknown;
  try {
    u = JSON.parse(text);
  } catch (e) {
    return { kind: 'invalid', path, problem: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const problem = manifestProblem(u);
  return problem === null
    ? { kind: 'ok', path, manifest: u as Manifest }
    : { kind: 'invalid', path, problem };
}
