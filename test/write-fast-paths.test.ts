/**
 * The write side's fast paths against the reference implementations they stand in for: the
 * compiled command decoder against the io-ts codecs, canonical JSON against the `canonicalize`
 * package, and event ids against the `uuid` package's v5.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_NAMESPACE, Money, canonicalJson, eventIdFor } from 'ipb-ledger';
import { decodeCommandByCodecs, fastDecodeCommand } from '../src/budget/decode.js';
import { commandJsonByType } from './sim/samples.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 300);
const samples = [...commandJsonByType().values()];

/** Every path to a value in `v` (object keys and list indexes), the root included. */
function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

/** A copy of `root` with the value at `path` replaced (or a key added where there was none). */
function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  Object.defineProperty(copy, head, {
    value: setAt(copy[head], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1.00',
    '1e3',
    '12.345',
    '2024-02-30',
    '2024-02-29T10:00:00.000Z',
    '2023-02-29T10:00:00.000Z',
    'x'.repeat(5000),
    '\ud800',
    'a\udc00b',
    null,
    undefined,
    NaN,
    -0,
    1.5,
    2 ** 60,
    true,
    [],
    {},
    { __proto__: null },
    Money.of('12.34'),
    Money.of('-1.00'),
    new Date(0),
    'health',
    'social-care',
    'coordinator',
    'holder',
  ),
  fc.record({ constructor: fc.string() }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

/** A sample command with one value replaced, or a key added (known or not), anywhere in it. */
const mutatedArb: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.nat(),
    fc.nat(),
    hostile,
    fc.constantFrom('', 'notes', 'purpose', 'lineId', 'stream', '__proto__'),
  )
  .map(([i, j, value, key]) => {
    const c = samples[i % samples.length] as Record<string, unknown>;
    const paths = pathsOf(c);
    const path = paths[j % paths.length] as (string | number)[];
    return setAt(c, key === '' ? path : [...path, key], value);
  });

describe('the compiled command decoder', () => {
  it('decodes every sample command (one of each type the sample history sends) on the compiled path, as the codecs do', () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
    for (const c of samples) {
      const fast = fastDecodeCommand(c);
      const slow = decodeCommandByCodecs(c);
      expect(fast, String(c['type'])).not.toBeNull();
      expect(slow._tag).toBe('Right');
      if (slow._tag === 'Right') expect(fast).toEqual(slow.right);
    }
  });

  it('property: on hostile commands it gives what the codecs give, or hands over (never accepts what they refuse)', () => {
    let handedOver = 0;
    let accepted = 0;
    fc.assert(
      fc.property(mutatedArb, (u) => {
        const fast = fastDecodeCommand(u);
        const slow = decodeCommandByCodecs(u);
        if (fast === null) {
          handedOver += 1;
          return;
        }
        accepted += 1;
        expect(slow._tag).toBe('Right');
        if (slow._tag === 'Right') expect(fast).toEqual(slow.right);
      }),
      { numRuns: RUNS },
    );
    // Both kinds of input were seen: the property did not pass vacuously.
    expect(handedOver).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('canonical JSON', () => {
  const viaPackage = (v: unknown): string => {
    try {
      return String(canonicalize(v));
    } catch (e) {
      return `throws ${(e as Error).message}`;
    }
  };
  const viaLibrary = (v: unknown): string => {
    try {
      return canonicalJson(v);
    } catch (e) {
      return `throws ${(e as Error).message}`;
    }
  };

  it('property: gives the bytes of the canonicalize package for any JSON value (any Unicode, any number)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
          fc.object({
            maxDepth: 3,
            values: [fc.double(), fc.string({ unit: 'binary' }), fc.constant(undefined)],
          }),
        ),
        (v) => {
          expect(viaLibrary(v)).toBe(viaPackage(v));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('hands what plain data cannot hold to the package: its output or its error', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const deep = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown;
    for (const v of [
      { b: Money.of('1.50'), a: new Date(0) },
      [1, undefined, () => 1],
      { z: '\ud800' },
      { '\udc00': 1 },
      { n: NaN },
      { n: -Infinity },
      { toJSON: () => ({ y: 2, x: 1 }) },
      cyclic,
      deep,
      Object.assign(Object.create(null) as object, { b: 1, a: [2, 'é', '\u2028'] }),
    ]) {
      expect(viaLibrary(v)).toBe(viaPackage(v));
    }
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('event ids', () => {
  it('property: eventIdFor is the uuid package v5 of [budgetId, commandId, index]', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.nat(), (b, c, i) => {
        const name = JSON.stringify([b, c, i]);
        let expected: string;
        try {
          expected = uuidv5(name, EVENT_ID_NAMESPACE);
        } catch (e) {
          expected = `throws ${(e as Error).name}`;
        }
        let got: string;
        try {
          got = eventIdFor(b, c, i);
        } catch (e) {
          got = `throws ${(e as Error).name}`;
        }
        expect(got).toBe(expected);
      }),
      { numRuns: RUNS },
    );
    expect(eventIdFor('b-1', 'c-1', 0)).toBe(uuidv5('["b-1","c-1",0]', EVENT_ID_NAMESPACE));
  });
});
