// One compute thread per concurrent job slot (job-thread.ts), started once and reused, so the backend is set up
// once per slot rather than per job. A thread that dies is replaced on the next job.
import { Worker } from 'node:worker_threads';
import type { FromThread, ToThread } from './job-thread.js';
import type { JobProgress, QueueJob, QueueJobResult } from './jobs.js';

export interface ThreadJobHooks {
  signal: AbortSignal;
  onProgress: (p: JobProgress) => void;
  onRunDir: (dir: string) => Promise<void>;
  by: string;
}

class JobThread {
  readonly worker: Worker;
  readonly ready: Promise<string>;
  dead = false;
  constructor(backend?: string) {
    this.worker = new Worker(new URL('./job-thread.js', import.meta.url), { workerData: { backend } });
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: FromThread) => {
        if (m.type === 'ready') {
          this.worker.off('message', onMsg);
          resolve(m.backend);
        }
      };
      this.worker.on('message', onMsg);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`compute thread exited (${code}) while starting`)));
    });
    this.worker.once('exit', () => (this.dead = true));
  }

  run(job: QueueJob, hooks: ThreadJobHooks): Promise<QueueJobResult> {
    return new Promise((resolve, reject) => {
      const onAbort = () => this.worker.postMessage({ type: 'abort', reason: (hooks.signal.reason as Error | undefined)?.message ?? 'cancelled' } satisfies ToThread);
      const cleanup = () => {
        this.worker.off('message', onMsg);
        this.worker.off('exit', onExit);
        hooks.signal.removeEventListener('abort', onAbort);
      };
      const onMsg = (m: FromThread) => {
        if (m.type === 'progress') hooks.onProgress(m.progress as JobProgress);
        else if (m.type === 'runDir') void hooks.onRunDir(m.dir);
        else if (m.type === 'done') {
          cleanup();
          resolve(m.result as QueueJobResult);
        } else if (m.type === 'failed') {
          cleanup();
          const err = new Error(m.message);
          err.name = m.name;
          reject(err);
        }
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the compute thread died (exit ${code}) while running the job`));
      };
      this.worker.on('message', onMsg);
      this.worker.on('exit', onExit);
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      if (hooks.signal.aborted) onAbort();
      this.worker.postMessage({ type: 'run', job, by: hooks.by } satisfies ToThread);
    });
  }
}

export class ThreadPool {
  private idle: JobThread[] = [];
  private readonly all = new Set<JobThread>();
  constructor(private readonly backend?: string) {}

  /** Starts one thread and returns the backend it chose (what the worker reports). */
  async warm(): Promise<string> {
    const t = new JobThread(this.backend);
    this.all.add(t);
    const backend = await t.ready;
    this.idle.push(t);
    return backend;
  }

  async run(job: QueueJob, hooks: ThreadJobHooks): Promise<QueueJobResult> {
    let t = this.idle.pop();
    while (t?.dead) t = this.idle.pop();
    if (!t) {
      t = new JobThread(this.backend);
      this.all.add(t);
    }
    await t.ready;
    try {
      return await t.run(job, hooks);
    } finally {
      if (t.dead) this.all.delete(t);
      else this.idle.push(t);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((t) => t.worker.terminate()));
    this.all.clear();
    this.idle = [];
  }
}
