/**
 * The API reference is generated from doc comments (TypeDoc, `npm run docs`): every public
 * export must have one, and the site must build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Exports of the package entry that have no doc comment, as `name (file)`. */
function undocumentedExports(entry: string): { all: number; missing: string[] } {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (source === undefined) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${entry} is not a module`);
  const missing: string[] = [];
  const exports = checker.getExportsOfModule(moduleSymbol);
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decls = symbol.getDeclarations() ?? [];
    const documented =
      symbol.getDocumentationComment(checker).length > 0 ||
      decls.some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
    if (!documented) {
      const file = decls[0]?.getSourceFile().fileName;
      missing.push(`${exported.name} (${file === undefined ? '?' : relative(process.cwd(), file)})`);
    }
  }
  return { all: exports.length, missing: missing.sort() };
}

describe('API reference', () => {
  it('every public export has a doc comment', () => {
    const { all, missing } = undocumentedExports('src/index.ts');
    expect(all).toBeGreaterThan(150);
    expect(missing, `exports without a /** doc comment */:\n${missing.join('\n')}`).toEqual([]);
  }, 120_000);

  it('`npm run docs` (TypeDoc) builds the site', () => {
    const out = mkdtempSync(join(tmpdir(), 'ipb-docs-'));
    try {
      const r = spawnSync('npx', ['--no-install', 'typedoc', '--out', out, '--logLevel', 'Error'], {
        encoding: 'utf8',
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      expect(existsSync(join(out, 'functions', 'journalText.html'))).toBe(true);
      expect(existsSync(join(out, 'classes', 'Money.html'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
