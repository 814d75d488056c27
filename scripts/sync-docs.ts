/** Rewrites the marked blocks of the guides from their snippets and real runs: `npx tsx scripts/sync-docs.ts`. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUIDES, renderDoc } from './doc-markers.js';

const runDir = mkdtempSync(join(tmpdir(), 'ipb-docs-'));
try {
  for (const guide of GUIDES) {
    const md = readFileSync(guide, 'utf8');
    const next = await renderDoc(md, runDir);
    if (next !== md) {
      writeFileSync(guide, next);
      console.log(`updated ${guide}`);
    }
  }
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
