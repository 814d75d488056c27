import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Money,
  decide,
  decodeBudgetState,
  decodeState,
  encodeBudgetState,
  encodeState,
  foldEvents,
  type BudgetState,
} from 'ipb-ledger';
import { RUNS, historyArb } from './arbitraries.js';
import { stateJson } from './helpers.js';

describe('snapshot state codec', () => {
  it('round-trips every budget state of generated histories, Maps, Sets and Money included', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        for (const budgetId of new Set(h.commands.map((c) => c.budgetId))) {
          const events = h.ledger.eventsOf(budgetId);
          // the state at every version, not just the last
          for (let v = 0; v <= events.length; v++) {
            const s = foldEvents(events.slice(0, v));
            const text = encodeBudgetState(s);
            const back = decodeBudgetState(text);
            expect(stateJson(back)).toBe(stateJson(s));
            expect(encodeBudgetState(back)).toBe(text);
            expect(back.totals).toBeInstanceOf(Map);
            expect(back.representatives).toBeInstanceOf(Set);
            for (const t of back.totals.values()) expect(t.allocated).toBeInstanceOf(Money);
            expect(Object.isFrozen(back)).toBe(true);
          }
        }
      }),
      { numRuns: Math.min(RUNS, 50) },
    );
  });

  it('decides the same on a decoded state as on the replayed one', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), (h, pick) => {
        const c = h.commands[pick % h.commands.length];
        if (c === undefined) return;
        const s: BudgetState = h.ledger.stateOf(c.budgetId);
        const back = decodeBudgetState(encodeBudgetState(s));
        expect(JSON.stringify(decide(c, back))).toBe(JSON.stringify(decide(c, s)));
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });

  it('keeps exact money and keys that look like tags', () => {
    const value = {
      big: Money.of('123456789012345678.99'),
      neg: Money.of('-0.01'),
      $map: 'a data key, not a tag',
      $$x: 1,
      m: new Map<string, unknown>([['$set', new Set(['a'])]]),
      list: [null, true, 'x', 1.5],
    };
    const back = decodeState(encodeState(value)) as typeof value;
    expect(back.big.toString()).toBe('123456789012345678.99');
    expect(back.neg.toString()).toBe('-0.01');
    expect(back.$map).toBe('a data key, not a tag');
    expect(back.$$x).toBe(1);
    expect([...(back.m.get('$set') as Set<string>)]).toEqual(['a']);
    expect(back.list).toEqual([null, true, 'x', 1.5]);
  });

  it('refuses what it cannot write back exactly, naming the path', () => {
    expect(() => encodeState({ a: { when: new Date(0) } })).toThrow(/a\.when: cannot serialise a Date/);
    expect(() => encodeState({ n: Number.NaN })).toThrow(/n: NaN has no JSON form/);
    expect(() => encodeState({ f: () => 1 })).toThrow(/f: cannot serialise a function/);
  });

  it('refuses malformed snapshots with a clear error', () => {
    expect(() => decodeState('{"a":{"$money":"1.5"}}')).toThrow(/a: "1.5" is not money/);
    expect(() => decodeState('{"$weird":1}')).toThrow(/unknown tag \$weird/);
    expect(() => decodeState('{"a":{"__proto__":1}}')).toThrow(/a: forbidden key "__proto__"/);
    expect(() => decodeState('{"m":{"$map":[[1]]}}')).toThrow(/m: \$map entry 0 is not a pair/);
    expect(() => decodeBudgetState('{"version":1}')).toThrow(
      /not a budget state: status is not known; totals is not a map/,
    );
  });
});
