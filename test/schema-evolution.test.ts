/**
 * Schema evolution: `SpendRecorded` v2 adds `purpose`; logs written by version 1 (kept in
 * test/fixtures/v1 forever) still verify, replay to the same balances, and upcast to v2.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HEALTH_PROHIBITED_PURPOSES,
  Ledger,
  Money,
  PURPOSES,
  balances,
  balancesJson,
  currentVersion,
  decide,
  decodeEvent,
  encodeEvent,
  eventLine,
  foldEvents,
  hashOfEnvelope,
  initialState,
  sealEvents,
  upcastData,
  upcasters,
  verifyLog,
  verifyLogText,
  type Command,
  type LedgerEvent,
  type Purpose,
} from 'ipb-ledger';

const FIXTURES = 'test/fixtures/v1';
const logs = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length))
  .sort();

interface Expected {
  readonly writtenBy: string;
  readonly events: number;
  readonly cases: readonly { filter: { asOf?: string; knownAt?: string }; balances: unknown }[];
}

function rawLines(name: string): Record<string, unknown>[] {
  return readFileSync(`${FIXTURES}/${name}.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function decoded(name: string): LedgerEvent[] {
  return rawLines(name).map((u, i) => {
    const d = decodeEvent(u);
    if (d._tag === 'Left') throw new Error(`${name}.jsonl:${i + 1}: ${d.left.message}`);
    return d.right;
  });
}

describe('logs written by version 1 (test/fixtures/v1)', () => {
  it('are all there, and their bytes never change (each matches the SHA-256 in its manifest)', () => {
    expect(logs).toEqual(['karl', 'mixed']);
    for (const name of logs) {
      const bytes = readFileSync(`${FIXTURES}/${name}.jsonl`);
      const manifest = JSON.parse(readFileSync(`${FIXTURES}/${name}.jsonl.manifest.json`, 'utf8')) as {
        sha256: string;
        events: number;
      };
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(manifest.sha256);
      expect(rawLines(name).length).toBe(manifest.events);
    }
  });

  it('hold SpendRecorded events at data version 1, without purpose', () => {
    for (const name of logs) {
      const spends = rawLines(name).filter((u) => u['type'] === 'SpendRecorded');
      expect(spends.length, name).toBeGreaterThan(3);
      for (const u of spends) {
        expect(u['v']).toBe(1);
        expect(u['data']).not.toHaveProperty('purpose');
      }
    }
  });

  it.each(logs)('%s verifies with today’s verifier: hashes, chains and manifest', async (name) => {
    const r = await verifyLog(`${FIXTURES}/${name}.jsonl`);
    expect(r.firstError).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.manifest?.ok).toBe(true);
    expect(r.events).toBe(rawLines(name).length);
  });

  it.each(logs)('%s replays with the v2 code to the balances version 1 computed', (name) => {
    const expected = JSON.parse(readFileSync(`${FIXTURES}/${name}.expected.json`, 'utf8')) as Expected;
    const events = decoded(name);
    expect(events.length).toBe(expected.events);
    expect(expected.cases.length).toBeGreaterThanOrEqual(3);
    for (const c of expected.cases) {
      expect(balancesJson(balances(events, c.filter)), JSON.stringify(c.filter)).toEqual(c.balances);
    }
  });

  it.each(logs)('%s reads as v2: every spend upcast to purpose "unspecified"', (name) => {
    const spends = decoded(name).filter((e) => e.type === 'SpendRecorded');
    expect(spends.length).toBeGreaterThan(0);
    for (const e of spends) {
      expect(e.v).toBe(2);
      expect(e.data.purpose).toBe('unspecified');
    }
  });

  it('the hash covers the stored bytes, never the upcast form', () => {
    for (const name of logs) {
      for (const u of rawLines(name)) {
        expect(hashOfEnvelope(u)).toBe(u['hash']);
        const e = decodeEvent(u);
        if (e._tag === 'Left') throw new Error(e.left.message);
        const upcast = encodeEvent(e.right);
        if (u['type'] === 'SpendRecorded') {
          // the upcast form is a different document: re-hashing it would not match
          expect(upcast.v).toBe(2);
          expect(hashOfEnvelope(upcast as unknown as Record<string, unknown>)).not.toBe(u['hash']);
        } else {
          expect(hashOfEnvelope(upcast as unknown as Record<string, unknown>)).toBe(u['hash']);
        }
      }
    }
  });

  it('a v1 budget goes on with v2 events: the chain continues and the whole log verifies', () => {
    const text = readFileSync(`${FIXTURES}/karl.jsonl`, 'utf8');
    const history = decoded('karl');
    const last = history[history.length - 1] as LedgerEvent;
    const state = foldEvents(history);
    const c: Command = {
      type: 'RecordSpend',
      commandId: 'karl-v2-1',
      budgetId: last.budgetId,
      actor: { id: 'coord-notts-07', role: 'coordinator' },
      occurredAt: '2018-07-10T10:00:00.000Z',
      recordedAt: '2018-07-10T10:00:00.000Z',
      data: {
        spendId: 'sp-v2',
        lineId: 'physio',
        amount: Money.of('80.00'),
        spentOn: '2018-07-10',
        payee: 'Community physiotherapy',
        evidenceRef: 'inv-physio-0710',
        purpose: 'care-and-support',
      },
    };
    const r = decide(c, state);
    if (r._tag === 'Left') throw new Error(r.left.message);
    const sealed = sealEvents(r.right, last);
    const appended = `${text}${sealed.map((e) => `${eventLine(e)}\n`).join('')}`;
    expect(appended).toContain('"purpose":"care-and-support"');
    expect(appended).toContain('"v":2');
    const v = verifyLogText(appended);
    expect(v.firstError).toBeNull();
    expect(v.events).toBe(history.length + 1);
    const after = balancesJson(balances([...history, ...sealed])).budgets[0]?.streams.health;
    expect(after?.spent).toBe('2179.18');
  });
});

describe('the upcaster registry', () => {
  it('knows SpendRecorded 1 -> 2, and every other type is still at version 1', () => {
    expect(currentVersion('SpendRecorded')).toBe(2);
    expect(Object.keys(upcasters)).toEqual(['SpendRecorded']);
    expect(currentVersion('FundingAllocated')).toBe(1);
  });

  it('is pure: it returns new data and leaves the stored data alone', () => {
    const stored = Object.freeze({ spendId: 's', purpose: 'alcohol' });
    const r = upcastData('SpendRecorded', 1, stored);
    expect(r).toEqual({ _tag: 'Right', right: { spendId: 's', purpose: 'unspecified' } });
    expect(stored.purpose).toBe('alcohol');
    expect(upcastData('SpendRecorded', 2, stored)).toEqual({ _tag: 'Right', right: stored });
  });

  it('refuses a version newer than it knows, and v2 data without purpose, naming the field', () => {
    const line = rawLines('karl').find((u) => u['type'] === 'SpendRecorded') as Record<string, unknown>;
    const v3 = decodeEvent({ ...line, v: 3 });
    expect(v3._tag === 'Left' && v3.left.message).toBe(
      'v: SpendRecorded version 3 is newer than this reader knows (up to 2)',
    );
    const v2 = decodeEvent({ ...line, v: 2 });
    expect(v2._tag === 'Left' && v2.left.message).toMatch(/^data\.purpose: /);
    const bad = decodeEvent({ ...line, v: 2, data: { ...(line['data'] as object), purpose: 'holiday' } });
    expect(bad._tag === 'Left' && bad.left.message).toMatch(/^data\.purpose: expected one of unspecified, /);
  });
});

describe('purpose and the NHS prohibited-spend rules', () => {
  const start = '2025-04-01T09:00:00.000Z';
  const base = { budgetId: 'pp-1', occurredAt: start, recordedAt: start };
  const coord = { id: 'coord-1', role: 'coordinator' } as const;
  function setup(): Ledger {
    const l = new Ledger();
    const run = (c: Omit<Command, 'budgetId' | 'occurredAt' | 'recordedAt'>) =>
      l.recordOrThrow({ ...base, ...c } as Command);
    run({
      type: 'OpenBudget',
      commandId: 'o',
      actor: coord,
      data: {
        personRef: 'p',
        site: 's',
        cohort: 'other',
        basis: 'joint',
        streams: ['health', 'social-care'],
        periodStart: '2025-04-01',
        periodEnd: '2026-03-31',
      },
    });
    run({
      type: 'ProposePlan',
      commandId: 'pp',
      actor: coord,
      data: {
        planVersion: 1,
        lines: [
          {
            lineId: 'joint',
            category: 'other',
            option: 'notional',
            amount: Money.of('100.00'),
            shares: { health: 1, 'social-care': 1 },
          },
          {
            lineId: 'council',
            category: 'community-activity',
            option: 'notional',
            amount: Money.of('100.00'),
            shares: { 'social-care': 1 },
          },
        ],
      },
    });
    run({
      type: 'AgreePlan',
      commandId: 'pa',
      actor: { id: 'p', role: 'holder' },
      data: { planVersion: 1, agreedOn: '2025-04-01' },
    });
    return l;
  }
  const spend = (lineId: string, purpose?: Purpose, id = 'sp-1'): Command => ({
    ...base,
    type: 'RecordSpend',
    commandId: `c-${id}`,
    actor: coord,
    data: {
      spendId: id,
      lineId,
      amount: Money.of('10.00'),
      spentOn: '2025-04-01',
      payee: 'x',
      evidenceRef: 'e',
      ...(purpose === undefined ? {} : { purpose }),
    },
  });

  const prohibited = PURPOSES.filter((p) => HEALTH_PROHIBITED_PURPOSES[p] !== undefined);

  it('lists the NHS prohibitions: alcohol, tobacco, gambling, debt, illegal, emergency and primary care', () => {
    expect(prohibited).toEqual([
      'alcohol',
      'tobacco',
      'gambling',
      'debt-repayment',
      'illegal',
      'emergency-care',
      'primary-care',
    ]);
  });

  it.each(prohibited)(
    'refuses %s on a line with a health share, naming the rule; nothing is appended',
    (purpose) => {
      const l = setup();
      const before = l.events().length;
      const r = l.record(spend('joint', purpose));
      expect(r._tag).toBe('Left');
      if (r._tag !== 'Left') return;
      const rule = HEALTH_PROHIBITED_PURPOSES[purpose];
      expect(r.left).toEqual({
        code: 'prohibited-purpose',
        message: `line joint has a health share, and NHS money may not pay for ${purpose} (rule ${rule?.id}: ${rule?.text})`,
        purpose,
        rule: rule?.id,
      });
      expect(l.events().length).toBe(before);
    },
  );

  it.each(prohibited)(
    'accepts %s on a line paid only by the council (local policy is not the NHS rule)',
    (purpose) => {
      const [e] = setup().recordOrThrow(spend('council', purpose));
      expect(e?.type === 'SpendRecorded' && e.data.purpose).toBe(purpose);
    },
  );

  it('a caller that gives no purpose records "unspecified" (old callers keep working), as data v2', () => {
    const [e] = setup().recordOrThrow(spend('joint'));
    expect(e?.type).toBe('SpendRecorded');
    expect(e?.v).toBe(2);
    expect(e?.type === 'SpendRecorded' && e.data.purpose).toBe('unspecified');
    expect(eventLine(e as LedgerEvent)).toContain('"purpose":"unspecified"');
  });

  it('a permitted purpose is kept on the event', () => {
    const [e] = setup().recordOrThrow(spend('joint', 'care-and-support'));
    expect(e?.type === 'SpendRecorded' && e.data.purpose).toBe('care-and-support');
  });

  it('an off-plan spend is flagged as before; the flag keeps the purpose asked for (optional, added)', () => {
    // the purpose is kept so the command's fingerprint can be rebuilt from the log (idempotency)
    const [e] = setup().recordOrThrow(spend('ghost', 'alcohol'));
    expect(e?.type).toBe('OffPlanSpendFlagged');
    expect(e?.type === 'OffPlanSpendFlagged' && e.data.purpose).toBe('alcohol');
    const [plain] = setup().recordOrThrow(spend('ghost'));
    expect(plain?.data).not.toHaveProperty('purpose');
  });

  it('an unknown purpose is an invalid command naming data.purpose', () => {
    const bad = {
      ...spend('joint'),
      data: { ...spend('joint').data, purpose: 'holiday' },
    } as unknown as Command;
    const r = decide(bad, initialState);
    expect(r._tag === 'Left' && r.left.code).toBe('invalid-command');
    expect(r._tag === 'Left' && r.left.message).toMatch(/^data\.purpose: expected one of unspecified, /);
  });
});
