/**
 * Keeps the guides in docs/ true. A guide marks each block it takes from real code or a real
 * run with an HTML comment; {@link renderDoc} recomputes every marked block:
 *
 * - `<!-- snippet: docs/snippets/FILE.ts -->` then a ```ts block: the whole file, so the block
 *   compiles on its own (test/doc-snippets.test.ts); `FILE.ts#NAME` shows the lines between
 *   `// #region NAME` and `// #endregion NAME` instead;
 * - `<!-- output: docs/snippets/FILE.ts FUNCTION [ARG] -->` then a ```text block: what the
 *   exported function returns (ARG, a file name, is given as a path in the run directory);
 * - `<!-- run: COMMAND -->` then a ```text block: `$ COMMAND` and what the command prints,
 *   run by `sh` in the run directory (for hledger and ledger on an exported journal).
 *
 * test/guides.test.ts checks that rendering changes nothing; `npx tsx scripts/sync-docs.ts`
 * rewrites the guides after a change.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The guides that carry markers. */
export const GUIDES = [
  'docs/getting-started.md',
  'docs/recording.md',
  'docs/schema-evolution.md',
  'docs/journal.md',
];

/** The lines of a `// #region NAME` ... `// #endregion NAME` block, dedented. */
export function region(file: string, name: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`${file} has no region ${name}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((l) => l.trim() !== '').map((l) => (/^ */.exec(l) as RegExpExecArray)[0].length),
  );
  return body.map((l) => l.slice(indent)).join('\n');
}

const MARKER = /<!-- (snippet|output|run): ([^\n]*?) -->\n```(\w+)\n[\s\S]*?```/g;

/** The guide with every marked block recomputed (`runDir` is where outputs and runs happen). */
export async function renderDoc(md: string, runDir: string): Promise<string> {
  let out = '';
  let last = 0;
  for (const m of md.matchAll(MARKER)) {
    const [whole, kind, arg, lang] = m as unknown as [string, string, string, string];
    let body: string;
    if (kind === 'snippet') {
      const [file, name] = arg.split('#') as [string, string | undefined];
      body = name === undefined ? readFileSync(file, 'utf8').replace(/\n$/, '') : region(file, name);
    } else if (kind === 'output') {
      const [file, fn, ...args] = arg.split(' ') as [string, string, ...string[]];
      const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<
        string,
        (...a: string[]) => unknown
      >;
      const f = mod[fn];
      if (typeof f !== 'function') throw new Error(`${file} exports no function ${fn}`);
      body = String(await f(...args.map((a) => join(runDir, a))));
    } else {
      const printed = execFileSync('sh', ['-c', `${arg} 2>&1`], { cwd: runDir, encoding: 'utf8' });
      body = `$ ${arg}\n${printed.replace(/\s+$/, '')}`;
    }
    out += md.slice(last, m.index) + `<!-- ${kind}: ${arg} -->\n\`\`\`${lang}\n${body}\n\`\`\``;
    last = (m.index ?? 0) + whole.length;
  }
  return out + md.slice(last);
}
