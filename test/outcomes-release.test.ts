/**
 * Pseudonymised releases: no original identifier or free text anywhere in the bytes, two keys
 * give unlinkable ids, the release verifies as a log of its own (with `ipb verify`), and
 * outcomes computed on it equal those computed on the original.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BASES,
  CATEGORIES,
  COHORTS,
  OPTIONS,
  PURPOSES,
  RECLAIM_REASONS,
  REVIEW_OUTCOMES,
  ROLES,
  STAGES,
  STREAMS,
  WITHHELD,
  factsOfEvents,
  logText,
  outcomeCells,
  outcomesJson,
  pseudonymiseEvents,
  sealEvents,
  verifyLogText,
  type LedgerEvent,
  type PendingEvent,
} from 'ipb-ledger';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { hasStackTrace, ipb } from './cli-helpers.js';
import { ensureBuilt } from './outcomes-build.js';
import { SECRETS, handLedger } from './outcomes-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY_A = Buffer.from('a3f1c27e5b9d4e0f8a6c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f', 'utf8');
const KEY_B = Buffer.from('0f9e8d7c6b5a49382716a5b4c3d2e1f00112233445566778899aabbccddeeff0', 'utf8');

/** Keys whose string values identify someone or something, or are free text. */
const IDENTIFYING_KEYS = new Set([
  'budgetId',
  'eventId',
  'id',
  'commandId',
  'correlationId',
  'causationId',
  'personRef',
  'reason',
  'summary',
  'payee',
  'evidenceRef',
  'reference',
  'noticeRef',
  'spendId',
  'lineId',
  'changeRequestId',
  'representativeId',
  'label',
  'note',
]);

/** Words a release keeps on purpose: the contract's fixed lists, sites, and what replaces text. */
function keptVocabulary(events: readonly LedgerEvent[]): Set<string> {
  const sites = events.flatMap((e) => (e.type === 'BudgetOpened' ? [e.data.site] : []));
  return new Set<string>([
    ...STREAMS,
    ...ROLES,
    ...COHORTS,
    ...BASES,
    ...CATEGORIES,
    ...OPTIONS,
    ...RECLAIM_REASONS,
    ...REVIEW_OUTCOMES,
    ...STAGES,
    ...PURPOSES,
    ...sites,
    WITHHELD,
    'off-plan',
    'unknown-line',
    'no-agreed-plan',
    'line-not-in-agreed-plan',
  ]);
}

/** Every identifying or free-text string of a log, found by walking each parsed line. */
function identifyingValues(log: string): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, key: string | null): void => {
    if (typeof v === 'string') {
      if (key !== null && IDENTIFYING_KEYS.has(key)) out.add(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const line of log.trimEnd().split('\n')) walk(JSON.parse(line), null);
  return out;
}

/** Every JSON string value in a text of JSON lines (and the manifest's keys and values). */
function jsonStrings(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) out.add(JSON.parse(`"${m[1]}"`) as string);
  return out;
}

function release(events: readonly LedgerEvent[], key: Uint8Array): { log: string; events: LedgerEvent[] } {
  const pending = pseudonymiseEvents(events, key);
  const byBudget = new Map<string, PendingEvent[]>();
  for (const p of pending) byBudget.set(p.budgetId, [...(byBudget.get(p.budgetId) ?? []), p]);
  const sealed = new Map([...byBudget].map(([id, ps]) => [id, sealEvents(ps)] as const));
  const next = new Map<string, number>();
  const out = pending.map((p) => {
    const k = next.get(p.budgetId) ?? 0;
    next.set(p.budgetId, k + 1);
    return (sealed.get(p.budgetId) as LedgerEvent[])[k] as LedgerEvent;
  });
  return { log: logText(out), events: out };
}

function outcomes(events: readonly LedgerEvent[]): unknown {
  const facts = factsOfEvents(events);
  return outcomesJson(
    outcomeCells(facts, { by: ['site', 'cohort', 'basis', 'option'], period: 'month' }),
    ['site', 'cohort', 'basis', 'option'],
    'month',
    facts.latest,
  );
}

/** Asserts that no original identifier or free text is in the release, by bytes and by value. */
function expectNothingLeaks(
  originalLog: string,
  originalEvents: readonly LedgerEvent[],
  releaseText: string,
): number {
  const vocabulary = keptVocabulary(originalEvents);
  const values = [...identifyingValues(originalLog)].filter((v) => !vocabulary.has(v));
  // A value that is part of a kept word (a line called "care" inside "social-care") cannot be
  // scanned for as bytes; it is still checked as a whole value below.
  const bytes = values.filter((v) => v.length >= 3 && ![...vocabulary].some((w) => w.includes(v)));
  const found = bytes.filter(
    (v) => releaseText.includes(v) || releaseText.includes(JSON.stringify(v).slice(1, -1)),
  );
  expect(found, 'original values found in the release bytes').toEqual([]);
  const strings = jsonStrings(releaseText);
  expect(values.filter((v) => strings.has(v))).toEqual([]);
  return bytes.length;
}

describe('pseudonymised release (library)', () => {
  const hand = handLedger();
  const handLog = hand.toLog();

  it('leaves no original identifier or free-text string anywhere in the bytes (hand log, every value scanned)', () => {
    const r = release(hand.events(), KEY_A);
    const scanned = expectNothingLeaks(handLog, hand.events(), r.log);
    // In the hand log every identifying value is distinctive, so every one was scanned as bytes.
    expect(scanned).toBe(
      [...identifyingValues(handLog)].filter((v) => !keptVocabulary(hand.events()).has(v)).length,
    );
    for (const s of [...SECRETS.personRefs, ...SECRETS.freeText]) expect(r.log).not.toContain(s);
    // The scan can fail: the original log itself is full of them.
    expect(SECRETS.personRefs.every((s) => handLog.includes(s))).toBe(true);
  });

  it('property: for any key, nothing leaks, the release verifies and its outcomes equal the original', () => {
    const site = ipcSiteLedger();
    const siteLog = site.toLog();
    const want = JSON.stringify(outcomes(site.events()));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 64 }), (key) => {
        const r = release(site.events(), key);
        expectNothingLeaks(siteLog, site.events(), r.log);
        expect(verifyLogText(r.log).ok).toBe(true);
        expect(JSON.stringify(outcomes(r.events))).toBe(want);
      }),
      { numRuns: 4 },
    );
  });

  it('two keys give unlinkable ids; one key gives the same release every time', () => {
    const events = ipcSiteLedger().events();
    const a = release(events, KEY_A).log;
    const b = release(events, KEY_B).log;
    const ids = (t: string) =>
      new Set(
        [...jsonStrings(t)].filter(
          (s) => /^[0-9a-f]{64}$|^[0-9a-f]{8}-[0-9a-f]{4}-/.test(s) && !/^0+$/.test(s),
        ),
      );
    const idsA = ids(a);
    const idsB = ids(b);
    expect(idsA.size).toBeGreaterThan(1000);
    expect(idsB.size).toBe(idsA.size);
    expect([...idsA].filter((x) => idsB.has(x))).toEqual([]);
    expect(release(events, KEY_A).log).toBe(a);
  });

  it('replaces a payee by the category of its line and keeps dates, amounts and splits', () => {
    const r = release(handLedger().events(), KEY_A).events;
    const spends = r.filter((e) => e.type === 'SpendRecorded');
    expect(
      spends.map((e) =>
        e.type === 'SpendRecorded' ? [e.data.payee, e.data.spentOn, e.data.amount.toString()] : [],
      ),
    ).toEqual([
      ['community-activity', '2024-05-01', '450.00'],
      ['personal-assistant', '2024-05-10', '100.01'],
      ['therapy', '2024-07-10', '100.00'],
      ['personal-assistant', '2024-07-15', '300.00'],
      ['personal-assistant', '2024-07-20', '40.00'],
      ['community-activity', '2024-08-01', '100.00'],
      ['therapy', '2024-10-05', '50.00'],
    ]);
    expect(r.every((e) => e.commandId === undefined)).toBe(true);
    expect(() => pseudonymiseEvents([], new Uint8Array(16))).toThrow('at least 32 random bytes');
  });
});

describe('ipb export --pseudonymise', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });
  const original = join(dir, 'hand.jsonl');
  const keyA = join(dir, 'a.key');
  const keyB = join(dir, 'b.key');
  writeFileSync(original, handLedger().toLog());
  writeFileSync(keyA, `${KEY_A.toString('utf8')}\n`);
  writeFileSync(keyB, KEY_B);

  it('writes a release that verifies with ipb verify (manifest included) and gives the same outcomes', async () => {
    const outA = join(dir, 'rel-a');
    const outB = join(dir, 'rel-b');
    const a = await ipb(['export', original, '--pseudonymise', '--key-file', keyA, '--out', outA]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/exported 32 events of 3 budgets to .*hand\.jsonl \(pseudonymised\), manifest/);
    const b = await ipb(['export', original, '--pseudonymise', '--key-file', keyB, '--out', outB]);
    expect(b.code).toBe(0);
    const v = await ipb(['verify', join(outA, 'hand.jsonl')]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/manifest .* checked/);
    const relA =
      readFileSync(join(outA, 'hand.jsonl'), 'utf8') +
      readFileSync(join(outA, 'hand.jsonl.manifest.json'), 'utf8');
    const relB = readFileSync(join(outB, 'hand.jsonl'), 'utf8');
    expectNothingLeaks(handLedger().toLog(), handLedger().events(), relA);
    const args = ['--by', 'site,cohort,option', '--period', 'quarter', '--format', 'json', '--workers', '1'];
    const rows = async (p: string) => {
      const r = await ipb(['outcomes', p, ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.stringify((JSON.parse(r.stdout) as { rows: unknown }).rows);
    };
    const want = await rows(original);
    expect(await rows(join(outA, 'hand.jsonl'))).toBe(want);
    expect(await rows(join(outB, 'hand.jsonl'))).toBe(want);
    expect(relB).not.toBe(relA.slice(0, relB.length));
  });

  it('refuses without a usable key, and a log that does not verify', async () => {
    const noKey = await ipb(['export', original, '--pseudonymise', '--out', join(dir, 'x')]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--pseudonymise needs --key-file');
    const short = join(dir, 'short.key');
    writeFileSync(short, 'too-short\n');
    const s = await ipb(['export', original, '--pseudonymise', '--key-file', short, '--out', join(dir, 'x')]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('at least 32 random bytes');
    const tampered = join(dir, 'tampered.jsonl');
    const lines = handLedger().toLog().trimEnd().split('\n');
    writeFileSync(tampered, `${lines.filter((_l, i) => i !== 5).join('\n')}\n`);
    const t = await ipb(['export', tampered, '--pseudonymise', '--key-file', keyA, '--out', join(dir, 't')]);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/line \d+.*seq .* skips .*nothing was exported/s);
    for (const r of [noKey, s, t]) expect(hasStackTrace(r.stderr)).toBe(false);
    // With --tolerant the release is still a log that verifies (re-sealed), and says what it left out.
    const tt = await ipb([
      'export',
      tampered,
      '--pseudonymise',
      '--key-file',
      keyA,
      '--out',
      join(dir, 'tt'),
      '--tolerant',
    ]);
    expect(tt.code, tt.stderr).toBe(0);
    expect((await ipb(['verify', join(dir, 'tt', 'tampered.jsonl')])).code).toBe(0);
  });

  it('without --pseudonymise writes a verified copy and a fresh manifest', async () => {
    const out = join(dir, 'copy');
    const r = await ipb(['export', original, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'hand.jsonl'), 'utf8')).toBe(readFileSync(original, 'utf8'));
    const v = await ipb(['verify', join(out, 'hand.jsonl')]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/manifest .* checked/);
    const same = await ipb(['export', original, '--out', dir]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('would overwrite the input');
  });
});
