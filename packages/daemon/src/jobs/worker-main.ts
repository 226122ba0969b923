// A compute worker: runs one job at a time with the compute engine, off the JSON-RPC thread, and reports
// progress. The engine module is core's adapter unless MEDAD_COMPUTE_ENGINE names another (tests use a
// synthetic engine to exercise queueing, progress, cancellation and crashes without training a model).
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { ComputeEngine } from '../engine/types.js';
import type { FromWorker, ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('worker-main.ts must run in a worker thread');

const override = process.env.MEDAD_COMPUTE_ENGINE;
const mod = (await import(override ? pathToFileURL(override).href : '../engine/compute-adapter.js')) as { createComputeEngine(): ComputeEngine };
const engine = mod.createComputeEngine();
const controllers = new Map<string, AbortController>();
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'abort') {
    controllers.get(msg.jobId)?.abort();
    return;
  }
  const ctl = new AbortController();
  controllers.set(msg.jobId, ctl);
  const ctx = {
    signal: ctl.signal,
    onProgress: (percentage: number | undefined, message: string) => post({ type: 'progress', jobId: msg.jobId, percentage, message }),
  };
  const p = msg.params as never;
  const work =
    msg.kind === 'train' ? engine.train(p, ctx)
    : msg.kind === 'evaluate' ? engine.evaluate(p, ctx)
    : msg.kind === 'score' ? engine.score(p, ctx)
    : msg.kind === 'heatmap' ? engine.heatmap(p, ctx)
    : Promise.reject(new Error(`worker-main: unknown job kind ${msg.kind}`));
  work.then(
    (result) => post({ type: 'done', jobId: msg.jobId, result }),
    (err: unknown) => post({ type: 'failed', jobId: msg.jobId, message: err instanceof Error ? err.message : String(err), cancelled: ctl.signal.aborted }),
  ).finally(() => controllers.delete(msg.jobId));
});
