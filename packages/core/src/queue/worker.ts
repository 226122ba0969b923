// `medad worker`: takes jobs from the BullMQ queue and runs them with the ordinary pipeline. BullMQ gives each
// active job a lock the worker renews; a killed worker stops renewing, BullMQ's stalled-job check on another worker
// puts the job back, and that worker resumes the run folder from its checkpoint (the run folder was stored in the
// job). The run folder itself is locked in Redis (run-lock.ts) so two workers never write it at once.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { BackendName } from '../compute/index.js';
import { checkJobPaths } from './confine.js';
import { KEY_PREFIX, QUEUE_NAME, openQueue, parseRedisUrl, type RedisClient } from './connection.js';
import { jobLabel, type JobProgress, type QueueJob, type QueueJobResult } from './jobs.js';
import { isCancelled, publishWorker, removeWorker, type WorkerInfo } from './registry.js';
import { acquireRunLock, type RunLock } from './run-lock.js';
import { ThreadPool } from './thread-pool.js';

export interface WorkerOptions {
  url: string;
  concurrency?: number;
  backend?: BackendName | 'auto';
  /** Folders jobs may touch (default: the current folder). */
  roots?: string[];
  /** BullMQ job lock (ms): a dead worker's job is retried about this long after it died. Default 30 s. */
  lockMs?: number;
  log?: (line: string) => void;
  /** Stops taking jobs; running ones go back to the queue and resume elsewhere from their checkpoints. */
  signal?: AbortSignal;
}

export interface RunningWorker {
  info: WorkerInfo;
  /** Resolves when the worker has stopped. */
  closed: Promise<void>;
}

const PROGRESS_EVERY_MS = 500;

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? (() => undefined);
  const lockMs = opts.lockMs ?? 30_000;
  const roots = (opts.roots?.length ? opts.roots : [process.cwd()]).map((r) => path.resolve(r));
  const pool = new ThreadPool(opts.backend);
  // The backend's short name ("wasm (simd, 1 thread)"), without the ladder's reasons for the other rungs.
  const backend = (await pool.warm()).split(';')[0];
  const handle = await openQueue(opts.url);
  const client: RedisClient = handle.redis;
  const id = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const info: WorkerInfo = { id, host: os.hostname(), pid: process.pid, backend, concurrency: opts.concurrency ?? 1, startedAt: new Date().toISOString(), jobs: [], seenAt: '' };
  const heartbeatMs = Math.max(500, Math.min(5000, lockMs / 3));
  const beat = () => publishWorker(client, info, heartbeatMs * 3).catch(() => undefined);
  await beat();
  const heartbeat = setInterval(() => void beat(), heartbeatMs);
  const active = new Map<string, AbortController>();
  let stopping = false;

  const processor = async (job: Job<QueueJob, QueueJobResult>, token?: string): Promise<QueueJobResult> => {
    const data = job.data;
    const jobId = job.id as string;
    if (await isCancelled(client, jobId)) throw new UnrecoverableError('cancelled');
    await checkJobPaths(data, roots);
    const controller = new AbortController();
    active.set(jobId, controller);
    const entry = { id: jobId, kind: data.kind, label: jobLabel(data), since: new Date().toISOString(), runDir: data.kind === 'train' ? data.runDir : undefined };
    info.jobs.push(entry);
    void beat();
    log(`job ${jobId} (${entry.label}) attempt ${job.attemptsStarted}${job.stalledCounter ? `, after ${job.stalledCounter} stall(s)` : ''}`);
    const cancelPoll = setInterval(() => {
      void isCancelled(client, jobId).then((c) => c && controller.abort(new Error('cancelled')), () => undefined);
    }, 1000);
    let lock: RunLock | undefined;
    const lockOpts = { ttlMs: lockMs, signal: controller.signal, onLost: () => controller.abort(new Error('lost the run-folder lock to another worker')) };
    let lastProgress = 0;
    try {
      if (data.kind === 'train' && data.runDir) lock = await acquireRunLock(client, data.runDir, id, { ...lockOpts, waitMs: lockMs * 3 });
      const result = await pool.run(data, {
        signal: controller.signal,
        by: `worker ${id}`,
        onRunDir: async (dir) => {
          entry.runDir = dir;
          lock = await acquireRunLock(client, dir, id, lockOpts);
          await job.updateData({ ...data, runDir: dir } as QueueJob);
          void beat();
        },
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < PROGRESS_EVERY_MS && p.fraction < 1) return;
          lastProgress = now;
          void job.updateProgress({ ...p, worker: id, runDir: entry.runDir } satisfies JobProgress as object).catch(() => undefined);
        },
      });
      log(`job ${jobId} done`);
      return result;
    } catch (err) {
      const reason = controller.signal.reason as Error | undefined;
      if (controller.signal.aborted && stopping && token) {
        // Back to the queue at once: another worker resumes it from the checkpoint this one just wrote.
        log(`job ${jobId} handed back (worker stopping)`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (controller.signal.aborted) {
        log(`job ${jobId} stopped: ${reason?.message ?? 'cancelled'}`);
        throw new UnrecoverableError(reason?.message ?? 'cancelled');
      }
      log(`job ${jobId} failed: ${(err as Error).message}`);
      throw err;
    } finally {
      clearInterval(cancelPoll);
      active.delete(jobId);
      info.jobs = info.jobs.filter((j) => j !== entry);
      await lock?.release();
      void beat();
    }
  };

  const worker = new Worker<QueueJob, QueueJobResult>(QUEUE_NAME, processor, {
    connection: parseRedisUrl(opts.url),
    prefix: KEY_PREFIX,
    concurrency: info.concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A job whose worker keeps dying (e.g. out of memory) fails after a few tries instead of looping forever.
    maxStalledCount: 3,
  });
  worker.on('error', (err) => log(`queue: ${err.message}`));
  log(`worker ${id} on ${info.host}: backend ${info.backend}, concurrency ${info.concurrency}, queue ${opts.url}, folders ${roots.join(', ')}`);

  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      log('worker stopping: running jobs go back to the queue');
      for (const c of active.values()) c.abort(new Error('worker stopping'));
      clearInterval(heartbeat);
      void worker
        .close()
        .catch(() => undefined)
        .then(() => removeWorker(client, id).catch(() => undefined))
        .then(() => handle.close())
        .then(() => pool.close())
        .then(() => resolve());
    };
    if (opts.signal?.aborted) stop();
    opts.signal?.addEventListener('abort', stop, { once: true });
  });
  return { info, closed };
}
