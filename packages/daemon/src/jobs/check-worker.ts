// The editor's check worker: runs the train/test leakage check (decodes and hashes every image) off the
// JSON-RPC thread, so hovers and completions stay fast while a large dataset is checked. One job at a time;
// an abort message stops it at the next image (the check honours its signal).
import { parentPort } from 'node:worker_threads';
import { computeLeakage } from '../engine/leakage-adapter.js';
import type { FromWorker, ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('check-worker.ts must run in a worker thread');
const controllers = new Map<string, AbortController>();
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'abort') {
    controllers.get(msg.jobId)?.abort();
    return;
  }
  const ctl = new AbortController();
  controllers.set(msg.jobId, ctl);
  const work = msg.kind === 'leakage' ? computeLeakage(msg.params, ctl.signal) : Promise.reject(new Error(`check-worker: unknown job kind ${msg.kind}`));
  work
    .then(
      (result) => post({ type: 'done', jobId: msg.jobId, result }),
      (err: unknown) => post({ type: 'failed', jobId: msg.jobId, message: err instanceof Error ? err.message : String(err), cancelled: ctl.signal.aborted }),
    )
    .finally(() => controllers.delete(msg.jobId));
});
