/**
 * The worker thread of `ipb outcomes --workers N`: reads the byte ranges the main thread sends
 * and sends back each range's facts and chain ends as JSON (money as contract strings).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './read-logs.js';
import { rangeResultToJson, readRange } from './read-range.js';

const port = parentPort;
if (port === null) throw new Error('outcomes worker: run me as a worker thread');

port.on('message', (m: ToWorker) => {
  let last = 0;
  readRange(m.task, m.options, (bytes) => {
    // A progress message per ~4 MiB keeps the main thread's bar moving without flooding it.
    if (bytes - last >= 4_194_304) {
      last = bytes;
      port.postMessage({ kind: 'progress', bytes } satisfies FromWorker);
    }
  })
    .then((r) => {
      port.postMessage({ kind: 'progress', bytes: r.bytes } satisfies FromWorker);
      port.postMessage({ kind: 'done', result: rangeResultToJson(r) } satisfies FromWorker);
    })
    .catch((e: unknown) => {
      port.postMessage({
        kind: 'error',
        message: e instanceof Error ? e.message : String(e),
      } satisfies FromWorker);
    });
});
