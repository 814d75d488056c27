/**
 * Deterministic simulation against the memory store: many simulated clients, random valid and
 * invalid commands, injected faults (failed writes, lost acknowledgements, version conflicts,
 * duplicate and reordered deliveries, failed reads, lying snapshots), and every invariant
 * checked after every round (see test/sim/checker.ts).
 *
 * A failing seed is printed with the command that replays it: `SIM_SEED=N npm test` (or
 * `SIM_SEED=N npx vitest run test/sim.test.ts`). `SIM_SEEDS=5000` runs more seeds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ExpectedVersion,
  MemoryEventStore,
  type AppendResult,
  type EventStore,
  type PendingEvent,
  type Store,
} from 'ipb-ledger';
import { chunks, regressionSeeds, seedRange, singleSeed } from './sim/seeds.js';
import { runSimulation, SimFailure, type SimResult } from './sim/world.js';

const seeds = seedRange('memory');
const totals: Record<string, number> = {};

async function runSeeds(list: readonly number[]): Promise<{ failures: string[]; results: SimResult[] }> {
  const failures: string[] = [];
  const results: SimResult[] = [];
  for (const seed of list) {
    try {
      const r = await runSimulation({ seed, store: 'memory' });
      results.push(r);
      for (const [k, v] of Object.entries({ ...r.outcomes, ...r.faults })) totals[k] = (totals[k] ?? 0) + v;
    } catch (err) {
      if (!(err instanceof SimFailure)) throw err;
      failures.push(err.message);
      console.error(err.message);
    }
  }
  return { failures, results };
}

const firstLines = (failures: string[]) => failures.map((f) => f.split('\n').slice(0, 2).join(' | '));

describe(`simulation, memory store: ${seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds[0]}..${seeds[seeds.length - 1]}`}`, () => {
  for (const part of chunks(seeds, 25)) {
    it(`seeds ${part[0]}..${part[part.length - 1]}: no acknowledged event lost, nothing appended twice, chains valid, balances = replay, conservation, idempotent retries`, async () => {
      const { failures, results } = await runSeeds(part);
      expect(firstLines(failures)).toEqual([]);
      expect(results.reduce((n, r) => n + r.events, 0)).toBeGreaterThan(part.length * 10);
    }, 600_000);
  }

  if (singleSeed() === null && seeds.length >= 50) {
    it('the faults really happened (each kind at least once over the run)', () => {
      for (const kind of [
        'fail-write',
        'lost-ack',
        'interloper',
        'read-fail',
        'snapshot-wrong-hash',
        'snapshot-garbage',
        'snapshot-older-valid',
        'projection-save-fail',
      ]) {
        expect(totals[kind] ?? 0, kind).toBeGreaterThan(0);
      }
      for (const outcome of [
        'appended',
        'duplicate',
        'store-failure-unknown',
        'version-conflict',
        'invalid-command',
        'role-not-allowed',
        'not-your-budget',
        'duplicate-spend',
      ]) {
        expect(totals[outcome] ?? 0, outcome).toBeGreaterThan(0);
      }
    });
  }
});

const regressions = regressionSeeds('memory');
// declared only while there are seeds to replay (vitest fails a suite without tests)
if (regressions.length > 0)
  describe('simulation, memory store: regression seeds', () => {
    for (const r of regressions) {
      it(`seed ${r.seed} (found ${r.found}): ${r.what.slice(0, 90)}`, async () => {
        const { failures } = await runSeeds([r.seed]);
        expect(firstLines(failures)).toEqual([]);
      }, 120_000);
    }
  });

describe('simulation: determinism and the checker itself', () => {
  it('the same seed replays the same run exactly (same events, same trace)', async () => {
    const seed = singleSeed() ?? 4242;
    const a = await runSimulation({ seed, store: 'memory' });
    const b = await runSimulation({ seed, store: 'memory' });
    expect(b).toEqual(a);
    const c = await runSimulation({ seed: seed + 1, store: 'memory' });
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  /** A store that appends without checking the expected version (the classic lost update). */
  const ignoresVersion = (inner: Store): Store =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'append') {
          return (budgetId: string, events: readonly PendingEvent[]) =>
            target.append(budgetId, events, ExpectedVersion.any);
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });

  /** A store that acknowledges every 40th append without writing it. */
  const dropsWrites = (inner: Store): Store => {
    let n = 0;
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'append') {
          return async (
            budgetId: string,
            events: readonly PendingEvent[],
            expected: ExpectedVersion,
          ): Promise<AppendResult> => {
            n += 1;
            if (n % 40 !== 0) return target.append(budgetId, events, expected);
            // pretend: seal them in a scratch store and return those
            const scratch: EventStore = new MemoryEventStore();
            const r = await scratch.append(budgetId, events, ExpectedVersion.any);
            return { ...r, duplicate: false };
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };

  async function firstFailure(wrapStore: (s: Store) => Store): Promise<SimFailure | null> {
    for (let seed = 1; seed <= 200; seed++) {
      try {
        await runSimulation({ seed, store: 'memory', wrapStore });
      } catch (err) {
        if (err instanceof SimFailure) return err;
        throw err;
      }
    }
    return null;
  }

  it('catches a store that appends without checking the expected version, within the default seeds', async () => {
    const f = await firstFailure(ignoresVersion);
    expect(f, 'no seed caught the bug').not.toBeNull();
    expect(f?.message).toMatch(/replay it: SIM_SEED=\d+/);
  }, 600_000);

  it('catches a store that acknowledges appends it never wrote, within the default seeds', async () => {
    const f = await firstFailure(dropsWrites);
    expect(f, 'no seed caught the bug').not.toBeNull();
    expect(f?.message).toMatch(/lost|not in the store|seq does not follow|prevHash|not what the store holds/);
  }, 600_000);
});

describe('docs/security.md matches the tests', () => {
  const doc = readFileSync('docs/security.md', 'utf8');

  it('every test file and script it names exists', () => {
    const named = [...new Set([...doc.matchAll(/`((?:test|\.ci)\/[\w./-]+)`/g)].map((m) => m[1] as string))];
    expect(named.length).toBeGreaterThan(10);
    for (const f of named) expect(existsSync(f), f).toBe(true);
  });

  it('every mutant in its table is one test/sim/mutants.ts injects, and the other way round', () => {
    const inDoc = [...doc.matchAll(/^\| `([a-z-]+)`:/gm)].map((m) => m[1]);
    const inScript = [...readFileSync('test/sim/mutants.ts', 'utf8').matchAll(/name: '([a-z-]+)'/g)].map(
      (m) => m[1],
    );
    expect(inDoc.sort()).toEqual(inScript.sort());
  });

  it('the default seed counts it gives are the defaults', () => {
    const seeds = readFileSync('test/sim/seeds.ts', 'utf8');
    const memory = /envInt\('SIM_SEEDS', (\d+)\)/.exec(seeds)?.[1];
    const file = /envInt\('SIM_FILE_SEEDS', (\d+)\)/.exec(seeds)?.[1];
    expect(doc).toContain(`The default run is ${memory} seeds on the memory store`);
    expect(doc).toContain(`and ${file} seeds on the file`);
    expect(Number(memory)).toBeGreaterThanOrEqual(200);
  });
});
