/**
 * Runs the real `ipb` command line in a child process, as a user would: the built
 * `dist/src/cli/main.js` when it is newer than every source file, else the TypeScript source
 * through tsx (so tests never run a stale build).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** The node arguments that start the CLI. */
export function cliCommand(): string[] {
  const built = join(ROOT, 'dist/src/cli/main.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(ROOT, 'src'))) return [built];
  return ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
}

/** What a run of the CLI gave. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let command: string[] | null = null;

/** Runs `ipb ...args` from the repository root; never throws on a non-zero exit. */
export function ipb(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
  command ??= cliCommand();
  const argv = [...command, ...args];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      argv,
      { cwd: ROOT, env: { ...process.env, IPB_DEBUG: '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** True when the text looks like a stack trace (what a CLI user must never see). */
export function hasStackTrace(text: string): boolean {
  return (
    /\n\s+at .+[(:]\S+:\d+/.test(text) || /\b(TypeError|ReferenceError|SyntaxError|RangeError):/.test(text)
  );
}
