/**
 * Every TypeScript block in README.md and docs/ compiles as a whole file, on its own: a reader
 * can copy it into a `.ts` file and it type-checks (imports included, no top-level `return`, no
 * helper left out), with the project's strict compiler options and `ipb-ledger` resolved to
 * this package. (test/docs.test.ts checks, besides, that each block comes from a file the tests
 * run.)
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'api' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (p.endsWith('.md')) out.push(p);
  }
  return out;
}

interface Block {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

const blocks: Block[] = [];
for (const file of ['README.md', ...markdownFiles('docs')]) {
  const md = readFileSync(file, 'utf8');
  for (const m of md.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)) {
    const line = md.slice(0, m.index).split('\n').length;
    const name = `${file.replace(/[^A-Za-z0-9]+/g, '_')}_L${line}.ts`;
    blocks.push({ name, file, line, code: m[1] as string });
  }
}

// Inside the repository, so `ipb-ledger` and node_modules resolve as for the docs' snippets.
const dir = resolve('.tmp', `doc-blocks-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Type errors of each block compiled as its own file, by block name. */
function compileAll(): Map<string, string[]> {
  const config = ts.readConfigFile('tsconfig.json', (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, process.cwd());
  const files = blocks.map((b) => {
    const path = join(dir, b.name);
    writeFileSync(path, b.code);
    return path;
  });
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  delete options.rootDir; // the blocks live outside the project's include list
  const program = ts.createProgram(files, options);
  const errors = new Map<string, string[]>(blocks.map((b) => [b.name, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file === undefined ? undefined : relative(dir, d.file.fileName);
    const list = name === undefined ? undefined : errors.get(name);
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const where =
      d.file !== undefined && d.start !== undefined
        ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
        : '';
    if (list !== undefined) list.push(`${where}${text}`);
    else throw new Error(`a type error outside the doc blocks: ${text}`);
  }
  return errors;
}

const errors = compileAll();

describe('doc code blocks compile as whole files', () => {
  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(blocks.some((b) => b.file === 'README.md')).toBe(true);
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', (_, b) => {
    expect(errors.get(b.name), `${b.file}:${b.line} does not compile on its own:\n${b.code}`).toEqual([]);
    expect(/^\s*import /m.test(b.code) || !/ipb-ledger/.test(b.code)).toBe(true);
  });
});
