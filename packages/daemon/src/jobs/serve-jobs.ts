// The message loop both worker kinds share: a 'run' starts the job with its own AbortController and progress
// callback, an 'abort' signals it, and the outcome goes back as 'done' or 'failed' (cancelled when it was aborted).
import type { MessagePort } from 'node:worker_threads';
import type { JobContext } from '../engine/types.js';
import type { FromWorker, ToWorker } from './messages.js';

export type RunJob = (msg: Extract<ToWorker, { type: 'run' }>, ctx: JobContext) => Promise<unknown>;

export function serveJobs(port: MessagePort, run: RunJob): void {
  const controllers = new Map<string, AbortController>();
  const post = (m: FromWorker) => port.postMessage(m);
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'abort') {
      controllers.get(msg.jobId)?.abort();
      return;
    }
    const ctl = new AbortController();
    controllers.set(msg.jobId, ctl);
    const ctx: JobContext = {
      signal: ctl.signal,
      onProgress: (percentage: number | undefined, message: string) => post({ type: 'progress', jobId: msg.jobId, percentage, message }),
    };
    run(msg, ctx)
      .then(
        (result) => post({ type: 'done', jobId: msg.jobId, result }),
        (err: unknown) => post({ type: 'failed', jobId: msg.jobId, message: err instanceof Error ? err.message : String(err), cancelled: ctl.signal.aborted }),
      )
      .finally(() => controllers.delete(msg.jobId));
  });
}
