// A compute worker: runs one job at a time with the compute engine, off the JSON-RPC thread, and reports
// progress. The engine module is core's adapter unless MEDAD_COMPUTE_ENGINE names another (tests use a
// synthetic engine to exercise queueing, progress, cancellation and crashes without training a model).
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { ComputeEngine } from '../engine/types.js';
import { serveJobs } from './serve-jobs.js';

if (!parentPort) throw new Error('worker-main.ts must run in a worker thread');

const override = process.env.MEDAD_COMPUTE_ENGINE;
const mod = (await import(override ? pathToFileURL(override).href : '../engine/compute-adapter.js')) as { createComputeEngine(): ComputeEngine };
const engine = mod.createComputeEngine();

serveJobs(parentPort, (msg, ctx) => {
  const p = msg.params as never;
  return msg.kind === 'train' ? engine.train(p, ctx)
    : msg.kind === 'evaluate' ? engine.evaluate(p, ctx)
    : msg.kind === 'score' ? engine.score(p, ctx)
    : msg.kind === 'heatmap' ? engine.heatmap(p, ctx)
    : Promise.reject(new Error(`worker-main: unknown job kind ${msg.kind}`));
});
