// What is on the queue now (for `medad queue status` and the editor's queue view).
import type { Job } from 'bullmq';
import type { QueueHandle } from './connection.js';
import { jobLabel, type QueueJob } from './jobs.js';

export interface QueuedJobInfo {
  id: string;
  kind: string;
  label: string;
  state: string;
  progress?: { stage?: string; fraction?: number };
  attempts: number;
  stalls: number;
}

export async function listQueueJobs(h: QueueHandle, limit = 200): Promise<QueuedJobInfo[]> {
  const jobs = ((await h.queue.getJobs(['active', 'waiting', 'delayed'], 0, limit)) as Job<QueueJob>[]).filter(Boolean);
  return Promise.all(
    jobs.map(async (j) => ({
      id: String(j.id),
      kind: j.name,
      label: jobLabel(j.data),
      state: await j.getState(),
      ...(j.progress && typeof j.progress === 'object' ? { progress: j.progress as { stage?: string; fraction?: number } } : {}),
      attempts: j.attemptsStarted,
      stalls: j.stalledCounter,
    })),
  );
}
