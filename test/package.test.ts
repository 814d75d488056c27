/**
 * The package as users get it: packs the tarball, installs it into a fresh project (from the
 * npm cache when it can), and uses it from TypeScript (`moduleResolution: NodeNext`, strict,
 * declarations checked) and from plain JavaScript, and runs its `ipb` binary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), 'ipb-package-'));
const project = join(work, 'consumer');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const version = (
  JSON.parse(execFileSync('npm', ['pkg', 'get', 'version'], { encoding: 'utf8' })) as string
).trim();

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (p.endsWith(ext)) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

function run(cmd: string, args: readonly string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const TS_CONSUMER = `import {
  Ledger,
  Money,
  balances,
  balancesJson,
  journalText,
  type Command,
  type LedgerError,
  type LedgerEvent,
  type Purpose,
} from 'ipb-ledger';

const at = { occurredAt: '2025-04-01T09:00:00.000Z', recordedAt: '2025-04-01T09:00:00.000Z' };
const coordinator = { id: 'coord-1', role: 'coordinator' } as const;
const finance = { id: 'fin-1', role: 'finance' } as const;
const commands: Command[] = [
  { type: 'OpenBudget', commandId: 'c1', budgetId: 'b-1', actor: coordinator, ...at,
    data: { personRef: 'p-1', site: 'north', cohort: 'other', basis: 'joint', streams: ['health', 'social-care'],
            periodStart: '2025-04-01', periodEnd: '2026-03-31' } },
  { type: 'AllocateFunding', commandId: 'c2', budgetId: 'b-1', actor: finance, ...at,
    data: { stream: 'health', amount: Money.of('1000.00'), stage: 'agreed' } },
  { type: 'AllocateFunding', commandId: 'c3', budgetId: 'b-1', actor: finance, ...at,
    data: { stream: 'social-care', amount: Money.of('1000.00'), stage: 'agreed' } },
  { type: 'ProposePlan', commandId: 'c4', budgetId: 'b-1', actor: coordinator, ...at,
    data: { planVersion: 1, lines: [{ lineId: 'pa', category: 'personal-assistant', option: 'direct-payment',
            amount: Money.of('500.00'), shares: { health: 1, 'social-care': 1 } }] } },
  { type: 'AgreePlan', commandId: 'c5', budgetId: 'b-1', actor: { id: 'p-1', role: 'holder' }, ...at,
    data: { planVersion: 1, agreedOn: '2025-04-01' } },
  { type: 'RecordSpend', commandId: 'c6', budgetId: 'b-1', actor: coordinator, ...at,
    data: { spendId: 's1', lineId: 'pa', amount: Money.of('100.01'), spentOn: '2025-04-01', payee: 'PA',
            evidenceRef: 'e1' } },
];
const ledger = new Ledger();
for (const c of commands) ledger.recordOrThrow(c);
const refused = ledger.record({ ...(commands[5] as Command), commandId: 'c7',
  data: { spendId: 's2', lineId: 'pa', amount: Money.of('5.00'), spentOn: '2025-04-01', payee: 'Pub',
          evidenceRef: 'e2', purpose: 'alcohol' } } as Command);
function codeOf(e: LedgerError): string {
  return e.code === 'prohibited-purpose' ? \`\${e.code} \${e.rule}\` : e.code;
}
const purposes: Purpose[] = [];
for (const e of ledger.events() as readonly LedgerEvent[]) {
  if (e.type === 'SpendRecorded') purposes.push(e.data.purpose);
}
console.log(JSON.stringify(balancesJson(balances(ledger.events())).budgets[0]?.streams.health));
console.log(refused._tag === 'Left' ? codeOf(refused.left) : 'accepted');
console.log(purposes.join(','));
console.log(journalText(ledger.events()).split('\\n').filter((l) => l.includes(':spent:')).join('|'));
`;

const TS_MISTAKES = `import type { Command, LedgerEvent } from 'ipb-ledger';
const actor = { id: 'a', role: 'finance' } as const;
// @ts-expect-error a command needs its data
export const noData: Command = { type: 'RecordSpend', commandId: 'x', budgetId: 'b', actor,
  occurredAt: '2025-04-01T09:00:00.000Z', recordedAt: '2025-04-01T09:00:00.000Z' };
export function amountOf(e: LedgerEvent): unknown {
  // @ts-expect-error not every event has an amount until narrowed by type
  return e.data.amount;
}
`;

const JS_CONSUMER = `import { Money, allocate, STREAMS, decodeEvent, journalText, currentVersion } from 'ipb-ledger';
const parts = allocate(Money.of('100.01'), { health: 1, 'social-care': 1 }, STREAMS);
console.log(Object.entries(parts).map(([s, m]) => s + '=' + m).join(' '));
console.log(currentVersion('SpendRecorded'));
console.log(typeof decodeEvent, typeof journalText);
`;

beforeAll(() => {
  // `npm test` builds first; when run alone, build if any source is newer than dist.
  const built = existsSync('dist/src/index.js') ? statSync('dist/src/index.js').mtimeMs : 0;
  // (type errors are the typecheck's business: tsc emits anyway, and the package is what it emits)
  if (newestMtime('src', '.ts') > built) spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'ignore' });
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8' }),
  ) as { filename: string; files: { path: string }[] }[];
  const info = packed[0];
  if (info === undefined) throw new Error('npm pack gave nothing');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const install = run(
    'npm',
    ['install', join(work, info.filename), '@types/node@20', '--prefer-offline', '--no-audit', '--no-fund'],
    project,
  );
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.out}`);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        types: ['node'],
        outDir: 'out',
      },
      include: ['*.ts'],
    }),
  );
  writeFileSync(join(project, 'consumer.ts'), TS_CONSUMER);
  writeFileSync(join(project, 'mistakes.ts'), TS_MISTAKES);
  writeFileSync(join(project, 'consumer.mjs'), JS_CONSUMER);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed into a fresh project', () => {
  it('ships the built code and types, not the sources or tests', () => {
    const dir = join(project, 'node_modules', 'ipb-ledger');
    expect(existsSync(join(dir, 'dist', 'src', 'index.js'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'src', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'src', 'journal', 'writer.js'))).toBe(true);
    expect(existsSync(join(dir, 'test'))).toBe(false);
    expect(existsSync(join(dir, 'src'))).toBe(false);
    expect(root).not.toBe(dir);
  });

  it('type-checks from TypeScript with NodeNext resolution (declarations included) and runs', () => {
    const compiled = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(compiled.out).toBe('');
    expect(compiled.status).toBe(0);
    const r = run(process.execPath, ['out/consumer.js'], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out.split('\n')).toEqual([
      '{"allocated":"1000.00","indicative":"0.00","spent":"50.01","reclaimed":"0.00","remaining":"949.99"}',
      'prohibited-purpose nhs-prohibited-alcohol',
      'unspecified',
      '    budget:b-1:health:spent:personal-assistant  50.01 GBP|    budget:b-1:social-care:spent:personal-assistant  50.00 GBP',
      '',
    ]);
  }, 180_000);

  it('imports from plain JavaScript', () => {
    const r = run(process.execPath, ['consumer.mjs'], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toBe('health=50.01 social-care=50.00\n2\nfunction function\n');
  }, 120_000);

  it('installs the ipb command', () => {
    const r = run(join(project, 'node_modules', '.bin', 'ipb'), ['--version'], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out.trim()).toBe(version);
  }, 120_000);
});
