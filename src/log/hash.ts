import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH, unhashedJson, type LedgerEvent, type PendingEvent } from '../events/envelope.js';

/** RFC 8785 (JCS) canonical JSON of a value; throws on values JSON cannot hold (e.g. lone surrogates). */
export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new TypeError('value has no canonical JSON form');
  return s;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The contract's hash of a parsed envelope: SHA-256 of the canonical JSON of everything but `hash`. */
export function hashOfEnvelope(envelope: Readonly<Record<string, unknown>>): string {
  const { hash: _omit, ...rest } = envelope;
  return sha256Hex(canonicalJson(rest));
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
    const hash = sha256Hex(canonicalJson(json));
    const sealed = { ...p, schema: 'ipb.event/1', seq, prevHash: prev, hash } as LedgerEvent;
    prev = hash;
    return sealed;
  });
}

/** One log line (canonical JSON, no newline) for a sealed event. */
export function eventLine(e: LedgerEvent): string {
  return canonicalJson({ ...unhashedJson(e, e.seq, e.prevHash), hash: e.hash });
}
