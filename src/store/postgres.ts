/**
 * The PostgreSQL store (with `pg`, an optional peer dependency loaded only when a connection
 * string is given).
 *
 * One row per event in `<schema>.events`, keyed by `(budget_id, seq)`: two writers appending
 * the same `seq` cannot both commit, which is the optimistic concurrency check. Command ids are
 * unique per budget in `<schema>.commands`, written in the same transaction. Each row keeps
 * the event's exact log line, so an export reproduces the bytes that were hashed.
 *
 * Global order for catch-up readers is `(tx_id, position)`: the writing transaction's id
 * (`xid8`) and an identity number. A reader only reads rows of transactions older than every
 * transaction still running (`pg_snapshot_xmin(pg_current_snapshot())`), so a transaction that
 * commits late can hold readers back for a moment but is never skipped.
 *
 * Every table is keyed by `budget_id` first, so the tables distribute by `budget_id` on Citus
 * unchanged: see {@link citusDistributionSql} and docs/stores.md.
 *
 * Longer than 400 lines on purpose: the schema, the append transaction, the catch-up reader,
 * snapshots and projection state are one adapter over one set of tables, and the SQL of each
 * reads the columns and locks the others write; kept together, a change of a table is seen in
 * every statement that uses it.
 */
import type { Pool as PgPool } from 'pg';
import { decodeEvent, type LedgerEvent, type PendingEvent } from '../events/envelope.js';
import {
  EMPTY_HEAD,
  checkBatch,
  fromVersionOf,
  headAfter,
  limitOf,
  sealBatch,
  type HeadInfo,
  type SealedBatch,
} from './append.js';
import {
  DEFAULT_READ_LIMIT,
  StoreError,
  VersionConflict,
  checkSameCommand,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type ExpectedVersion,
  type ReadAllResult,
  type SavedProjection,
  type Snapshot,
  type Store,
  type StoredEvent,
  type StreamHead,
} from './port.js';

/** A query result as `pg` returns it (only what the store reads). */
export interface PgResultLike {
  readonly rows: unknown[];
}

/** A pooled connection: a `pg.PoolClient` fits. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<PgResultLike>;
  release(err?: Error | boolean): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
}

/** A connection pool: a `pg.Pool` fits. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<PgResultLike>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Options of {@link PostgresEventStore.connect}. */
export interface PostgresStoreOptions {
  /**
   * `postgres://user:password@host:5432/database`. When neither this nor `pool` is given,
   * the `DATABASE_URL` environment variable is used.
   */
  readonly connectionString?: string;
  /** A pool you manage (closing the store does not end it). Used instead of `connectionString`. */
  readonly pool?: PgPoolLike;
  /** Schema holding the tables (default `ipb`). Lowercase letters, digits and `_`. */
  readonly schema?: string;
  /** Connections in the pool the store creates (default 10). */
  readonly maxConnections?: number;
  /** Called with errors of idle connections (default: ignored; the pool replaces them). */
  readonly onIdleError?: (err: Error) => void;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Version of the table layout that {@link PostgresEventStore.migrate} creates. */
export const POSTGRES_SCHEMA_VERSION = 2;

/** The statements of each migration, for schema `s` (already quoted). */
function migrations(s: string): ReadonlyArray<readonly string[]> {
  return [
    [
      `CREATE TABLE ${s}.events (
         budget_id   text    NOT NULL,
         seq         integer NOT NULL CHECK (seq >= 1),
         position    bigserial NOT NULL,
         tx_id       xid8    NOT NULL DEFAULT pg_current_xact_id(),
         event_id    uuid    NOT NULL,
         type        text    NOT NULL,
         command_id  text,
         recorded_at text    NOT NULL,
         hash        text    NOT NULL,
         line        text    NOT NULL,
         CONSTRAINT events_pkey PRIMARY KEY (budget_id, seq)
       )`,
      `CREATE INDEX events_global ON ${s}.events (tx_id, position)`,
      `CREATE TABLE ${s}.commands (
         budget_id  text    NOT NULL,
         command_id text    NOT NULL,
         first_seq  integer NOT NULL,
         last_seq   integer NOT NULL,
         CONSTRAINT commands_pkey PRIMARY KEY (budget_id, command_id)
       )`,
      `CREATE TABLE ${s}.snapshots (
         budget_id text    NOT NULL,
         version   integer NOT NULL,
         hash      text    NOT NULL,
         format    text    NOT NULL,
         state     text    NOT NULL,
         saved_at  timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT snapshots_pkey PRIMARY KEY (budget_id)
       )`,
      `CREATE TABLE ${s}.projections (
         name       text NOT NULL,
         checkpoint text,
         state      text NOT NULL,
         saved_at   timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT projections_pkey PRIMARY KEY (name)
       )`,
    ],
    [
      // the opaque fingerprint the caller gave with each command id (see AppendOptions); NULL for
      // commands stored before this column or appended without one: the caller compares events
      `ALTER TABLE ${s}.commands ADD COLUMN IF NOT EXISTS fingerprint text`,
    ],
  ];
}

/**
 * The statements that distribute the tables on Citus (run once, after {@link PostgresEventStore.migrate},
 * on the coordinator): events, commands and snapshots by `budget_id`, co-located, so every
 * append is a single-node transaction; projections and the schema version stay on the coordinator.
 */
export function citusDistributionSql(schema = 'ipb'): string[] {
  const s = quoteSchema(schema);
  return [
    `SELECT create_distributed_table('${s}.events', 'budget_id')`,
    `SELECT create_distributed_table('${s}.commands', 'budget_id', colocate_with => '${s}.events')`,
    `SELECT create_distributed_table('${s}.snapshots', 'budget_id', colocate_with => '${s}.events')`,
  ];
}

function quoteSchema(schema: string): string {
  if (!SCHEMA_RE.test(schema)) {
    throw new RangeError(
      `schema must be lowercase letters, digits and _ (at most 63), got ${JSON.stringify(schema)}`,
    );
  }
  return `"${schema}"`;
}

interface PgError {
  readonly code?: string;
  readonly constraint?: string;
  readonly message: string;
}

/** Turns a driver or server error into a store error. */
function pgError(err: unknown, what: string, outcomeUnknown: boolean): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as PgError;
  const code = e.code ?? '';
  const opts = { cause: err, outcomeUnknown };
  if (code === '53100')
    return new StoreError('store-full', `${what}: the database is out of disk space (${e.message})`, opts);
  if (code === '25006')
    return new StoreError('store-read-only', `${what}: the database is read-only (${e.message})`, opts);
  if (code === '42P01' || code === '3F000') {
    return new StoreError(
      'store-unavailable',
      `${what}: the store's tables do not exist (${e.message}); run migrate() once before using the store`,
      opts,
    );
  }
  const unknown = outcomeUnknown
    ? '; it may or may not have been recorded: retry with the same commandId (repeats are idempotent)'
    : '';
  return new StoreError('store-unavailable', `${what}: ${e.message}${unknown}`, opts);
}

function isConnectionError(err: unknown): boolean {
  const code = (err as PgError).code ?? '';
  return !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P');
}

interface HeadRow {
  seq: number | null;
  hash: string | null;
  recorded_at: string | null;
  first_seq: number | null;
  last_seq: number | null;
  fingerprint?: string | null;
}

/** A command id as stored: its events' `seq` range and its fingerprint (null for old rows). */
interface StoredCommand {
  readonly first: number;
  readonly last: number;
  readonly fingerprint: string | null;
}

function decodeLine(line: string, where: string): LedgerEvent {
  let u: unknown;
  try {
    u = JSON.parse(line);
  } catch (err) {
    throw new StoreError('store-corrupt', `${where}: stored line is not JSON (${(err as Error).message})`);
  }
  const d = decodeEvent(u);
  if (d._tag === 'Left') throw new StoreError('store-corrupt', `${where}: ${d.left.message}`);
  return d.right;
}

/** An append sealed at a known head, waiting to be sent with others in one statement. */
interface QueuedAppend {
  readonly budgetId: string;
  readonly commandId: string | undefined;
  readonly head: HeadInfo;
  readonly batch: SealedBatch;
  readonly fingerprint: string | null;
  readonly done: (outcome: AppendResult | null | StoreError) => void;
}

/** Append statements a store runs at once; appends arriving meanwhile wait and go together. */
const APPEND_STATEMENTS = 2;
/** Most appends in one statement. */
const MAX_APPENDS_PER_STATEMENT = 64;

const CHECKPOINT_RE = /^([0-9]{1,20}):([0-9]{1,19})$/;

/** The PostgreSQL event store. Create it with {@link PostgresEventStore.connect}, then run {@link migrate} once. */
export class PostgresEventStore implements Store {
  /** `append` honours `AppendOptions.expectedHash`. */
  readonly checksExpectedHash = true;
  private closed = false;
  private readonly s: string;
  /**
   * The last head this store saw of recently used streams (appended to, or read to the end), so
   * that an append can seal its events at once and send them in one statement that checks the
   * head is still there ({@link PostgresEventStore.appendAtHead}). A stale entry costs one
   * wasted statement, never a wrong write: the database checks it.
   */
  private readonly knownHeads = new Map<string, HeadInfo>();
  /** Appends waiting for a statement ({@link PostgresEventStore.appendBatched}). */
  private appendQueue: QueuedAppend[] = [];
  private appendsInFlight = 0;
  /** Budgets with an append in a statement now running: their next append waits for it. */
  private readonly budgetsInFlight = new Set<string>();

  private constructor(
    private readonly pool: PgPoolLike,
    private readonly ownsPool: boolean,
    /** The schema holding the tables. */
    readonly schema: string,
  ) {
    this.s = quoteSchema(schema);
  }

  /**
   * Connects (lazily: the first query opens a connection). Does not create tables: call
   * {@link migrate}. The server is `options.pool`, else `options.connectionString`, else the
   * `DATABASE_URL` environment variable; with none of them it throws a `StoreError`
   * (`store-unavailable`) that says so.
   */
  static async connect(options: PostgresStoreOptions = {}): Promise<PostgresEventStore> {
    const schema = options.schema ?? 'ipb';
    quoteSchema(schema);
    if (options.pool !== undefined) return new PostgresEventStore(options.pool, false, schema);
    const connectionString =
      options.connectionString === undefined || options.connectionString === ''
        ? process.env['DATABASE_URL']
        : options.connectionString;
    if (connectionString === undefined || connectionString === '') {
      throw new StoreError(
        'store-unavailable',
        'no PostgreSQL connection: DATABASE_URL is not set and no connectionString (postgres://user:password@host:5432/db) or pg Pool was given',
      );
    }
    let Pool: typeof PgPool;
    try {
      Pool = (await import('pg')).default.Pool;
    } catch (err) {
      throw new StoreError(
        'store-unavailable',
        'the PostgreSQL store needs the `pg` package: npm install pg',
        {
          cause: err,
        },
      );
    }
    const pool = new Pool({ connectionString, max: options.maxConnections ?? 10 });
    pool.on('error', options.onIdleError ?? (() => undefined));
    return new PostgresEventStore(pool as unknown as PgPoolLike, true, schema);
  }

  /**
   * Creates the schema and tables, or brings them up to date. Idempotent and safe to run from
   * several processes at once (an advisory lock serialises them).
   */
  async migrate(): Promise<void> {
    this.ensureOpen();
    await this.transaction('migrate', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ipb-ledger:migrate:${this.schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${this.s}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = (await c.query(`SELECT coalesce(max(version), 0) AS v FROM ${this.s}.schema_version`))
        .rows[0] as {
        v: number;
      };
      const all = migrations(this.s);
      for (let v = done.v + 1; v <= all.length; v++) {
        for (const sql of all[v - 1] ?? []) await c.query(sql);
        await c.query(`INSERT INTO ${this.s}.schema_version (version) VALUES ($1)`, [v]);
      }
    });
  }

  /** The version of the tables in the database (0 when {@link migrate} never ran). */
  async schemaVersion(): Promise<number> {
    this.ensureOpen();
    const exists = await this.run('read the schema version', () =>
      this.pool.query('SELECT to_regclass($1) IS NOT NULL AS e', [`"${this.schema}".schema_version`]),
    );
    if ((exists.rows[0] as { e: boolean }).e !== true) return 0;
    const r = await this.run('read the schema version', () =>
      this.pool.query(`SELECT coalesce(max(version), 0) AS v FROM ${this.s}.schema_version`),
    );
    return Number((r.rows[0] as { v: number | string }).v);
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('store-closed', 'the store is closed');
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw pgError(err, `cannot ${what}`, false);
    }
  }

  /**
   * Takes a connection from the pool. A connection that drops while checked out also emits an
   * `error` event; it is caught here (the failing query reports it) and the connection is
   * discarded on release.
   */
  private async checkout(what: string): Promise<{ c: PgClientLike; release: (broken?: Error) => void }> {
    const c = await this.run(`${what} (connect)`, () => this.pool.connect());
    let dropped: Error | undefined;
    const onError = (err: Error) => (dropped = err);
    c.on('error', onError);
    return {
      c,
      release: (broken) => {
        c.removeListener('error', onError);
        c.release(broken ?? dropped ?? false);
      },
    };
  }

  private async transaction<T>(what: string, fn: (c: PgClientLike) => Promise<T>): Promise<T> {
    const { c, release } = await this.checkout(what);
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      else await c.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw pgError(err, `cannot ${what}`, false);
    } finally {
      release(broken);
    }
  }

  async append(
    budgetId: string,
    events: readonly PendingEvent[],
    expected: ExpectedVersion,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.ensureOpen();
    const commandId = checkBatch(budgetId, events);
    const fingerprint = options.fingerprint ?? null;
    const expectedHash = options.expectedHash;
    const fast = await this.appendBatched(budgetId, commandId, events, expected, fingerprint, expectedHash);
    if (fast !== null) return fast;
    for (let attempt = 1; ; attempt++) {
      const r = await this.tryAppend(budgetId, commandId, events, expected, fingerprint, expectedHash);
      if (r !== 'retry') return r;
      if (attempt >= 100) {
        throw new StoreError(
          'store-unavailable',
          `cannot append to ${budgetId}: the stream kept moving (100 attempts)`,
        );
      }
    }
  }

  /** One attempt; 'retry' when an `any` append lost a race and should simply try again. */
  private async tryAppend(
    budgetId: string,
    commandId: string | undefined,
    events: readonly PendingEvent[],
    expected: ExpectedVersion,
    fingerprint: string | null,
    expectedHash: string | undefined,
  ): Promise<AppendResult | 'retry'> {
    const what = `append to budget ${budgetId}`;
    const { c, release } = await this.checkout(what);
    let broken: Error | undefined;
    let phase: 'read' | 'write' | 'commit' = 'read';
    try {
      const pre = await this.headAndCommand(c, budgetId, commandId);
      if (pre.command !== null)
        return await this.duplicate(c, budgetId, pre.command, pre.head.version, fingerprint);
      const batch = sealBatch(budgetId, events, expected, pre.head, expectedHash);
      phase = 'write';
      await c.query('BEGIN');
      try {
        const values: unknown[] = [];
        const rows = batch.events.map((e, i) => {
          const line = batch.lines[i] as string;
          values.push(budgetId, e.seq, e.eventId, e.type, e.commandId ?? null, e.recordedAt, e.hash, line);
          const b = i * 8;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
        });
        await c.query(
          `INSERT INTO ${this.s}.events (budget_id, seq, event_id, type, command_id, recorded_at, hash, line) VALUES ${rows.join(', ')}`,
          values,
        );
        if (commandId !== undefined) {
          const first = batch.events[0] as LedgerEvent;
          const last = batch.events[batch.events.length - 1] as LedgerEvent;
          await c.query(
            `INSERT INTO ${this.s}.commands (budget_id, command_id, first_seq, last_seq, fingerprint) VALUES ($1, $2, $3, $4, $5)`,
            [budgetId, commandId, first.seq, last.seq, fingerprint],
          );
        }
      } catch (err) {
        const code = (err as PgError).code;
        if (isConnectionError(err)) throw err;
        await c.query('ROLLBACK');
        if (code === '23505' || code === '40001' || code === '40P01') {
          // another writer got there first: report where the stream is now
          const now = await this.headAndCommand(c, budgetId, commandId);
          if (now.command !== null)
            return await this.duplicate(c, budgetId, now.command, now.head.version, fingerprint);
          if (expected.kind === 'any') return 'retry';
          throw new VersionConflict(budgetId, expected, now.head.version);
        }
        throw err;
      }
      phase = 'commit';
      await c.query('COMMIT');
      const last = batch.events[batch.events.length - 1] as LedgerEvent;
      this.rememberHead(budgetId, headAfter(batch, pre.head));
      return { events: batch.events, version: last.seq, duplicate: false };
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (isConnectionError(err)) broken = err as Error;
      else if (phase !== 'read') await c.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw pgError(err, `cannot ${what}`, phase === 'commit');
    } finally {
      release(broken);
    }
  }

  private rememberHead(budgetId: string, head: HeadInfo): void {
    if (this.knownHeads.size >= 10_000 && !this.knownHeads.has(budgetId)) this.knownHeads.clear();
    this.knownHeads.set(budgetId, head);
  }

  /**
   * The append in one round trip, when this store knows the stream's head (it appended to the
   * stream or read it to the end; or the caller expects no stream): the events are sealed after
   * that head and sent in one statement that inserts them, and the command, only if the head is
   * still there and the command id is new (one statement is one transaction). Appends that
   * arrive while such statements are running wait and go together in the next one (at most one
   * per budget in it, each checked on its own): one round trip and one commit for many
   * commands, as a database's group commit does. Null when the head is unknown, has moved, the
   * command was already appended or another writer won the race: the caller then takes the
   * careful path (read the head and the command, then write).
   */
  private async appendBatched(
    budgetId: string,
    commandId: string | undefined,
    events: readonly PendingEvent[],
    expected: ExpectedVersion,
    fingerprint: string | null,
    expectedHash: string | undefined,
  ): Promise<AppendResult | null> {
    const head = this.knownHeads.get(budgetId) ?? (expected.kind === 'no-stream' ? EMPTY_HEAD : undefined);
    if (head === undefined) return null;
    let batch: SealedBatch;
    try {
      // refuses a head other than the expected version and hash, as well as a bad batch
      batch = sealBatch(budgetId, events, expected, head, expectedHash);
    } catch {
      return null; // the careful path reports it against the stream as it is
    }
    const outcome = await new Promise<AppendResult | null | StoreError>((done) => {
      this.appendQueue.push({ budgetId, commandId, head, batch, fingerprint, done });
      this.pumpAppends();
    });
    if (outcome instanceof StoreError) throw outcome;
    return outcome;
  }

  /** Sends queued appends, at most {@link APPEND_STATEMENTS} statements at a time. */
  private pumpAppends(): void {
    while (this.appendsInFlight < APPEND_STATEMENTS && this.appendQueue.length > 0) {
      const group: QueuedAppend[] = [];
      const rest: QueuedAppend[] = [];
      const budgets = new Set<string>();
      for (const q of this.appendQueue) {
        const known = this.knownHeads.get(q.budgetId);
        if (known !== undefined && known.hash !== q.head.hash) {
          q.done(null); // the stream moved since it was sealed (e.g. by an append just sent): careful path
          continue;
        }
        if (
          group.length < MAX_APPENDS_PER_STATEMENT &&
          !budgets.has(q.budgetId) &&
          !this.budgetsInFlight.has(q.budgetId)
        ) {
          budgets.add(q.budgetId);
          group.push(q);
        } else {
          rest.push(q);
        }
      }
      this.appendQueue = rest;
      if (group.length === 0) return;
      this.appendsInFlight += 1;
      for (const b of budgets) this.budgetsInFlight.add(b);
      void this.sendAppends(group).finally(() => {
        this.appendsInFlight -= 1;
        for (const b of budgets) this.budgetsInFlight.delete(b);
        this.pumpAppends();
      });
    }
  }

  /** One statement for a group of appends (distinct budgets); settles each append. */
  private async sendAppends(group: readonly QueuedAppend[]): Promise<void> {
    const a: [string[], (string | null)[], number[], string[], number[], number[], (string | null)[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    const e: [string[], number[], string[], string[], (string | null)[], string[], string[], string[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    for (const q of group) {
      const first = q.batch.events[0] as LedgerEvent;
      const last = q.batch.events[q.batch.events.length - 1] as LedgerEvent;
      a[0].push(q.budgetId);
      a[1].push(q.commandId ?? null);
      a[2].push(q.head.version);
      a[3].push(q.head.hash);
      a[4].push(first.seq);
      a[5].push(last.seq);
      a[6].push(q.commandId === undefined ? null : q.fingerprint);
      for (const [i, ev] of q.batch.events.entries()) {
        e[0].push(q.budgetId);
        e[1].push(ev.seq);
        e[2].push(ev.eventId);
        e[3].push(ev.type);
        e[4].push(q.commandId ?? null);
        e[5].push(ev.recordedAt);
        e[6].push(ev.hash);
        e[7].push(q.batch.lines[i] as string);
      }
    }
    let conn: { c: PgClientLike; release: (broken?: Error) => void };
    try {
      conn = await this.checkout('append');
    } catch (err) {
      for (const q of group) q.done(pgError(err, `cannot append to budget ${q.budgetId}`, false));
      return;
    }
    let inserted: Map<string, number>;
    let broken: Error | undefined;
    try {
      const r = await conn.c.query(
        // h: the head each append expects; ok: the appends whose head is still there and whose command is new
        `WITH h AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[])
                         AS h(budget_id, command_id, head_seq, head_hash, first_seq, last_seq, fingerprint)),
              ok AS (SELECT h.* FROM h
                      LEFT JOIN LATERAL (SELECT seq, hash FROM ${this.s}.events l
                                          WHERE l.budget_id = h.budget_id ORDER BY seq DESC LIMIT 1) AS l ON true
                      WHERE coalesce(l.seq, 0) = h.head_seq
                        AND coalesce(l.hash, h.head_hash) = h.head_hash
                        AND NOT EXISTS (SELECT 1 FROM ${this.s}.commands k
                                         WHERE k.budget_id = h.budget_id AND k.command_id = h.command_id)),
              e AS (INSERT INTO ${this.s}.events (budget_id, seq, event_id, type, command_id, recorded_at, hash, line)
                    SELECT x.budget_id, x.seq, x.event_id, x.type, x.command_id, x.recorded_at, x.hash, x.line
                      FROM unnest($8::text[], $9::int[], $10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                           AS x(budget_id, seq, event_id, type, command_id, recorded_at, hash, line)
                     WHERE x.budget_id IN (SELECT budget_id FROM ok)
                    RETURNING budget_id),
              k AS (INSERT INTO ${this.s}.commands (budget_id, command_id, first_seq, last_seq, fingerprint)
                    SELECT budget_id, command_id, first_seq, last_seq, fingerprint FROM ok
                     WHERE command_id IS NOT NULL
                    RETURNING 1)
         SELECT budget_id, count(*)::int AS inserted FROM e GROUP BY budget_id`,
        [...a, ...e],
      );
      inserted = new Map(
        (r.rows as { budget_id: string; inserted: number }[]).map((x) => [x.budget_id, x.inserted]),
      );
    } catch (err) {
      if (isConnectionError(err)) {
        // one statement is its own commit: a connection lost while it runs leaves the outcome unknown
        broken = err as Error;
        for (const q of group) q.done(pgError(err, `cannot append to budget ${q.budgetId}`, true));
        return;
      }
      // the whole statement failed and wrote nothing (e.g. another writer inserted the same seq
      // or command first): each append takes the careful path, which sorts it out
      for (const q of group) {
        this.knownHeads.delete(q.budgetId);
        q.done(null);
      }
      return;
    } finally {
      conn.release(broken);
    }
    for (const q of group) {
      if (inserted.get(q.budgetId) !== q.batch.events.length) {
        this.knownHeads.delete(q.budgetId);
        q.done(null);
        continue;
      }
      this.rememberHead(q.budgetId, headAfter(q.batch, q.head));
      const last = q.batch.events[q.batch.events.length - 1] as LedgerEvent;
      q.done({ events: q.batch.events, version: last.seq, duplicate: false });
    }
  }

  private async headAndCommand(
    c: PgClientLike,
    budgetId: string,
    commandId: string | undefined,
  ): Promise<{ head: HeadInfo; command: StoredCommand | null }> {
    const r = await c.query(
      `SELECT h.seq, h.hash, h.recorded_at, k.first_seq, k.last_seq, k.fingerprint
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT seq, hash, recorded_at FROM ${this.s}.events
                             WHERE budget_id = $1 ORDER BY seq DESC LIMIT 1) AS h ON true
         LEFT JOIN ${this.s}.commands AS k ON k.budget_id = $1 AND k.command_id = $2`,
      [budgetId, commandId ?? null],
    );
    const row = r.rows[0] as HeadRow;
    const head: HeadInfo =
      row.seq === null
        ? EMPTY_HEAD
        : { version: row.seq, hash: row.hash as string, recordedAt: row.recorded_at };
    const command =
      row.first_seq === null || row.last_seq === null
        ? null
        : { first: row.first_seq, last: row.last_seq, fingerprint: row.fingerprint ?? null };
    return { head, command };
  }

  /** The original events of a repeated command id, after comparing fingerprints when both are known. */
  private async duplicate(
    c: PgClientLike,
    budgetId: string,
    command: StoredCommand,
    version: number,
    fingerprint: string | null,
  ): Promise<AppendResult> {
    const r = await c.query(
      `SELECT line FROM ${this.s}.events WHERE budget_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [budgetId, command.first, command.last],
    );
    const events = (r.rows as { line: string }[]).map((x) => decodeLine(x.line, `budget ${budgetId}`));
    const commandId = events[0]?.commandId;
    if (commandId !== undefined) {
      // a command stored without a fingerprint (NULL) is a repeat here: the caller compares
      checkSameCommand(budgetId, commandId, events, command.fingerprint, fingerprint ?? undefined);
    }
    return { events, version, duplicate: true };
  }

  async readStream(
    budgetId: string,
    options?: { readonly fromVersion?: number },
  ): Promise<readonly LedgerEvent[]> {
    this.ensureOpen();
    const from = fromVersionOf(options);
    const r = await this.run(`read budget ${budgetId}`, () =>
      this.pool.query(`SELECT line FROM ${this.s}.events WHERE budget_id = $1 AND seq >= $2 ORDER BY seq`, [
        budgetId,
        from,
      ]),
    );
    const events = (r.rows as { line: string }[]).map((x) => decodeLine(x.line, `budget ${budgetId}`));
    // read to the end: remember where the stream stands, for a one-statement append
    const last = events[events.length - 1];
    if (last !== undefined) {
      this.rememberHead(budgetId, { version: last.seq, hash: last.hash, recordedAt: last.recordedAt });
    } else if (from === 1) {
      this.rememberHead(budgetId, EMPTY_HEAD);
    }
    return events;
  }

  async head(budgetId: string): Promise<StreamHead> {
    this.ensureOpen();
    const r = await this.run(`read budget ${budgetId}`, () =>
      this.pool.query(
        `SELECT seq, hash FROM ${this.s}.events WHERE budget_id = $1 ORDER BY seq DESC LIMIT 1`,
        [budgetId],
      ),
    );
    const row = r.rows[0] as { seq: number; hash: string } | undefined;
    return row === undefined ? { version: 0, hash: EMPTY_HEAD.hash } : { version: row.seq, hash: row.hash };
  }

  async readCommand(budgetId: string, commandId: string): Promise<readonly LedgerEvent[]> {
    this.ensureOpen();
    const r = await this.run(`read command ${commandId}`, () =>
      this.pool.query(
        `SELECT e.line FROM ${this.s}.commands k
           JOIN ${this.s}.events e ON e.budget_id = k.budget_id AND e.seq BETWEEN k.first_seq AND k.last_seq
          WHERE k.budget_id = $1 AND k.command_id = $2 ORDER BY e.seq`,
        [budgetId, commandId],
      ),
    );
    return (r.rows as { line: string }[]).map((x) => decodeLine(x.line, `budget ${budgetId}`));
  }

  async readAll(options?: { readonly after?: Checkpoint; readonly limit?: number }): Promise<ReadAllResult> {
    this.ensureOpen();
    const limit = limitOf(options?.limit, DEFAULT_READ_LIMIT);
    let tx = '0';
    let pos = '0';
    if (options?.after !== undefined) {
      const m = CHECKPOINT_RE.exec(options.after);
      if (m === null) {
        throw new RangeError(
          `checkpoint ${JSON.stringify(options.after)} was not made by this store (expected "transaction:position")`,
        );
      }
      tx = m[1] as string;
      pos = m[2] as string;
    }
    const r = await this.run('read all events', () =>
      this.pool.query(
        `SELECT tx_id::text AS tx, position::text AS pos, line FROM ${this.s}.events
          WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
            AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY tx_id, position
          LIMIT $3`,
        [tx, pos, limit],
      ),
    );
    const events: StoredEvent[] = (r.rows as { tx: string; pos: string; line: string }[]).map((x) => ({
      event: decodeLine(x.line, `position ${x.tx}:${x.pos}`),
      line: x.line,
      position: `${x.tx}:${x.pos}`,
    }));
    const last = events[events.length - 1];
    return { events, checkpoint: last === undefined ? options?.after : last.position };
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.ensureOpen();
    await this.run(`save a snapshot of ${snapshot.budgetId}`, () =>
      this.pool.query(
        `INSERT INTO ${this.s}.snapshots AS old (budget_id, version, hash, format, state) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (budget_id) DO UPDATE
            SET version = EXCLUDED.version, hash = EXCLUDED.hash, format = EXCLUDED.format,
                state = EXCLUDED.state, saved_at = now()
          WHERE old.version <= EXCLUDED.version OR old.format <> EXCLUDED.format`,
        [snapshot.budgetId, snapshot.version, snapshot.hash, snapshot.format, snapshot.state],
      ),
    );
  }

  async loadSnapshot(budgetId: string): Promise<Snapshot | null> {
    this.ensureOpen();
    const r = await this.run(`load the snapshot of ${budgetId}`, () =>
      this.pool.query(`SELECT version, hash, format, state FROM ${this.s}.snapshots WHERE budget_id = $1`, [
        budgetId,
      ]),
    );
    const row = r.rows[0] as { version: number; hash: string; format: string; state: string } | undefined;
    return row === undefined ? null : { budgetId, ...row };
  }

  async deleteSnapshot(budgetId: string): Promise<void> {
    this.ensureOpen();
    await this.run(`delete the snapshot of ${budgetId}`, () =>
      this.pool.query(`DELETE FROM ${this.s}.snapshots WHERE budget_id = $1`, [budgetId]),
    );
  }

  async loadProjection(name: string): Promise<SavedProjection | null> {
    this.ensureOpen();
    const r = await this.run(`load projection ${name}`, () =>
      this.pool.query(`SELECT checkpoint, state FROM ${this.s}.projections WHERE name = $1`, [name]),
    );
    const row = r.rows[0] as { checkpoint: string | null; state: string } | undefined;
    return row === undefined ? null : { checkpoint: row.checkpoint ?? undefined, state: row.state };
  }

  async saveProjection(name: string, saved: SavedProjection): Promise<void> {
    this.ensureOpen();
    await this.run(`save projection ${name}`, () =>
      this.pool.query(
        `INSERT INTO ${this.s}.projections (name, checkpoint, state) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, state = EXCLUDED.state, saved_at = now()`,
        [name, saved.checkpoint ?? null, saved.state],
      ),
    );
  }

  /** Ends the pool when the store created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }
}
