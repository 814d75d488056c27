/**
 * docs/snippets/every-command.ts (shown in docs/api.md): every command type built with the
 * typed builders, recorded, and read back with `loadBudget` from the file store and from
 * PostgreSQL (connected through DATABASE_URL alone), giving the same budget as the in-memory
 * ledger.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMMAND_TYPES,
  EVENT_OF_COMMAND,
  Ledger,
  PostgresEventStore,
  StoreError,
  budgetView,
  verifyLog,
  type BudgetView,
} from 'ipb-ledger';
import { describeView, everyCommand, onPostgres, onTheFileStore } from '../docs/snippets/every-command.js';
import { databaseUrl, uniqueSchema } from './store-support.js';

let dir = '';
const schema = uniqueSchema(import.meta.filename);
const admin = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-every-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`DROP SCHEMA IF EXISTS ${schema}_env CASCADE`);
  await admin.end();
});

/** A view without the parts that differ by where events came from (nothing should). */
const figures = (v: BudgetView) => ({
  balances: v.balances,
  flags: v.flags,
  plans: v.plans,
  audit: v.auditTrail.map((a) => ({ ...a, seq: null })),
});

describe('every command, built with the builders', () => {
  it('covers every command type the ledger knows', () => {
    const used = new Set(everyCommand().map((c) => c.type));
    expect([...used].sort()).toEqual([...COMMAND_TYPES].sort());
  });

  it('is accepted by the ledger, one event per command', () => {
    const ledger = new Ledger();
    for (const c of everyCommand()) {
      const r = ledger.record(c);
      expect(r._tag, `${c.commandId} ${c.type}: ${r._tag === 'Left' ? r.left.message : ''}`).toBe('Right');
    }
    expect(ledger.events()).toHaveLength(everyCommand().length);
  });

  it('reads the same budget back from the file store and from PostgreSQL', async () => {
    const ledger = new Ledger();
    for (const c of everyCommand()) ledger.recordOrThrow(c);
    const expected = budgetView('budget-every', ledger.events(), { flags: { onDate: '2026-03-31' } });

    const path = join(dir, 'every.jsonl');
    const fromFile = await onTheFileStore(path);
    const fromPostgres = await onPostgres(schema);
    if (fromFile === null || fromPostgres === null) throw new Error('the budget was not found');

    expect(fromFile.events.map((e) => e.type)).toEqual(everyCommand().map((c) => EVENT_OF_COMMAND[c.type]));
    expect(fromPostgres.events).toEqual(fromFile.events);
    expect(figures(fromFile)).toEqual(figures(expected));
    expect(figures(fromPostgres)).toEqual(figures(expected));
    expect(fromFile.state.status).toBe('closed');
    expect(fromFile.balances.streams.map(([s, b]) => `${s} ${b.remaining.toString()}`)).toEqual([
      // health: 6000.00 - 50.01 (sp-1) - 6.00 (sp-3) - 200.00 reclaimed + 50.00 returned on reconsideration
      'health 5793.99',
      // social care: 6000.00 - 500.00 - 50.00 (sp-1) - 6.00 (sp-3)
      'social-care 5444.00',
    ]);
    expect((await verifyLog(path)).ok).toBe(true);
    expect(describeView(fromPostgres)).toContain('closed the budget');
  });
});

describe('PostgresEventStore.connect()', () => {
  it('takes the server from DATABASE_URL when no connection string is given', async () => {
    const store = await PostgresEventStore.connect({ schema: `${schema}_env` });
    try {
      expect(await store.schemaVersion()).toBe(0);
      await store.migrate(); // really on the server in DATABASE_URL
      const r = await admin.query('SELECT to_regclass($1) IS NOT NULL AS e', [`${schema}_env.events`]);
      expect((r.rows[0] as { e: boolean }).e).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('says DATABASE_URL is not set when there is no server to use', async () => {
    const saved = process.env['DATABASE_URL'];
    delete process.env['DATABASE_URL'];
    try {
      const err = await PostgresEventStore.connect().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('store-unavailable');
      expect((err as StoreError).message).toContain('DATABASE_URL is not set');
    } finally {
      process.env['DATABASE_URL'] = saved;
    }
  });
});
