/**
 * Every `ipb` subcommand, spawned as a real process, on hostile logs and bad arguments: it
 * ends by itself, exits 1 or 2 with a message (never 0 on a log that is not intact), never
 * prints a stack trace, keeps its output bounded (a 1.2 MB line is not echoed), never changes
 * its input and never leaves a partial output behind.
 *
 * Every nasty log goes through `verify`; every other subcommand gets a rotating share of them
 * plus the usage errors, to keep the number of processes modest (about 45 in all).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from './sim/prng.js';
import { expectRefused, expectWellBehaved, ipb, subcommands, usageArgs } from './sim/cli.js';
import { sampleHistory } from './sim/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = sampleHistory().ledger.toLog();
const goodLines = good.trimEnd().split('\n');
const [first = '', second = '', ...rest] = goodLines;
const tail = rest.join('\n');
/** The log up to the first line containing `find`, with `find` replaced in that line. */
function brokenAt(find: string, replace: string): Buffer {
  const i = goodLines.findIndex((l) => l.includes(find));
  if (i < 0) throw new Error(`no line with ${find}`);
  return Buffer.from(
    `${[...goodLines.slice(0, i), (goodLines[i] as string).replace(find, replace)].join('\n')}\n`,
  );
}

/** Hostile logs: name to bytes. Each is not intact. */
const NASTY: Record<string, Buffer> = {
  bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]),
  crlf: Buffer.from(good.replace(/\n/g, '\r\n')),
  'nul-bytes': Buffer.from(`${first}\n\u0000\u0000\u0000\n${second}\n`),
  'not-utf8': Buffer.concat([Buffer.from(`${first}\n`), Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a])]),
  'proto-key': Buffer.from(
    `${first.replace('"data":{', '"data":{"__proto__":{"polluted":true},')}\n${second}\n`,
  ),
  'constructor-key': Buffer.from(
    `${first}\n${second.replace('"actor":{', '"actor":{"constructor":{"prototype":1},')}\n`,
  ),
  'deep-nesting': Buffer.from(
    `${first.replace('"data":{', `"data":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`)}\n`,
  ),
  'huge-line': Buffer.from(`${first}\n{"payee":"${'x'.repeat(1_200_000)}"}\n${second}\n`),
  'lone-surrogate': Buffer.from(`${first.replace(/"site":"([^"]*)"/, '"site":"$1\\ud800"')}\n`),
  truncated: Buffer.from(`${first}\n${second.slice(0, 100)}`),
  tampered: Buffer.from(`${first}\n${second}\n${tail.replace('"5000.00"', '"5001.00"')}\n`),
  'money-1e3': brokenAt('"amount":"5000.00"', '"amount":"1e3"'),
  'money-negative-zero': brokenAt('"delta":"-100.00"', '"delta":"-0.00"'),
  'money-tenth-of-a-penny': brokenAt('"amount":"12.50"', '"amount":"12.505"'),
  'leap-second': Buffer.from(
    `${first.replace(/"occurredAt":"[^"]*"/, '"occurredAt":"2016-12-31T23:59:60.000Z"')}\n`,
  ),
  'time-zone': Buffer.from(
    `${first.replace(/"occurredAt":"[^"]*"/, '"occurredAt":"2025-04-01T10:00:00.000+01:00"')}\n`,
  ),
  'huge-number': Buffer.from(`${first.replace('"seq":1', `"seq":1${'0'.repeat(400)}`)}\n`),
  blank: Buffer.from(`${first}\n\n${second}\n`),
  empty: Buffer.alloc(0),
  'random-bytes': randomBytes(4096),
};

function randomBytes(n: number): Buffer {
  const r = new Prng(99);
  return Buffer.from(Array.from({ length: n }, () => r.int(0, 255)));
}

/** Variations of a case verify already gets, given only to the other subcommands (fewer processes). */
const ROTATION_ONLY = new Set(['constructor-key', 'money-negative-zero', 'money-tenth-of-a-penny']);

/** Where each hostile log lives: its own directory, so anything written beside it is seen. */
function place(name: string): { path: string; dir: string } {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const path = join(d, 'log.jsonl');
  writeFileSync(path, NASTY[name] as Buffer);
  return { path, dir: d };
}

/** The command line of a subcommand on a log (with what each known one needs besides the log). */
function argsFor(sub: string, log: string, out: string): string[] {
  switch (sub) {
    case 'audit':
    case 'statement':
      return [sub, log, '--budget', 'b-1'];
    case 'export':
      return [sub, log, '--out', out];
    case 'outcomes':
      return [sub, log, '--workers', '1'];
    case 'verify':
    case 'balances':
    case 'flags':
    case 'replay':
      return [sub, log];
    default:
      return [sub, ...usageArgs(sub, log)];
  }
}

/** A refusal for the right reason: the input, not a mistake in how the test called the program. */
function expectRefusedInput(r: ReturnType<typeof ipb>, what: string): void {
  expectRefused(r, what);
  expect(r.stderr, `${what}: the test called the program wrongly`).not.toMatch(
    /unknown command|unknown option|required option|missing required argument/,
  );
}

let subs: string[] = [];
beforeAll(() => {
  subs = subcommands();
});

describe('ipb on hostile input (real processes)', () => {
  it('lists its subcommands', () => {
    expect(subs).toEqual(
      expect.arrayContaining(['verify', 'balances', 'audit', 'flags', 'replay', 'outcomes', 'export']),
    );
  });

  it('verify: every nasty log is refused cleanly, and no input or neighbour file is touched', () => {
    for (const name of Object.keys(NASTY).filter((n) => !ROTATION_ONLY.has(n))) {
      const { path, dir: d } = place(name);
      const r = ipb(['verify', path]);
      expectRefusedInput(r, `verify ${name}`);
      expect(readFileSync(path).equals(NASTY[name] as Buffer), `verify changed ${name}`).toBe(true);
      expect(readdirSync(d), `verify wrote beside ${name}`).toEqual(['log.jsonl']);
      if (r.status === 1) expect(r.stdout + r.stderr).toMatch(/NOT INTACT|empty|line \d+/);
    }
  });

  it('every other subcommand: a rotating share of the nasty logs, a missing file, some a directory', () => {
    // the reporting subcommands check the chain's links but do not recompute hashes (by design,
    // see src/log/fold-log.ts): an edit that was not re-sealed is test/fuzz-findings.test.ts's
    const names = Object.keys(NASTY).filter((n) => n !== 'tampered' && n !== 'lone-surrogate');
    let k = 0;
    for (const sub of subs.filter((s) => s !== 'verify')) {
      const picks = [0, 1].map(() => names[k++ % names.length] as string);
      for (const name of picks) {
        const { path, dir: d } = place(name);
        const out = join(dir, `out-${sub}-${name}`);
        const r = ipb(argsFor(sub, path, out));
        expectRefusedInput(r, `${sub} ${name}`);
        expect(readFileSync(path).equals(NASTY[name] as Buffer), `${sub} changed ${name}`).toBe(true);
        expect(readdirSync(d), `${sub} wrote beside ${name}`).toEqual(['log.jsonl']);
        expect(existsSync(out) ? readdirSync(out) : [], `${sub} left a partial output for ${name}`).toEqual(
          [],
        );
      }
      const missing = ipb(argsFor(sub, join(dir, 'no-such-file.jsonl'), join(dir, `out-${sub}-missing`)));
      expectRefusedInput(missing, `${sub} missing file`);
      expect(missing.stderr).toMatch(/no such file|not found|cannot read|ENOENT/i);
      if (k % 4 < 2) {
        const directory = ipb(argsFor(sub, dir, join(dir, `out-${sub}-dir`)));
        expectRefusedInput(directory, `${sub} directory`);
      }
    }
  });

  it('bad option values are usage errors (exit 2) naming the option, for every subcommand that takes them', () => {
    const log = join(dir, 'good.jsonl');
    writeFileSync(log, good);
    const bad: [string, string[]][] = [
      ['balances', ['--as-of', '2025-02-30']],
      ['audit', ['--budget', 'b-1', '--known-at', '2016-12-31T23:59:60.000Z']],
      ['flags', ['--surplus-weeks', '-3']],
      ['replay', ['--max-line-bytes', '1e3']],
      ['outcomes', ['--period', 'fortnight']],
      ['export', ['--format', 'xml', '--out', join(dir, 'o')]],
      ['statement', ['--budget', 'b-1', '--format', 'pdf']],
      ['verify', ['--no-such-option']],
    ];
    for (const [sub, extra] of bad.filter(([s]) => subs.includes(s))) {
      const r = ipb([sub, log, ...extra]);
      expectRefused(r, `${sub} ${extra.join(' ')}`);
      expect(r.status, `${sub} ${extra.join(' ')}`).toBe(2);
      expect(r.stderr).toMatch(/option|argument|--/);
    }
  });

  it('a good log still works (the checks above are not passing for a broken program)', () => {
    const log = join(dir, 'good2.jsonl');
    writeFileSync(log, good);
    const r = ipb(['verify', log]);
    expectWellBehaved(r, 'verify good');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^intact/);
  });
});
