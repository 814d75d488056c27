/**
 * What `npm publish` would upload, without installing it (test/package.test.ts installs it):
 * the packed file list from `npm pack --dry-run --json` has every built module and its types,
 * the bin and export targets, the README/CHANGELOG/LICENSE, and nothing that points at files
 * left out (no source or declaration maps, no `sourceMappingURL` comments); the README's links
 * resolve from the registry page; and the declared Node range is one every dependency accepts
 * and the tests run on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import semver from 'semver';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = 'https://github.com/ipb-ledger/ipb-ledger';

interface PackageJson {
  readonly engines: { readonly node: string };
  readonly repository: { readonly type: string; readonly url: string };
  readonly homepage: string;
  readonly bugs: { readonly url: string };
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly main: string;
  readonly types: string;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The files `npm pack` would put in the tarball (paths relative to the package root). */
let packed: Set<string>;

beforeAll(() => {
  // `npm test` builds first; when run alone, build if any source is newer than dist.
  const built = existsSync('dist/src/index.js') ? statSync('dist/src/index.js').mtimeMs : 0;
  const newest = Math.max(...filesUnder('src').map((f) => statSync(f).mtimeMs));
  if (newest > built) spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'ignore' });
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const info = (JSON.parse(out) as { files: { path: string }[] }[])[0];
  if (info === undefined) throw new Error('npm pack --dry-run gave nothing');
  packed = new Set(info.files.map((f) => f.path));
}, 300_000);

/** Every file the package must ship, derived from the sources and package.json. */
function requiredFiles(): string[] {
  const wanted = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];
  for (const f of filesUnder('src')) {
    if (!f.endsWith('.ts') || f.endsWith('.d.ts')) continue;
    const rel = relative('src', f).replace(/\.ts$/, '');
    wanted.push(`dist/src/${rel}.js`, `dist/src/${rel}.d.ts`);
  }
  const strip = (p: string) => p.replace(/^\.\//, '');
  wanted.push(strip(pkg.main), strip(pkg.types), ...Object.values(pkg.bin).map(strip));
  for (const target of Object.values(pkg.exports)) {
    for (const p of typeof target === 'string' ? [target] : Object.values(target)) wanted.push(strip(p));
  }
  return [...new Set(wanted)];
}

describe('the packed file list (npm pack --dry-run)', () => {
  it('has every built module with its declarations, the bin, the exports and the docs files', () => {
    const wanted = requiredFiles();
    expect(wanted.length).toBeGreaterThan(100);
    const missing = wanted.filter((f) => !packed.has(f));
    expect(missing, `missing from the package: ${missing.join(', ')}`).toEqual([]);
  });

  it('ships no maps and no file that points at one (their sources are not shipped)', () => {
    const maps = [...packed].filter((f) => f.endsWith('.map'));
    expect(maps).toEqual([]);
    const pointing = [...packed].filter(
      (f) => /\.(js|d\.ts)$/.test(f) && readFileSync(f, 'utf8').includes('sourceMappingURL'),
    );
    expect(pointing).toEqual([]);
    expect(packed.has('dist/src/index.d.ts')).toBe(true);
  });

  it('ships no sources, tests, examples or build leftovers', () => {
    const stray = [...packed].filter(
      (f) => !/^(dist\/src\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/.test(f),
    );
    expect(stray).toEqual([]);
  });
});

describe('the registry page', () => {
  it('names the repository, homepage and issue tracker', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
    expect(pkg.homepage).toBe(`${REPO}#readme`);
    expect(pkg.bugs.url).toBe(`${REPO}/issues`);
  });

  it('README links are absolute and every repository link names a file that exists here', () => {
    const readme = readFileSync('README.md', 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      expect(/^(https:\/\/|#)/.test(link), `README link ${link} does not resolve on the registry page`).toBe(
        true,
      );
      const blob = /^https:\/\/github\.com\/ipb-ledger\/ipb-ledger\/blob\/main\/(.+)$/.exec(link);
      const raw = /^https:\/\/raw\.githubusercontent\.com\/ipb-ledger\/ipb-ledger\/main\/(.+)$/.exec(link);
      const path = blob?.[1] ?? raw?.[1];
      if (path !== undefined) expect(existsSync(path.replace(/#.*$/, '')), link).toBe(true);
    }
  });
});

describe('the declared Node range', () => {
  it('is accepted by every dependency in the lockfile (so npm ci prints no EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
    };
    const range = pkg.engines.node;
    const refusing: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.optional === true) continue;
      const engines = entry.engines;
      const node = Array.isArray(engines) ? undefined : engines?.node;
      if (node === undefined) continue;
      checked += 1;
      if (!semver.subset(range, node))
        refusing.push(`${path.replace(/^.*node_modules\//, '')} wants ${node}`);
    }
    expect(checked).toBeGreaterThan(10);
    expect(refusing, `declared ${range}`).toEqual([]);
  });

  it('includes the Node the tests run on', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
