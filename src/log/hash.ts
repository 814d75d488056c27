import * as crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH, unhashedJson, type LedgerEvent, type PendingEvent } from '../events/envelope.js';

/** RFC 8785 (JCS) canonical JSON of a value; throws on values JSON cannot hold (e.g. lone surrogates). */
export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new TypeError('value has no canonical JSON form');
  return s;
}

/** `crypto.hash` (Node >= 20.12): one call, no Hash object; faster for short inputs. */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/** SHA-256 of the UTF-8 bytes of a string, as 64 lowercase hex digits. */
export function sha256Hex(text: string): string {
  return oneShot !== undefined
    ? oneShot('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The contract's hash of a parsed envelope: SHA-256 of the canonical JSON of everything but `hash`. */
export function hashOfEnvelope(envelope: Readonly<Record<string, unknown>>): string {
  const { hash: _omit, ...rest } = envelope;
  return sha256Hex(canonicalJson(rest));
}

/**
 * The line of each event sealed here, so the store writes it without serialising twice. In the
 * canonical (sorted) key order `hash` stands just before `occurredAt`, the last top-level key
 * whose name can also appear nested (only plain values follow it), so the line is the hashed
 * text with `"hash":"..."` put in there.
 */
const sealedLines = new WeakMap<LedgerEvent, { readonly hash: string; readonly line: string }>();

function withHash(unhashed: string, hash: string): { hash: string; line: string } {
  const at = unhashed.lastIndexOf(',"occurredAt":"');
  return { hash, line: `${unhashed.slice(0, at)},"hash":"${hash}"${unhashed.slice(at)}` };
}

/** Gives pending events their `seq`, `prevHash` and `hash`, continuing a chain. */
export function sealEvents(
  pending: readonly PendingEvent[],
  after: { readonly seq: number; readonly hash: string } = { seq: 0, hash: GENESIS_HASH },
): LedgerEvent[] {
  let seq = after.seq;
  let prev = after.hash;
  return pending.map((p) => {
    seq += 1;
    const json = unhashedJson(p, seq, prev);
    const unhashed = canonicalJson(json);
    const hash = sha256Hex(unhashed);
    const sealed = { ...p, schema: 'ipb.event/1', seq, prevHash: prev, hash } as LedgerEvent;
    sealedLines.set(sealed, withHash(unhashed, hash));
    prev = hash;
    return sealed;
  });
}

/** One log line (canonical JSON, no newline) for a sealed event. */
export function eventLine(e: LedgerEvent): string {
  const cached = sealedLines.get(e);
  if (cached !== undefined && e.hash === cached.hash) return cached.line;
  return canonicalJson({ ...unhashedJson(e, e.seq, e.prevHash), hash: e.hash });
}

/**
 * True when `JSON.stringify(value)` is already the RFC 8785 canonical form of `value`: every
 * object's keys are in ascending UTF-16 code unit order (JCS's order) and every number is
 * finite. That holds for every line the library writes (they are written canonically), so the
 * verifier can skip re-sorting; anything else goes through the `canonicalize` package.
 * Iterative, so nesting depth cannot overflow the stack.
 */
export function isStringifyCanonical(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    let prev: string | null = null;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) return false;
      if (prev !== null && !(prev < k)) return false;
      prev = k;
      stack.push((v as Record<string, unknown>)[k]);
    }
    // JSON.parse can make an own "__proto__" key, which for-in sees; anything else odd: be safe.
    if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  }
  return true;
}

/**
 * The contract's hash of a parsed line, computed fast: the same value as
 * {@link hashOfEnvelope}, but when the line's keys are already in canonical order (as every line
 * the library writes is) the canonical JSON is `JSON.stringify` of the object, about twice as
 * fast as re-sorting. Lone surrogates (which JCS refuses) and any other doubt fall back to the
 * `canonicalize` package, so both paths give the same bytes (a property test checks it).
 */
export function fastHashOfEnvelope(envelope: Readonly<Record<string, unknown>>): string {
  const { hash: _omit, ...rest } = envelope;
  if (isStringifyCanonical(rest)) {
    const text = JSON.stringify(rest);
    // JSON.stringify escapes lone surrogates as \udXXX where JCS refuses them: let canonicalize decide.
    if (!text.includes('\\ud')) return sha256Hex(text);
  }
  return sha256Hex(canonicalJson(rest));
}
