import * as t from 'io-ts';
import { type Either, left, right } from 'fp-ts/lib/Either.js';
import {
  eventDataCodecs,
  isEventType,
  type EventDataJsonMap,
  type EventDataMap,
  type EventType,
} from './data.js';
import {
  BudgetIdC,
  Hex64C,
  PositiveIntC,
  RefC,
  RoleC,
  TimestampC,
  UuidC,
  describeValue,
  type Role,
} from './primitives.js';
import { formatIssue, issuesOf, type DecodeIssue } from './report.js';
import { currentVersion, upcastData } from './upcast.js';

/** The envelope contract version every line carries. */
export const SCHEMA = 'ipb.event/1';
/** `prevHash` of the first event of a budget. */
export const GENESIS_HASH = '0'.repeat(64);

/** Who did something: an id and the role they acted in. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
}

/** Who, when and which command: everything on an event except its payload and seal. */
export interface EventMeta {
  readonly eventId: string;
  readonly budgetId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: Actor;
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** An event as decided, before the store gives it a position and a hash. */
export type PendingEventOf<K extends EventType> = EventMeta & {
  readonly type: K;
  readonly v: number;
  readonly data: EventDataMap[K];
};
/** Any event before it is stored (no `seq` or hash yet): narrow it by `type`. */
export type PendingEvent = { [K in EventType]: PendingEventOf<K> }[EventType];

/** Position and hash chain of a stored event. */
export interface Seal {
  readonly schema: typeof SCHEMA;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** An event as stored and exported: pending event plus its seal. Narrow it by `type`. */
export type EventOf<K extends EventType> = PendingEventOf<K> & Seal;
/** Any stored event of the log: narrow it by `type` to get its `data` shape. */
export type LedgerEvent = { [K in EventType]: EventOf<K> }[EventType];

/** The JSON form of an event (one log line, parsed). */
export type EventJson = {
  [K in EventType]: Omit<EventMeta, 'actor'> & {
    actor: { id: string; role: Role };
    schema: typeof SCHEMA;
    seq: number;
    type: K;
    v: number;
    data: EventDataJsonMap[K];
    prevHash: string;
    hash: string;
  };
}[EventType];

/** The envelope codec (every field but the typed `data`); {@link decodeEvent} is the way to decode a line. */
export const EnvelopeC = t.intersection([
  t.type({
    schema: t.literal(SCHEMA),
    eventId: UuidC,
    budgetId: BudgetIdC,
    seq: PositiveIntC,
    type: RefC,
    v: PositiveIntC,
    occurredAt: TimestampC,
    recordedAt: TimestampC,
    actor: t.type({ id: RefC, role: RoleC }),
    data: t.UnknownRecord,
    prevHash: Hex64C,
    hash: Hex64C,
  }),
  t.partial({ commandId: RefC, correlationId: RefC, causationId: RefC }),
]);

/** Why input is not an event: every issue with its path, and a one-line message naming the first. */
export interface DecodeError {
  readonly kind: 'decode';
  readonly issues: readonly DecodeIssue[];
  readonly message: string;
  /** Set when the only problem is an event type this reader does not know. */
  readonly unknownType?: string;
}

function decodeError(issues: DecodeIssue[], unknownType?: string): DecodeError {
  const first = issues[0];
  const message = first === undefined ? 'not a valid event' : formatIssue(first);
  return unknownType === undefined
    ? { kind: 'decode', issues, message }
    : { kind: 'decode', issues, message, unknownType };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest nesting accepted in a line. */
export const MAX_DEPTH = 32;

/**
 * Finds a forbidden key (`__proto__`, `constructor`, `prototype`) or too-deep nesting anywhere
 * in a parsed JSON value. Returns the issue, or null. Iterative, so hostile nesting cannot
 * overflow the stack.
 */
export function unsafeJsonIssue(u: unknown): DecodeIssue | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: u, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_DEPTH) return { path, problem: `nested more than ${MAX_DEPTH} levels deep` };
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const k of Object.keys(v)) {
      const key = k.length > 40 ? describeValue(k) : k;
      const p = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(k)) return { path: p, problem: `forbidden key ${JSON.stringify(k)}` };
      stack.push({ v: (v as Record<string, unknown>)[k], path: p, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Decodes one parsed log line into an event: checks the envelope, refuses forbidden keys,
 * upcasts old `data` versions to the newest shape, and decodes the payload. Never throws.
 */
export function decodeEvent(u: unknown): Either<DecodeError, LedgerEvent> {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    return left(
      decodeError([
        {
          path: '',
          problem: `expected a JSON object, got ${Array.isArray(u) ? 'a list' : u === null ? 'null' : typeof u}`,
        },
      ]),
    );
  }
  const unsafe = unsafeJsonIssue(u);
  if (unsafe !== null) return left(decodeError([unsafe]));
  const schema = (u as { schema?: unknown }).schema;
  if (schema !== undefined && schema !== SCHEMA) {
    return left(
      decodeError([
        {
          path: 'schema',
          problem: `unknown schema ${describeValue(schema)} (this reader knows "${SCHEMA}")`,
        },
      ]),
    );
  }
  const env = EnvelopeC.decode(u);
  if (env._tag === 'Left') return left(decodeError(issuesOf(env.left)));
  const e = env.right;
  if (!isEventType(e.type)) {
    return left(
      decodeError([{ path: 'type', problem: `unknown event type ${JSON.stringify(e.type)}` }], e.type),
    );
  }
  const up = upcastData(e.type, e.v, e.data);
  if (up._tag === 'Left') return left(decodeError([{ path: 'v', problem: up.left }]));
  const codec = eventDataCodecs[e.type] as t.Type<unknown, unknown, unknown>;
  const data = codec.decode(up.right);
  if (data._tag === 'Left') return left(decodeError(issuesOf(data.left, 'data')));
  return right({ ...e, v: currentVersion(e.type), data: data.right } as unknown as LedgerEvent);
}

/** Encodes the payload of an event to JSON (money as contract strings). */
export function encodeData<K extends EventType>(type: K, data: EventDataMap[K]): EventDataJsonMap[K] {
  const codec = eventDataCodecs[type] as unknown as t.Type<EventDataMap[K], EventDataJsonMap[K], unknown>;
  return codec.encode(data);
}

/** The JSON form of a pending event plus its position, without `hash` (what the hash covers). */
export function unhashedJson(e: PendingEvent, seq: number, prevHash: string): Omit<EventJson, 'hash'> {
  const out: Record<string, unknown> = {
    schema: SCHEMA,
    eventId: e.eventId,
    budgetId: e.budgetId,
    seq,
    type: e.type,
    v: e.v,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    actor: { id: e.actor.id, role: e.actor.role },
  };
  if (e.commandId !== undefined) out['commandId'] = e.commandId;
  if (e.correlationId !== undefined) out['correlationId'] = e.correlationId;
  if (e.causationId !== undefined) out['causationId'] = e.causationId;
  out['data'] = encodeData(e.type, e.data as never);
  out['prevHash'] = prevHash;
  return out as Omit<EventJson, 'hash'>;
}

/** The JSON form of a sealed event. */
export function encodeEvent(e: LedgerEvent): EventJson {
  return { ...unhashedJson(e, e.seq, e.prevHash), hash: e.hash } as EventJson;
}
