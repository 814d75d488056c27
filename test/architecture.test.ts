/**
 * The import boundaries between the folders of src/ (eslint.config.js, docs/architecture.md)
 * keep working: the project's own eslint configuration, run on tiny fixtures, reports each
 * forbidden import and lets the allowed ones through. So a rule cannot silently stop working
 * (a typo in a pattern, a folder renamed, a config entry overridden by a later one).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

interface LayersModule {
  LAYERS: string[];
  FORBIDDEN: Record<string, string[]>;
  NO_IO: string[];
  importRules(folder: string, options?: { io?: boolean }): Linter.RuleEntry;
}
const layers = (await import(join(ROOT, 'eslint.config.js'))) as LayersModule;
const eslint = new ESLint({ cwd: ROOT });

/** The messages of `no-restricted-imports` for `code` as if it were the file at `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (spec: string): string => `import { x } from '${spec}';\nexport const y = x;\n`;

describe('import boundaries (eslint.config.js)', () => {
  it('every folder of src/ has its place in the layers', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(folders).toEqual([...layers.LAYERS].sort());
  });

  it('reports an import of a lower layer, in every folder that has one below it', async () => {
    for (const [i, folder] of layers.LAYERS.entries()) {
      const lower = layers.LAYERS[i + 1];
      if (lower === undefined) continue;
      const found = await restricted(`src/${folder}/fixture.ts`, use(`../${lower}/anything.js`));
      expect(found, `src/${folder} -> src/${lower}`).toHaveLength(1);
      expect(found[0]).toContain(`src/${folder}/ may import only`);
    }
  });

  it('reports it from a nested folder and for type imports and re-exports', async () => {
    expect(await restricted('src/outcomes/io/fixture.ts', use('../../cli/main.js'))).toHaveLength(1);
    expect(
      await restricted(
        'src/money/fixture.ts',
        "import type { X } from '../events/data.js';\nexport type Y = X;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restricted('src/events/fixture.ts', "export { x } from '../budget/state.js';\n"),
    ).toHaveLength(1);
  });

  it('lets a folder import itself and the layers above it', async () => {
    expect(await restricted('src/cli/fixture.ts', use('../money/money.js'))).toEqual([]);
    expect(await restricted('src/outcomes/fixture.ts', use('../log/hash.js'))).toEqual([]);
    expect(await restricted('src/projections/fixture.ts', use('./balances.js'))).toEqual([]);
    expect(await restricted('src/outcomes/io/fixture.ts', use('../facts.js'))).toEqual([]);
  });

  it('keeps I/O out of the domain and the read models, and lets the edge use it', async () => {
    for (const folder of layers.NO_IO) {
      for (const mod of ['node:fs', 'fs/promises', 'node:worker_threads', 'child_process', 'pg']) {
        const found = await restricted(`src/${folder}/fixture.ts`, use(mod));
        expect(found, `src/${folder} -> ${mod}`).toHaveLength(1);
        expect(found[0]).toContain('does no I/O');
      }
    }
    expect(await restricted('src/log/fixture.ts', use('node:fs/promises'))).toEqual([]);
    expect(await restricted('src/store/fixture.ts', use('pg'))).toEqual([]);
    expect(await restricted('src/money/fixture.ts', use('decimal.js'))).toEqual([]);
  });

  it('keeps I/O out of the pure part of outcomes, and lets src/outcomes/io/ use it', async () => {
    expect(await restricted('src/outcomes/metrics.ts', use('node:worker_threads'))).toHaveLength(1);
    expect(await restricted('src/outcomes/facts.ts', use('node:fs'))).toHaveLength(1);
    expect(await restricted('src/outcomes/html.ts', use('./io/read-logs.js'))).toHaveLength(1);
    expect(await restricted('src/outcomes/io/worker.ts', use('node:worker_threads'))).toEqual([]);
    expect(await restricted('src/outcomes/index.ts', use('./io/read-logs.js'))).toEqual([]);
  });

  it('reports an import of the package root from inside src/', async () => {
    expect(await restricted('src/cli/fixture.ts', use('../index.js'))).toHaveLength(1);
  });

  it('reports the arrows the design forbids: read models, log, journal and outcomes to the decider; store to rules or read models', async () => {
    const arrows = Object.entries(layers.FORBIDDEN);
    expect(arrows.map(([folder]) => folder).sort()).toEqual([
      'journal',
      'log',
      'outcomes',
      'projections',
      'store',
    ]);
    for (const [folder, targets] of arrows) {
      for (const target of targets) {
        const found = await restricted(`src/${folder}/fixture.ts`, use(`../${target}/state.js`));
        expect(found, `src/${folder} -> src/${target}`).toHaveLength(1);
        expect(found[0]).toContain(`must not import src/`);
      }
    }
    expect(await restricted('src/projections/balances.ts', use('../budget/decider.js'))).toHaveLength(1);
    expect(await restricted('src/store/fixture.ts', use('../projections/balances.js'))).toHaveLength(1);
  });

  it('has no exceptions: the stores import nothing of src/budget/, not even the fingerprint', async () => {
    expect(Object.keys(layers)).not.toContain('EXCEPTIONS');
    expect(await restricted('src/store/port.ts', use('../budget/fingerprint.js'))).toHaveLength(1);
    expect(await restricted('src/store/postgres.ts', use('../budget/fingerprint.js'))).toHaveLength(1);
    expect(await restricted('src/store/port.ts', use('../budget/commands.js'))).toHaveLength(1);
    expect(await restricted('src/projections/fixture.ts', use('../budget/fingerprint.js'))).toHaveLength(1);
  });
});
