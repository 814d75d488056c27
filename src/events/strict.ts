/**
 * Strict checks for input that becomes events (commands): no forbidden keys, no hostile
 * nesting, and no fields the codec does not know (they would otherwise be copied into the
 * event, and so into every log and export, unchecked and unbounded).
 */
import type * as t from 'io-ts';
import { describeValue } from './primitives.js';
import type { DecodeIssue } from './report.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest nesting accepted in a command. */
export const MAX_COMMAND_DEPTH = 32;

function isPlain(u: unknown): u is Record<string, unknown> {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  const proto = Object.getPrototypeOf(u) as unknown;
  return proto === Object.prototype || proto === null;
}

function join(path: string, key: string): string {
  if (/^[0-9]+$/.test(key)) return `${path}[${key}]`;
  const k = /^[A-Za-z0-9_-]{1,40}$/.test(key) ? key : describeValue(key);
  return path === '' ? k : `${path}.${k}`;
}

/** With the `u` flag a surrogate pair is one code point, so this matches only a lone surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;
const NOT_UNICODE =
  'not well-formed Unicode (a lone surrogate): it has no canonical JSON form, so it could never be hashed into the log';

/**
 * The first thing in a command that can never become a valid log line, or null: a forbidden key
 * (`__proto__`, `constructor`, `prototype`), nesting deeper than {@link MAX_COMMAND_DEPTH}, or a
 * string or key that is not well-formed Unicode (a lone surrogate, which RFC 8785 cannot
 * serialise). Plain objects and lists are entered; values of other classes (e.g. `Money`) are
 * not. Iterative, so hostile nesting cannot overflow the stack.
 */
export function unsafeInputIssue(u: unknown): DecodeIssue | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: u, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return { path, problem: NOT_UNICODE };
      continue;
    }
    const list = Array.isArray(v);
    if (!list && !isPlain(v)) continue;
    if (depth > MAX_COMMAND_DEPTH)
      return { path, problem: `nested more than ${MAX_COMMAND_DEPTH} levels deep` };
    if (list) {
      (v as unknown[]).forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const k of Object.keys(v as object)) {
      if (FORBIDDEN.has(k)) return { path: join(path, k), problem: `forbidden key ${JSON.stringify(k)}` };
      if (LONE_SURROGATE.test(k)) return { path: join(path, k), problem: `key ${NOT_UNICODE}` };
      stack.push({ v: (v as Record<string, unknown>)[k], path: join(path, k), depth: depth + 1 });
    }
  }
  return null;
}

type Tagged = t.Mixed & {
  readonly _tag?: string;
  readonly props?: Record<string, t.Mixed>;
  readonly types?: readonly t.Mixed[];
  readonly type?: t.Mixed;
};

/** The fields an object codec knows (type, partial, exact, intersection of those), or null for other codecs. */
export function fieldsOf(codec: Tagged): Record<string, t.Mixed> | null {
  switch (codec._tag) {
    case 'InterfaceType':
    case 'PartialType':
    case 'ExactType':
    case 'StrictType':
      return codec.props ?? (codec.type === undefined ? null : fieldsOf(codec.type as Tagged));
    case 'ReadonlyType':
      return codec.type === undefined ? null : fieldsOf(codec.type as Tagged);
    case 'IntersectionType': {
      const out: Record<string, t.Mixed> = {};
      for (const member of codec.types ?? []) {
        const f = fieldsOf(member as Tagged);
        if (f === null) return null;
        Object.assign(out, f);
      }
      return out;
    }
    default:
      return null;
  }
}

/**
 * The first field of `value` that `codec` does not know (at any depth the codec describes:
 * objects, intersections and lists of them), or null. Run it after the codec accepted the value.
 */
export function unknownFieldIssue(codec: t.Mixed, value: unknown, path: string): DecodeIssue | null {
  const c = codec as Tagged;
  if (
    (c._tag === 'ArrayType' || c._tag === 'ReadonlyArrayType') &&
    c.type !== undefined &&
    Array.isArray(value)
  ) {
    for (const [i, x] of value.entries()) {
      const issue = unknownFieldIssue(c.type, x, `${path}[${i}]`);
      if (issue !== null) return issue;
    }
    return null;
  }
  const fields = fieldsOf(c);
  if (fields === null || !isPlain(value)) return null;
  for (const k of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(fields, k)) {
      return {
        path: join(path, k),
        problem: `unknown field (expected ${Object.keys(fields).join(', ')}): nothing is recorded that the ledger does not check`,
      };
    }
  }
  for (const [k, sub] of Object.entries(fields)) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    const issue = unknownFieldIssue(sub, value[k], join(path, k));
    if (issue !== null) return issue;
  }
  return null;
}
