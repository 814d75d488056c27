/**
 * Runs the simulation from the command line (also under a mutated copy of the library, see
 * `mutants.ts`): `npx tsx test/sim/run.ts [--store memory|file] [--from N] [--seeds N] [--seed N]`.
 * Prints one line per failing seed and a summary; exits 1 when any seed failed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSimulation, SimFailure, type SimStore } from './world.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    from: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '200' },
    seed: { type: 'string' },
    'stop-at-first': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const store = values.store as SimStore;
const seeds =
  values.seed !== undefined
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.from) + i);
let failed = 0;
const totals: Record<string, number> = {};
let events = 0;
for (const seed of seeds) {
  try {
    const r = await runSimulation({ seed, store, dir: join(tmpdir(), `ipb-sim-run-${process.pid}-${seed}`) });
    events += r.events;
    for (const [k, v] of Object.entries({ ...r.outcomes, ...r.faults, ...r.recoveries }))
      totals[k] = (totals[k] ?? 0) + v;
    if (values.verbose)
      console.log(
        `seed ${seed}: ${r.events} events, ${r.deliveries} deliveries`,
        r.outcomes,
        r.faults,
        r.recoveries,
      );
  } catch (err) {
    failed += 1;
    const msg = err instanceof SimFailure ? err.message : String(err);
    console.log(
      `FAIL ${msg
        .split('\n')
        .slice(0, values.verbose ? 40 : 3)
        .join('\n     ')}`,
    );
    if (values['stop-at-first']) break;
  }
}
console.log(`${seeds.length} seeds (${store}), ${failed} failed, ${events} events checked`);
console.log(JSON.stringify(totals));
process.exit(failed === 0 ? 0 : 1);
