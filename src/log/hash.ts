import { canonicalJson, sha256Hex } from '../events/canonical.js';
import { GENESIS_HASH, unhashedJson, type LedgerEvent, type PendingEvent } from '../events/envelope.js';

export { canonicalJson, sha256Hex };

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

/** Set by {@link canonicalStringEnd}: whether the string it skipped held an escape. */
let sawEscape = false;

/**
 * Skips a JSON string starting at `i` (the opening quote): the index after its closing quote,
 * or -1 when it is not in canonical form (or holds a lone surrogate, which JCS refuses).
 */
function canonicalStringEnd(text: string, i: number): number {
  const n = text.length;
  sawEscape = false;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c >= 0xdc00) return -1;
      const d = text.charCodeAt(j + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return -1;
      j += 1;
      continue;
    }
    if (c === 92) {
      sawEscape = true;
      // JCS's escapes: \" \\ \b \f \n \r \t (a \u escape may be canonical, but let the slow path decide).
      const d = text.charCodeAt(j + 1);
      if (d !== 34 && d !== 92 && d !== 98 && d !== 102 && d !== 110 && d !== 114 && d !== 116) return -1;
      j += 1;
    } else if (c < 0x20) {
      return -1;
    }
  }
  return -1;
}

/** True when key text[a1, b1) sorts strictly before text[a2, b2) by UTF-16 code units. */
function keyBefore(text: string, a1: number, b1: number, a2: number, b2: number): boolean {
  const l1 = b1 - a1;
  const l2 = b2 - a2;
  const n = l1 < l2 ? l1 : l2;
  for (let k = 0; k < n; k++) {
    const x = text.charCodeAt(a1 + k);
    const y = text.charCodeAt(a2 + k);
    if (x !== y) return x < y;
  }
  return l1 < l2;
}

/**
 * When a line's text is already the RFC 8785 (JCS) canonical form of what it holds, the piece
 * to cut out to get the hashed text: `[start, end)` of the top-level `"hash":"..."` member with
 * one comma. Null when the text is not certainly canonical (then the parsed line is
 * re-serialised instead). Checked in one pass over the characters, with no allocation: no
 * whitespace between tokens; strings with only JCS's own escapes (`\"`, `\\`, `\b`, `\f`, `\n`,
 * `\r`, `\t`) and no escaped key; numbers only whole, at most 15 digits and not `-0` (so
 * `JSON.parse` and back give the same digits); every object's keys strictly ascending by UTF-16
 * code units (which also refuses a repeated key); one top-level object with a string `hash`.
 */
export function canonicalHashCut(text: string): readonly [number, number] | null {
  const n = text.length;
  if (n < 2 || text.charCodeAt(0) !== 123) return null;
  // Per open container: 1 for an object, 0 for an array; for objects the previous key's span.
  const kinds: number[] = [];
  const keyA: number[] = [];
  const keyB: number[] = [];
  let cutA = -1;
  let cutB = -1;
  let i = 0;
  // expect: 0 = a value, 1 = a key or '}' (just after '{'), 2 = ',' or a closing bracket.
  let expect = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (expect === 2) {
      const depth = kinds.length;
      if (depth === 0) return null;
      const obj = kinds[depth - 1] === 1;
      if (c === 44) {
        i += 1;
        if (obj) {
          // a key must follow
          if (text.charCodeAt(i) !== 34) return null;
          const kEnd = canonicalStringEnd(text, i);
          if (kEnd === -1 || sawEscape || text.charCodeAt(kEnd) !== 58) return null;
          const a = i + 1;
          const b = kEnd - 1;
          if (!keyBefore(text, keyA[depth - 1] as number, keyB[depth - 1] as number, a, b)) return null;
          keyA[depth - 1] = a;
          keyB[depth - 1] = b;
          if (depth === 1 && b - a === 4 && text.startsWith('hash', a)) {
            if (text.charCodeAt(kEnd + 1) !== 34) return null;
            const vEnd = canonicalStringEnd(text, kEnd + 1);
            if (vEnd === -1) return null;
            cutA = i - 1;
            cutB = vEnd;
            i = vEnd;
            expect = 2;
            continue;
          }
          i = kEnd + 1;
        }
        expect = 0;
        continue;
      }
      if ((obj && c === 125) || (!obj && c === 93)) {
        kinds.pop();
        keyA.pop();
        keyB.pop();
        i += 1;
        if (kinds.length === 0) return i === n && cutA !== -1 ? [cutA, cutB] : null;
        continue;
      }
      return null;
    }
    if (expect === 1) {
      // just after '{': '}' or the first key
      if (c === 125) {
        kinds.pop();
        keyA.pop();
        keyB.pop();
        i += 1;
        if (kinds.length === 0) return null;
        expect = 2;
        continue;
      }
      if (c !== 34) return null;
      const kEnd = canonicalStringEnd(text, i);
      if (kEnd === -1 || sawEscape || text.charCodeAt(kEnd) !== 58) return null;
      const a = i + 1;
      const b = kEnd - 1;
      const depth = kinds.length;
      keyA[depth - 1] = a;
      keyB[depth - 1] = b;
      if (depth === 1 && b - a === 4 && text.startsWith('hash', a)) {
        // `hash` first: cut it and the comma after it
        if (text.charCodeAt(kEnd + 1) !== 34) return null;
        const vEnd = canonicalStringEnd(text, kEnd + 1);
        if (vEnd === -1 || text.charCodeAt(vEnd) !== 44) return null;
        cutA = i;
        cutB = vEnd + 1;
        i = vEnd;
        expect = 2;
        continue;
      }
      i = kEnd + 1;
      expect = 0;
      continue;
    }
    // a value
    if (c === 34) {
      const end = canonicalStringEnd(text, i);
      if (end === -1) return null;
      i = end;
      expect = 2;
    } else if (c === 123) {
      kinds.push(1);
      keyA.push(0);
      keyB.push(0);
      i += 1;
      expect = 1;
    } else if (c === 91) {
      kinds.push(0);
      keyA.push(0);
      keyB.push(0);
      i += 1;
      if (text.charCodeAt(i) === 93) {
        kinds.pop();
        keyA.pop();
        keyB.pop();
        i += 1;
        expect = 2;
      } else {
        expect = 0;
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = c === 45 ? i + 1 : i;
      const first = text.charCodeAt(j);
      if (first === 48) {
        if (c === 45) return null; // -0 (or -0.x): not canonical
        j += 1;
      } else if (first >= 49 && first <= 57) {
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d < 48 || d > 57) break;
          j += 1;
        }
      } else {
        return null;
      }
      const digits = j - (c === 45 ? i + 1 : i);
      if (digits > 15) return null;
      const next = text.charCodeAt(j);
      if (next === 46 || next === 101 || next === 69) return null;
      i = j;
      expect = 2;
    } else if (text.startsWith('true', i)) {
      i += 4;
      expect = 2;
    } else if (text.startsWith('false', i)) {
      i += 5;
      expect = 2;
    } else if (text.startsWith('null', i)) {
      i += 4;
      expect = 2;
    } else {
      return null;
    }
  }
  return null;
}

/**
 * The contract's hash of a line, from its text when the text is already canonical
 * ({@link canonicalHashCut}): SHA-256 of the line's own characters with the `hash` member cut
 * out, with no re-serialisation. Otherwise (or without the text) the same value computed from
 * the parsed line ({@link fastHashOfEnvelope}). Both give the bytes `canonicalize` gives; a
 * property test checks it.
 */
export function hashOfLine(raw: Readonly<Record<string, unknown>>, text?: string): string {
  if (text !== undefined) {
    const cut = canonicalHashCut(text);
    if (cut !== null) return sha256Hex(text.slice(0, cut[0]) + text.slice(cut[1]));
  }
  return fastHashOfEnvelope(raw);
}
