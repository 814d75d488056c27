/**
 * Decider ⊆ contract: whatever `Ledger`, `execute` and the `CommandHandler` accept, the log
 * contract accepts, and whatever they refuse, they refuse with a typed domain error.
 * FC_RUNS=N runs more scenarios.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { MemoryEventStore } from 'ipb-ledger';
import { RUNS } from './arbitraries.js';
import {
  checkEvents,
  checkOutcomes,
  play,
  sameOutcomes,
  scenarioArb,
  viaExecute,
  viaHandler,
} from './decider-contract.js';

describe('decider ⊆ contract', () => {
  it('Ledger and execute: every event sealed verifies, every refusal is typed, balances stay in the rules', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { ledger, sent, outcomes } = play(s);
        checkOutcomes(sent, outcomes, 'Ledger');
        checkEvents(ledger.events(), (b) => ledger.stateOf(b));
        sameOutcomes(outcomes, viaExecute(sent), 'execute');
      }),
      { numRuns: RUNS },
    );
  });

  it('CommandHandler on a store answers exactly as the Ledger does, never with a store error', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { ledger, sent, outcomes } = play(s);
        const store = new MemoryEventStore();
        const handled = await viaHandler(store, sent);
        checkOutcomes(sent, handled, 'CommandHandler');
        sameOutcomes(outcomes, handled, 'CommandHandler');
        await store.close();
        checkEvents(ledger.events(), (b) => ledger.stateOf(b));
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
  });
});
