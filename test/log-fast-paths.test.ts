/**
 * The verifier's and reader's fast paths against the reference implementations they stand in
 * for: `fastHashOfEnvelope` against the `canonicalize` package, `fastDecodeEvent` against
 * `decodeEvent`, and the quick format tests against the codecs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DateC,
  Hex64C,
  TimestampC,
  canonicalJson,
  decodeEvent,
  fastDecodeEvent,
  fastHashOfEnvelope,
  canonicalHashCut,
  hashOfLine,
  hashOfEnvelope,
  isStringifyCanonical,
  logText,
} from 'ipb-ledger';
import { quickDate, quickHex64, quickTimestamp } from '../src/log/fast-decode.js';
import { karlLedger } from '../examples/karl.js';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { historyArb } from './arbitraries.js';

type Raw = Record<string, unknown>;

function outcome(f: () => string): string {
  try {
    return f();
  } catch {
    return 'throws';
  }
}

const sampleLines = [
  ...logText(karlLedger().events()).trimEnd().split('\n'),
  ...logText(ipcSiteLedger().events()).trimEnd().split('\n'),
];

describe("hashOfLine (the hash from the line's own text when it is canonical)", () => {
  it('takes the text path on every example line and agrees with the canonicalize package', () => {
    for (const l of sampleLines) {
      expect(canonicalHashCut(l), l.slice(0, 80)).not.toBeNull();
      expect(hashOfLine(JSON.parse(l) as Raw, l)).toBe(hashOfEnvelope(JSON.parse(l) as Raw));
    }
  });

  it('property: any text, canonical or not (order, spacing, escapes, numbers, repeated keys), hashes as the parsed line does', () => {
    const anyString = fc.string({ unit: 'binary' });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        anyString,
        fc.integer(),
        fc.constantFrom(1e21, -0, 1.5, 100, 2 ** 60),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(anyString, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    const variants = (o: Raw): string[] => {
      const text = JSON.stringify(o);
      const sorted = (() => {
        try {
          return canonicalJson(o);
        } catch {
          return text;
        }
      })();
      return [
        text,
        sorted,
        sorted.replace(/,/g, ', '),
        sorted.replace(/"a/g, '"\\u0061'),
        sorted.replace(/:1([,}])/g, ':1.0$1'),
        sorted.replace(/:1([,}])/g, ':1e0$1'),
        sorted.replace('{', '{"hash":"x",'),
        sorted.replace(/}$/, ',"zz":1,"zz":2}'),
        sorted.replace(/:0([,}])/g, ':-0$1'),
      ];
    };
    fc.assert(
      fc.property(
        fc.dictionary(anyString, json, { maxKeys: 8 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        (o, h) => {
          for (const t of variants({ ...o, hash: h })) {
            let raw: Raw;
            try {
              raw = JSON.parse(t) as Raw;
            } catch {
              continue;
            }
            if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
            expect(
              outcome(() => hashOfLine(raw, t)),
              t,
            ).toBe(outcome(() => hashOfEnvelope(raw)));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses the text path for text that is not canonical', () => {
    for (const t of [
      '{"b":1,"hash":"x","a":2}',
      '{"a": 1,"hash":"x"}',
      '{"a":1.0,"hash":"x"}',
      '{"a":1e2,"hash":"x"}',
      '{"a":-0,"hash":"x"}',
      '{"a":"\\u0041","hash":"x"}',
      '{"a":"\\/","hash":"x"}',
      '{"a":1,"a":2,"hash":"x"}',
      '{"a":1}',
      '{"a":1,"hash":1}',
      '{"a":12345678901234567,"hash":"x"}',
    ]) {
      expect(canonicalHashCut(t), t).toBeNull();
    }
    expect(canonicalHashCut('{"a":[1,{"b":null}],"hash":"x","z":true}')).toEqual([19, 30]);
  });
});

describe('fastHashOfEnvelope', () => {
  it('equals the canonicalize package on every example line', () => {
    for (const l of sampleLines) {
      const raw = JSON.parse(l) as Raw;
      expect(isStringifyCanonical(raw)).toBe(true);
      expect(fastHashOfEnvelope(raw)).toBe(hashOfEnvelope(raw));
    }
  });

  it('equals the canonicalize package on any JSON object, sorted or not, with any strings', () => {
    const anyString = fc.string({ unit: 'binary' }); // includes lone surrogates and control characters
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        anyString,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(anyString, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(anyString, json, { maxKeys: 8 }), (o) => {
        // JSON.parse is what the verifier hashes: go through text
        const raw = JSON.parse(JSON.stringify(o)) as Raw;
        expect(outcome(() => fastHashOfEnvelope(raw))).toBe(outcome(() => hashOfEnvelope(raw)));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the slow path when keys are out of order and still agrees', () => {
    const raw = JSON.parse('{"b":1,"a":{"d":[{"z":1,"y":2}],"c":"\\u0007"},"10":1,"9":2}') as Raw;
    expect(isStringifyCanonical(raw)).toBe(false);
    expect(fastHashOfEnvelope(raw)).toBe(hashOfEnvelope(raw));
    expect(canonicalJson(raw)).toBe('{"10":1,"9":2,"a":{"c":"\\u0007","d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('fastDecodeEvent', () => {
  const same = (raw: unknown): void => {
    const fast = fastDecodeEvent(raw);
    const slow = decodeEvent(raw);
    if (fast !== null) {
      expect(slow._tag).toBe('Right');
      if (slow._tag === 'Right') expect(fast).toEqual(slow.right);
    }
  };

  it('decodes every valid example line exactly like decodeEvent', () => {
    for (const l of sampleLines) {
      const raw = JSON.parse(l) as Raw;
      const slow = decodeEvent(raw);
      expect(slow._tag).toBe('Right');
      expect(fastDecodeEvent(raw)).toEqual(slow._tag === 'Right' ? slow.right : null);
    }
  });

  it('decodes generated histories exactly like decodeEvent', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        for (const l of logText(h.ledger.events()).trimEnd().split('\n').filter(Boolean)) {
          const raw = JSON.parse(l) as Raw;
          expect(fastDecodeEvent(raw)).not.toBeNull();
          same(raw);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never accepts what decodeEvent refuses (random changes anywhere in a line)', () => {
    const raws = sampleLines.map((l) => JSON.parse(l) as Raw);
    const junk = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom('', '0.00', '-0.00', '1.005', '+1.00', 'NaN', '2025-02-30', '2025-02-28T24:00:00.000Z'),
      fc.constantFrom('2024-02-29', '2023-02-29', '2024-04-31T10:00:00.000Z', 'A'.repeat(64), 'a'.repeat(63)),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), junk, (pick, path, value) => {
        const raw = JSON.parse(JSON.stringify(raws[pick % raws.length])) as Raw;
        // walk a random path into the object and replace what is there
        let o: Raw = raw;
        for (let i = 0; i < path.length; i++) {
          const keys = Object.keys(o);
          if (keys.length === 0) break;
          const k = keys[(path[i] as number) % keys.length] as string;
          const v = o[k];
          if (i === path.length - 1 || typeof v !== 'object' || v === null) {
            o[k] = value;
            break;
          }
          o = v as Raw;
        }
        same(raw);
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves forbidden keys and deep nesting to decodeEvent', () => {
    const raw = JSON.parse(sampleLines[0] as string) as Raw;
    expect(fastDecodeEvent(JSON.parse(`{"__proto__":1,${JSON.stringify(raw).slice(1)}`))).toBeNull();
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(fastDecodeEvent({ ...raw, deep })).toBeNull();
    expect(decodeEvent({ ...raw, deep })._tag).toBe('Left');
  });
});

describe('quick format tests imply the codecs accept', () => {
  const near = (template: string) =>
    fc
      .array(fc.tuple(fc.nat(template.length - 1), fc.constantFrom(...'0123456789-:.TZaf9x ')), {
        maxLength: 3,
      })
      .map((edits) => {
        const cs = [...template];
        for (const [i, c] of edits) cs[i] = c;
        return cs.join('');
      });

  it('dates', () => {
    fc.assert(
      fc.property(fc.oneof(near('2024-02-29'), near('2023-12-31'), fc.string()), (s) => {
        expect(quickDate(s)).toBe(DateC.decode(s)._tag === 'Right');
      }),
      { numRuns: 3000 },
    );
  });

  it('timestamps', () => {
    fc.assert(
      fc.property(
        fc.oneof(near('2024-02-29T23:59:59.999Z'), near('2023-01-31T00:00:00.000Z'), fc.string()),
        (s) => {
          expect(quickTimestamp(s)).toBe(TimestampC.decode(s)._tag === 'Right');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('hashes', () => {
    fc.assert(
      fc.property(fc.oneof(near('0123456789abcdef'.repeat(4)), fc.string()), (s) => {
        expect(quickHex64(s)).toBe(Hex64C.decode(s)._tag === 'Right');
      }),
      { numRuns: 3000 },
    );
  });
});
