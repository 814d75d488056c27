import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { verifyLog } from 'ipb-ledger';
import { TAMPERED_SPEND, exampleLogs } from '../examples/write-logs.js';

const DIR = new URL('../examples/logs/', import.meta.url);

describe('the example logs', () => {
  it('are exactly what `npm run examples:logs` writes (they cannot drift from the examples)', async () => {
    for (const [name, text] of exampleLogs()) {
      expect(
        await readFile(new URL(name, DIR), 'utf8'),
        `examples/logs/${name} is stale: run npm run examples:logs`,
      ).toBe(text);
    }
  });

  it("Karl's and the IPC site's logs verify, with their manifests", async () => {
    for (const name of ['karl.jsonl', 'ipc-site.jsonl']) {
      const r = await verifyLog(new URL(name, DIR).pathname);
      expect(r.ok, JSON.stringify(r.firstError)).toBe(true);
      expect(r.manifest?.ok).toBe(true);
    }
  });

  it('the tampered log fails where the re-sealed spend breaks the chain', async () => {
    const path = new URL('tampered.jsonl', DIR).pathname;
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes(`"spendId":"${TAMPERED_SPEND.spendId}"`));
    expect(lines[i]).toContain(`"amount":"${TAMPERED_SPEND.amount}"`);
    const r = await verifyLog(path);
    expect(r.ok).toBe(false);
    expect(r.manifest).toBeNull();
    expect(r.firstError).toEqual({
      line: i + 2,
      budgetId: 'notts-karl-2018',
      seq: i + 2,
      reason: expect.stringMatching(
        new RegExp(
          `^prevHash .* does not match the hash .* of seq ${i + 1} \\(line ${i + 1}\\): that event was changed and re-sealed`,
        ),
      ) as unknown,
    });
  });
});
