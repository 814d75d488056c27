/**
 * Fuzzing the log reader and verifier with random bytes and with real logs damaged at random:
 * never throws, line numbers stay right, reading in any chunk sizes gives the same records,
 * lines over the limit are refused with a clear error and reading goes on, every error is
 * short, and a verifier with the manifest beside the log notices any change to its bytes.
 */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLog, readLog, verifyLog, type LogRecord } from 'ipb-ledger';

const RUNS = Number(process.env['FC_RUNS'] ?? 300);
const MAX_MESSAGE = 600;
const LOG = 'test/fixtures/v1/mixed.jsonl';
const bytes = readFileSync(LOG);
const text = bytes.toString('utf8');
const lines = text.trimEnd().split('\n');
const dir = mkdtempSync(join(tmpdir(), 'ipb-fuzz-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enc = (s: string) => Buffer.from(s, 'utf8');
/** Pieces that logs are made of, good and bad. */
const piece: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(...lines.slice(0, 8)).map((l) => enc(`${l}\n`)),
  fc.constantFrom(
    enc('\n'),
    enc('\r\n'),
    enc('\uFEFF'),
    Buffer.from([0]),
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0xc3]),
    Buffer.from([0xed, 0xa0, 0x80]),
    enc('{'),
    enc('}'),
    enc('[]\n'),
    enc('null\n'),
    enc('"\\ud800"\n'),
    enc('{"__proto__":{"x":1}}\n'),
    enc(`${'['.repeat(5000)}${']'.repeat(5000)}\n`),
    enc(`{"schema":"${'x'.repeat(3000)}"}\n`),
  ),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 40 }).map(enc),
);
const logBytes = fc.array(piece, { maxLength: 30 }).map((ps) => Buffer.concat(ps));

function checkRecords(records: readonly LogRecord[]): void {
  records.forEach((r, i) => {
    expect(r.line).toBe(i + 1);
    if (r.kind === 'error') {
      expect(r.error.line).toBe(r.line);
      expect(r.error.message.length).toBeGreaterThan(0);
      expect(r.error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    }
  });
}

async function* chunked(buf: Buffer, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (buf.length + 1)))].sort((a, b) => a - b)) {
    yield buf.subarray(at, c);
    at = c;
  }
  yield buf.subarray(at);
}

describe('log reader', () => {
  it('never throws on random bytes; one record per line, numbered from 1, every error short', () => {
    fc.assert(
      fc.property(logBytes, fc.integer({ min: 16, max: 4096 }), (buf, maxLineBytes) => {
        checkRecords(parseLog(buf, { maxLineBytes }));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same records whatever the chunk boundaries (even inside a UTF-8 character or a CRLF)', async () => {
    await fc.assert(
      fc.asyncProperty(
        logBytes,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 16, max: 4096 }),
        async (buf, cuts, maxLineBytes) => {
          const whole = parseLog(buf, { maxLineBytes });
          const parts: LogRecord[] = [];
          for await (const r of readLog(chunked(buf, cuts), { maxLineBytes })) parts.push(r);
          expect(JSON.stringify(parts)).toBe(JSON.stringify(whole));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses a line over the limit with a clear error and reads on after it', () => {
    const huge = `{"payee":"${'x'.repeat(200_000)}"}`;
    const records = parseLog(`${lines[0]}\n${huge}\n${lines[1]}\n`, { maxLineBytes: 100_000 });
    expect(records.map((r) => r.kind)).toEqual(['event', 'error', 'event']);
    const bad = records[1];
    expect(bad?.kind === 'error' && bad.error.problem).toBe('too-long');
    expect(bad?.kind === 'error' && bad.error.message).toMatch(/longer than 100000 bytes/);
  });

  it('names BOM, CRLF, blank lines, NUL bytes and non-UTF-8 bytes for what they are', () => {
    const kinds = (s: Buffer) => parseLog(s).map((r) => (r.kind === 'error' ? r.error.problem : r.kind));
    expect(kinds(Buffer.concat([enc('\uFEFF'), enc(`${lines[0]}\n`)]))).toEqual(['bom']);
    expect(kinds(enc(`${lines[0]}\r\n${lines[1]}\n`))).toEqual(['carriage-return', 'event']);
    expect(kinds(enc(`${lines[0]}\n\n${lines[1]}\n`))).toEqual(['event', 'blank', 'event']);
    expect(kinds(Buffer.concat([enc(`${lines[0]}\n`), Buffer.from([0xff, 0x7b, 0x7d, 0x0a])]))).toEqual([
      'event',
      'not-utf8',
    ]);
    expect(kinds(enc(`${lines[0]}\n\u0000\n`))).toEqual(['event', 'not-json']);
    expect(kinds(enc(`${lines[0]}\n${lines[1]?.slice(0, 40)}`))).toEqual(['event', 'truncated']);
  });
});

describe('verifier', () => {
  /** Damage to a log's bytes. */
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      b: fc.constantFrom(0x0d, 0x00, 0x20, 0x0a, 0xff, 0x7b),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 300 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({ kind: fc.constant('dup' as const), a: fc.nat() }),
    fc.record({ kind: fc.constant('bom' as const) }),
    fc.record({ kind: fc.constant('crlf' as const) }),
  );
  type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

  function apply(d: Damage): Buffer {
    const n = bytes.length;
    switch (d.kind) {
      case 'flip': {
        const b = Buffer.from(bytes);
        b[d.at % n] = (b[d.at % n] as number) ^ (1 << d.bit);
        return b;
      }
      case 'insert':
        return Buffer.concat([bytes.subarray(0, d.at % n), Buffer.from([d.b]), bytes.subarray(d.at % n)]);
      case 'delete':
        return Buffer.concat([bytes.subarray(0, d.at % n), bytes.subarray(Math.min(n, (d.at % n) + d.n))]);
      case 'truncate':
        return bytes.subarray(0, d.at % n);
      case 'swap': {
        const ls = [...lines];
        const i = d.a % ls.length;
        const j = d.b % ls.length;
        [ls[i], ls[j]] = [ls[j] as string, ls[i] as string];
        return enc(`${ls.join('\n')}\n`);
      }
      case 'dup': {
        const ls = [...lines];
        const i = d.a % ls.length;
        ls.splice(i, 0, ls[i] as string);
        return enc(`${ls.join('\n')}\n`);
      }
      case 'bom':
        return Buffer.concat([enc('\uFEFF'), bytes]);
      case 'crlf':
        return enc(text.replace(/\n/g, '\r\n'));
    }
  }

  it('with the manifest beside the log, any change to its bytes makes it not intact (and never throws)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const out = apply(d);
        fc.pre(!out.equals(bytes));
        run += 1;
        const path = join(dir, `damaged-${run}.jsonl`);
        writeFileSync(path, out);
        copyFileSync(`${LOG}.manifest.json`, `${path}.manifest.json`);
        const r = await verifyLog(path);
        expect(r.ok, JSON.stringify(d)).toBe(false);
        const e = r.firstError;
        expect(e).not.toBeNull();
        expect(e?.reason.length ?? 0).toBeGreaterThan(0);
        expect(e?.reason.length ?? 0).toBeLessThanOrEqual(MAX_MESSAGE);
        if (e?.line != null) expect(e.line).toBeGreaterThanOrEqual(1);
        rmSync(path);
        rmSync(`${path}.manifest.json`);
      }),
      { numRuns: RUNS },
    );
  });

  /** Each budget's events (as JSON content) in log order. */
  function byBudget(ls: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const l of ls) {
      const o = JSON.parse(l) as { budgetId: string };
      out.set(o.budgetId, [...(out.get(o.budgetId) ?? []), JSON.stringify(o)]);
    }
    return out;
  }

  it('without a manifest, a damaged log is not intact unless every budget still holds a prefix of its own events (what the contract says lines alone cannot show)', async () => {
    const original = byBudget(lines);
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const out = apply(d);
        const r = await verifyLog(
          (async function* () {
            yield out;
          })(),
        );
        if (r.ok) {
          for (const [id, events] of byBudget(
            out
              .toString('utf8')
              .trimEnd()
              .split('\n')
              .filter((l) => l !== ''),
          )) {
            expect(events, `${JSON.stringify(d)}: budget ${id}`).toEqual(
              original.get(id)?.slice(0, events.length),
            );
          }
        } else {
          expect(r.firstError?.reason.length ?? 0).toBeLessThanOrEqual(MAX_MESSAGE);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a line whose string has a lone surrogate (no canonical JSON form) is not intact, with a reason', async () => {
    const bad = lines[0]?.replace(/"site":"([^"]*)"/, '"site":"$1\\ud800"');
    expect(bad).toContain('\\ud800');
    const r = await verifyLog(
      (async function* () {
        yield enc(`${bad}\n`);
      })(),
    );
    expect(r.ok).toBe(false);
    expect(r.firstError?.line).toBe(1);
  });
});
