/**
 * The guides in docs/ stay true: every marked code block is the region of a snippet the
 * tests compile (tsc over docs/snippets), every marked output is what the snippet prints
 * now, every marked hledger/ledger run prints what the guide shows, and the tables match
 * the code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEALTH_PROHIBITED_PURPOSES, PURPOSES, accounts, type Category, type Stream } from 'ipb-ledger';
import { GUIDES, region, renderDoc } from '../scripts/doc-markers.js';

const runDir = mkdtempSync(join(tmpdir(), 'ipb-guides-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe('guides', () => {
  it.each(GUIDES)(
    '%s: code, outputs and runs are current (npx tsx scripts/sync-docs.ts updates them)',
    async (guide) => {
      const md = readFileSync(guide, 'utf8');
      expect(md).toMatch(/<!-- (snippet|output): /);
      expect(await renderDoc(md, runDir)).toBe(md);
    },
  );

  it('a snippet region that changes makes the guide stale', async () => {
    const md = readFileSync('docs/getting-started.md', 'utf8');
    const stale = md.replace("const budgetId = 'budget-7';", "const budgetId = 'budget-8';");
    expect(stale).not.toBe(md);
    expect(await renderDoc(stale, runDir)).toBe(md);
    expect(region('docs/snippets/getting-started.ts', 'command')).toMatch(/^const budgetId = 'budget-7';/);
  });

  it('every guide is linked from getting started', () => {
    const md = readFileSync('docs/getting-started.md', 'utf8');
    for (const g of GUIDES.filter((x) => x !== 'docs/getting-started.md')) {
      expect(md).toContain(`(${g.slice('docs/'.length)})`);
    }
  });
});

describe('tables match the code', () => {
  it('docs/journal.md: the chart of accounts is the one the journal writes', () => {
    const md = readFileSync('docs/journal.md', 'utf8');
    const s = '<stream>' as Stream;
    const b = '<budget>';
    const names = [
      accounts.funder(s, b),
      accounts.available(b, s),
      accounts.spent(b, s, '<category>' as Category),
      accounts.reclaimed(s, b),
      accounts.indicativeBudget(b, s),
      accounts.indicativeFunder(s, b),
      accounts.paidBudget(b, s),
      accounts.paidFunder(s, b),
    ];
    const rows = [...md.matchAll(/^\| `([a-z<>:]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(names);
  });

  it('docs/schema-evolution.md: the purposes and the prohibited-purpose rules are the code’s', () => {
    const md = readFileSync('docs/schema-evolution.md', 'utf8');
    expect(md.replace(/\s+/g, ' ')).toContain(PURPOSES.map((p) => `\`${p}\``).join(', '));
    const table = [...md.matchAll(/^\| `([a-z-]+)` \| `(nhs-[a-z-]+)` \|$/gm)].map((m) => [m[1], m[2]]);
    const code = PURPOSES.flatMap((p) => {
      const rule = HEALTH_PROHIBITED_PURPOSES[p];
      return rule === undefined ? [] : [[p, rule.id]];
    });
    expect(table).toEqual(code);
  });
});
