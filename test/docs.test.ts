/** Keeps docs true: tables checked against the code, code blocks found in compiled files. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_ROLES, EVENT_TYPES, ROLES, SPEND_ROLES, type LedgerError } from 'ipb-ledger';
import { roleTable } from './helpers.js';

const read = (p: string) => readFileSync(p, 'utf8');
function filesUnder(dir: string, ext: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'api') continue;
    if (statSync(p).isDirectory()) out = out.concat(filesUnder(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

describe('docs/rules.md', () => {
  const md = read('docs/rules.md');
  it('the role table is COMMAND_ROLES exactly', () => {
    const table = roleTable(md, 'command');
    expect([...table.keys()].sort()).toEqual(Object.keys(COMMAND_ROLES).sort());
    for (const [command, roles] of table) {
      expect([...roles].sort(), command).toEqual(
        [...COMMAND_ROLES[command as keyof typeof COMMAND_ROLES]].sort(),
      );
    }
    expect(roleTable(md, 'command').size).toBeGreaterThan(0);
    expect(md).toContain(`| command | ${ROLES.join(' | ')} |`);
  });
  it('the spend table is SPEND_ROLES exactly', () => {
    const table = roleTable(md, 'option');
    for (const [option, roles] of table) {
      expect([...roles].sort(), option).toEqual([...SPEND_ROLES[option as keyof typeof SPEND_ROLES]].sort());
    }
    expect(table.size).toBe(Object.keys(SPEND_ROLES).length);
  });
  it('lists every error code', () => {
    const codes: Record<LedgerError['code'], true> = {
      'invalid-command': true,
      'role-not-allowed': true,
      'not-your-budget': true,
      'budget-not-opened': true,
      'budget-already-opened': true,
      'budget-closed': true,
      'wrong-budget': true,
      'stream-not-in-budget': true,
      'contribution-not-allowed': true,
      'reason-required': true,
      'plan-version-out-of-order': true,
      'plan-not-pending': true,
      'plan-invalid': true,
      'unknown-change-request': true,
      'duplicate-change-request': true,
      'duplicate-spend': true,
      'unknown-spend': true,
      'spend-already-reversed': true,
      'direct-payment-state': true,
      'recorded-before-previous': true,
      'period-invalid': true,
      'prohibited-purpose': true,
      'contribution-without-social-care': true,
      'contribution-not-assessed': true,
      'contribution-above-assessed': true,
      'allocation-below-zero': true,
      'reclaim-above-surplus': true,
      'command-id-reused': true,
      'change-request-closed': true,
      'no-overspend': true,
      'unknown-reclaim': true,
      'duplicate-notice': true,
      'reconsideration-state': true,
      'unknown-contingency': true,
      'duplicate-contingency': true,
      'contingency-above-held': true,
    };
    for (const code of Object.keys(codes)) expect(md, code).toContain(`| \`${code}\` |`);
  });
});

describe('docs/events.md', () => {
  it('has a section for every event type the library knows', () => {
    const md = read('docs/events.md');
    for (const t of EVENT_TYPES) expect(md, t).toContain(`### ${t}\n`);
  });
});

describe('code in README and docs comes from files the tests compile', () => {
  const sources = [...filesUnder('examples', '.ts'), ...filesUnder('docs', '.ts')].map(read);
  const normalise = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join('\n');
  const corpus = sources.map(normalise);
  const docs = ['README.md', ...filesUnder('docs', '.md')];
  it.each(docs)('%s', (file) => {
    const md = read(file);
    const blocks = [...md.matchAll(/```(?:ts|typescript|js|javascript)\n([\s\S]*?)```/g)].map(
      (m) => m[1] as string,
    );
    for (const block of blocks) {
      const wanted = normalise(block);
      expect(
        corpus.some((src) => src.includes(wanted)),
        `${file}: this code block is not in examples/ or docs/snippets/:\n${block}`,
      ).toBe(true);
    }
    expect(typeof md).toBe('string');
  });
});

describe('docs/snippets run', () => {
  it('quick-start prints the balances the README shows', async () => {
    const { quickStart } = await import('../docs/snippets/quick-start.js');
    const out = quickStart();
    expect(out).toContain('budget-42  health         6000.00        0.00  50.01       0.00    5949.99');
    expect(read('README.md')).toContain(out);
  });
});
