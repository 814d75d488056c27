/**
 * Deterministic simulation against the file store: the memory simulation's faults plus the
 * disk's (ENOSPC, EIO after a partial write, short writes, failed syncs) and crashes in the
 * middle of a write or before its sync: the file is cut at a random byte of the unacknowledged
 * append (sometimes zero-filled, as some file systems leave it), the dead process's lock stays
 * behind, and the store is reopened and must repair. Commands run one at a time here (file I/O
 * completes in an order the process does not control, which would break exact replay).
 *
 * `SIM_SEED=N npx vitest run test/sim-file.test.ts` replays a seed; `SIM_FILE_SEEDS=N` runs more.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunks, regressionSeeds, seedRange, singleSeed } from './sim/seeds.js';
import { runSimulation, SimFailure, type SimResult } from './sim/world.js';

const seeds = seedRange('file');
const totals: Record<string, number> = {};
const dirOf = (seed: number) => join(tmpdir(), `ipb-sim-file-${process.pid}-${seed}`);

async function runSeeds(list: readonly number[]): Promise<{ failures: string[]; results: SimResult[] }> {
  const failures: string[] = [];
  const results: SimResult[] = [];
  for (const seed of list) {
    try {
      const r = await runSimulation({ seed, store: 'file', dir: dirOf(seed) });
      results.push(r);
      for (const [k, v] of Object.entries({ ...r.outcomes, ...r.faults, ...r.recoveries }))
        totals[k] = (totals[k] ?? 0) + v;
      totals['crashes'] = (totals['crashes'] ?? 0) + r.crashes;
    } catch (err) {
      if (!(err instanceof SimFailure)) throw err;
      failures.push(err.message);
      console.error(err.message);
    }
  }
  return { failures, results };
}

const firstLines = (failures: string[]) => failures.map((f) => f.split('\n').slice(0, 2).join(' | '));

describe(`simulation, file store: ${seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds[0]}..${seeds[seeds.length - 1]}`}`, () => {
  for (const part of chunks(seeds, 10)) {
    it(`seeds ${part[0]}..${part[part.length - 1]}: crashes repaired, nothing acknowledged lost, no half command visible, the file verifies`, async () => {
      const { failures, results } = await runSeeds(part);
      expect(firstLines(failures)).toEqual([]);
      expect(results.reduce((n, r) => n + r.events, 0)).toBeGreaterThan(part.length * 5);
    }, 600_000);
  }

  if (singleSeed() === null && seeds.length >= 30) {
    it('the disk faults, crashes and repairs really happened', () => {
      for (const kind of [
        'crashes',
        'crash-mid-write',
        'crash-before-sync',
        'enospc',
        'partial-eio',
        'short-write',
        'sync-eio',
        'truncated-tail',
        'stale-lock',
        'lost-ack',
      ]) {
        expect(totals[kind] ?? 0, kind).toBeGreaterThan(0);
      }
    });
  }
});

const regressions = regressionSeeds('file');
// declared only while there are seeds to replay (vitest fails a suite without tests)
if (regressions.length > 0)
  describe('simulation, file store: regression seeds', () => {
    for (const r of regressions) {
      it(`seed ${r.seed} (found ${r.found}): ${r.what.slice(0, 90)}`, async () => {
        const { failures } = await runSeeds([r.seed]);
        expect(firstLines(failures)).toEqual([]);
      }, 120_000);
    }
  });

describe('simulation, file store: determinism', () => {
  it('the same seed replays the same run exactly, crashes included', async () => {
    const seed = singleSeed() ?? 7;
    const a = await runSimulation({ seed, store: 'file', dir: dirOf(seed) });
    const b = await runSimulation({ seed, store: 'file', dir: dirOf(seed) });
    expect(b).toEqual(a);
  }, 120_000);
});
