import { describe, expect, it } from 'vitest';
import { decodeEvent, eventLine, type DecodeError } from 'ipb-ledger';
import { karlLedger } from '../examples/karl.js';

const sample = () =>
  JSON.parse(eventLine(karlLedger().events()[10] as never)) as Record<string, unknown> & {
    data: Record<string, unknown>;
  };
const refusal = (u: unknown): DecodeError => {
  const r = decodeEvent(u);
  if (r._tag === 'Right') throw new Error('expected a refusal');
  return r.left;
};

describe('decoding events names the path and the problem', () => {
  it('accepts a real event and keeps money exact', () => {
    const r = decodeEvent(sample());
    expect(r._tag === 'Right' && r.right.type).toBe('SpendRecorded');
  });
  it.each([
    [
      (e: ReturnType<typeof sample>) => ((e.data['split'] as Record<string, unknown>)['health'] = 12.5),
      'data.split.health: expected money string like "12.50", got the number 12.5',
    ],
    [
      (e: ReturnType<typeof sample>) => (e.data['amount'] = '1500.010'),
      'data.amount: expected money string like "12.50"',
    ],
    [
      (e: ReturnType<typeof sample>) => (e.data['amount'] = '+1500.01'),
      'data.amount: expected money string like "12.50"',
    ],
    [(e: ReturnType<typeof sample>) => (e.data['amount'] = 'NaN'), 'data.amount: expected money string'],
    [
      (e: ReturnType<typeof sample>) => (e.data['amount'] = '1500.00'),
      'data.split: parts add up to "1500.01", not the amount "1500.00"',
    ],
    [
      (e: ReturnType<typeof sample>) => (e.data['spentOn'] = '2025-02-30'),
      'data.spentOn: expected a real calendar date, got "2025-02-30"',
    ],
    [
      (e: ReturnType<typeof sample>) => (e['occurredAt'] = '2018-04-30T23:59:60.000Z'),
      'occurredAt: expected a real time of day (no second 60)',
    ],
    [
      (e: ReturnType<typeof sample>) => (e['occurredAt'] = '2018-04-30T17:00:00.000+01:00'),
      'occurredAt: expected a UTC time exactly like',
    ],
    [(e: ReturnType<typeof sample>) => (e['seq'] = 0), 'seq: expected a whole number >= 1, got 0'],
    [(e: ReturnType<typeof sample>) => (e['schema'] = 'ipb.event/2'), 'schema: unknown schema "ipb.event/2"'],
    [
      (e: ReturnType<typeof sample>) => (e['type'] = 'SpendTeleported'),
      'type: unknown event type "SpendTeleported"',
    ],
    [
      (e: ReturnType<typeof sample>) => (e['v'] = 9),
      'v: SpendRecorded version 9 is newer than this reader knows',
    ],
    [(e: ReturnType<typeof sample>) => delete e['eventId'], 'eventId: is required (expected uuid)'],
    [
      (e: ReturnType<typeof sample>) => (e['eventId'] = 'A0B1C2D3-0000-0000-0000-000000000000'),
      'eventId: expected a lowercase UUID',
    ],
    [(e: ReturnType<typeof sample>) => (e['budgetId'] = 'has space'), 'budgetId: expected 1-128 characters'],
  ])('%#: %s', (mutate, message) => {
    const e = sample();
    mutate(e);
    expect(refusal(e).message).toContain(message);
  });

  it('marks an unknown type so a tolerant reader can skip and count it', () => {
    const e = sample();
    e['type'] = 'FutureThing';
    expect(refusal(e).unknownType).toBe('FutureThing');
  });

  it('refuses __proto__, constructor and prototype keys at any depth, and the prototype is untouched', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const text = eventLine(karlLedger().events()[10] as never).replace(
        '"evidenceRef"',
        `"${key}":{"polluted":true},"evidenceRef"`,
      );
      const parsed = JSON.parse(text) as unknown;
      expect(refusal(parsed).message).toBe(`data.${key}: forbidden key "${key}"`);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses hostile nesting without overflowing the stack', () => {
    const e = sample();
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    e.data['extra'] = deep;
    expect(refusal(e).message).toContain('nested more than');
  });

  it('never throws on non-objects', () => {
    for (const v of [null, 1, 'x', [], true]) expect(refusal(v).message).toContain('expected a JSON object');
  });
});
