// A dataset check as the editor runs it (the leakage check, the shortcut audit): in a worker thread of its own
// (decoding thousands of images must not delay hovers), one run at a time (they compete for the same cores),
// results cached by the dataset's state key (items and folder mtimes: an edit elsewhere in the file, or undoing
// one, costs nothing). A request for a key already running joins that run instead of starting over (typing must
// not restart a 10-second check); a run whose every requester has gone (a newer edit, a cancelled request) is
// aborted after a short grace, so a newer edit that asks for the same key in time still joins it.
import { randomUUID } from 'node:crypto';
import { WorkerHost, type RunHandlers } from '../jobs/worker-host.js';
import type { WorkerJobKind } from '../jobs/messages.js';

export type ProgressListener = (percentage: number | undefined, message: string) => void;

/** The part of a WorkerHost a check uses (tests pass a fake). */
export interface CheckRunner {
  run(jobId: string, kind: WorkerJobKind, params: unknown, handlers: RunHandlers): Promise<unknown>;
  abort(jobId: string): void;
  stop(): Promise<void>;
}

export interface CachedCheckOptions<R> {
  /** The job kind the worker runs. */
  kind: WorkerJobKind;
  /** The worker host's lane name (its crash messages say it). */
  lane: string;
  /** What the daemon's log calls a run ('leakage check'): tests count `<name> of N images` lines. */
  name: string;
  /** How many images a result covers, for the log line. */
  imagesOf(result: R): number;
  cacheSize: number;
  /** How long a run with no requester left waits for a new one before it is aborted. */
  releaseGraceMs?: number;
  /** Makes the runner on first use; a check-worker thread by default. */
  runner?: () => CheckRunner;
}

interface InFlight<R> {
  id: string;
  promise: Promise<R>;
  users: number;
  cancelled: boolean;
  listeners: Set<ProgressListener>;
}

export class CachedCheck<P, R> {
  private host?: CheckRunner;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, R>();
  private readonly inflight = new Map<string, InFlight<R>>();
  /** Runs started in the worker (not served from the cache or joined). */
  runs = 0;

  constructor(private readonly opts: CachedCheckOptions<R>) {}

  /** The cached result for a key, without starting a run (for hovers). */
  cached(key: string): R | undefined {
    return this.cache.get(key);
  }

  /** The result for a key: from the cache (`cached`), a running check of the same key, or a new run of `params`. */
  get(key: string, params: P, signal: AbortSignal, onProgress?: ProgressListener): Promise<{ result: R; cached: boolean }> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return Promise.resolve({ result: hit, cached: true });
    const f = this.inflight.get(key) ?? this.start(key, params);
    f.users++;
    if (onProgress) f.listeners.add(onProgress);
    const done = () => {
      if (onProgress) f.listeners.delete(onProgress);
    };
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        done();
        this.release(key, f);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (result) => (signal.removeEventListener('abort', onAbort), done(), resolve({ result, cached: false })),
        (e: unknown) => (signal.removeEventListener('abort', onAbort), done(), reject(e as Error)),
      );
    });
  }

  async dispose(): Promise<void> {
    for (const f of this.inflight.values()) f.cancelled = true;
    await this.host?.stop();
  }

  private start(key: string, params: P): InFlight<R> {
    const f: InFlight<R> = { id: randomUUID(), users: 0, cancelled: false, listeners: new Set(), promise: Promise.resolve(undefined as never) };
    const { kind, lane, name } = this.opts;
    const run = async (): Promise<R> => {
      if (f.cancelled) throw new Error(`${name} cancelled`);
      this.runs++;
      this.host ??= this.opts.runner?.() ?? new WorkerHost(lane, 5000, 'check-worker');
      const t0 = performance.now();
      const result = (await this.host.run(f.id, kind, params, {
        onProgress: (p, m) => f.listeners.forEach((l) => l(p, m)),
      })) as R;
      // stderr is the daemon's log (stdout is JSON-RPC); tests count these lines to see cache hits.
      process.stderr.write(`medad-daemon: ${name} of ${this.opts.imagesOf(result)} images took ${Math.round(performance.now() - t0)} ms (check worker)\n`);
      return result;
    };
    f.promise = this.chain.then(run, run);
    this.chain = f.promise.catch(() => undefined);
    f.promise
      .then(
        (r) => {
          this.cache.set(key, r);
          if (this.cache.size > this.opts.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
        },
        () => undefined,
      )
      .finally(() => this.inflight.get(key) === f && this.inflight.delete(key));
    this.inflight.set(key, f);
    return f;
  }

  private release(key: string, f: InFlight<R>): void {
    f.users--;
    setTimeout(() => {
      if (f.users > 0 || this.inflight.get(key) !== f) return;
      f.cancelled = true;
      this.inflight.delete(key);
      this.host?.abort(f.id);
    }, this.opts.releaseGraceMs ?? 1000).unref();
  }
}
