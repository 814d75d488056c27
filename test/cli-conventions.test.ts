/**
 * The conventions every `ipb` subcommand follows, checked on every subcommand the program
 * registers (the list comes from `ipb --help`, so a new subcommand is covered without
 * editing this file): `--help` shows required options in the usage line and marks them
 * `(required)`, states exit codes 0, 1 and 2, and shows one example that really runs from the
 * repository root with exit code 0; `--out -` (or no `--out`) writes file formats to standard
 * output; tables stay aligned with long text.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_WHAT_WIDTH,
  Ledger,
  Money,
  auditTable,
  auditTrail,
  commands,
  logText,
  textTable,
  wrapText,
  type CommandMeta,
} from 'ipb-ledger';
import { hasStackTrace, ipb } from './cli-helpers.js';

/** The subcommands `ipb --help` lists (commander's own `help` aside). */
async function subcommands(): Promise<string[]> {
  const r = await ipb(['--help']);
  expect(r.code).toBe(0);
  const section = r.stdout.slice(r.stdout.indexOf('Commands:\n'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
    .map((m) => m[1] as string)
    .filter((name) => name !== 'help');
}

const names = await subcommands();

/** Splits an example command line into arguments (examples use no quoting). */
const argsOf = (example: string) => example.split(' ').filter((a) => a !== '');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-conventions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('every ipb subcommand', () => {
  it('is found (the list is read from the program, not written here)', () => {
    for (const known of ['verify', 'balances', 'audit', 'flags', 'replay', 'outcomes', 'export']) {
      expect(names).toContain(known);
    }
  });

  it.each(names)('%s --help states its exit codes and one example that runs', async (name) => {
    const h = await ipb([name, '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(new RegExp(`^Usage: ipb ${name} `));
    expect(h.stdout).toMatch(/\nExit codes:\n {2}0 {2}\S.*\n {2}1 {2}\S.*\n {2}2 {2}\S.*\n/);
    const example = /\nExample:\n {2}\$ (ipb [^\n]+)\n/.exec(h.stdout)?.[1];
    expect(example, `${name} --help shows no example`).toBeDefined();
    const args = argsOf(example as string);
    expect(args.slice(0, 2)).toEqual(['ipb', name]);
    const run = await ipb(args.slice(1));
    expect(run.code, `${example}\n${run.stderr}`).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(0);
    expect(hasStackTrace(run.stderr)).toBe(false);
  });

  it.each(names)('%s --help shows its required options in the usage line', async (name) => {
    const h = await ipb([name, '--help']);
    const usage = h.stdout.split('\n')[0] as string;
    const required = [...h.stdout.matchAll(/^ {2}(--[a-z-]+(?: <[a-z-]+>)?) .*\(required\)$/gm)].map(
      (m) => m[1] as string,
    );
    for (const flags of required) expect(usage).toContain(` ${flags} `);
    // And a required option is really required: the example without it is a usage error.
    const example = argsOf(/\$ (ipb [^\n]+)\n/.exec(h.stdout)?.[1] ?? '');
    for (const flags of required) {
      const flag = flags.split(' ')[0] as string;
      const at = example.indexOf(flag);
      expect(at, `${name}: the example does not use the required ${flag}`).toBeGreaterThan(0);
      const without = [...example.slice(1, at), ...example.slice(at + 2)];
      const r = await ipb(without);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`required option '${flags}' not specified`);
    }
  });
});

describe('ipb audit', () => {
  it('marks --budget as required', async () => {
    const h = await ipb(['audit', '--help']);
    expect(h.stdout.split('\n')[0]).toBe('Usage: ipb audit <log> --budget <id> [options]');
    expect(h.stdout).toMatch(/--budget <id> +the budget id \(required\)/);
  });

  it('keeps its columns aligned on a real log (the description column wraps)', async () => {
    const r = await ipb(['audit', 'examples/logs/karl.jsonl', '--budget', 'notts-karl-2018']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const header = lines[0] as string;
    // The last column is right-aligned: every event's first line (it starts with its seq)
    // ends where the header ends; continuation lines of a wrapped description are shorter.
    const rows = lines.slice(2).filter((l) => /^[0-9]+ /.test(l));
    expect(lines.length).toBeGreaterThan(rows.length + 2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(header.length);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(row.length, row).toBe(header.length);
    expect(header.length).toBeLessThan(180);
  });
});

describe('--out - (or no --out) writes file formats to standard output', () => {
  it('export --format hledger: the same journal on stdout as in the file, the summary on stderr', async () => {
    const file = join(dir, 'karl.journal');
    const toFile = await ipb(['export', 'examples/logs/karl.jsonl', '--format', 'hledger', '--out', file]);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stdout).toContain('as a journal to');
    const journal = await readFile(file, 'utf8');
    expect(journal).toContain('balance assertion');
    for (const out of [[], ['--out', '-']]) {
      const r = await ipb(['export', 'examples/logs/karl.jsonl', '--format', 'hledger', ...out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(journal);
      expect(r.stderr).toMatch(/^exported \d+ events of 1 budgets as a journal to standard output: /);
    }
  });

  it('export --format jsonl needs --out DIR (a log and its manifest): a usage error without it', async () => {
    for (const out of [[], ['--out', '-']]) {
      const r = await ipb(['export', 'examples/logs/karl.jsonl', ...out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('give --out DIR');
    }
  });

  it('outcomes: --out - is the same as no --out', async () => {
    const args = ['outcomes', 'examples/logs/ipc-site.jsonl', '--format', 'csv'];
    const plain = await ipb(args);
    const dash = await ipb([...args, '--out', '-']);
    expect(plain.code).toBe(0);
    expect(dash).toEqual(plain);
    expect(plain.stdout.split('\n').length).toBeGreaterThan(2);
    expect(await ipb([...args, '--out', join(dir, 'o.csv')])).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(join(dir, 'o.csv'), 'utf8')).toBe(plain.stdout);
  });
});

describe('tables with long text', () => {
  it('wrapText wraps at word boundaries, cuts over-long words, and never exceeds the width', () => {
    expect(wrapText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('abcdefghijklmnop xy', 5)).toEqual(['abcde', 'fghij', 'klmno', 'p xy']);
    expect(wrapText('', 5)).toEqual(['']);
    const long = 'word '.repeat(50) + 'x'.repeat(70);
    for (const l of wrapText(long, 20)) expect(l.length).toBeLessThanOrEqual(20);
    expect(wrapText(long, 20).join(' ').replace(/ /g, '')).toBe(long.replace(/ /g, ''));
  });

  it('textTable keeps right-aligned columns aligned when a wrapped cell spans lines', () => {
    const t = textTable(
      ['id', 'what', '>left'],
      [
        ['1', 'short', '1.00'],
        ['2', 'a much longer description that will not fit in the column\nwith a line break', '100.00'],
      ],
      { wrap: { 1: 12 } },
    );
    const lines = t.split('\n');
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) expect(l).not.toMatch(/[\n\t]/);
    expect(lines.filter((l) => /[0-9]$/.test(l)).map((l) => l.length)).toEqual([
      (lines[0] as string).length,
      (lines[0] as string).length,
    ]);
    expect(Math.max(...lines.map((l) => l.length))).toBe((lines[0] as string).length);
  });

  it('the audit table of a budget with a very long reason stays aligned', () => {
    const ledger = new Ledger();
    const at = { occurredAt: '2025-04-01T09:00:00.000Z', recordedAt: '2025-04-01T09:00:00.000Z' };
    const m = (commandId: string, role: 'coordinator' | 'finance'): CommandMeta => ({
      commandId,
      budgetId: 'b-long',
      actor: { id: `${role}-with-a-rather-long-identifier-0001`, role },
      ...at,
    });
    ledger.recordOrThrow(
      commands.openBudget(m('o', 'coordinator'), {
        personRef: 'p-1',
        site: 'north',
        cohort: 'other',
        basis: 'joint',
        streams: ['health', 'social-care'],
        periodStart: '2025-04-01',
        periodEnd: '2026-03-31',
      }),
    );
    ledger.recordOrThrow(
      commands.allocateFunding(m('a', 'finance'), {
        stream: 'health',
        amount: Money.of('1000.00'),
        stage: 'agreed',
      }),
    );
    ledger.recordOrThrow(
      commands.adjustFunding(m('j', 'finance'), {
        stream: 'health',
        delta: Money.of('-10.00'),
        reason: 'the panel agreed a reduction after a long review of the assessment '.repeat(6).trim(),
      }),
    );
    const table = auditTable(auditTrail(ledger.events()));
    const lines = table.split('\n');
    const header = lines[0] as string;
    expect(lines.length).toBeGreaterThan(6);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(header.length);
    const whatAt = header.indexOf('what');
    for (const l of lines.slice(2)) {
      const what = l.slice(whatAt, whatAt + AUDIT_WHAT_WIDTH).trimEnd();
      expect(what.length).toBeLessThanOrEqual(AUDIT_WHAT_WIDTH);
    }
    expect(lines.filter((l) => /[0-9]$/.test(l)).every((l) => l.length === header.length)).toBe(true);
    // It still reads back as a log (the long reason is kept whole in the data).
    expect(logText(ledger.events())).toContain('after a long review');
  });
});
