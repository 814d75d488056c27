/**
 * One writer per log file: an exclusive lock file beside the log, holding the writer's pid,
 * host, start time and a random token. Created atomically (written in full to a private file,
 * then hard-linked into place, which fails when a lock exists), so a reader never sees a
 * half-written lock.
 *
 * A lock whose process is gone (same host, `kill(pid, 0)` says no such process) is stale and
 * taken over, under a second short-lived `.takeover` lock so two processes cannot both take
 * it. A lock from another host cannot be checked and is always respected.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StoreError } from './port.js';

/** What a lock file says about its holder. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly token: string;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** True when a process with this pid exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM';
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const u = JSON.parse(text) as Partial<LockInfo>;
    if (typeof u.pid === 'number' && typeof u.host === 'string' && typeof u.token === 'string') {
      return { pid: u.pid, host: u.host, since: typeof u.since === 'string' ? u.since : '?', token: u.token };
    }
  } catch {
    // unreadable: handled by the caller
  }
  return null;
}

async function readLock(path: string): Promise<LockInfo | null | 'gone'> {
  try {
    return parseLock(await readFile(path, 'utf8'));
  } catch (err) {
    if (errno(err) === 'ENOENT') return 'gone';
    throw err;
  }
}

/** Creates `path` holding `info`, atomically; false when it already exists. */
async function createExclusive(path: string, info: LockInfo): Promise<boolean> {
  const tmp = `${path}.${info.pid}.${info.token}.tmp`;
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(`${JSON.stringify(info)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Whether a lock holder is certainly gone. */
function stale(info: LockInfo): boolean {
  return info.host === hostname() && info.pid !== process.pid && !processAlive(info.pid);
}

function lockedError(target: string, lockPath: string, holder: LockInfo | null): StoreError {
  if (holder === null) {
    return new StoreError(
      'store-locked',
      `${target} is locked for writing (${lockPath} exists but cannot be read). A log file has one writer at a time. If no process is using the log, delete ${lockPath}.`,
    );
  }
  const who =
    holder.pid === process.pid && holder.host === hostname()
      ? 'this process (it is already open here)'
      : `process ${holder.pid} on ${holder.host} (since ${holder.since})`;
  return new StoreError(
    'store-locked',
    `${target} is open for writing by ${who}. A log file has one writer at a time: stop that process or open the log read-only. If no such process is running, delete ${lockPath}.`,
  );
}

/** A lock held by this process. */
export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** The stale lock this one replaced, if any. */
  readonly replaced: LockInfo | null;
}

/**
 * Takes the lock `lockPath` for writing `target`, taking over a stale one.
 *
 * @throws {@link StoreError} `store-locked` when a live process holds it
 */
export async function acquireLock(lockPath: string, target: string): Promise<HeldLock> {
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  let replaced: LockInfo | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(lockPath, info)) return { path: lockPath, info, replaced };
    const holder = await readLock(lockPath);
    if (holder === 'gone') continue;
    if (holder === null || !stale(holder)) throw lockedError(target, lockPath, holder);
    // stale: take it over under a short-lived second lock, so only one process removes it
    const takeover = `${lockPath}.takeover`;
    if (!(await createExclusive(takeover, info))) {
      const other = await readLock(takeover);
      if (other === 'gone') continue;
      if (other !== null && stale(other)) {
        await unlink(takeover).catch(() => undefined);
        continue;
      }
      throw new StoreError(
        'store-locked',
        `${target}: another process is taking over a stale lock left by process ${holder.pid}; try again. If this persists and no process is using the log, delete ${takeover}.`,
      );
    }
    try {
      const again = await readLock(lockPath);
      if (again !== 'gone' && again !== null && again.token === holder.token) {
        await unlink(lockPath);
        replaced = holder;
      }
    } finally {
      await unlink(takeover).catch(() => undefined);
    }
  }
  throw lockedError(target, lockPath, null);
}

/** Removes the lock if it is still ours. */
export async function releaseLock(lock: HeldLock): Promise<void> {
  const now = await readLock(lock.path);
  if (now !== 'gone' && now !== null && now.token === lock.info.token) await unlink(lock.path);
}
