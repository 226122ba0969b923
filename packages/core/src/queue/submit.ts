// The submitting side: put a job on the queue, follow its progress, wait for its result, cancel it. Waiting polls
// the job's state rather than listening to events, so a client also rides out a Redis restart (it just waits for
// the reconnection) and never misses the end of a job.
import { Job } from 'bullmq';
import type { QueueHandle } from './connection.js';
import { AbortError } from '../detectors/api.js';
import type { JobProgress, QueueJob, QueueJobResult } from './jobs.js';
import { markCancelled } from './registry.js';

export interface WaitOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  pollMs?: number;
}

/** Adds a job (an existing job with the same id is kept, not duplicated). */
export async function submitJob(h: QueueHandle, data: QueueJob, jobId?: string): Promise<string> {
  const job = await h.queue.add(data.kind, data, {
    ...(jobId ? { jobId } : {}),
    // Failures are final (a bug does not get better by retrying); a dead worker's job is retried through BullMQ's
    // stalled-job check instead (maxStalledCount on the worker).
    attempts: 1,
    removeOnComplete: { age: 7 * 86400 },
    removeOnFail: { age: 7 * 86400 },
  });
  return job.id as string;
}

/** Cancels a job: removed if it has not started, aborted at its next safe point (checkpoint kept) if it runs. */
export async function cancelJob(h: QueueHandle, jobId: string): Promise<'removed' | 'signalled' | 'finished' | 'unknown'> {
  const job = await Job.fromId(h.queue, jobId);
  if (!job) return 'unknown';
  await markCancelled(h.redis, jobId);
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') return 'finished';
  if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
    try {
      await job.remove();
      return 'removed';
    } catch {
      return 'signalled'; // taken by a worker meanwhile: it sees the mark
    }
  }
  return 'signalled';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the job's result; throws its failure; on abort cancels it and throws an AbortError once it stopped. */
export async function waitForJob(h: QueueHandle, jobId: string, opts: WaitOptions = {}): Promise<QueueJobResult> {
  const pollMs = opts.pollMs ?? 500;
  let lastProgress = '';
  let cancelled = false;
  for (;;) {
    if (opts.signal?.aborted && !cancelled) {
      cancelled = true;
      const how = await cancelJob(h, jobId);
      if (how === 'removed' || how === 'unknown') throw new AbortError();
    }
    const job = await Job.fromId<QueueJob, QueueJobResult>(h.queue, jobId);
    if (!job) {
      if (cancelled) throw new AbortError();
      throw new Error(`queue job ${jobId} no longer exists (removed from the queue)`);
    }
    const state = await job.getState();
    const progress = JSON.stringify(job.progress ?? null);
    if (progress !== lastProgress && job.progress && typeof job.progress === 'object') {
      lastProgress = progress;
      opts.onProgress?.(job.progress as JobProgress);
    }
    if (state === 'completed') return job.returnvalue;
    if (state === 'failed') {
      if (cancelled) throw new AbortError();
      throw new Error(`queue job ${jobId} (${job.name}) failed: ${job.failedReason}`);
    }
    await sleep(pollMs);
  }
}
