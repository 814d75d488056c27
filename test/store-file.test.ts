import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdtempSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CommandHandler,
  ExpectedVersion,
  FileEventStore,
  Ledger,
  StoreError,
  balances,
  balancesJson,
  eventLine,
  foldEvents,
  type FileStoreIo,
  type LedgerEvent,
} from 'ipb-ledger';
import { eventStoreContract } from './store-contract.js';
import {
  allocate,
  checkLog,
  KILL_ROUNDS,
  killLoop,
  multiPending,
  pending,
  runWriter,
  setupBudget,
  tmpDir,
  turnCommand,
} from './store-support.js';

const dir = tmpDir('file');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (tag: string): string => {
  n += 1;
  return `${dir}/${tag}-${n}.jsonl`;
};

eventStoreContract('file', async () => {
  const path = freshPath('contract');
  let store = await FileEventStore.open(path);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await FileEventStore.open(path);
      return store;
    },
  };
});

/** A log with one budget set up (5 events), closed. Returns its path and events. */
async function budgetLog(tag: string): Promise<{ path: string; events: LedgerEvent[] }> {
  const path = freshPath(tag);
  const store = await FileEventStore.open(path);
  const handler = new CommandHandler(store);
  const events: LedgerEvent[] = [];
  for (const c of setupBudget('b-1')) {
    const r = await handler.handle(c);
    if (r._tag === 'Left') throw new Error(r.left.message);
    events.push(...r.right.events);
  }
  await store.close();
  return { path, events };
}

const logText = (events: readonly LedgerEvent[]) => events.map((e) => `${eventLine(e)}\n`).join('');

async function storeError(p: Promise<unknown>): Promise<StoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe('file store: the file is a contract log', () => {
  it('writes exactly the log lines of the events it sealed', async () => {
    const { path, events } = await budgetLog('exact');
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(logText(events));
    expect(checkLog(text).ok).toBe(true);
  });

  it('opens a log written elsewhere, adding a missing final newline', async () => {
    const { path, events } = await budgetLog('newline');
    truncateSync(path, readFileSync(path).length - 1);
    const store = await FileEventStore.open(path);
    expect(store.recovery.map((r) => r.kind)).toEqual(['added-final-newline']);
    expect((await store.readStream('b-1')).length).toBe(events.length);
    await appendAndClose(store);
    expect(checkLog(readFileSync(path, 'utf8')).ok).toBe(true);
  });
});

async function appendAndClose(store: FileEventStore, commandId = 'later'): Promise<void> {
  const state = foldEvents(await store.readStream('b-1'));
  await store.append(
    'b-1',
    pending(allocate('b-1', commandId, '1.00'), state),
    ExpectedVersion.exactly(state.version),
  );
  await store.close();
}

describe('file store: crash repair on open', () => {
  it('cuts a truncated last line back to the last complete event, and reports it', async () => {
    const { path, events } = await budgetLog('torn');
    const good = readFileSync(path);
    const next = eventLine(events[4] as LedgerEvent).replace('"seq":5', '"seq":6');
    appendFileSync(path, next.slice(0, 57));
    const store = await FileEventStore.open(path);
    expect(store.recovery).toHaveLength(1);
    expect(store.recovery[0]?.kind).toBe('truncated-tail');
    expect(store.recovery[0]?.message).toMatch(
      /line 6 was cut short \(57 bytes.*cut back to the 5 complete events/,
    );
    expect(readFileSync(path)).toEqual(good);
    await appendAndClose(store);
    const check = checkLog(readFileSync(path, 'utf8'));
    expect(check.ok).toBe(true);
    expect(check.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('cuts a tail of NUL bytes (a power cut after the size grew)', async () => {
    const { path } = await budgetLog('nul');
    const good = readFileSync(path);
    appendFileSync(path, Buffer.alloc(300));
    const store = await FileEventStore.open(path);
    expect(store.recovery.map((r) => r.kind)).toEqual(['truncated-tail']);
    await store.close();
    expect(readFileSync(path)).toEqual(good);
  });

  it('rolls back a command with several events that was cut after some of them', async () => {
    const { path, events } = await budgetLog('multi');
    const good = readFileSync(path);
    // what a crash mid-append leaves: the size marker, two complete lines of three, part of the third
    const state = foldEvents(events);
    const sealed = await (async () => {
      const scratch = await FileEventStore.open(freshPath('scratch'));
      const h = new CommandHandler(scratch);
      for (const c of setupBudget('b-1')) await h.handle(c);
      const r = await scratch.append(
        'b-1',
        multiPending('b-1', 'three', 3, state),
        ExpectedVersion.exactly(5),
      );
      await scratch.close();
      return r.events;
    })();
    writeFileSync(`${path}.pending`, JSON.stringify({ size: good.length, events: 3 }));
    appendFileSync(
      path,
      `${eventLine(sealed[0] as LedgerEvent)}\n${eventLine(sealed[1] as LedgerEvent)}\n{"act`,
    );
    const store = await FileEventStore.open(path);
    expect(store.recovery.map((r) => r.kind)).toEqual(['rolled-back-append']);
    expect(store.recovery[0]?.message).toMatch(/never acknowledged/);
    expect(await store.readCommand('b-1', 'three')).toEqual([]);
    expect((await store.head('b-1')).version).toBe(5);
    await store.close();
    expect(readFileSync(path)).toEqual(good);
    expect(readFileSync(`${path}.pending`, 'utf8')).toBe('');
  });

  it('refuses to open a log with a bad line in the middle, changing nothing', async () => {
    const { path } = await budgetLog('corrupt');
    const text = readFileSync(path, 'utf8');
    const bad = text.replace('"10000.00"', '"99999.00"');
    writeFileSync(path, bad);
    const err = await storeError(FileEventStore.open(path));
    expect(err.code).toBe('store-corrupt');
    expect(err.message).toMatch(
      /line 2: budget b-1 seq 2: hash does not match the content\. The file was not changed/,
    );
    expect(readFileSync(path, 'utf8')).toBe(bad);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a complete last line that does not verify: that is tampering, not a crash', async () => {
    const { path } = await budgetLog('tampered-tail');
    const text = readFileSync(path, 'utf8').slice(0, -1);
    const bad = `${text.slice(0, text.lastIndexOf('"hash":"') + 8)}${'f'.repeat(64)}${text.slice(text.lastIndexOf('"hash":"') + 72)}`;
    writeFileSync(path, bad);
    const err = await storeError(FileEventStore.open(path));
    expect(err.code).toBe('store-corrupt');
    expect(err.message).toMatch(/line 5 \(the last, without a newline\).*not a line cut short by a crash/);
    expect(readFileSync(path, 'utf8')).toBe(bad);
  });
});

describe('file store: one writer at a time', () => {
  it('refuses a second writer with a clear error, and reads alongside it', async () => {
    const { path, events } = await budgetLog('lock');
    const writer = await FileEventStore.open(path);
    const err = await storeError(FileEventStore.open(path));
    expect(err.code).toBe('store-locked');
    expect(err.message).toMatch(/is open for writing by this process .*one writer at a time/);
    const reader = await FileEventStore.open(path, { readOnly: true });
    expect((await reader.readStream('b-1')).map(eventLine)).toEqual(events.map(eventLine));
    const refused = await storeError(reader.append('b-1', [], ExpectedVersion.any));
    expect(refused.code).toBe('invalid-append');
    const state = foldEvents(events);
    const ro = await storeError(
      reader.append('b-1', pending(allocate('b-1', 'x', '1.00'), state), ExpectedVersion.any),
    );
    expect(ro.code).toBe('store-read-only');
    await reader.close();
    await writer.close();
    const again = await FileEventStore.open(path);
    expect(again.recovery).toEqual([]);
    await again.close();
  });

  it('takes over a lock left by a process that is gone, and reports it', async () => {
    const { path } = await budgetLog('stale');
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => resolve(child.pid as number));
    });
    const lock = { pid: dead, host: hostname(), since: '2024-01-01T00:00:00.000Z', token: 'old' };
    writeFileSync(`${path}.lock`, JSON.stringify(lock));
    const store = await FileEventStore.open(path);
    expect(store.recovery.map((r) => r.kind)).toEqual(['stale-lock']);
    expect(store.recovery[0]?.message).toMatch(new RegExp(`stale lock of process ${dead}`));
    await store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('respects a lock from another host, which it cannot check', async () => {
    const { path } = await budgetLog('remote');
    const lock = { pid: 1, host: 'some-other-host', since: '2024-01-01T00:00:00.000Z', token: 't' };
    writeFileSync(`${path}.lock`, JSON.stringify(lock));
    const err = await storeError(FileEventStore.open(path));
    expect(err.code).toBe('store-locked');
    expect(err.message).toMatch(/process 1 on some-other-host/);
    expect(err.message).toMatch(/delete .*\.lock/);
  });

  it('4 processes taking turns through the refusal path lose nothing and duplicate nothing', async () => {
    const path = freshPath('turns');
    const BUDGETS = 5;
    const PER_WRITER = 40;
    const setup = await FileEventStore.open(path);
    const handler = new CommandHandler(setup);
    const ledger = new Ledger();
    for (let b = 0; b < BUDGETS; b++) {
      for (const c of setupBudget(`fb-${b}`)) {
        await handler.handle(c);
        ledger.recordOrThrow(c);
      }
    }
    await setup.close();
    const runs = await Promise.all(
      [0, 1, 2, 3].map((w) =>
        runWriter(['file', path, 'turns', String(w), String(PER_WRITER), String(BUDGETS)]),
      ),
    );
    const summaries = runs.map((r) => JSON.parse(r.stdout) as { refusals: number; recorded: number });
    expect(summaries.map((s) => s.recorded)).toEqual([PER_WRITER, PER_WRITER, PER_WRITER, PER_WRITER]);
    // the refusal path was taken: processes found the log locked and waited their turn
    expect(summaries.reduce((a, s) => a + s.refusals, 0)).toBeGreaterThan(0);
    const check = checkLog(readFileSync(path, 'utf8'));
    expect(check.problem).toBeNull();
    const byCommand = new Map<string, number>();
    for (const e of check.events)
      byCommand.set(e.commandId ?? '', (byCommand.get(e.commandId ?? '') ?? 0) + 1);
    for (let w = 0; w < 4; w++) {
      for (let i = 0; i < PER_WRITER; i++) {
        expect(byCommand.get(`w${w}-${i}`)).toBe(1);
        ledger.recordOrThrow(turnCommand(w, i, BUDGETS));
      }
    }
    expect(check.events.length).toBe(BUDGETS * 5 + 4 * PER_WRITER);
    expect(balancesJson(balances(check.events))).toEqual(balancesJson(balances(ledger.events())));
  }, 120_000);
});

describe('file store: writers killed mid-append', () => {
  it('loses no acknowledged event and shows no half command after SIGKILL, again and again', async () => {
    const path = freshPath('killed');
    const { acked, ready } = await killLoop((round) => ['file', path, 'crash', String(round)], KILL_ROUNDS);
    expect(acked.size).toBeGreaterThanOrEqual(KILL_ROUNDS);
    // every writer after the first found the lock of a killed one and took it over
    expect(ready.slice(1).every((l) => l.includes('stale-lock'))).toBe(true);
    const store = await FileEventStore.open(path);
    const events = await store.readStream('kb');
    const perCommand = new Map<string, number>();
    for (const e of events) perCommand.set(e.commandId ?? '', (perCommand.get(e.commandId ?? '') ?? 0) + 1);
    for (const [commandId, count] of acked) expect(perCommand.get(commandId)).toBe(count);
    for (const [commandId, count] of perCommand) {
      if (commandId === 'kb-open') continue;
      const multi = Number(commandId.split('-')[1]) % 2 === 1;
      expect(count).toBe(multi ? 3 : 1);
    }
    await store.close();
    expect(checkLog(readFileSync(path, 'utf8')).problem).toBeNull();
  }, 120_000);
});

describe('file store: a torn tail from a real crash', () => {
  it('a writer killed in the middle of a large append: the store reopens, repairs the tail and loses nothing acknowledged', async () => {
    const path = freshPath('torn-real');
    const acked = new Map<string, number>();
    const rounds: string[] = [];
    for (let round = 0; round < 4; round++) {
      const shape = round % 2 === 0 ? 'multi' : 'single';
      let ackedSize = 0;
      let big = '';
      let chunks = 0;
      // multi: 120 events of 5 kB, written 4 KiB at a time: kill after a random number of writes;
      // single: one 9 kB event, kill after its first write
      const killAt = shape === 'multi' ? randomInt(1, 100) : 1;
      await runWriter(['file', path, 'torn', String(round), shape], (line, kill) => {
        const ack = /^ack (\S+) (\d+) (\d+)$/.exec(line);
        if (ack !== null) {
          acked.set(ack[1] as string, Number(ack[2]));
          ackedSize = Number(ack[3]);
        }
        if (line.startsWith('big ')) big = line.split(' ')[1] as string;
        if (big !== '' && line.startsWith('wrote ') && ++chunks === killAt) kill();
      });
      expect(big, 'the writer reached its large append').not.toBe('');
      expect(acked.has(big), `${big} was killed before it was acknowledged`).toBe(false);
      // a real torn tail: bytes of the unacknowledged append are on disk after the last acknowledged one
      const raw = readFileSync(path);
      expect(raw.length).toBeGreaterThan(ackedSize);
      const store = await FileEventStore.open(path);
      const kinds = store.recovery.map((r) => r.kind);
      expect(kinds).toContain('stale-lock');
      expect(kinds).toContain(shape === 'multi' ? 'rolled-back-append' : 'truncated-tail');
      rounds.push(`${shape}: ${raw.length - ackedSize} torn bytes, ${kinds.join(', ')}`);
      const counts = new Map<string, number>();
      for (const e of await store.readStream('tb'))
        counts.set(e.commandId ?? '', (counts.get(e.commandId ?? '') ?? 0) + 1);
      for (const [commandId, n] of acked) expect(counts.get(commandId), commandId).toBe(n);
      expect(counts.has(big)).toBe(false);
      await store.close();
      // the repair cut exactly the unacknowledged bytes, and what is left verifies
      expect(readFileSync(path).length).toBe(ackedSize);
      expect(checkLog(readFileSync(path, 'utf8')).problem).toBeNull();
    }
    console.log(`file store torn tails from real kills: ${rounds.join('; ')}`);
  }, 120_000);
});

describe('file store: disk full, I/O errors, read-only files', () => {
  const enospc = (): NodeJS.ErrnoException =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it('a write that fills the disk halfway is a typed error and leaves the file as it was', async () => {
    const { path, events } = await budgetLog('full');
    const good = readFileSync(path);
    let full = true;
    const io: Partial<FileStoreIo> = {
      async write(handle, data) {
        if (!full) return (await handle.write(data, 0, data.length, null)).bytesWritten;
        await handle.write(data, 0, Math.floor(data.length / 2), null);
        throw enospc();
      },
    };
    const store = await FileEventStore.open(path, { io });
    const state = foldEvents(events);
    const p = pending(allocate('b-1', 'c-full', '1.00'), state);
    const err = await storeError(store.append('b-1', p, ExpectedVersion.exactly(5)));
    expect(err.code).toBe('store-full');
    expect(err.message).toMatch(/cannot append to .*nothing was appended: no space left/);
    expect(err.outcomeUnknown).toBe(false);
    expect(readFileSync(path)).toEqual(good);
    expect((await store.head('b-1')).version).toBe(5);
    // space is freed: the same append now works and the file stays a valid log
    full = false;
    const ok = await store.append('b-1', p, ExpectedVersion.exactly(5));
    expect(ok.events.map((e) => e.seq)).toEqual([6]);
    await store.close();
    expect(checkLog(readFileSync(path, 'utf8')).events.length).toBe(6);
  });

  it('a failed fsync of a several-event command rolls all of it back', async () => {
    const { path, events } = await budgetLog('eio');
    const good = readFileSync(path);
    const io: Partial<FileStoreIo> = {
      async sync() {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
    };
    const store = await FileEventStore.open(path, { io });
    const err = await storeError(
      store.append('b-1', multiPending('b-1', 'm', 3, foldEvents(events)), ExpectedVersion.exactly(5)),
    );
    expect(err.code).toBe('store-unavailable');
    expect(err.message).toMatch(/nothing was appended: EIO/);
    await store.close();
    expect(readFileSync(path)).toEqual(good);
    expect(readFileSync(`${path}.pending`, 'utf8')).toBe('');
  });

  it('when even the rollback fails, the store stops writing and the next open repairs the file', async () => {
    const { path, events } = await budgetLog('broken');
    const good = readFileSync(path);
    const io: Partial<FileStoreIo> = {
      async write(handle, data) {
        await handle.write(data, 0, 10, null);
        // the device is gone: make the rollback fail too
        await handle.close();
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      },
    };
    const store = await FileEventStore.open(path, { io });
    const p = pending(allocate('b-1', 'c-b', '1.00'), foldEvents(events));
    const err = await storeError(store.append('b-1', p, ExpectedVersion.exactly(5)));
    expect(err.code).toBe('store-unavailable');
    expect(err.outcomeUnknown).toBe(true);
    expect(err.message).toMatch(/may end with a partial line.*reopen the store to repair it/);
    const again = await storeError(store.append('b-1', p, ExpectedVersion.exactly(5)));
    expect(again.message).toMatch(/reopen the store to repair it/);
    await store.close();
    const reopened = await FileEventStore.open(path);
    expect(reopened.recovery.map((r) => r.kind)).toEqual(['truncated-tail']);
    await reopened.close();
    expect(readFileSync(path)).toEqual(good);
  });

  it('refuses to write a read-only file with a clear error, and still reads it read-only', async () => {
    // in the system's temporary directory, which any user can reach, with a directory anyone may write
    const roDir = mkdtempSync(join(tmpdir(), 'ipb-readonly-'));
    chmodSync(roDir, 0o777);
    const path = join(roDir, 'readonly.jsonl');
    const { path: made, events } = await budgetLog('readonly');
    copyFileSync(made, path);
    const good = readFileSync(path);
    chmodSync(path, 0o444);
    const root = process.geteuid?.() === 0;
    // root may write any file: drop to an unprivileged user while opening, as a service would run
    if (root) process.seteuid?.(65534);
    let err: StoreError;
    try {
      err = await storeError(FileEventStore.open(path));
    } finally {
      if (root) process.seteuid?.(0);
    }
    expect(err.code).toBe('store-read-only');
    expect(err.message).toMatch(
      /cannot open .* for writing: the file cannot be written \(EACCES.*open it with \{ readOnly: true \}/,
    );
    expect(existsSync(`${path}.lock`)).toBe(false);
    const reader = await FileEventStore.open(path, { readOnly: true });
    expect((await reader.readStream('b-1')).length).toBe(events.length);
    const ro = await storeError(
      reader.saveSnapshot({ budgetId: 'b-1', version: 1, hash: 'a'.repeat(64), format: 'f', state: '' }),
    );
    expect(ro.code).toBe('store-read-only');
    await reader.close();
    expect(readFileSync(path)).toEqual(good);
    rmSync(roDir, { recursive: true, force: true });
  });
});
