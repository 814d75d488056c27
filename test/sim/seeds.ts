/**
 * Which seeds a simulation test runs, from the environment:
 *
 * - `SIM_SEED=N`: exactly seed N (replays a failure), nothing else;
 * - `SIM_SEEDS=N` (memory store, default 200) and `SIM_FILE_SEEDS=N` (file store, default 100):
 *   how many seeds, from `SIM_BASE` (default 1);
 * - every seed in `test/regressions/sim-seeds.json` always runs too.
 */
import { readFileSync } from 'node:fs';
import type { SimStore } from './world.js';

/** A seed that once failed. */
export interface RegressionSeed {
  readonly seed: number;
  readonly store: SimStore;
  readonly found: string;
  readonly what: string;
}

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^[0-9]{1,10}$/.test(v)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The seed given by `SIM_SEED`, or null. */
export function singleSeed(): number | null {
  return process.env['SIM_SEED'] === undefined || process.env['SIM_SEED'] === ''
    ? null
    : envInt('SIM_SEED', 0);
}

/** The seeds of the main run for a store (empty when `SIM_SEED` picks one). */
export function seedRange(store: SimStore): number[] {
  const one = singleSeed();
  if (one !== null) return [one];
  const count = store === 'memory' ? envInt('SIM_SEEDS', 200) : envInt('SIM_FILE_SEEDS', 100);
  const base = envInt('SIM_BASE', 1);
  return Array.from({ length: count }, (_, i) => base + i);
}

/** The regression seeds of a store (none when `SIM_SEED` picks one). */
export function regressionSeeds(store: SimStore): RegressionSeed[] {
  if (singleSeed() !== null) return [];
  const file = new URL('../regressions/sim-seeds.json', import.meta.url);
  const all = (JSON.parse(readFileSync(file, 'utf8')) as { seeds: RegressionSeed[] }).seeds;
  return all.filter((s) => s.store === store);
}

/** Splits a list into chunks (one test per chunk, so progress shows and timeouts stay per chunk). */
export function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
