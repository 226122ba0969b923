// The editor's check worker: runs the train/test leakage check (decodes and hashes every image) and the shortcut
// audit (decodes every labelled image) off the JSON-RPC thread, so hovers and completions stay fast while a large
// dataset is checked. One job at a time; an abort message stops it at the next image (both honour their signal).
import { parentPort } from 'node:worker_threads';
import { computeAudit } from '../engine/audit-adapter.js';
import { computeLeakage } from '../engine/leakage-adapter.js';
import { serveJobs } from './serve-jobs.js';

if (!parentPort) throw new Error('check-worker.ts must run in a worker thread');
serveJobs(parentPort, (msg, ctx) =>
  msg.kind === 'leakage'
    ? computeLeakage(msg.params, ctx.signal)
    : msg.kind === 'audit'
      ? computeAudit(msg.params, ctx)
      : Promise.reject(new Error(`check-worker: unknown job kind ${msg.kind}`)),
);
