/**
 * Serialising decider and projection state for snapshots: JSON with tags for what JSON cannot
 * hold. `Money` becomes `{"$money":"12.50"}` (the contract string, exact), a `Map` becomes
 * `{"$map":[[key, value], ...]}` and a `Set` `{"$set":[...]}`, both in insertion order. A key
 * of a plain object that starts with `$` gets one more `$`, so no data can pass for a tag.
 * Anything else that is not plain JSON (a Date, a class instance, a function, a non-finite
 * number) is refused with its path, rather than silently changed.
 */
import { freeze } from 'immer';
import { DECISION_STATE_VERSION, type DecisionState } from '../budget/state.js';
import { Money } from '../money/money.js';

function encodeValue(v: unknown, path: string): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`${path || 'state'}: ${String(v)} has no JSON form`);
    return v;
  }
  if (v instanceof Money) return { $money: v.toString() };
  if (v instanceof Map) {
    return {
      $map: [...v.entries()].map(([k, x], i) => [
        encodeValue(k, `${path}<key ${i}>`),
        encodeValue(x, `${path}.get(${String(k)})`),
      ]),
    };
  }
  if (v instanceof Set) return { $set: [...v.values()].map((x, i) => encodeValue(x, `${path}<item ${i}>`)) };
  if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${path || 'state'}: cannot serialise a ${(v as object).constructor.name}`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      out[k.startsWith('$') ? `$${k}` : k] = encodeValue(x, path === '' ? k : `${path}.${k}`);
    }
    return out;
  }
  throw new TypeError(`${path || 'state'}: cannot serialise a ${typeof v}`);
}

function decodeValue(v: unknown, path: string): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x, i) => decodeValue(x, `${path}[${i}]`));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const tag = keys[0];
    const x = o[tag as string];
    if (tag === '$money') {
      const m = Money.tryParse(x);
      if (m === null) throw new TypeError(`${path || 'state'}: ${JSON.stringify(x)} is not money`);
      return m;
    }
    if (tag === '$map') {
      if (!Array.isArray(x)) throw new TypeError(`${path || 'state'}: $map needs a list of pairs`);
      return new Map(
        x.map((pair: unknown, i) => {
          if (!Array.isArray(pair) || pair.length !== 2)
            throw new TypeError(`${path}: $map entry ${i} is not a pair`);
          return [decodeValue(pair[0], `${path}<key ${i}>`), decodeValue(pair[1], `${path}<value ${i}>`)];
        }),
      );
    }
    if (tag === '$set') {
      if (!Array.isArray(x)) throw new TypeError(`${path || 'state'}: $set needs a list`);
      return new Set(x.map((y: unknown, i) => decodeValue(y, `${path}<item ${i}>`)));
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k.startsWith('$') && !k.startsWith('$$')) throw new TypeError(`${path || 'state'}: unknown tag ${k}`);
    const name = k.startsWith('$') ? k.slice(1) : k;
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      throw new TypeError(`${path || 'state'}: forbidden key ${JSON.stringify(name)}`);
    }
    out[name] = decodeValue(o[k], path === '' ? name : `${path}.${name}`);
  }
  return out;
}

/** Serialises a state (plain objects, arrays, strings, numbers, booleans, null, Money, Map, Set). */
export function encodeState(state: unknown): string {
  return JSON.stringify(encodeValue(state, ''));
}

/** Reads back what {@link encodeState} wrote. Throws a TypeError naming the path of anything malformed. */
export function decodeState(text: string): unknown {
  return decodeValue(JSON.parse(text) as unknown, '');
}

/**
 * The format of budget-state snapshots: the schema version of the decision state
 * ({@link DECISION_STATE_VERSION}, bumped by hand with every change of its shape). After an
 * upgrade that changes the state, old snapshots no longer match and are replayed instead of
 * trusted; test/snapshot-schema.test.ts fails when the shape changes without a bump.
 */
export const BUDGET_STATE_FORMAT = `ipb.decision-state/${DECISION_STATE_VERSION}`;

/** Serialises a budget's decision state for a snapshot. */
export function encodeBudgetState(state: DecisionState): string {
  return encodeState(state);
}

/**
 * Reads a decision state written by {@link encodeBudgetState}: checks its outline, rebuilds
 * Maps, Sets and Money, and freezes it like a replayed state.
 */
export function decodeBudgetState(text: string): DecisionState {
  const u = decodeState(text) as Partial<Record<keyof DecisionState, unknown>>;
  const problems: string[] = [];
  if (!Number.isSafeInteger(u.version)) problems.push('version is not a whole number');
  if (u.status !== 'unopened' && u.status !== 'open' && u.status !== 'closed')
    problems.push('status is not known');
  for (const k of ['totals', 'changeRequests', 'spends', 'commands', 'reclaims', 'contingencies'] as const) {
    if (!(u[k] instanceof Map)) problems.push(`${k} is not a map`);
  }
  if (!(u.representatives instanceof Set)) problems.push('representatives is not a set');
  for (const k of ['plans', 'exclusions'] as const)
    if (!Array.isArray(u[k])) problems.push(`${k} is not a list`);
  if (problems.length > 0) throw new TypeError(`not a budget state: ${problems.join('; ')}`);
  return freeze(u as DecisionState, true);
}
