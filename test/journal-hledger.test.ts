/**
 * Differential test against two real, independent implementations: the library exports a
 * journal, hledger and ledger read it, check that every transaction balances and every
 * period-end assertion holds, and total every account; each total must equal the library's
 * own balances to the penny. A disagreement names the account and both figures.
 *
 * hledger and ledger exist only as Debian packages: where they are missing (outside CI) the
 * tests that run them are skipped and the global setup says so loudly; with CI=true their
 * absence fails the run (test/setup/global.ts).
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeEvent,
  eventLine,
  journalText,
  projectedAccountBalances,
  writeJournal,
  type JournalOptions,
  type LedgerEvent,
  type TimeFilter,
} from 'ipb-ledger';
import { karlLedger } from '../examples/karl.js';
import { journalToolsPresent } from './setup/tools.js';
import { eventsOf, historyArb } from './arbitraries.js';
import { generateLog } from './journal-gen.js';
import {
  disagreements,
  hledgerBalances,
  hledgerCheck,
  ledgerBalances,
  ledgerCheck,
} from './journal-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'ipb-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes events as a contract log and reads them back the way a user's log is read. */
function throughLog(name: string, events: readonly LedgerEvent[]): LedgerEvent[] {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, events.map((e) => `${eventLine(e)}\n`).join(''));
  return readLogFile(path);
}

function readLogFile(path: string): LedgerEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line, i) => {
      const d = decodeEvent(JSON.parse(line));
      if (d._tag === 'Left') throw new Error(`${path}:${i + 1}: ${d.left.message}`);
      return d.right;
    });
}

async function exportJournal(name: string, events: readonly LedgerEvent[], options: JournalOptions = {}) {
  const path = join(dir, `${name}.journal`);
  const out = createWriteStream(path);
  const summary = await writeJournal(events, out, options);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return { path, summary };
}

/**
 * Checks a journal with both tools and compares every account with the library's balances;
 * returns the problems found (empty when all agree).
 */
function differential(path: string, events: readonly LedgerEvent[], filter: TimeFilter = {}): string[] {
  const library = projectedAccountBalances(events, filter);
  const problems: string[] = [];
  const check = hledgerCheck(path);
  if (!check.ok) problems.push(`hledger check failed:\n${check.stderr}`);
  const h = hledgerBalances(path);
  if (!h.run.ok) problems.push(`hledger bal failed:\n${h.run.stderr}`);
  else problems.push(...disagreements(library, h.balances, 'hledger'));
  const lc = ledgerCheck(path);
  if (!lc.ok) problems.push(`ledger check failed:\n${lc.stderr}`);
  const l = ledgerBalances(path);
  if (!l.run.ok) problems.push(`ledger bal failed:\n${l.run.stderr}`);
  else problems.push(...disagreements(library, l.balances, 'ledger'));
  if (problems.length > 0)
    console.error(`${path}: hledger/ledger disagree with the library:\n${problems.join('\n')}`);
  return problems;
}

const tools = journalToolsPresent();

describe.skipIf(!tools)('hledger and ledger agree with the library to the penny', () => {
  it('the tools are the real ones', () => {
    const h = spawnSync('hledger', ['--version'], { encoding: 'utf8' });
    const l = spawnSync('ledger', ['--version'], { encoding: 'utf8' });
    expect(h.stdout).toMatch(/^hledger \d/);
    expect(l.stdout).toMatch(/^Ledger \d/);
  });

  it("Karl's year", async () => {
    const events = throughLog('karl', karlLedger().events());
    const { path, summary } = await exportJournal('karl', events);
    expect(summary.assertions).toBe(8);
    expect(differential(path, events)).toEqual([]);
  });

  it('the v1 fixture log, read with today’s code', async () => {
    const events = readLogFile('test/fixtures/v1/mixed.jsonl');
    const { path, summary } = await exportJournal('v1-mixed', events);
    expect(summary.budgets).toBe(5);
    expect(differential(path, events)).toEqual([]);
  });

  it('histories from the core property generators', async () => {
    const histories = fc.sample(historyArb, { seed: 20240401, numRuns: 8 });
    let n = 0;
    for (const [i, h] of histories.entries()) {
      const events = throughLog(`history-${i}`, eventsOf(h));
      n += events.length;
      const { path } = await exportJournal(`history-${i}`, events);
      expect(differential(path, events), `history ${i}`).toEqual([]);
    }
    expect(n).toBeGreaterThan(100);
  }, 180_000);

  it('small generated logs: backdated events, reversals before their spends, ":" in budget ids', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const g = generateLog(seed, 300, 3);
      const events = throughLog(`small-${seed}`, g.events);
      const { path } = await exportJournal(`small-${seed}`, events, {
        assertions: seed % 2 === 0 ? 'quarter' : 'month',
      });
      expect(differential(path, events), `seed ${seed}`).toEqual([]);
    }
  }, 180_000);

  it('about 10,000 events over many budgets, whole and as of / as known at a past time', async () => {
    const g = generateLog(2025, 10_000);
    const events = throughLog('large', g.events);
    expect(events.length).toBeGreaterThanOrEqual(10_000);
    expect(g.refused).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(15);
    const whole = await exportJournal('large', events);
    expect(whole.summary.transactions).toBeGreaterThan(5_000);
    expect(whole.summary.assertions).toBeGreaterThan(1_000);
    expect(differential(whole.path, events)).toEqual([]);

    const sorted = events.map((e) => e.recordedAt).sort();
    const filter = {
      asOf: sorted[Math.floor(sorted.length / 2)] as string,
      knownAt: sorted[Math.floor((sorted.length * 3) / 4)] as string,
    };
    const past = await exportJournal('large-past', events, { filter });
    expect(past.summary.events).toBeLessThan(events.length);
    expect(differential(past.path, events, filter)).toEqual([]);
  }, 600_000);
});

describe('ipb export LOG --format hledger --out FILE', () => {
  const cli = (...args: string[]) =>
    spawnSync('npx', ['--no-install', 'tsx', 'src/cli/main.ts', 'export', ...args], { encoding: 'utf8' });

  it.skipIf(!tools)(
    'writes the journal the library writes, and hledger and ledger agree with it',
    async () => {
      const g = generateLog(77, 600, 4);
      const log = join(dir, 'cli.jsonl');
      writeFileSync(log, g.events.map((e) => `${eventLine(e)}\n`).join(''));
      const out = join(dir, 'cli-out', 'cli.journal');
      const r = cli(log, '--format', 'hledger', '--out', out);
      expect(r.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(
        /^exported \d+ events of 4 budgets as a journal to .*cli\.journal: \d+ transactions, \d+ balance assertions/,
      );
      const events = readLogFile(log);
      expect(readFileSync(out, 'utf8')).toBe(journalText(events));
      expect(differential(out, events)).toEqual([]);
    },
    180_000,
  );

  it('refuses a log that does not verify, and writes nothing', () => {
    const lines = readFileSync('test/fixtures/v1/karl.jsonl', 'utf8').split('\n');
    lines[11] = (lines[11] as string).replace('"amount":"320.00"', '"amount":"300.00"');
    const log = join(dir, 'tampered.jsonl');
    writeFileSync(log, lines.join('\n'));
    const out = join(dir, 'tampered.journal');
    const r = cli(log, '--format', 'hledger', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('line 12');
    expect(r.stderr).toContain('nothing was exported');
    expect(() => readFileSync(out)).toThrow();
  }, 120_000);

  it('says why it cannot write, without a stack trace', () => {
    const r = cli('test/fixtures/v1/karl.jsonl', '--format', 'hledger', '--out', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`ipb export: cannot write ${dir}: EISDIR`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const p = cli(
      'test/fixtures/v1/karl.jsonl',
      '--format',
      'hledger',
      '--out',
      join(dir, 'x.journal'),
      '--pseudonymise',
    );
    expect(p.status).toBe(2);
    expect(p.stderr).toContain(
      '--pseudonymise and --key-file make evaluator releases (--format jsonl), not journals',
    );
  }, 120_000);
});

describe.skipIf(!tools)('the differential test can fail', () => {
  const events = karlLedger().events();
  const text = journalText(events);

  it('a posting booked to the wrong account (still balanced) is named with both figures', () => {
    const broken = text.replace(
      '    budget:notts-karl-2018:health:spent:therapy  320.00 GBP\n',
      '    budget:notts-karl-2018:health:spent:transport  320.00 GBP\n',
    );
    expect(broken).not.toBe(text);
    const path = join(dir, 'wrong-account.journal');
    writeFileSync(path, broken);
    const problems = differential(path, events);
    expect(problems).toContain('budget:notts-karl-2018:health:spent:therapy: library 320.00, hledger 0.00');
    expect(problems).toContain('budget:notts-karl-2018:health:spent:transport: library 0.00, hledger 320.00');
    expect(problems).toContain('budget:notts-karl-2018:health:spent:therapy: library 320.00, ledger 0.00');
  });

  it('a wrong amount on both sides of a posting breaks the period-end assertion in both tools', () => {
    const broken = text
      .replace(
        '    budget:notts-karl-2018:health:spent:therapy  320.00 GBP\n',
        '    budget:notts-karl-2018:health:spent:therapy  320.01 GBP\n',
      )
      .replace(
        '    budget:notts-karl-2018:health:available  -320.00 GBP\n',
        '    budget:notts-karl-2018:health:available  -320.01 GBP\n',
      );
    const path = join(dir, 'wrong-amount.journal');
    writeFileSync(path, broken);
    const problems = differential(path, events);
    expect(problems.find((p) => p.startsWith('hledger check failed'))).toContain(
      'budget:notts-karl-2018:health:available',
    );
    expect(problems.find((p) => p.startsWith('ledger check failed'))).toContain('Balance assertion off by');
    // and every account that is off is named with both figures, by both tools
    for (const tool of ['hledger', 'ledger']) {
      expect(problems).toContain(
        `budget:notts-karl-2018:health:spent:therapy: library 320.00, ${tool} 320.01`,
      );
      expect(problems).toContain(
        `budget:notts-karl-2018:health:available: library 12900.82, ${tool} 12900.81`,
      );
    }
  });

  it('a sub-penny imbalance is caught by both tools because the journal declares no commodity precision', () => {
    const broken = text.replace(
      '    budget:notts-karl-2018:health:spent:therapy  320.00 GBP\n',
      '    budget:notts-karl-2018:health:spent:therapy  320.001 GBP\n',
    );
    const path = join(dir, 'sub-penny.journal');
    writeFileSync(path, broken);
    expect(hledgerCheck(path).ok).toBe(false);
    expect(hledgerCheck(path).stderr).toContain('could not balance this transaction');
    expect(ledgerCheck(path).stderr).toContain('Transaction does not balance');

    // The pitfall this avoids: with a declared display precision, hledger 1.25 checks balancing
    // at that precision, so the same imbalance passes; ledger still refuses it.
    const declared = join(dir, 'sub-penny-declared.journal');
    writeFileSync(declared, `commodity 1.00 GBP\n\n${broken}`);
    expect(ledgerCheck(declared).ok).toBe(false);
    const version = spawnSync('hledger', ['--version'], { encoding: 'utf8' }).stdout;
    if (version.startsWith('hledger 1.25')) expect(hledgerCheck(declared).ok).toBe(true);
  });
});
