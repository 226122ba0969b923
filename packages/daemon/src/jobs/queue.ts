// The job queue: train/evaluate share the 'trainer' lane (one job on the accelerator at a time), score and
// heatmap the 'scorer' lane, so a heatmap need not wait for a training run. Jobs in a lane run in order.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { JobInfo, JobKind } from '../protocol.js';
import { JobFailure, WorkerHost } from './worker-host.js';

export interface JobHooks {
  onState(job: JobInfo): void;
  /** A job's worker thread died under it (before the lane's next job starts): e.g. release its run locks. */
  onWorkerLost?(kind: JobKind, params: unknown): Promise<void>;
}

interface Entry {
  info: JobInfo;
  params: unknown;
  lane: Lane;
  resolve(v: unknown): void;
  reject(e: JobFailure): void;
}

interface Lane {
  host: WorkerHost;
  waiting: Entry[];
  running?: Entry;
}

/**
 * wasm threads for the scorer lane: half the CPUs (the trainer lane may be training beside it), at least 1. A
 * heatmap is one 64x64 image: on 2 cores a second wasm thread only adds hand-offs (p95 of the heatmap bench
 * 28.3 / 32.8 / 32.8 ms with 1 thread against 32.0 / 39.8 / 35.2 ms with 2, interleaved runs). MEDAD_WASM_THREADS
 * in the daemon's environment still wins.
 */
export function scorerWasmThreads(cpus = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cpus / 2)));
}

const LANE_OF: Record<JobKind, 'trainer' | 'scorer'> = { train: 'trainer', evaluate: 'trainer', score: 'scorer', heatmap: 'scorer' };

export class JobQueue {
  private readonly lanes: Record<'trainer' | 'scorer', Lane>;
  private readonly jobs = new Map<string, Entry>();

  constructor(
    private readonly hooks: JobHooks,
    abortGraceMs?: number,
  ) {
    this.lanes = {
      trainer: { host: new WorkerHost('trainer', abortGraceMs), waiting: [] },
      scorer: { host: new WorkerHost('scorer', abortGraceMs, 'worker-main', { MEDAD_WASM_THREADS: String(scorerWasmThreads()) }), waiting: [] },
    };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((e) => ({ ...e.info }));
  }

  /** Queues a job; `onId` learns the id at once (for cancel-by-id), the promise settles when it ends. */
  submit(kind: JobKind, target: string, params: unknown, onId?: (id: string) => void): Promise<unknown> {
    const info: JobInfo = { id: randomUUID(), kind, target, state: 'queued', queuedAt: new Date().toISOString() };
    const lane = this.lanes[LANE_OF[kind]];
    const done = new Promise<unknown>((resolve, reject) => {
      const entry: Entry = { info, params, lane, resolve, reject };
      this.jobs.set(info.id, entry);
      lane.waiting.push(entry);
    });
    onId?.(info.id);
    this.emit(info);
    this.pump(lane);
    return done;
  }

  cancel(id: string): boolean {
    const e = this.jobs.get(id);
    if (!e || (e.info.state !== 'queued' && e.info.state !== 'running')) return false;
    if (e.info.state === 'queued') {
      e.lane.waiting = e.lane.waiting.filter((w) => w !== e);
      this.finish(e, 'cancelled', 'cancelled before it started');
      e.reject(new JobFailure('cancelled', true));
    } else e.lane.host.abort(id);
    return true;
  }

  /** Cancels queued jobs, aborts running ones (up to `graceMs` to checkpoint and end) and ends the workers. */
  async stop(graceMs = 0): Promise<void> {
    for (const lane of Object.values(this.lanes)) for (const e of [...lane.waiting]) this.cancel(e.info.id);
    await Promise.all(Object.values(this.lanes).map((l) => l.host.stop(graceMs)));
  }

  private emit(info: JobInfo): void {
    this.hooks.onState({ ...info });
  }

  private finish(e: Entry, state: JobInfo['state'], error?: string): void {
    e.info.state = state;
    e.info.finishedAt = new Date().toISOString();
    if (error && state !== 'succeeded') e.info.error = error;
    this.emit(e.info);
    // Keep a short history for medad/status.
    const done = [...this.jobs.values()].filter((j) => j.info.finishedAt);
    for (const old of done.slice(0, Math.max(0, done.length - 20))) this.jobs.delete(old.info.id);
  }

  private pump(lane: Lane): void {
    if (lane.running) return;
    const e = lane.waiting.shift();
    if (!e) return;
    lane.running = e;
    e.info.state = 'running';
    e.info.startedAt = new Date().toISOString();
    this.emit(e.info);
    lane.host
      .run(e.info.id, e.info.kind, e.params, {
        onProgress: (percentage, message) => {
          e.info.percentage = percentage;
          e.info.message = message;
          this.emit(e.info);
        },
      })
      .then(
        (result) => {
          this.finish(e, 'succeeded');
          e.resolve(result);
        },
        async (err: unknown) => {
          const f = err instanceof JobFailure ? err : new JobFailure(String(err), false);
          if (f.workerLost) await this.hooks.onWorkerLost?.(e.info.kind, e.params).catch(() => undefined);
          this.finish(e, f.cancelled ? 'cancelled' : 'failed', f.message);
          e.reject(f);
        },
      )
      .finally(() => {
        lane.running = undefined;
        this.pump(lane);
      });
  }
}
