// One worker thread per lane (trainer, scorer), started on first use and restarted after a crash. A crash
// fails the job that was running (its last checkpoint stays on disk: core writes them atomically). An abort
// the worker does not honour within `abortGraceMs` (a long synchronous kernel) terminates the worker.
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerJobKind } from './messages.js';

export interface RunHandlers {
  onProgress(percentage: number | undefined, message: string): void;
}

export class JobFailure extends Error {
  constructor(
    message: string,
    readonly cancelled: boolean,
    /** The worker thread ended under the job (crash, or terminated after an ignored abort). */
    readonly workerLost = false,
  ) {
    super(message);
  }
}

interface Pending {
  jobId: string;
  handlers: RunHandlers;
  resolve(v: unknown): void;
  reject(e: JobFailure): void;
  abortTimer?: NodeJS.Timeout;
}

/** A worker entry module of this folder, by base name ('worker-main', 'check-worker'). */
function workerEntry(name: string): { file: URL; workerData?: unknown } {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, import.meta.url);
  return fromSource ? { file: new URL('./worker-boot.mjs', import.meta.url), workerData: { entry: entry.href } } : { file: entry };
}

export class WorkerHost {
  private worker?: Worker;
  private current?: Pending;

  constructor(
    readonly lane: string,
    private readonly abortGraceMs = 10_000,
    private readonly entry = 'worker-main',
    /** Variables added to the worker's copy of the environment (where the process's own do not set them). */
    private readonly envDefaults: Record<string, string> = {},
  ) {}

  private spawn(): Worker {
    const { file, workerData } = workerEntry(this.entry);
    // stdout of a worker is the process's stdout: keep it off the JSON-RPC channel.
    const w = new Worker(file, { workerData, stdout: true, stderr: false, env: { ...this.envDefaults, ...process.env } });
    w.stdout.on('data', (d: Buffer) => process.stderr.write(d));
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (err) => this.onExit(`worker crashed: ${err.message}`));
    w.on('exit', (code) => this.onExit(`worker exited with code ${code}`));
    return w;
  }

  private onMessage(m: FromWorker): void {
    const p = this.current;
    if (!p || p.jobId !== m.jobId) return;
    if (m.type === 'progress') p.handlers.onProgress(m.percentage, m.message);
    else this.settle(m.type === 'done' ? { ok: m.result } : { err: new JobFailure(m.message, m.cancelled) });
  }

  private onExit(reason: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    const p = this.current;
    if (p) this.settle({ err: new JobFailure(p.abortTimer ? 'cancelled (worker stopped)' : `${this.lane} ${reason}`, !!p.abortTimer, true) });
  }

  private settle(r: { ok: unknown } | { err: JobFailure }): void {
    const p = this.current;
    if (!p) return;
    clearTimeout(p.abortTimer);
    this.current = undefined;
    if ('err' in r) p.reject(r.err);
    else p.resolve(r.ok);
  }

  /** Runs one job; the caller serialises jobs per host. */
  run(jobId: string, kind: WorkerJobKind, params: unknown, handlers: RunHandlers): Promise<unknown> {
    if (this.current) return Promise.reject(new Error(`${this.lane} is busy`));
    this.worker ??= this.spawn();
    return new Promise((resolve, reject) => {
      this.current = { jobId, handlers, resolve, reject };
      this.worker?.postMessage({ type: 'run', jobId, kind, params } satisfies ToWorker);
    });
  }

  abort(jobId: string): void {
    const p = this.current;
    if (!p || p.jobId !== jobId || p.abortTimer) return;
    this.worker?.postMessage({ type: 'abort', jobId } satisfies ToWorker);
    p.abortTimer = setTimeout(() => void this.worker?.terminate(), this.abortGraceMs);
  }

  /**
   * Aborts the running job and gives it `graceMs` to end on its own (core writes a checkpoint and marks the run
   * cancelled at the next step boundary), then terminates the thread.
   */
  async stop(graceMs = 0): Promise<void> {
    const w = this.worker;
    if (!w) return;
    const p = this.current;
    if (p) {
      this.abort(p.jobId);
      if (graceMs > 0) {
        const ended = new Promise<void>((r) => {
          const { resolve, reject } = p;
          p.resolve = (v) => (resolve(v), r());
          p.reject = (e) => (reject(e), r());
        });
        await Promise.race([ended, new Promise((r) => setTimeout(r, graceMs).unref())]);
      }
    }
    await w.terminate();
  }
}
