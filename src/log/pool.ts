/**
 * A small pool of worker threads for reading byte ranges side by side: this thread and
 * `workers - 1` worker threads each take the next task when done. Used by the parallel log
 * readers ({@link ./parallel.ts}) and by `ipb outcomes`.
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker running the module at `url` (a built `.js` file); when the library runs from
 * its TypeScript source (tests, `tsx`), a small bootstrap registers tsx in the worker first.
 */
export function startWorker(url: URL, resourceLimits?: ResourceLimits): Worker {
  const limits = resourceLimits === undefined ? {} : { resourceLimits };
  if (!url.href.endsWith('.ts')) return new Worker(url, limits);
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, ...limits });
}

/** The URL of a sibling module of `self` (an `import.meta.url`), `.ts` or `.js` as `self` is. */
export function siblingModule(self: string, name: string): URL {
  return new URL(`./${name}${self.endsWith('.ts') ? '.ts' : '.js'}`, self);
}

/** What a worker sends back. */
export type FromWorker<J> =
  | { readonly kind: 'progress'; readonly bytes: number }
  | { readonly kind: 'done'; readonly result: J }
  | { readonly kind: 'error'; readonly message: string };

/** The default number of readers: the cores this process may use. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** How to run tasks in a pool. */
export interface PoolOptions<T, R, J> {
  /** Readers: this thread (unless `hereReads` is false) and worker threads, at most one per task. */
  readonly workers: number;
  /** The worker module (it answers each message with progress, then `done` or `error`). */
  readonly worker: URL;
  /** The message that asks a worker to do a task. */
  readonly message: (task: T) => unknown;
  /** Does a task in this thread. */
  readonly here: (task: T, onBytes: (bytes: number) => void) => Promise<R>;
  /** Rebuilds a worker's result. */
  readonly fromJson: (json: J) => R;
  /** Whether this thread takes tasks too (default true). */
  readonly hereReads?: boolean;
  /** Limits of each worker's V8 heap (e.g. a small young generation). */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * Does every task with the pool: results are handed to `onResult` as they come (in any order),
 * progress to `onBytes` (task index, bytes done). Resolves to the number of readers that took
 * part. Workers are always terminated, also on failure.
 */
export async function runPool<T, R, J>(
  tasks: readonly T[],
  options: PoolOptions<T, R, J>,
  onResult: (task: number, r: R) => void,
  onBytes: (task: number, bytes: number) => void = () => undefined,
): Promise<number> {
  let next = 0;
  let failed = false;
  const take = (): number => (failed || next >= tasks.length ? -1 : next++);
  const hereReads = options.hereReads !== false;
  const readers = Math.max(1, Math.min(options.workers, tasks.length));
  const threads = hereReads ? readers - 1 : readers;
  const pool: Worker[] = [];
  const here = async (): Promise<void> => {
    for (let i = take(); i !== -1; i = take()) {
      onResult(i, await options.here(tasks[i] as T, (b) => onBytes(i, b)));
    }
  };
  const there = (w: Worker): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let current = -1;
      const send = (): void => {
        current = take();
        if (current === -1) {
          // Nothing left for it: let it go now (its heap is freed while the others still read).
          w.terminate().then(() => resolve(), reject);
        } else w.postMessage(options.message(tasks[current] as T));
      };
      w.on('message', (m: FromWorker<J>) => {
        if (m.kind === 'progress') onBytes(current, m.bytes);
        else if (m.kind === 'error') reject(new Error(m.message));
        else {
          onResult(current, options.fromJson(m.result));
          send();
        }
      });
      w.on('error', reject);
      send();
    });
  try {
    for (let k = 0; k < threads; k++) pool.push(startWorker(options.worker, options.resourceLimits));
    await Promise.all([...(hereReads ? [here()] : []), ...pool.map(there)]);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return hereReads ? readers : threads;
}
