/**
 * The write side's fast path against the reference implementation it stands in for: the
 * compiled command decoder against the io-ts codecs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from 'ipb-ledger';
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
