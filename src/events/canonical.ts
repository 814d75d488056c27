/**
 * Canonical JSON and SHA-256: how the log hashes events and how a command's fingerprint is
 * taken, in one place both can use.
 */
import * as crypto from 'node:crypto';
import canonicalize from 'canonicalize';

/** Deeper than this, the fast path hands over to `canonicalize` (which also detects cycles). */
const FAST_DEPTH = 64;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * JSON text of a string for JCS, or null when the string may hold a lone surrogate (JCS refuses
 * it; `JSON.stringify` writes it as `\udXXX`, so the test is cheap and errs only towards null).
 */
function stringJson(s: string): string | null {
  const out = JSON.stringify(s);
  return out.includes('\\ud') ? null : out;
}

/**
 * RFC 8785 (JCS) canonical JSON of plain data (strings, finite numbers, booleans, null, plain
 * objects and lists), the same bytes `canonicalize` gives: keys sorted by UTF-16 code units,
 * `undefined` members left out and `undefined` items written as null, numbers as
 * ECMAScript's shortest form. Null for anything else (a `toJSON` method, a class instance, a
 * lone surrogate, a non-finite number, deep nesting), which then goes to `canonicalize` whole.
 */
function fastCanonical(v: unknown, depth: number): string | null {
  switch (typeof v) {
    case 'string':
      return stringJson(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : null;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth > FAST_DEPTH) return null;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype || hasOwn.call(v, 'toJSON')) return null;
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          const s = x === undefined || typeof x === 'symbol' ? 'null' : fastCanonical(x, depth + 1);
          if (s === null) return null;
          out += i === 0 ? s : `,${s}`;
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if ((proto !== Object.prototype && proto !== null) || hasOwn.call(v, 'toJSON')) return null;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const x = o[k];
        if (x === undefined || typeof x === 'symbol') continue;
        const key = stringJson(k);
        const s = fastCanonical(x, depth + 1);
        if (key === null || s === null) return null;
        out += first ? `${key}:${s}` : `,${key}:${s}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return null;
  }
}

/** RFC 8785 (JCS) canonical JSON of a value; throws on values JSON cannot hold (e.g. lone surrogates). */
export function canonicalJson(value: unknown): string {
  const fast = fastCanonical(value, 0);
  if (fast !== null) return fast;
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
