// medad/queueStatus and medad/queueCancel: the editor's view of the BullMQ queue (remote jobs, workers with host,
// backend and current job) and cancel for a remote job, when MEDAD_QUEUE names a queue. One connection per request:
// the view is opened by hand, rarely, and a daemon without a queue pays nothing.
import { cancelJob, listQueueJobs, listWorkers, openQueue, resolveQueueUrl } from '@medad/core';
import { ResponseError, type Connection } from 'vscode-languageserver/node.js';
import * as P from './protocol.js';

export async function queueStatus(env: NodeJS.ProcessEnv = process.env): Promise<P.QueueStatusResult> {
  const url = resolveQueueUrl({ env });
  if (!url) return { configured: false, workers: [], jobs: [] };
  let h;
  try {
    h = await openQueue(url, 3000);
  } catch (err) {
    return { configured: true, url, error: (err as Error).message, workers: [], jobs: [] };
  }
  try {
    const workers = await listWorkers(h.redis);
    const jobs: P.RemoteJobInfo[] = (await listQueueJobs(h, 100)).map((j) => ({
      id: j.id,
      kind: j.kind,
      label: j.label,
      state: j.state,
      ...(typeof j.progress?.fraction === 'number' ? { percentage: Math.round(j.progress.fraction * 100) } : {}),
      ...(j.progress?.stage ? { message: j.progress.stage } : {}),
    }));
    return { configured: true, url, workers, jobs };
  } finally {
    await h.close();
  }
}

export async function queueCancel(jobId: string, env: NodeJS.ProcessEnv = process.env): Promise<P.QueueCancelResult> {
  const url = resolveQueueUrl({ env });
  if (!url) throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/queueCancel: no queue is configured (MEDAD_QUEUE)');
  const h = await openQueue(url, 3000);
  try {
    return { result: await cancelJob(h, jobId) };
  } finally {
    await h.close();
  }
}

export function registerQueueRequests(connection: Connection): void {
  connection.onRequest(P.QueueStatusRequest, () => queueStatus());
  connection.onRequest(P.QueueCancelRequest, async (p: P.QueueCancelParams) => {
    if (typeof p?.jobId !== 'string') throw new ResponseError(P.MedadErrorCodes.InvalidParams, 'medad/queueCancel: jobId must be a string');
    return queueCancel(p.jobId);
  });
}
