/** docs/stores.md: its code (docs/snippets/stores.ts, shown whole) runs and prints what the page shows. */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { FileEventStore } from 'ipb-ledger';
import { balancesNow, onAFile, onPostgres, readBack } from '../docs/snippets/stores.js';
import { checkLog, databaseUrl, tmpDir, uniqueSchema } from './store-support.js';

const dir = tmpDir('docs');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/stores.md', () => {
  const md = readFileSync('docs/stores.md', 'utf8');

  it('shows the snippet file whole, exactly as it is', () => {
    const marked = [...md.matchAll(/<!-- snippet: ([^#\s]+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(marked.length).toBe(1);
    for (const [, file, block] of marked) expect(block, file).toBe(readFileSync(file as string, 'utf8'));
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
    try {
      const table = await balancesNow(store);
      expect(table).toContain('6000.00');
      expect(md).toContain(table);
      const read = await readBack(store, 'budget-7', `${dir}/budgets-export.jsonl`);
      const shown = /<!-- output: docs\/snippets\/stores.ts readBack -->\n```text\n([\s\S]*?)\n```/.exec(
        md,
      )?.[1];
      expect(read.join('\n').replaceAll(`${dir}/`, '')).toBe(shown);
      expect(read[3]).toContain('verifies as a log');
    } finally {
      await store.close();
    }
  });

  it('records on PostgreSQL from DATABASE_URL', async () => {
    const url = databaseUrl();
    const schema = uniqueSchema(import.meta.filename);
    try {
      expect(await onPostgres(schema)).toEqual([
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
