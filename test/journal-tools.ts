/**
 * Runs the real hledger and ledger on a journal file and reads their account balances, and
 * compares balances to the penny, naming every account that disagrees with both figures.
 */
import { spawnSync } from 'node:child_process';
import type { Money } from 'ipb-ledger';

/** An exact decimal amount as a tool printed it, scaled to millionths (tools may print more than 2 decimals). */
export type Micro = bigint;

const SCALE = 6;

/** Parses `-1234.56 GBP`, `0`, `12.345 GBP` exactly; throws naming the text otherwise. */
export function parseToolAmount(text: string): Micro {
  const t = text.trim();
  if (t === '0' || t === '') return 0n;
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))? GBP$/.exec(t);
  if (m === null) throw new Error(`cannot read the amount ${JSON.stringify(text)}`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0');
  if (frac.length > SCALE) throw new Error(`too many decimals in ${JSON.stringify(text)}`);
  const v = BigInt(`${m[2]}${frac}`);
  return m[1] === '-' ? -v : v;
}

/** A library amount in the same scale. */
export function micro(m: Money): Micro {
  return m.toPence() * 10n ** BigInt(SCALE - 2);
}

/** Prints a scaled amount back as pounds (`-12.345000` trimmed to at least 2 decimals). */
export function showMicro(v: Micro): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = a.toString().padStart(SCALE + 1, '0');
  let frac = s.slice(-SCALE);
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${s.slice(0, -SCALE)}.${frac}`;
}

/** What running a tool gave. */
export interface ToolRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[]): ToolRun {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error !== undefined) throw new Error(`could not run ${cmd}: ${r.error.message}`);
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

/** `hledger -f FILE check`: parses, checks every transaction balances and every assertion holds. */
export function hledgerCheck(file: string): ToolRun {
  return run('hledger', ['-f', file, 'check']);
}

/**
 * `hledger -f FILE bal -O csv -E -I`: every account's balance (zero ones too). Assertions are
 * left to {@link hledgerCheck} (`-I`), so a failed assertion still gets every account compared.
 */
export function hledgerBalances(file: string): { run: ToolRun; balances: Map<string, Micro> } {
  const r = run('hledger', ['-f', file, 'bal', '-O', 'csv', '-E', '-I']);
  const out = new Map<string, Micro>();
  if (r.ok) {
    const rows = r.stdout.trim().split('\n');
    if (rows[0] !== '"account","balance"') throw new Error(`unexpected hledger CSV header: ${rows[0]}`);
    for (const row of rows.slice(1)) {
      const m = /^"([^"]*)","([^"]*)"$/.exec(row);
      if (m === null) throw new Error(`unexpected hledger CSV row: ${row}`);
      if (m[1] === 'total') continue;
      out.set(m[1] as string, parseToolAmount(m[2] as string));
    }
  }
  return { run: r, balances: out };
}

/** `ledger -f FILE bal`: ledger checks that every transaction balances and every assertion holds as it reads. */
export function ledgerCheck(file: string): ToolRun {
  return run('ledger', ['-f', file, 'bal']);
}

/**
 * Every account's balance by ledger (flat, one per line, zero ones too). Assertions are left to
 * {@link ledgerCheck} (`--permissive`); an unbalanced transaction still stops it.
 */
export function ledgerBalances(file: string): { run: ToolRun; balances: Map<string, Micro> } {
  const r = run('ledger', [
    '-f',
    file,
    '--permissive',
    'bal',
    '--flat',
    '--empty',
    '--no-total',
    '--balance-format',
    '%(account)\t%(display_total)\n',
  ]);
  const out = new Map<string, Micro>();
  if (r.ok) {
    for (const row of r.stdout.split('\n')) {
      if (row === '') continue;
      const tab = row.indexOf('\t');
      if (tab < 0) throw new Error(`unexpected ledger row: ${row}`);
      out.set(row.slice(0, tab), parseToolAmount(row.slice(tab + 1)));
    }
  }
  return { run: r, balances: out };
}

/**
 * Every account whose balance differs between the library and a tool (an account missing on one
 * side counts as 0.00 there), as `account: library X, tool Y` lines.
 */
export function disagreements(
  library: ReadonlyMap<string, Money>,
  tool: ReadonlyMap<string, Micro>,
  toolName: string,
): string[] {
  const out: string[] = [];
  const names = new Set([...library.keys(), ...tool.keys()]);
  for (const account of [...names].sort()) {
    const lib = library.get(account);
    const a = lib === undefined ? 0n : micro(lib);
    const b = tool.get(account) ?? 0n;
    if (a !== b) out.push(`${account}: library ${showMicro(a)}, ${toolName} ${showMicro(b)}`);
  }
  return out;
}
