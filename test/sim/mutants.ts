/**
 * Shows that the simulation finds real bugs: copies `src/` to a scratch directory, injects one
 * bug (a "mutant") into the copy, and runs the default seeds against it until one fails.
 * The working tree is never changed.
 *
 *   npx tsx test/sim/mutants.ts            # every mutant
 *   npx tsx test/sim/mutants.ts NAME ...   # some of them
 *
 * Prints, per mutant, the first seed that caught it and the invariant it broke.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface Mutant {
  readonly name: string;
  readonly what: string;
  readonly store: 'memory' | 'file';
  readonly file: string;
  /** What to change: a string, or a pattern (so small edits to the code do not lose the mutant). */
  readonly find: string | RegExp;
  readonly replace: string;
}

const MUTANTS: readonly Mutant[] = [
  {
    name: 'no-version-check',
    what: 'the store appends without checking the expected version',
    store: 'memory',
    file: 'store/append.ts',
    find: 'if (!satisfies(expected, head.version)) throw',
    replace: 'if (false && !satisfies(expected, head.version)) throw',
  },
  {
    name: 'handler-any-version',
    what: 'the handler appends with "any version" instead of the version it decided on',
    store: 'memory',
    file: 'app/command-handler.ts',
    find: /const expected =[^;]*ExpectedVersion\.exactly\([^;]*;/,
    replace: 'const expected = ExpectedVersion.any;',
  },
  {
    name: 'handler-no-commandid',
    what: 'the handler does not look up the command id before deciding',
    store: 'memory',
    file: 'app/command-handler.ts',
    find: /const seen = (\w+)\.state\.commands\.has\(c\.commandId\);/,
    replace: 'const seen = false;',
  },
  {
    name: 'store-no-dedupe',
    what: 'the store does not recognise a repeated command id',
    store: 'memory',
    file: 'store/indexed.ts',
    find: 'if (commandId !== undefined && s !== undefined) {',
    replace: 'if (false && commandId !== undefined && s !== undefined) {',
  },
  {
    name: 'snapshot-trusted',
    what: 'the handler uses a snapshot without checking its hash against the stream',
    store: 'memory',
    file: 'app/command-handler.ts',
    find: 'at.seq !== snap.version || at.hash !== snap.hash',
    replace: 'at.seq !== snap.version',
  },
  {
    name: 'split-floor',
    what: 'a spend split gives the leftover pence in stream order instead of by largest remainder',
    store: 'memory',
    file: 'money/money.ts',
    find: 'rema.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));',
    replace: 'rema.sort((a, b) => a.i - b.i);',
  },
  {
    name: 'file-keep-torn-tail',
    what: 'the file store does not cut a line torn by a crash when it reopens',
    store: 'file',
    file: 'store/file.ts',
    find: "await this.handle.truncate(at);\n    await this.handle.datasync();\n    this.recovery.push({\n      kind: 'truncated-tail'",
    replace: "await this.handle.datasync();\n    this.recovery.push({\n      kind: 'truncated-tail'",
  },
  {
    name: 'file-no-undo',
    what: 'the file store leaves the bytes of a failed write in the file',
    store: 'file',
    file: 'store/file.ts',
    find: 'await this.handle.truncate(before);\n      await this.handle.datasync();\n      await this.setPending',
    replace: 'await this.handle.datasync();\n      await this.setPending',
  },
];

const root = resolve(import.meta.dirname, '../..');
const scratch = join(root, '.tmp', 'mutants');
const wanted = process.argv.slice(2);
const seeds = process.env['SIM_SEEDS'] ?? '200';

for (const m of MUTANTS.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  const dir = join(scratch, m.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
  const target = join(dir, 'src', m.file);
  const text = readFileSync(target, 'utf8');
  if (typeof m.find === 'string' ? !text.includes(m.find) : !m.find.test(text)) {
    console.log(`${m.name}: NOT APPLIED (the code it mutates changed: update test/sim/mutants.ts)`);
    continue;
  }
  writeFileSync(target, text.replace(m.find, m.replace));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { paths: { 'ipb-ledger': [join(dir, 'src/index.ts')] } },
    }),
  );
  const r = spawnSync(
    'npx',
    [
      'tsx',
      '--tsconfig',
      join(dir, 'tsconfig.json'),
      join(root, 'test/sim/run.ts'),
      '--store',
      m.store,
      '--seeds',
      seeds,
      '--stop-at-first',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const fail = r.stdout.split('\n').find((l) => l.startsWith('FAIL'));
  console.log(
    fail === undefined
      ? `${m.name}: NOT CAUGHT in ${seeds} seeds (${m.what})`
      : `${m.name}: caught (${m.what})\n    ${fail.replace(/^FAIL /, '')}`,
  );
  rmSync(dir, { recursive: true, force: true });
}
