/**
 * docs/auditing.md stays true: every `$ ipb ...` block is run through the real binary and
 * must print exactly what the page shows, the bad-input table's messages are what the
 * verifier says, and the library snippet runs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balances, balancesJson, verifyLogText } from 'ipb-ledger';
import { auditExport, countSpends } from '../docs/snippets/auditing.js';
import { karlLedger } from '../examples/karl.js';
import { CASES } from './cli-cases.js';
import { ipb } from './cli-helpers.js';

const md = await readFile(new URL('../docs/auditing.md', import.meta.url), 'utf8');

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

/** Every console block of a page that runs `ipb`: its arguments and the output shown. */
const consoleBlocks = (page: string) =>
  [...page.matchAll(/```console\n\$ ipb ([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
    args: (m[1] as string).split(' '),
    output: m[2] as string,
  }));
const blocks = consoleBlocks(md);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-docs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('docs/auditing.md', () => {
  it('shows commands', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.map((b) => [b.args.join(' '), b] as const))(
    '$ ipb %s prints what the page shows',
    async (_, b) => {
      const r = await ipb(b.args);
      expect(`${r.stdout}${r.stderr}`).toBe(b.output);
    },
  );

  it('README shows real output too', async () => {
    const shown = consoleBlocks(readme);
    expect(shown.length).toBeGreaterThanOrEqual(1);
    for (const b of shown) {
      const r = await ipb(b.args);
      expect(`${r.stdout}${r.stderr}`).toBe(b.output);
    }
  });

  it("the bad-input table's messages are the verifier's", () => {
    const section = md.slice(md.indexOf('## Bad input'), md.indexOf('## From code'));
    const rows = [...section.matchAll(/^\| [^|]+ \| `(.+)` \|$/gm)].map((m) => m[1] as string);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const reasons = CASES.map((c) => {
      const content = c.content();
      return content.length === 0 ? '' : (verifyLogText(content).firstError?.reason ?? '');
    });
    for (const message of rows) {
      expect(
        reasons.some((r) => r === message || r.endsWith(`: ${message}`) || r.includes(message)),
        message,
      ).toBe(true);
    }
  });

  it('the library snippet exports, verifies and replays as of a date', async () => {
    const ledger = karlLedger();
    const path = join(dir, 'karl.jsonl');
    const asOf = '2018-05-31T23:59:59.999Z';
    expect(await auditExport(ledger, path, asOf)).toEqual(balancesJson(balances(ledger.events(), { asOf })));
    expect(await countSpends(path)).toBe(ledger.events().filter((e) => e.type === 'SpendRecorded').length);
  });
});
