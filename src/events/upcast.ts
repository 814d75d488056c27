import { type Either, left, right } from 'fp-ts/lib/Either.js';
import type { EventType } from './data.js';

/** A pure function from one version of an event type's raw `data` to the next. */
export type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * `SpendRecorded` v1 -> v2: v2 adds `purpose`. A v1 spend said nothing about what it paid for,
 * so it reads as `"unspecified"` (a `purpose` a v1 writer may have added as an unknown field
 * had no meaning in v1 and is replaced; the stored bytes, which the hash covers, keep it).
 */
export function spendRecordedV1toV2(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...data, purpose: 'unspecified' };
}

/**
 * Upcasters by event type: `upcasters[type][n]` turns version n into version n + 1.
 * The newest version of a type is one more than its highest upcaster (1 when it has none).
 */
export const upcasters: Partial<Record<EventType, Readonly<Record<number, Upcaster>>>> = {
  SpendRecorded: { 1: spendRecordedV1toV2 },
};

/** The newest `v` of an event type: the shape the domain sees. */
export function currentVersion(type: EventType): number {
  const ups = upcasters[type];
  if (ups === undefined) return 1;
  let highest = 0;
  for (const k in ups) highest = Math.max(highest, Number(k));
  return highest + 1;
}

/** Brings raw `data` of version `v` up to the newest version, or says why it cannot. */
export function upcastData(
  type: EventType,
  v: number,
  data: Readonly<Record<string, unknown>>,
): Either<string, Readonly<Record<string, unknown>>> {
  const newest = currentVersion(type);
  if (v > newest) return left(`${type} version ${v} is newer than this reader knows (up to ${newest})`);
  let d = data;
  for (let n = v; n < newest; n++) {
    const up = upcasters[type]?.[n];
    if (up === undefined) return left(`no upcaster for ${type} from version ${n}`);
    d = up(d);
  }
  return right(d);
}
