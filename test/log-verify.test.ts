import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  decodeEvent,
  hashOfEnvelope,
  logText,
  manifestOf,
  verifyLogText,
  type LedgerEvent,
  type Manifest,
  type VerifyResult,
} from 'ipb-ledger';
import { karlLedger } from '../examples/karl.js';
import { historyArb } from './arbitraries.js';

type Raw = Record<string, unknown>;

const lines = (text: string): string[] => text.trimEnd().split('\n');
const join = (ls: readonly string[]): string => `${ls.join('\n')}\n`;
const reseal = (raw: Raw): Raw => ({ ...raw, hash: hashOfEnvelope(raw) });
const parse = (line: string): Raw => JSON.parse(line) as Raw;

function karl(): { text: string; manifest: Manifest; events: readonly LedgerEvent[] } {
  const events = karlLedger().events();
  return { text: logText(events), manifest: manifestOf(events), events };
}

function firstError(r: VerifyResult): { line: number | null; reason: string } {
  expect(r.ok).toBe(false);
  expect(r.firstError).not.toBeNull();
  return { line: r.firstError?.line ?? null, reason: r.firstError?.reason ?? '' };
}

describe('verifying a log', () => {
  it('accepts an intact log and its manifest', () => {
    const { text, manifest } = karl();
    const r = verifyLogText(text, manifest);
    expect(r).toMatchObject({ ok: true, events: 20, budgets: 1, firstError: null });
    expect(r.manifest?.ok).toBe(true);
  });

  it('accepts a log without its final newline (the contract makes it optional)', () => {
    const { text } = karl();
    expect(verifyLogText(text.trimEnd()).ok).toBe(true);
  });

  it('names an edited line whose hash no longer recomputes', () => {
    const ls = lines(karl().text);
    const i = ls.findIndex((l) => l.includes('"payee":"Personal assistant (April)"'));
    ls[i] = (ls[i] as string).replace('"payee":"Personal assistant (April)"', '"payee":"Someone else"');
    const r = verifyLogText(join(ls));
    expect(r.firstError).toMatchObject({ line: i + 1, budgetId: 'notts-karl-2018', seq: i + 1 });
    expect(r.firstError?.reason).toMatch(/hash .* does not match the line's contents/);
  });

  it('names the next event when an edited event was re-sealed', () => {
    const ls = lines(karl().text);
    const raw = parse(ls[4] as string);
    (raw['data'] as Raw)['planVersion'] = 1;
    (raw['actor'] as Raw)['id'] = 'coord-other';
    ls[4] = JSON.stringify(reseal(raw));
    const r = verifyLogText(join(ls));
    expect(r.firstError).toMatchObject({ line: 6, seq: 6 });
    expect(r.firstError?.reason).toMatch(/prevHash .* does not match the hash .* of seq 5 \(line 5\)/);
  });

  it('names the event after a deleted one, by its seq', () => {
    const ls = lines(karl().text);
    ls.splice(6, 1);
    const r = verifyLogText(join(ls));
    expect(r.firstError).toMatchObject({ line: 7, seq: 8 });
    expect(r.firstError?.reason).toMatch(/seq 8 skips seq 7: expected seq 7 after line 6/);
  });

  it('names a duplicated event', () => {
    const ls = lines(karl().text);
    ls.splice(3, 0, ls[2] as string);
    expect(firstError(verifyLogText(join(ls)))).toEqual({
      line: 4,
      reason: 'seq 3 repeats line 3: the event was duplicated or a second event was inserted',
    });
  });

  it('names events swapped within a budget', () => {
    const ls = lines(karl().text);
    [ls[10], ls[11]] = [ls[11] as string, ls[10] as string];
    const r = verifyLogText(join(ls));
    expect(r.firstError).toMatchObject({ line: 11, seq: 12 });
  });

  it('names a budget whose first event in the log is not seq 1', () => {
    const ls = lines(karl().text).slice(3);
    expect(firstError(verifyLogText(join(ls))).reason).toMatch(/seq 4 is the first event of budget/);
  });

  it('refuses a first event whose prevHash is not 64 zeros', () => {
    const ls = lines(karl().text);
    ls[0] = JSON.stringify(reseal({ ...parse(ls[0] as string), prevHash: 'a'.repeat(64) }));
    expect(firstError(verifyLogText(join(ls)))).toEqual({
      line: 1,
      reason: 'prevHash of seq 1 must be 64 zeros',
    });
  });

  it('refuses recordedAt going back within a budget, even when the chain is re-sealed', () => {
    const ls = lines(karl().text);
    const raw = parse(ls[1] as string);
    raw['recordedAt'] = '2018-04-01T00:00:00.000Z';
    ls[1] = JSON.stringify(reseal(raw));
    // re-seal the rest of the chain so only the time is wrong
    let prev = (parse(ls[1] as string)['hash'] as string) ?? GENESIS_HASH;
    for (let i = 2; i < ls.length; i++) {
      const r = reseal({ ...parse(ls[i] as string), prevHash: prev });
      prev = r['hash'] as string;
      ls[i] = JSON.stringify(r);
    }
    expect(firstError(verifyLogText(join(ls)))).toMatchObject({ line: 2 });
    expect(verifyLogText(join(ls)).firstError?.reason).toMatch(
      /recordedAt 2018-04-01T00:00:00.000Z goes back/,
    );
  });

  it('names a split that does not add up, even on a correctly sealed line', () => {
    const ls = lines(karl().text);
    const i = ls.findIndex((l) => l.includes('"sp-0001"'));
    const raw = parse(ls[i] as string);
    (raw['data'] as Raw)['split'] = { health: '750.01', 'social-care': '750.01' };
    ls[i] = JSON.stringify(reseal(raw));
    expect(firstError(verifyLogText(join(ls)))).toEqual({
      line: i + 1,
      reason: 'data.split: parts add up to "1500.02", not the amount "1500.01"',
    });
  });

  it('verifies unknown fields as written: they are covered by the hash and survive', () => {
    const ls = lines(karl().text);
    const raw = parse(ls[0] as string);
    ls[0] = JSON.stringify(reseal({ ...raw, zNote: { kept: true } }));
    // the chain after it now breaks (its hash changed), so re-link line 2 and onwards
    let prev = parse(ls[0] as string)['hash'] as string;
    for (let i = 1; i < ls.length; i++) {
      const r = reseal({ ...parse(ls[i] as string), prevHash: prev });
      prev = r['hash'] as string;
      ls[i] = JSON.stringify(r);
    }
    expect(verifyLogText(join(ls)).ok).toBe(true);
    // and removing the unknown field is tampering
    ls[0] = JSON.stringify({ ...parse(ls[0] as string), zNote: undefined });
    expect(verifyLogText(join(ls)).firstError?.line).toBe(1);
  });
});

describe('the manifest', () => {
  it('finds a file cut at a line end', () => {
    const { text, manifest } = karl();
    const r = verifyLogText(join(lines(text).slice(0, 15)), manifest);
    expect(r.firstError).toMatchObject({ line: 16, budgetId: null, seq: null });
    expect(r.firstError?.reason).toMatch(
      /^the log ends after 15 lines but its manifest lists 20 events: the file was cut or events were removed \(budget notts-karl-2018 ends at seq 15 \(line 15\) but the manifest lists seq 20\)$/,
    );
  });

  it('finds a re-sealed last event', () => {
    const { text, manifest } = karl();
    const ls = lines(text);
    const raw = parse(ls[19] as string);
    (raw['data'] as Raw)['outcome'] = 'plan-change';
    ls[19] = JSON.stringify(reseal(raw));
    const r = verifyLogText(join(ls), manifest);
    expect(r.firstError).toMatchObject({ line: 20, budgetId: 'notts-karl-2018', seq: 20 });
    expect(r.firstError?.reason).toMatch(/the budget's events were changed and re-sealed/);
  });

  it('finds a dropped budget and names it', () => {
    const a = karlLedger().events();
    const other = a.map((e) => ({ ...e, budgetId: 'other-budget' }) as LedgerEvent);
    // re-seal the copy as its own chain
    const ls: string[] = [];
    let prev = GENESIS_HASH;
    for (const l of lines(logText(other))) {
      const r = reseal({ ...parse(l), prevHash: prev });
      prev = r['hash'] as string;
      ls.push(JSON.stringify(r));
    }
    const both = join([...lines(logText(a)), ...ls]);
    const m: Manifest = {
      ...manifestOf(a),
      events: 40,
      budgets: { ...manifestOf(a).budgets, 'other-budget': { seq: 20, hash: prev } },
    };
    const r = verifyLogText(join(lines(logText(a))), m);
    expect(r.firstError?.line).toBe(21);
    expect(r.firstError?.reason).toContain('budget other-budget (20 events) is missing');
    // with the budget present but the file's bytes changed (lines reordered across budgets)
    expect(verifyLogText(both, { ...m, sha256: '0'.repeat(64) }).firstError).toMatchObject({
      line: null,
      reason: expect.stringMatching(/the file's SHA-256 .* does not match the manifest's/) as unknown,
    });
  });

  it('finds lines added after export', () => {
    const { text, manifest } = karl();
    const small: Manifest = { ...manifest, events: 19, budgets: {} };
    const r = verifyLogText(text, small);
    expect(r.firstError).toMatchObject({ line: 1, budgetId: 'notts-karl-2018' });
    expect(r.firstError?.reason).toMatch(/is not in the manifest/);
  });
});

// ---------------------------------------------------------------------------------------
// Property: any single tampering is detected and the first bad line is named.

type Tamper =
  | { kind: 'edit'; line: number; leaf: number }
  | { kind: 'reseal'; line: number; leaf: number }
  | { kind: 'delete'; line: number }
  | { kind: 'duplicate'; line: number; after: number }
  | { kind: 'reorder'; a: number; b: number }
  | { kind: 'forge'; at: number; template: number }
  | { kind: 'cut'; at: number };

/** Every leaf path of a JSON value. */
function leaves(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]));
  return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
}

function editAt(raw: Raw, path: (string | number)[]): Raw {
  const copy = JSON.parse(JSON.stringify(raw)) as Raw;
  let o = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const k = path[path.length - 1] as string | number;
  const v = o[k];
  o[k] = typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : 'x';
  return copy;
}

interface Case {
  text: string;
  /** The line the verifier must name (null: a whole-file problem). */
  expected: number | null;
}

/** Applies a tampering and says which line the contract says must be named. */
function tamper(events: readonly LedgerEvent[], t: Tamper): Case {
  const ls = lines(logText(events));
  const n = ls.length;
  const budgetOf = (i: number) => events[i]?.budgetId;
  const nextOfBudget = (i: number) => ls.findIndex((_, j) => j > i && budgetOf(j) === budgetOf(i));
  switch (t.kind) {
    case 'edit': {
      const i = t.line % n;
      const raw = parse(ls[i] as string);
      const ps = leaves(raw);
      ls[i] = JSON.stringify(editAt(raw, ps[t.leaf % ps.length] as (string | number)[]));
      return { text: join(ls), expected: i + 1 };
    }
    case 'reseal': {
      // a forger edits a value in `data` and re-computes the line's hash
      const i = t.line % n;
      const raw = parse(ls[i] as string);
      const ps = leaves(raw['data']).map((p) => ['data', ...p]);
      const edited = reseal(editAt(raw, ps[t.leaf % ps.length] as (string | number)[]));
      ls[i] = JSON.stringify(edited);
      if (decodeEvent(edited)._tag === 'Left') return { text: join(ls), expected: i + 1 };
      const next = nextOfBudget(i);
      // the next event of the budget no longer links; with none, the manifest's last hash differs
      return { text: join(ls), expected: next === -1 ? i + 1 : next + 1 };
    }
    case 'delete': {
      const i = t.line % n;
      const next = nextOfBudget(i);
      ls.splice(i, 1);
      // the next event of the budget shows a gap; without one, the manifest shows the missing line
      return { text: join(ls), expected: next === -1 ? n : next };
    }
    case 'duplicate': {
      const i = t.line % n;
      const p = i + 1 + (t.after % (n - i)); // insert the copy at index p (after the original)
      ls.splice(p, 0, ls[i] as string);
      return { text: join(ls), expected: p + 1 };
    }
    case 'reorder': {
      // two events of one budget: the one with more events
      const counts = new Map<string, number[]>();
      events.forEach((e, j) => counts.set(e.budgetId, [...(counts.get(e.budgetId) ?? []), j]));
      const idx = [...counts.values()].sort((x, y) => y.length - x.length)[0] ?? [];
      if (idx.length < 2) return tamper(events, { kind: 'edit', line: t.a, leaf: t.b });
      const a = t.a % idx.length;
      const b = (a + 1 + (t.b % (idx.length - 1))) % idx.length;
      const i = Math.min(idx[a] as number, idx[b] as number);
      const j = Math.max(idx[a] as number, idx[b] as number);
      [ls[i], ls[j]] = [ls[j] as string, ls[i] as string];
      return { text: join(ls), expected: i + 1 };
    }
    case 'forge': {
      // a well-made forgery: the next seq of a budget, linked to its chain, correctly hashed
      const p = t.at % (n + 1); // insert before index p
      const tpl = parse(ls[t.template % n] as string);
      const id = tpl['budgetId'] as string;
      let seq = 0;
      let prev = GENESIS_HASH;
      let recordedAt = tpl['recordedAt'] as string;
      for (let j = 0; j < p; j++) {
        const e = events[j] as LedgerEvent;
        if (e.budgetId === id) {
          seq = e.seq;
          prev = e.hash;
          recordedAt = e.recordedAt;
        }
      }
      const forged = reseal({
        ...tpl,
        seq: seq + 1,
        prevHash: prev,
        recordedAt,
        eventId: '00000000-0000-4000-8000-000000000000',
      });
      ls.splice(p, 0, JSON.stringify(forged));
      const later = events.findIndex((e, j) => j >= p && e.budgetId === id);
      // the next real event of that budget repeats the seq; with none, the budget's last hash
      // no longer matches the manifest (named at the forged line)
      return { text: join(ls), expected: later === -1 ? p + 1 : later + 2 };
    }
    case 'cut': {
      const text = join(ls);
      const at = t.at % text.length; // keep text[0, at)
      const kept = text.slice(0, at);
      const whole = kept.endsWith('\n') || at === 0 ? kept.split('\n').length - 1 : null;
      const partialLine = kept.split('\n').length; // 1-based line of the partial line
      if (at === 0) return { text: kept, expected: null };
      const complete = text[at] === '\n'; // cut just before a newline: the last line is whole
      if (whole !== null) return { text: kept, expected: whole + 1 };
      if (complete) return { text: kept, expected: partialLine + 1 };
      return { text: kept, expected: partialLine };
    }
  }
}

const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), line: fc.nat(), leaf: fc.nat() }),
  fc.record({ kind: fc.constant('reseal' as const), line: fc.nat(), leaf: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat(), after: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('forge' as const), at: fc.nat(), template: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

describe('tamper evidence (property)', () => {
  it('finds any single edit (re-sealed or not), deletion, duplication, reordering, forgery or cut, and names the first bad line', () => {
    fc.assert(
      fc.property(
        historyArb.filter((h) => h.ledger.events().length >= 2),
        tamperArb,
        (h, t) => {
          const events = h.ledger.events();
          const manifest = manifestOf(events);
          expect(verifyLogText(logText(events), manifest).ok).toBe(true);
          const c = tamper(events, t);
          if (c.text.length === 0) return; // an empty file: the CLI refuses it before verifying
          const r = verifyLogText(c.text, manifest);
          expect(r.ok).toBe(false);
          expect(r.firstError?.line ?? null).toBe(c.expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
