import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LogReadError,
  LogWriter,
  Money,
  balances,
  balancesJson,
  balancesOfReplay,
  exportLog,
  logText,
  manifestOf,
  manifestPathOf,
  readManifest,
  replayLog,
  verifyLog,
  type BudgetState,
  type Ledger,
  type LedgerEvent,
  type PendingEvent,
} from 'ipb-ledger';
import { KARL, karlLedger } from '../examples/karl.js';
import { ipcSiteLedger } from '../examples/ipc-site.js';
import { historyArb } from './arbitraries.js';
import { stateJson } from './helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-roundtrip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A state without the command ids (a replay for reports does not keep them). */
const withoutCommands = (s: BudgetState): string => stateJson({ ...s, commands: null });

async function roundTrip(ledger: Ledger, name: string): Promise<void> {
  const path = join(dir, name);
  const manifest = await exportLog(path, ledger.events());
  expect(await readFile(path, 'utf8')).toBe(ledger.toLog());
  expect(await readManifest(manifestPathOf(path))).toEqual({
    kind: 'ok',
    path: manifestPathOf(path),
    manifest,
  });
  expect(manifest).toEqual(manifestOf(ledger.events()));
  expect((await verifyLog(path)).ok).toBe(true);
  const { replay, lines } = await replayLog(path);
  expect(lines).toBe(ledger.events().length);
  for (const id of replay.budgetIds()) {
    expect(withoutCommands(replay.state(id) as BudgetState)).toBe(withoutCommands(ledger.stateOf(id)));
  }
  expect(balancesJson(balancesOfReplay(replay))).toEqual(balancesJson(balances(ledger.events())));
}

describe('a log written by the library replays to the same state', () => {
  it("Karl's budget", async () => {
    await roundTrip(karlLedger(), 'karl.jsonl');
  });

  it('the IPC site', async () => {
    await roundTrip(ipcSiteLedger(), 'ipc.jsonl');
  });

  it('generated histories', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, async (h) => {
        n += 1;
        await roundTrip(h.ledger, `h-${n}.jsonl`);
      }),
      { numRuns: 40 },
    );
  });
});

describe('LogWriter', () => {
  it('seals pending events as they are appended, per budget, exactly as the ledger does', async () => {
    const events = ipcSiteLedger().events();
    const pending: PendingEvent[] = events.map((e) => {
      const { schema: _s, seq: _q, prevHash: _p, hash: _h, ...rest } = e;
      return rest as PendingEvent;
    });
    const path = join(dir, 'sealed.jsonl');
    const w = await LogWriter.create(path, { bufferBytes: 4096 });
    const sealed: LedgerEvent[] = [];
    for (let i = 0; i < pending.length; i += 7)
      sealed.push(...(await w.appendPending(pending.slice(i, i + 7))));
    const m = await w.close();
    expect(sealed.map((e) => e.hash)).toEqual(events.map((e) => e.hash));
    expect(await readFile(path, 'utf8')).toBe(logText(events));
    expect(m).toEqual(manifestOf(events));
  });

  it('refuses a sealed event that does not continue its chain, and writes no manifest for a failed export', async () => {
    const events = karlLedger().events();
    const path = join(dir, 'broken.jsonl');
    await expect(exportLog(path, [events[0] as LedgerEvent, events[2] as LedgerEvent])).rejects.toThrow(
      /does not continue its chain: expected seq 2/,
    );
    expect((await readManifest(manifestPathOf(path))).kind).toBe('absent');
  });
});

describe('replays in time', () => {
  // Karl's ledger plus a spend that happened on 10 July but was only recorded on 1 August.
  const ledger = karlLedger();
  ledger.recordOrThrow({
    type: 'RecordSpend',
    commandId: 'karl-late-1',
    budgetId: KARL,
    actor: { id: 'coord-notts-07', role: 'coordinator' },
    occurredAt: '2018-07-10T12:00:00.000Z',
    recordedAt: '2018-08-01T09:00:00.000Z',
    data: {
      spendId: 'sp-late',
      lineId: 'physio',
      amount: Money.of('100.00'),
      spentOn: '2018-07-10',
      payee: 'Community physiotherapy',
      evidenceRef: 'inv-physio-0710',
    },
  });
  const spentHealth = async (filter: { asOf?: string; knownAt?: string }): Promise<string> => {
    const path = join(dir, 'late.jsonl');
    await exportLog(path, ledger.events());
    const { replay } = await replayLog(path, { filter });
    const b = balancesOfReplay(replay).budgets[0];
    return b?.streams.find(([s]) => s === 'health')?.[1].spent.toString() ?? 'none';
  };

  it('a spend recorded late shows up as of its occurred time, not as known before its recording', async () => {
    const all = await spentHealth({});
    const before = await spentHealth({ asOf: '2018-07-09T23:59:59.999Z' });
    expect(Money.of(all).minus(Money.of(before)).toString()).toBe('100.00');
    expect(await spentHealth({ asOf: '2018-07-20T00:00:00.000Z' })).toBe(all);
    expect(await spentHealth({ knownAt: '2018-07-20T00:00:00.000Z' })).toBe(before);
    expect(await spentHealth({ asOf: '2018-07-20T00:00:00.000Z', knownAt: '2018-07-20T00:00:00.000Z' })).toBe(
      before,
    );
    expect(await spentHealth({ knownAt: '2018-08-01T09:00:00.000Z' })).toBe(all);
  });

  it('a budget not yet opened by the times given is not listed', async () => {
    const path = join(dir, 'late2.jsonl');
    await exportLog(path, ledger.events());
    const { replay } = await replayLog(path, { filter: { asOf: '2018-04-01T00:00:00.000Z' } });
    expect(balancesOfReplay(replay).budgets).toEqual([]);
  });
});

describe('replayLog refuses broken logs, naming the line', () => {
  it('a broken chain', async () => {
    const ls = karlLedger().toLog().trimEnd().split('\n');
    ls.splice(4, 1);
    const path = join(dir, 'gap.jsonl');
    await writeFile(path, `${ls.join('\n')}\n`);
    await expect(replayLog(path)).rejects.toThrow(LogReadError);
    await expect(replayLog(path)).rejects.toThrow(
      /^line 5 \(budget notts-karl-2018, seq 6\): seq 6 skips seq 5/,
    );
  });
});
