/**
 * Writes the example logs in `examples/logs/` (run `npm run examples:logs`):
 *
 * - `karl.jsonl`: Karl's budget (`examples/karl.ts`), with its manifest;
 * - `ipc-site.jsonl`: an IPC demonstrator site with many budgets (`examples/ipc-site.ts`), with its manifest;
 * - `tampered.jsonl`: Karl's log after a forger changed one spend and re-sealed it (no manifest);
 *   `ipb verify` names the line where the chain breaks.
 *
 * Everything is deterministic; a test checks the committed files equal a fresh run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashOfEnvelope, logText, manifestOf, manifestText } from 'ipb-ledger';
import { karlLedger } from './karl.js';
import { ipcSiteLedger } from './ipc-site.js';

/** The spend the forger changes in `tampered.jsonl`, and its new amount. */
export const TAMPERED_SPEND = { spendId: 'sp-0002', amount: '32.00' } as const;

/**
 * Karl's log with spend {@link TAMPERED_SPEND} lowered (and its split with it) and the event
 * re-sealed with a correct hash: the line itself checks, the next event's `prevHash` does not.
 */
export function tamperedKarlLog(): string {
  const lines = karlLedger().toLog().trimEnd().split('\n');
  const i = lines.findIndex((l) => l.includes(`"spendId":"${TAMPERED_SPEND.spendId}"`));
  const raw = JSON.parse(lines[i] ?? 'null') as {
    data: { amount: string; split: Record<string, string> };
    hash: string;
  };
  raw.data.amount = TAMPERED_SPEND.amount;
  raw.data.split = { health: TAMPERED_SPEND.amount };
  raw.hash = hashOfEnvelope(raw);
  lines[i] = JSON.stringify(raw);
  return `${lines.join('\n')}\n`;
}

/** File name (in `examples/logs/`) to contents, for every example log and manifest. */
export function exampleLogs(): Map<string, string> {
  const karl = karlLedger().events();
  const site = ipcSiteLedger().events();
  return new Map([
    ['karl.jsonl', logText(karl)],
    ['karl.jsonl.manifest.json', manifestText(manifestOf(karl))],
    ['ipc-site.jsonl', logText(site)],
    ['ipc-site.jsonl.manifest.json', manifestText(manifestOf(site))],
    ['tampered.jsonl', tamperedKarlLog()],
  ]);
}

async function main(): Promise<void> {
  const dir = fileURLToPath(new URL('./logs/', import.meta.url));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of exampleLogs()) {
    await writeFile(`${dir}${name}`, text, 'utf8');
    console.log(`wrote examples/logs/${name}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
