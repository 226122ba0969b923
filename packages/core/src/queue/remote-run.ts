// One job on the queue from start to end, for callers that hold no queue of their own (the daemon's compute
// engine): connect, submit, follow progress, return the result; aborting the signal cancels the remote job.
import { openQueue } from './connection.js';
import type { QueueJob, QueueJobResult } from './jobs.js';
import { submitJob, waitForJob, type WaitOptions } from './submit.js';

export async function runOnQueue(url: string, job: QueueJob, opts: WaitOptions = {}): Promise<QueueJobResult> {
  const h = await openQueue(url);
  try {
    const id = await submitJob(h, job);
    return await waitForJob(h, id, opts);
  } finally {
    await h.close();
  }
}
