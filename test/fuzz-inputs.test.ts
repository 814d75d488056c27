/**
 * Fuzzing the library's input decoders: envelopes and event payloads, commands, money, dates
 * and times. Properties: never throws, never does unbounded work (sizes are capped with a clear
 * error), always names the field, and refuses the nasty cases: `__proto__` / `constructor` /
 * `prototype` keys at every depth, deep nesting, huge numbers and strings, lone surrogates, NUL
 * bytes, BOMs, CR/LF, amounts like `1e3`, `-0.00`, `0.001`, leap seconds and non-Z time zones.
 * A refused command appends nothing.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CommandHandler,
  Ledger,
  MAX_COMMAND_DEPTH,
  MAX_DEPTH,
  MemoryEventStore,
  Money,
  MoneyFormatError,
  MONEY_PATTERN,
  dateProblem,
  decodeCommand,
  decodeEvent,
  moneyProblem,
  timestampProblem,
  type Command,
  type LedgerError,
} from 'ipb-ledger';
import { commandJsonByType } from './sim/samples.js';

/** Runs per property (FC_RUNS overrides). */
const RUNS = Number(process.env['FC_RUNS'] ?? 500);
/** Longest message any decoding problem may have, whatever the input's size. */
const MAX_MESSAGE = 600;

const lines = readFileSync('test/fixtures/v1/mixed.jsonl', 'utf8').trim().split('\n');
const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const commands = [...commandJsonByType().values()];

const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 === 0 ? { x: v } : [v];
  return v;
};

/** Values that break things. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '1e3',
    '-0.00',
    '0.001',
    '1.0',
    '01.00',
    '+1.00',
    ' 1.00',
    '1.00\n',
    '１.００',
    '0x10.00',
    'NaN',
    'Infinity',
    '9'.repeat(400) + '.00',
    12.5,
    1e308,
    -0,
    2 ** 53 + 2,
    -1,
    0,
    Number.MAX_SAFE_INTEGER,
    '2016-12-31T23:59:60.000Z',
    '2025-04-01T10:00:00.000+01:00',
    '2025-04-01T10:00:00Z',
    '2025-04-01t10:00:00.000z',
    '2025-02-29',
    '2025-04-01T24:00:00.000Z',
    '\ud800',
    'a\udc00b',
    '\u0000',
    'a\u0000b',
    '\uFEFF',
    '\r\n',
    '\r',
    '',
    ' ',
    'x'.repeat(1_000_000),
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    null,
    true,
    [],
    {},
    [[[[]]]],
    deep(200),
    { __proto__: null },
  ),
  fc.string({ maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path to a value in a JSON value (objects and lists), as key lists. */
function pathsOf(
  v: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return out;
  const entries: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v);
  for (const [k, x] of entries) {
    out.push([...prefix, k]);
    pathsOf(x, [...prefix, k], out);
  }
  return out;
}

/** Every plain object (as a key list) in a JSON value, the root included. */
function objectsOf(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (typeof v !== 'object' || v === null) return out;
  if (!Array.isArray(v)) out.push(prefix);
  const entries: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v);
  for (const [k, x] of entries) out.push(...objectsOf(x, [...prefix, k]));
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  Object.defineProperty(at, path[path.length - 1] as string | number, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function getAt(root: unknown, path: readonly (string | number)[]): unknown {
  let at = root as Record<string | number, unknown>;
  for (const k of path) at = at[k] as Record<string | number, unknown>;
  return at;
}

/** `a.b[2].c` as the decoders write paths. */
function dotted(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? k : `${s}.${k}`),
    '',
  );
}

/** The field an invalid-command error names ('' for other errors). */
const fieldOf = (e: LedgerError): string => (e.code === 'invalid-command' ? e.field : '');
const problemOf = (e: LedgerError): string => (e.code === 'invalid-command' ? e.problem : e.message);

/** True when one of two dotted paths contains the other (the error is about the changed field). */
const related = (a: string, b: string) => a === '' || b === '' || a.startsWith(b) || b.startsWith(a);

/** Inserts a key into the object at `path` through JSON text, so even `__proto__` becomes an own key. */
function withKeyAt(root: unknown, path: readonly (string | number)[], key: string): unknown {
  const marker = 'INSERTED-KEY-MARKER';
  const copy = setAt(root, [...path, marker], 1);
  return JSON.parse(
    JSON.stringify(copy).replace(`"${marker}":1`, `${JSON.stringify(key)}:{"polluted":true}`),
  );
}

describe('event decoder (decodeEvent)', () => {
  it('never throws on any JSON value, and every refusal names a path and stays short', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 6 }), nasty), (u) => {
        const d = decodeEvent(u);
        if (d._tag === 'Left') {
          expect(d.left.issues.length).toBeGreaterThan(0);
          expect(d.left.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a real event with one field set to a nasty value: no throw, and the error names that field', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), nasty, (i, j, value) => {
        const e = events[i % events.length];
        const paths = pathsOf(e);
        const path = paths[j % paths.length] as (string | number)[];
        const mutated = setAt(e, path, value);
        const d = decodeEvent(mutated);
        if (d._tag === 'Left') {
          expect(d.left.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
          const first = d.left.issues[0]?.path ?? '';
          expect(related(first, dotted(path)), `${first} vs ${dotted(path)}: ${d.left.message}`).toBe(true);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('refuses __proto__, constructor and prototype keys at every depth of every event, naming the path', () => {
    let checked = 0;
    for (const e of events.slice(0, 12)) {
      for (const at of objectsOf(e)) {
        for (const key of ['__proto__', 'constructor', 'prototype']) {
          const d = decodeEvent(withKeyAt(e, at, key));
          expect(d._tag, `${key} at ${dotted(at)}`).toBe('Left');
          if (d._tag === 'Left') {
            expect(d.left.message).toContain('forbidden key');
            expect(d.left.issues[0]?.path).toBe(at.length === 0 ? key : `${dotted(at)}.${key}`);
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('refuses deep nesting (up to 100,000 levels) without running out of stack', () => {
    for (const n of [MAX_DEPTH + 2, 1000, 100_000]) {
      const text = JSON.stringify(events[0]).replace(
        '"data":{',
        `"data":{"deep":${'['.repeat(n)}${']'.repeat(n)},`,
      );
      const d = decodeEvent(JSON.parse(text));
      expect(d._tag).toBe('Left');
      if (d._tag === 'Left') expect(d.left.message).toMatch(/nested more than \d+ levels deep/);
    }
  });

  it('keeps errors short for huge strings and numbers in any field', () => {
    const huge = 'Z'.repeat(2_000_000);
    for (const field of [
      'schema',
      'eventId',
      'budgetId',
      'type',
      'occurredAt',
      'prevHash',
      'hash',
      'commandId',
    ]) {
      const d = decodeEvent({ ...events[0], [field]: huge });
      expect(d._tag, field).toBe('Left');
      if (d._tag === 'Left') {
        expect(d.left.message.length, field).toBeLessThanOrEqual(MAX_MESSAGE);
        expect(d.left.issues[0]?.path).toBe(field);
      }
    }
    const d = decodeEvent(
      JSON.parse(JSON.stringify(events[0]).replace('"seq":1', `"seq":1${'0'.repeat(400)}`)),
    );
    expect(d._tag === 'Left' && d.left.issues[0]?.path).toBe('seq');
  });

  it('refuses NUL bytes and other control characters where identifiers are expected', () => {
    for (const v of ['b\u00001', 'b 1', 'b\n1', 'b\r1', '\uFEFFb1']) {
      const d = decodeEvent({ ...events[0], budgetId: v });
      expect(d._tag === 'Left' && d.left.issues[0]?.path).toBe('budgetId');
    }
  });
});

describe('money parsing', () => {
  it('moneyProblem never throws; Money.of throws MoneyFormatError exactly when it names a problem', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.string(), fc.stringMatching(/^-?[0-9]{1,30}(\.[0-9]{0,4})?$/), nasty),
        (u) => {
          const p = moneyProblem(u);
          if (p !== null) {
            expect(p.length).toBeLessThanOrEqual(200);
            expect(Money.tryParse(u)).toBeNull();
            if (typeof u === 'string') expect(() => Money.of(u)).toThrow(MoneyFormatError);
          } else {
            expect(typeof u).toBe('string');
            expect(MONEY_PATTERN.test(u as string)).toBe(true);
            expect(Money.of(u as string).toString()).toBe(u);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('refuses the amounts people and spreadsheets write by mistake', () => {
    for (const s of [
      '1e3',
      '-0.00',
      '0.001',
      '1.0',
      '1',
      '01.00',
      '+1.00',
      ' 1.00',
      '1.00 ',
      '1,000.00',
      '£1.00',
      '１.００',
      '0x10',
      'NaN',
      'Infinity',
      '-',
      '.50',
      '1.',
      '9'.repeat(23) + '.00',
    ]) {
      expect(moneyProblem(s), s).not.toBeNull();
    }
    for (const u of [1000, 12.5, -0, null, undefined, true, [], {}, 10n])
      expect(moneyProblem(u)).not.toBeNull();
    expect(moneyProblem('-0.00')).toContain('negative zero');
    expect(moneyProblem('9'.repeat(100) + '.00')).toContain('too long');
  });

  it('round-trips every amount of pence exactly, and never writes "-0.00"', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 21n), 10n ** 21n), (p) => {
        const m = Money.fromPence(p);
        const s = m.toString();
        expect(s).toMatch(MONEY_PATTERN);
        expect(s).not.toBe('-0.00');
        expect(Money.of(s).toPence()).toBe(p);
        expect(m.negate().toString()).not.toBe('-0.00');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('dates and times', () => {
  it('refuses leap seconds, other time zones, impossible dates and loose formats', () => {
    for (const s of [
      '2016-12-31T23:59:60.000Z',
      '2025-04-01T10:00:00.000+01:00',
      '2025-04-01T10:00:00.000+00:00',
      '2025-04-01T10:00:00Z',
      '2025-04-01T10:00:00.0Z',
      '2025-04-01t10:00:00.000z',
      '2025-04-01 10:00:00.000Z',
      '2025-04-01T24:00:00.000Z',
      '2025-04-01T10:60:00.000Z',
      '2025-02-29T10:00:00.000Z',
      '2025-13-01T10:00:00.000Z',
      '２０２５-04-01T10:00:00.000Z',
      '\uFEFF2025-04-01T10:00:00.000Z',
      '2025-04-01T10:00:00.000Z\n',
    ]) {
      expect(timestampProblem(s), s).not.toBeNull();
    }
    for (const s of ['2025-02-29', '1900-02-29', '2025-04-31', '2025-4-1', '2025-04-01T00:00:00.000Z', '']) {
      expect(dateProblem(s), s).not.toBeNull();
    }
    expect(dateProblem('2024-02-29')).toBeNull();
    expect(dateProblem('2000-02-29')).toBeNull();
    expect(timestampProblem('2024-02-29T23:59:59.999Z')).toBeNull();
  });

  it('accepts exactly the real UTC instants (differential check against Date)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(1900, 0, 1)),
          max: new Date(Date.UTC(2999, 11, 31)),
          noInvalidDate: true,
        }),
        (d) => {
          const s = d.toISOString();
          expect(timestampProblem(s)).toBeNull();
          expect(dateProblem(s.slice(0, 10))).toBeNull();
        },
      ),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const real = new Date(`${s}T00:00:00.000Z`).toISOString().slice(0, 10) === s;
          expect(dateProblem(s) === null).toBe(real);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('command decoder and handler', () => {
  it('never throws on any input; refusals are invalid-command naming the field', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), nasty), (u) => {
        const d = decodeCommand(u);
        if (d._tag === 'Left') {
          expect(d.left.code).toBe('invalid-command');
          expect(d.left.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a real command with one field set to a nasty value: refused naming that field, and nothing is appended', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), nasty, async (i, j, value) => {
        const c = commands[i % commands.length] as Record<string, unknown>;
        const paths = pathsOf(c);
        const path = paths[j % paths.length] as (string | number)[];
        const mutated = setAt(c, path, value);
        const d = decodeCommand(mutated);
        const store = new MemoryEventStore();
        const r = await new CommandHandler(store).handle(mutated as Command);
        const ledger = new Ledger();
        const l = ledger.record(mutated as Command);
        if (d._tag === 'Left') {
          expect(related(fieldOf(d.left), dotted(path)), `${fieldOf(d.left)} vs ${dotted(path)}`).toBe(true);
          expect(r._tag === 'Left' && r.left.code).toBe('invalid-command');
          expect(l._tag === 'Left' && l.left.code).toBe('invalid-command');
          expect((await store.readAll()).events).toHaveLength(0);
          expect(ledger.events()).toHaveLength(0);
        } else {
          // accepted as a command: whatever the rules say, the handler and the ledger never throw,
          // and what they append is a valid log line
          if (r._tag === 'Right')
            expect(decodeEvent(JSON.parse((await store.readAll()).events[0]?.line ?? 'null'))._tag).toBe(
              'Right',
            );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses __proto__, constructor and prototype keys at every depth of every command type', () => {
    let checked = 0;
    for (const c of commands) {
      for (const at of objectsOf(c)) {
        for (const key of ['__proto__', 'constructor', 'prototype']) {
          const d = decodeCommand(withKeyAt(c, at, key));
          expect(d._tag === 'Left' && d.left.code, `${String(c['type'])} ${key} at ${dotted(at)}`).toBe(
            'invalid-command',
          );
          if (d._tag === 'Left') {
            expect(problemOf(d.left)).toContain('forbidden key');
            expect(fieldOf(d.left)).toBe(at.length === 0 ? key : `${dotted(at)}.${key}`);
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('refuses fields the command does not know (they would be copied into the log unchecked), at every depth', () => {
    for (const c of commands) {
      for (const at of objectsOf(c).filter((p) => p[0] === 'data')) {
        const d = decodeCommand(setAt(c, [...at, 'notes'], 'free text nobody checks'));
        const where = `${String(c['type'])} at ${dotted(at)}`;
        expect(d._tag, where).toBe('Left');
        if (d._tag === 'Left') {
          // the unknown field itself, or the object holding it with the key in the problem
          const named =
            fieldOf(d.left) === `${dotted(at)}.notes` ||
            (fieldOf(d.left) === dotted(at) && problemOf(d.left).includes('notes'));
          expect(named, `${where}: ${d.left.message}`).toBe(true);
        }
      }
    }
  });

  it('refuses lone surrogates anywhere in a command, instead of failing when the event is hashed', async () => {
    for (const c of commands) {
      for (const path of pathsOf(c).filter((p) => typeof getAt(c, p) === 'string')) {
        const mutated = setAt(c, path, `${String(getAt(c, path))}\ud800`);
        const ledger = new Ledger();
        const r = ledger.record(mutated as Command);
        expect(r._tag === 'Left' && r.left.code, `${String(c['type'])} ${dotted(path)}`).toBe(
          'invalid-command',
        );
        const h = await new CommandHandler(new MemoryEventStore()).handle(mutated as Command);
        expect(h._tag === 'Left' && h.left.code).toBe('invalid-command');
      }
    }
  });

  it('refuses commands nested deeper than the limit without running out of stack', () => {
    const c = commands[0] as Record<string, unknown>;
    for (const n of [MAX_COMMAND_DEPTH + 1, 100_000]) {
      const d = decodeCommand(setAt(c, ['data', 'site'], JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`)));
      expect(d._tag === 'Left' && problemOf(d.left)).toMatch(/nested more than/);
    }
  });
});
