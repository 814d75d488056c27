/**
 * The chain checkers keep each budget's head in flat typed arrays (no object or string per line):
 * they must name exactly the breaks the plain comparison ({@link linkProblem}) names, for values
 * of the usual form (64 hex digits, 24-character times) and of any other form (kept aside).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../src/events/envelope.js';
import {
  ChainChecker,
  RangeChainBuilder,
  joinChains,
  linkProblem,
  startProblem,
  type ChainEnd,
} from '../src/log/chain.js';

const hex = (n: number): string => n.toString(16).padStart(64, '0');
const time = (n: number): string => new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString();

/** A line of budget `b` as a chain checker sees it. */
function line(b: string, seq: number, prevHash: string, hash: string, recordedAt: string) {
  return { budgetId: b, seq, prevHash, hash, recordedAt };
}

/** What a plain reader with objects would say for each line: the reference. */
function plainProblems(lines: ReturnType<typeof line>[]): Array<string | null> {
  const heads = new Map<string, ChainEnd>();
  return lines.map((l, i) => {
    const end: ChainEnd = { ...l, line: i + 1 };
    const head = heads.get(l.budgetId);
    const reason =
      head === undefined ? startProblem(l.budgetId, end) : linkProblem(l.budgetId, head, head.line, end);
    if (reason === null) heads.set(l.budgetId, end);
    return reason;
  });
}

/** Lines of two budgets, each value possibly disturbed (seq, prevHash, time), in usual or odd form. */
const linesArb = fc
  .array(
    fc.record({
      budget: fc.constantFrom('b-1', 'b-2'),
      seqSkew: fc.constantFrom(0, 0, 0, 0, 1, -1),
      badPrev: fc.constantFrom(false, false, false, true),
      timeBack: fc.constantFrom(0, 0, 0, 1),
      odd: fc.constantFrom(false, false, false, true),
    }),
    { maxLength: 30 },
  )
  .map((spec) => {
    const state = new Map<string, { seq: number; hash: string; t: number }>();
    let k = 0;
    return spec.map((s) => {
      const st = state.get(s.budget) ?? { seq: 0, hash: GENESIS_HASH, t: 0 };
      k += 1;
      const hash = s.odd ? `odd-${k}` : hex(k);
      const seq = st.seq + 1 + s.seqSkew;
      const prevHash = s.badPrev ? hex(999_999) : st.hash;
      const t = st.t + (s.timeBack > 0 ? -5 : 3);
      state.set(s.budget, { seq, hash, t: Math.max(t, st.t) });
      return line(s.budget, seq, prevHash, hash, s.odd && k % 2 === 0 ? `t${t}` : time(t + 100));
    });
  });

describe('chain heads in typed arrays', () => {
  it('ChainChecker names the same first break as the plain comparison, usual and odd values alike', () => {
    fc.assert(
      fc.property(linesArb, (lines) => {
        const expected = plainProblems(lines);
        const firstBad = expected.findIndex((r) => r !== null);
        const checker = new ChainChecker(false);
        for (const [i, l] of lines.entries()) {
          const got = checker.check(i + 1, l);
          if (i === firstBad) {
            expect(got?.reason).toBe(expected[i]);
            return;
          }
          expect(got).toBeNull();
        }
        expect(firstBad).toBe(-1);
        const heads = checker.budgets();
        for (const b of new Set(lines.map((l) => l.budgetId))) {
          const last = [...lines.entries()].filter(([, l]) => l.budgetId === b).pop();
          expect(heads.get(b)?.hash).toBe(last?.[1].hash);
          expect(heads.get(b)?.line).toBe((last?.[0] ?? 0) + 1);
          expect(heads.get(b)?.recordedAt).toBe(last?.[1].recordedAt);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ranges joined name the same breaks (file lines) as one reader, wherever the file is cut', () => {
    fc.assert(
      fc.property(linesArb, fc.nat(), (lines, cutAt) => {
        const cut = cutAt % (lines.length + 1);
        const parts = [lines.slice(0, cut), lines.slice(cut)];
        const chains = parts.map((part) => {
          const b = new RangeChainBuilder();
          for (const [i, l] of part.entries()) b.add(l.budgetId, { ...l, line: i + 1 });
          return b.result();
        });
        const joined = joinChains(chains.map((chain, i) => ({ chain, lineOffset: i === 0 ? 0 : cut })));
        // One reader that keeps going after a break (as the range builder does: the next line links to the last one seen)
        const heads = new Map<string, ChainEnd>();
        const expected: Array<[number, string]> = [];
        for (const [i, l] of lines.entries()) {
          const end: ChainEnd = { ...l, line: i + 1 };
          const head = heads.get(l.budgetId);
          const reason =
            head === undefined
              ? startProblem(l.budgetId, end)
              : linkProblem(l.budgetId, head, head.line, end);
          if (reason !== null) expected.push([i + 1, reason]);
          heads.set(l.budgetId, end);
        }
        // every break, inside a range, at a budget's start or across the cut, named once with its file line
        expect(joined.breaks.map((b) => [b.line, b.reason])).toEqual(expected);
        for (const [id, h] of joined.heads) expect(h.hash).toBe(heads.get(id)?.hash);
      }),
      { numRuns: 300 },
    );
  });
});
