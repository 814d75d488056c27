/**
 * Spawning the real `ipb` program (from the sources, through tsx) for the fuzz and privacy
 * tests, and the checks every run must pass: it ends by itself, exits 0, 1 or 2, never prints
 * a stack trace or "internal error", and keeps its output bounded.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/** What a run of `ipb` did. */
export interface CliRun {
  readonly args: readonly string[];
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ipb ...args` (no terminal, so no progress bar). Killed after 120 s: a hang fails the checks. */
export function ipb(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, IPB_DEBUG: '', NO_COLOR: '1', ...env },
  });
  return { args, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The subcommands `ipb --help` lists. */
export function subcommands(): string[] {
  const help = ipb(['--help']).stdout;
  const at = help.indexOf('Commands:');
  return [...help.slice(at).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
    .map((m) => m[1] as string)
    .filter((c) => c !== 'help');
}

/** The arguments of a subcommand, from its usage line: each `<arg>` or `<arg...>` becomes `file`. */
export function usageArgs(sub: string, file: string): string[] {
  const usage = /^Usage: ipb \S+ (.*)$/m.exec(ipb([sub, '--help']).stdout)?.[1] ?? '';
  return [...usage.matchAll(/<[^>]+>/g)].map(() => file);
}

const STACK = /\n\s+at (?:\S+ \()?(?:file:|node:|\/)\S+:\d+:\d+\)?/;

/** The checks every run passes, whatever its input. */
export function expectWellBehaved(r: CliRun, what: string): void {
  const out = `${r.stdout}${r.stderr}`;
  expect(r.signal, `${what}: killed (hung?)`).toBeNull();
  expect([0, 1, 2], `${what}: exit ${r.status}\n${r.stderr.slice(0, 500)}`).toContain(r.status);
  expect(STACK.test(out), `${what}: printed a stack trace\n${out.slice(0, 2000)}`).toBe(false);
  expect(out, `${what}: internal error`).not.toMatch(/internal error/i);
  expect(out.length, `${what}: output of ${out.length} characters`).toBeLessThan(50_000);
}

/** The checks of a run that must fail: exit 1 or 2, with a message. */
export function expectRefused(r: CliRun, what: string): void {
  expectWellBehaved(r, what);
  expect([1, 2], `${what}: exit ${r.status}: ${r.stdout.slice(0, 300)}`).toContain(r.status);
  expect(`${r.stdout}${r.stderr}`.trim().length, `${what}: no message`).toBeGreaterThan(0);
}
