/** docs/stores.md: its code (docs/snippets/stores.ts) runs, and its blocks match the snippet regions. */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { FileEventStore } from 'ipb-ledger';
import { balancesNow, onAFile, onPostgres } from '../docs/snippets/stores.js';
import { checkLog, databaseUrl, tmpDir, uniqueSchema } from './store-support.js';

const dir = tmpDir('docs');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The lines of `// #region NAME` ... `// #endregion NAME` in a file, dedented. */
function region(file: string, name: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((l) => l.trim() !== '').map((l) => (/^ */.exec(l) as RegExpExecArray)[0].length),
  );
  return body.map((l) => l.slice(indent)).join('\n');
}

describe('docs/stores.md', () => {
  const md = readFileSync('docs/stores.md', 'utf8');

  it('shows each snippet region exactly as the code has it', () => {
    const marked = [...md.matchAll(/<!-- snippet: ([^#\s]+)#([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g)];
    expect(marked.length).toBeGreaterThanOrEqual(5);
    for (const [, file, name, block] of marked)
      expect(block, `${file}#${name}`).toBe(region(file as string, name as string));
  });

  it('records on a file that verifies as a log, and a repeat is recognised', async () => {
    const path = `${dir}/budgets.jsonl`;
    const first = await onAFile(path);
    expect(first).toEqual([
      'budget-7-open: recorded BudgetOpened (version 1)',
      'budget-7-fund: recorded FundingAllocated (version 2)',
    ]);
    expect(md).toContain(first.join('\n'));
    const again = await onAFile(path);
    expect(again).toEqual([
      'budget-7-open: already recorded BudgetOpened (version 2)',
      'budget-7-fund: already recorded FundingAllocated (version 2)',
    ]);
    expect(md).toContain(again.join('\n'));
    expect(checkLog(readFileSync(path, 'utf8')).problem).toBeNull();
    const store = await FileEventStore.open(path);
    const table = await balancesNow(store);
    await store.close();
    expect(table).toContain('6000.00');
    expect(md).toContain(table);
  });

  it('records on PostgreSQL from DATABASE_URL', async () => {
    const url = databaseUrl();
    const schema = uniqueSchema(import.meta.filename);
    try {
      expect(await onPostgres(url, schema)).toEqual([
        'budget-7-open: recorded BudgetOpened (version 1)',
        'budget-7-fund: recorded FundingAllocated (version 2)',
      ]);
    } finally {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
