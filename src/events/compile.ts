/**
 * Compiling io-ts codecs into context-free validators, for the fast paths of decoding (log
 * lines in src/log/fast-decode.ts, commands in src/budget/decode.ts).
 *
 * io-ts builds a context array for every field it visits, which dominates the cost of decoding.
 * {@link compile} turns the same codecs into plain closures that walk objects, arrays,
 * intersections and partials without contexts and call each leaf codec's own `validate` (so
 * every rule and refinement is the codec's, not a copy). A compiled validator only answers
 * "valid, and here is the value io-ts would give" or {@link FAIL} ("not sure"): the caller then
 * runs the codec itself, which gives the error with its path.
 */
import * as t from 'io-ts';
import { SpendRecordedC, SpendRecordedShape, splitProblem, type SpendRecorded } from './data.js';
import { DateC, Hex64C, TimestampC } from './primitives.js';

/** What a compiled validator returns for a value it does not accept (or is not sure of). */
export const FAIL: unique symbol = Symbol('fail');
/** A compiled validator: io-ts's decoded value, or {@link FAIL}. */
export type Compiled = (u: unknown) => unknown;

const NO_CONTEXT: t.Context = [];

export function isRecord(u: unknown): u is Record<string, unknown> {
  return u !== null && typeof u === 'object' && !Array.isArray(u);
}

const hasOwn = Object.prototype.hasOwnProperty;

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function realDate(y: number, m: number, d: number): boolean {
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (MONTH_DAYS[m - 1] as number));
}

/** `YYYY-MM-DD`, a real date: a quicker test than the codec's regex (it implies the codec accepts). */
export function quickDate(u: unknown): boolean {
  if (typeof u !== 'string' || u.length !== 10) return false;
  if (u.charCodeAt(4) !== 45 || u.charCodeAt(7) !== 45) return false;
  return realDate(digits(u, 0, 4), digits(u, 5, 7), digits(u, 8, 10));
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, a real instant: a quicker test than the codec's (it implies the codec accepts). */
export function quickTimestamp(u: unknown): boolean {
  if (typeof u !== 'string' || u.length !== 24) return false;
  if (
    u.charCodeAt(10) !== 84 || // T
    u.charCodeAt(13) !== 58 ||
    u.charCodeAt(16) !== 58 ||
    u.charCodeAt(19) !== 46 ||
    u.charCodeAt(23) !== 90 || // Z
    !quickDate(u.slice(0, 10))
  ) {
    return false;
  }
  const h = digits(u, 11, 13);
  const mi = digits(u, 14, 16);
  const sec = digits(u, 17, 19);
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59 && digits(u, 20, 23) >= 0;
}

/** 1 for the UTF-16 code units of a lowercase hex digit (`0-9`, `a-f`), 0 for every other. */
const HEX_DIGIT = new Uint8Array(65_536);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** 64 lowercase hex digits: a quicker test than the codec's regex (it implies the codec accepts). */
export function quickHex64(u: unknown): boolean {
  if (typeof u !== 'string' || u.length !== 64) return false;
  // one table look-up a character (about a third faster than two range comparisons)
  for (let i = 0; i < 64; i++) if (HEX_DIGIT[u.charCodeAt(i)] === 0) return false;
  return true;
}

/**
 * Leaf codecs with a quicker acceptance test. A string the test accepts is one the codec
 * accepts unchanged (a property test checks it); anything else goes to the codec itself.
 */
const QUICK = new Map<t.Mixed, (u: unknown) => boolean>([
  [DateC as t.Mixed, quickDate],
  [TimestampC as t.Mixed, quickTimestamp],
  [Hex64C as t.Mixed, quickHex64],
]);

/**
 * Codecs that are a shape plus a check of the whole value (io-ts cannot look inside a custom
 * `Type`): the shape is compiled, then the check runs on its result, as the codec's own
 * `validate` does.
 */
const REFINED = new Map<t.Mixed, { readonly shape: t.Mixed; readonly ok: (value: unknown) => boolean }>([
  [
    SpendRecordedC as t.Mixed,
    {
      shape: SpendRecordedShape as t.Mixed,
      ok: (v) => splitProblem((v as SpendRecorded).amount, (v as SpendRecorded).split) === null,
    },
  ],
]);

/**
 * Compiles an io-ts codec into a context-free validator with io-ts's exact result semantics
 * (copy-on-write objects that keep unknown keys, `mergeAll` for intersections). Leaves (any
 * codec that is not an interface, partial, intersection or array) run their own `validate`.
 */
export function compile(codec: t.Mixed): Compiled {
  const tag = (codec as { _tag?: string })._tag;
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    const props = (codec as t.InterfaceType<t.Props>).props;
    const keys = Object.keys(props);
    return compileProps(
      keys.map((k) => [k, props[k] as t.Mixed] as const),
      keys.map(() => tag !== 'PartialType'),
    );
  }
  const refined = REFINED.get(codec);
  if (refined !== undefined) {
    const shape = compile(refined.shape);
    return (u) => {
      const v = shape(u);
      return v === FAIL || !refined.ok(v) ? FAIL : v;
    };
  }
  if (codec instanceof t.IntersectionType) {
    const flat = flatProps(codec);
    if (flat !== null) return compileProps(flat.keys, flat.required);
    const fns = (codec.types as t.Mixed[]).map(compile);
    return (u) => {
      const us: unknown[] = [];
      for (const f of fns) {
        const v = f(u);
        if (v === FAIL) return FAIL;
        us.push(v);
      }
      return mergeAll(u, us);
    };
  }
  if (codec instanceof t.ArrayType) {
    const item = compile(codec.type as t.Mixed);
    return (u) => {
      if (!Array.isArray(u)) return FAIL;
      let as: unknown[] = u;
      for (let i = 0; i < u.length; i++) {
        const ui: unknown = u[i];
        const v = item(ui);
        if (v === FAIL) return FAIL;
        if (v !== ui) {
          if (as === u) as = u.slice();
          as[i] = v;
        }
      }
      return as;
    };
  }
  const quick = QUICK.get(codec);
  if (quick !== undefined) {
    return (u) => {
      if (quick(u)) return u;
      const r = codec.validate(u, NO_CONTEXT);
      return r._tag === 'Right' ? r.right : FAIL;
    };
  }
  if (codec.encode === t.identity) {
    // Input and output are the same type: a value `is` accepts is valid and decodes to itself
    // (io-ts's primitives and literals, and this library's checked strings, enums and integers).
    return (u) => {
      if (codec.is(u)) return u;
      const r = codec.validate(u, NO_CONTEXT);
      return r._tag === 'Right' ? r.right : FAIL;
    };
  }
  return (u) => {
    const r = codec.validate(u, NO_CONTEXT);
    return r._tag === 'Right' ? r.right : FAIL;
  };
}

/**
 * A validator for an object's properties (required, or optional when `required[i]` is false),
 * copy-on-write: the input itself when nothing changes, otherwise one copy that keeps unknown
 * keys, as io-ts's `type`, `partial` and their intersection give.
 */
function compileProps(
  props: ReadonlyArray<readonly [string, t.Mixed]>,
  required: readonly boolean[],
): Compiled {
  const keys = props.map(([k]) => k);
  const fns = props.map(([, c]) => compile(c));
  const n = keys.length;
  return (u) => {
    if (!isRecord(u)) return FAIL;
    let a = u;
    for (let i = 0; i < n; i++) {
      const k = keys[i] as string;
      const ak = a[k];
      if (ak === undefined && required[i] === false) continue;
      const v = (fns[i] as Compiled)(ak);
      if (v === FAIL) return FAIL;
      if (v !== ak || (v === undefined && !hasOwn.call(a, k))) {
        if (a === u) a = { ...u };
        a[k] = v;
      }
    }
    return a;
  };
}

/**
 * The properties of an intersection of `type`s and `partial`s with no key in two of them, as
 * one list: validating them in one pass gives what io-ts's intersection gives (each part keeps
 * every key of the input, and a part changes only its own keys), with one copy instead of
 * one per part and a merge. Null for any other intersection.
 */
function flatProps(codec: t.IntersectionType<t.Mixed[]>): {
  keys: [string, t.Mixed][];
  required: boolean[];
} | null {
  const keys: [string, t.Mixed][] = [];
  const required: boolean[] = [];
  const seen = new Set<string>();
  for (const part of codec.types) {
    if (!(part instanceof t.InterfaceType || part instanceof t.PartialType)) return null;
    const props = (part as t.InterfaceType<t.Props>).props;
    for (const k of Object.keys(props)) {
      if (seen.has(k)) return null;
      seen.add(k);
      keys.push([k, props[k] as t.Mixed]);
      required.push(part instanceof t.InterfaceType);
    }
  }
  return { keys, required };
}

/** io-ts's `mergeAll` (not in its type declarations), line for line: how an intersection combines results. */
function mergeAll(base: unknown, us: readonly unknown[]): unknown {
  let equal = true;
  let primitive = true;
  const baseIsNotADictionary = !isRecord(base);
  for (const u of us) {
    if (u !== base) equal = false;
    if (isRecord(u)) primitive = false;
  }
  if (equal) return base;
  if (primitive) return us[us.length - 1];
  const r: Record<string, unknown> = {};
  for (const u of us) {
    const o = u as Record<string, unknown>;
    for (const k in o) {
      if (!hasOwn.call(r, k) || baseIsNotADictionary || o[k] !== (base as Record<string, unknown>)[k])
        r[k] = o[k];
    }
  }
  return r;
}
