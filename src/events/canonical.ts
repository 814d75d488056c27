/**
 * Canonical JSON and SHA-256: how the log hashes events and how a command's fingerprint is
 * taken, in one place both can use.
 */
import * as crypto from 'node:crypto';
import canonicalize from 'canonicalize';

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
