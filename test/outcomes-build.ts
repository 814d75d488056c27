/**
 * Makes sure `dist/` is built from the current sources before a test runs built code (the
 * worker threads of `ipb outcomes` are `.js` files in `dist/`). Builds at most once at a time
 * across test processes (a lock directory), and only when a source is newer than the build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newest(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) n = Math.max(n, newest(p));
    else if (entry.name.endsWith('.ts')) n = Math.max(n, statSync(p).mtimeMs);
  }
  return n;
}

function fresh(): boolean {
  const built = join(ROOT, 'dist/src/outcomes/io/worker.js');
  const main = join(ROOT, 'dist/src/cli/main.js');
  if (!existsSync(built) || !existsSync(main)) return false;
  const src = newest(join(ROOT, 'src'));
  return statSync(built).mtimeMs >= src && statSync(main).mtimeMs >= src;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds `dist/` (tsc -p tsconfig.build.json) unless it is already newer than every source. */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, '.tmp', 'outcomes-build.lock');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 180_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    if (fresh()) return;
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        { cwd: ROOT },
        // tsc still writes every file when some other module has a type error (that is the
        // typecheck's job to report); only a build that wrote nothing fails here.
        (error, stdout) =>
          error === null || fresh() ? resolve() : reject(new Error(`build failed:\n${stdout}`)),
      );
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
