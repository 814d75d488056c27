import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LogReadError,
  eventsOfLog,
  hashOfEnvelope,
  parseLog,
  readLog,
  readLogBatches,
  scanLog,
  type LogRecord,
} from 'ipb-ledger';
import { karlLedger } from '../examples/karl.js';

const karlText = karlLedger().toLog();
const karlLines = karlText.trimEnd().split('\n');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A compact picture of records: line, kind and (for errors) the problem. */
const summary = (recs: readonly LogRecord[]) =>
  recs.map((r) => (r.kind === 'error' ? `${r.line}:${r.error.problem}` : `${r.line}:${r.kind}`));

describe('framing', () => {
  it('reads every line of a log with its number, decoded event and raw object', () => {
    const recs = parseLog(karlText);
    expect(recs).toHaveLength(20);
    recs.forEach((r, i) => {
      expect(r.kind).toBe('event');
      expect(r.line).toBe(i + 1);
      if (r.kind === 'event') {
        expect(r.event.seq).toBe(i + 1);
        expect(r.raw).toEqual(JSON.parse(karlLines[i] as string));
      }
    });
  });

  it('keeps unknown fields in the raw object', () => {
    const raw = { ...(JSON.parse(karlLines[0] as string) as Record<string, unknown>), extra: [1, 'x'] };
    const [rec] = parseLog(`${JSON.stringify(raw)}\n`);
    expect(rec?.kind === 'event' && rec.raw['extra']).toEqual([1, 'x']);
  });

  it('refuses a carriage return before the newline, a BOM and blank lines, by line', () => {
    const text = `\uFEFF${karlLines[0]}\n${karlLines[1]}\r\n\n${karlLines[2]}\n`;
    expect(summary(parseLog(text))).toEqual(['1:bom', '2:carriage-return', '3:blank', '4:event']);
    const [, cr] = parseLog(text);
    expect(cr?.kind === 'error' && cr.error.message).toBe(
      'line ends with "\\r\\n" (Windows line end): lines must end with "\\n" only',
    );
  });

  it('names a truncated final line and still reads every complete line before it', () => {
    const cut = karlText.slice(0, karlText.indexOf('\n', 3000) + 40);
    const recs = parseLog(cut);
    const last = recs[recs.length - 1];
    expect(recs.slice(0, -1).every((r) => r.kind === 'event')).toBe(true);
    expect(last?.kind === 'error' && last.error).toMatchObject({
      line: recs.length,
      problem: 'truncated',
      message: 'the file ends in the middle of this line (no newline, not complete JSON): the log was cut',
    });
  });

  it('reads a final line without newline when it is whole', () => {
    expect(summary(parseLog(karlText.trimEnd())).every((s) => s.endsWith(':event'))).toBe(true);
  });

  it('says "not JSON" for a bad line that is not the last', () => {
    const [rec] = parseLog('{"schema": \n');
    expect(rec?.kind === 'error' && rec.error.problem).toBe('not-json');
    expect(rec?.kind === 'error' && rec.error.message).toMatch(/^not JSON: /);
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    expect(summary(parseLog(bytes))).toEqual(['1:not-utf8']);
    // a real U+FFFD character is fine UTF-8 (and then simply not an event)
    expect(summary(parseLog('{"a":"\uFFFD"}\n'))).toEqual(['1:invalid']);
  });

  it('bounds the line length and carries on after an overlong line', () => {
    const long = `{"pad":"${'x'.repeat(5000)}"}`;
    const text = `${karlLines[0]}\n${long}\n${karlLines[1]}\n`;
    const recs = parseLog(text, { maxLineBytes: 4096 });
    expect(summary(recs)).toEqual(['1:event', '2:too-long', '3:event']);
    const r = recs[1];
    expect(r?.kind === 'error' && r.error.message).toMatch(
      /^line is longer than 4096 bytes \(the limit; raise it/,
    );
    // the same across tiny chunks (the line never sits in memory whole)
    const small = parseLog(text, { maxLineBytes: 4096, chunkBytes: 100 });
    expect(summary(small)).toEqual(['1:event', '2:too-long', '3:event']);
  });

  it('counts unknown event types as errors, or skips them when tolerant', () => {
    const raw = {
      ...(JSON.parse(karlLines[1] as string) as Record<string, unknown>),
      type: 'CarerBreakGranted',
    };
    const line = JSON.stringify({ ...raw, hash: hashOfEnvelope(raw) });
    const strict = parseLog(`${karlLines[0]}\n${line}\n`);
    expect(summary(strict)).toEqual(['1:event', '2:unknown-type']);
    const e = strict[1];
    expect(e?.kind === 'error' && e.error.message).toMatch(/^unknown event type "CarerBreakGranted"/);
    const tolerant = parseLog(`${karlLines[0]}\n${line}\n`, { tolerant: true });
    expect(tolerant[1]).toMatchObject({ kind: 'skipped', line: 2, type: 'CarerBreakGranted' });
  });

  it('names the budget and seq on a bad line when they can be read', () => {
    const raw = JSON.parse(karlLines[3] as string) as Record<string, Record<string, unknown>>;
    (raw['data'] as Record<string, unknown>)['amount'] = 15000;
    const [rec] = parseLog(`${JSON.stringify(raw)}\n`);
    expect(rec?.kind === 'error' && rec.error).toMatchObject({
      line: 1,
      problem: 'invalid',
      budgetId: 'notts-karl-2018',
      seq: 4,
      message: 'data.amount: expected money string like "12.50", got the number 15000',
    });
  });

  it('throws a LogReadError naming the line from eventsOfLog', () => {
    expect(() => eventsOfLog(`${karlLines[0]}\nnope\n`)).toThrow(LogReadError);
    expect(() => eventsOfLog(`${karlLines[0]}\nnope\n`)).toThrow(/^line 2: not JSON/);
    expect(eventsOfLog(karlText)).toHaveLength(20);
  });
});

describe('streaming', () => {
  it('gives the same records whatever the chunk size, from a file or a stream', async () => {
    const bad = `${karlLines.slice(0, 5).join('\n')}\n\n{"x":1}\r\n${karlLines.slice(5).join('\n')}\n{"cut`;
    const path = join(dir, 'mixed.jsonl');
    await writeFile(path, bad);
    const whole = summary(parseLog(bad));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), async (chunkBytes) => {
        const fromFile: LogRecord[] = [];
        await scanLog(path, (r) => void fromFile.push(r), { chunkBytes });
        expect(summary(fromFile)).toEqual(whole);
        const buf = Buffer.from(bad);
        const parts: Buffer[] = [];
        for (let i = 0; i < buf.length; i += chunkBytes) parts.push(buf.subarray(i, i + chunkBytes));
        const fromStream: LogRecord[] = [];
        for await (const r of readLog(Readable.from(parts))) fromStream.push(r);
        expect(summary(fromStream)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('stops at the first record the visitor refuses and reports the lines read', async () => {
    const path = join(dir, 'karl.jsonl');
    await writeFile(path, karlText);
    const seen: number[] = [];
    const lines = await scanLog(path, (r) => {
      seen.push(r.line);
      return r.line < 7;
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines).toBeGreaterThanOrEqual(7);
  });

  it('reads in batches, one per chunk, in order', async () => {
    const path = join(dir, 'karl2.jsonl');
    await writeFile(path, karlText);
    const batches: number[][] = [];
    for await (const b of readLogBatches(path, { chunkBytes: 2048 })) batches.push(b.map((r) => r.line));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
