/**
 * Runs one benchmark path once, in a process of its own (so its peak RSS is its own), and
 * writes the result as JSON to a file:
 *
 *   node dist/bench/child.js <path> <context JSON> <result file>
 *
 * The parent ({@link ./run.ts}) starts one of these per path per run.
 */
import { writeFile } from 'node:fs/promises';
import { PATHS, runPath, type PathContext, type PathName } from './paths.js';

/** What the child writes: the run, or why it failed. */
export type ChildResult =
  | ({ readonly ok: true; readonly maxRssKb: number } & Awaited<ReturnType<typeof runPath>>)
  | { readonly ok: false; readonly error: string };

async function main(): Promise<void> {
  const [path, context, out] = process.argv.slice(2);
  if (path === undefined || context === undefined || out === undefined) {
    throw new Error('usage: child <path> <context JSON> <result file>');
  }
  if (!(PATHS as readonly string[]).includes(path)) throw new Error(`unknown path ${path}`);
  let result: ChildResult;
  try {
    const run = await runPath(path as PathName, JSON.parse(context) as PathContext);
    result = { ok: true, ...run, maxRssKb: process.resourceUsage().maxRSS };
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  await writeFile(out, JSON.stringify(result));
}

await main();
