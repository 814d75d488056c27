/**
 * The worker thread of the parallel log readers (`ipb verify`, `balances`, `audit`, `flags`
 * with `--workers N`): does the range jobs the main thread sends and sends back each result as
 * JSON (money as whole pence in strings).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import {
  doRangeJob,
  rangeJobResultToJson,
  type RangeJobMessage,
  type RangeJobResultJson,
} from './parallel.js';
import type { FromWorker } from './pool.js';
import { chainBuffers } from './chain.js';

const port = parentPort;
if (port === null) throw new Error('log worker: run me as a worker thread');

port.on('message', (m: RangeJobMessage) => {
  let last = 0;
  doRangeJob(m, (bytes) => {
    // A progress message per ~4 MiB keeps the main thread's bar moving without flooding it.
    if (bytes - last >= 4_194_304) {
      last = bytes;
      port.postMessage({ kind: 'progress', bytes } satisfies FromWorker<RangeJobResultJson>);
    }
  })
    .then((r) => {
      port.postMessage({ kind: 'progress', bytes: r.check.bytes } satisfies FromWorker<RangeJobResultJson>);
      const result = rangeJobResultToJson(r, m.job);
      // the chain facts' arrays are moved, not copied (this thread is done with them)
      port.postMessage(
        { kind: 'done', result } satisfies FromWorker<RangeJobResultJson>,
        chainBuffers(r.check.chain),
      );
    })
    .catch((e: unknown) => {
      port.postMessage({
        kind: 'error',
        message: e instanceof Error ? e.message : String(e),
      } satisfies FromWorker<RangeJobResultJson>);
    });
});
