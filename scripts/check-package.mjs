#!/usr/bin/env node
/* global console, process */
// Packs the package as npm would publish it and lints the tarball: publint (package.json
// fields, exports, files) and Are The Types Wrong (types resolve for ESM consumers under
// node16/NodeNext and bundler resolution). Exits non-zero when either finds a problem.
// Run `npm run build` first (`npm run check:package` does).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'ipb-pack-'));
let failed = false;
try {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { encoding: 'utf8' });
  const [info] = JSON.parse(out);
  const tarball = join(dir, info.filename);
  console.log(`check:package: packed ${info.filename} (${info.entryCount} files, ${info.size} bytes)`);
  for (const [name, args] of [
    ['publint', ['publint', 'run', '--strict', tarball]],
    ['attw', ['attw', '--profile', 'esm-only', '--no-emoji', '--no-color', tarball]],
  ]) {
    console.log(`check:package: ${name}`);
    const r = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`check:package: ${name} found problems (exit ${r.status})`);
      failed = true;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log('check:package: publint and attw found no problems');
