// The leakage check as the editor runs it: after the cheap checks, in a worker thread (decoding thousands of
// images must not delay hovers), one check at a time, with reports cached by the dataset's items and folder
// mtimes (an edit elsewhere in the file, or undoing one, costs nothing). A check whose every requester was
// cancelled by a newer edit is aborted after a short grace, unless the newer edit asks for the same dataset:
// then it joins the running check instead of starting over (typing must not restart a 10-second check).
import { randomUUID } from 'node:crypto';
import type { ConfigIssue, DatasetConfig, ResolvedDataset } from '@medad/core';
import { WorkerHost } from '../jobs/worker-host.js';
import { placeLeakage, prepareLeakage, prepareResolved, type LeakageReport } from './leakage-adapter.js';

interface InFlight {
  id: string;
  promise: Promise<LeakageReport>;
  users: number;
  cancelled: boolean;
}

const CACHE_SIZE = 16;

export class LeakageChecker {
  private host?: WorkerHost;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, LeakageReport>();
  private readonly inflight = new Map<string, InFlight>();
  /** Runs started in the worker (not served from the cache or joined). */
  runs = 0;

  constructor(private readonly releaseGraceMs = 1000) {}

  async issues(text: string, file: string, config: DatasetConfig, signal: AbortSignal): Promise<ConfigIssue[]> {
    const prepared = await prepareLeakage(config, file);
    signal.throwIfAborted();
    if (!prepared) return [];
    const report = await this.report(prepared.key, prepared.resolved, signal);
    return placeLeakage(text, config, prepared.resolved, report);
  }

  /** The raw report of a resolved dataset (the gallery's duplicate pairs); `cached` when no check ran for it. */
  async reportOf(resolved: ResolvedDataset, signal: AbortSignal): Promise<{ report: LeakageReport | undefined; cached: boolean }> {
    const prepared = await prepareResolved(resolved);
    if (!prepared) return { report: undefined, cached: false };
    const cached = this.cache.has(prepared.key);
    return { report: await this.report(prepared.key, prepared.resolved, signal), cached };
  }

  async dispose(): Promise<void> {
    for (const f of this.inflight.values()) f.cancelled = true;
    await this.host?.stop();
  }

  private report(key: string, resolved: unknown, signal: AbortSignal): Promise<LeakageReport> {
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const f = this.inflight.get(key) ?? this.start(key, resolved);
    f.users++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.release(key, f);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
        (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e as Error)),
      );
    });
  }

  private start(key: string, resolved: unknown): InFlight {
    const f: InFlight = { id: randomUUID(), users: 0, cancelled: false, promise: Promise.resolve(undefined as never) };
    const run = async (): Promise<LeakageReport> => {
      if (f.cancelled) throw new Error('leakage check cancelled');
      this.runs++;
      this.host ??= new WorkerHost('checker', 5000, 'check-worker');
      const t0 = performance.now();
      const report = (await this.host.run(f.id, 'leakage', resolved, { onProgress: () => undefined })) as LeakageReport;
      // stderr is the daemon's log (stdout is JSON-RPC); tests count these lines to see cache hits.
      process.stderr.write(`medad-daemon: leakage check of ${report.checked.reference + report.checked.test} images took ${Math.round(performance.now() - t0)} ms (check worker)\n`);
      return report;
    };
    // One check at a time: they compete for the same cores.
    f.promise = this.chain.then(run, run);
    this.chain = f.promise.catch(() => undefined);
    f.promise.then(
      (r) => {
        this.cache.set(key, r);
        if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      },
      () => undefined,
    ).finally(() => this.inflight.get(key) === f && this.inflight.delete(key));
    this.inflight.set(key, f);
    return f;
  }

  private release(key: string, f: InFlight): void {
    f.users--;
    setTimeout(() => {
      if (f.users > 0 || this.inflight.get(key) !== f) return;
      f.cancelled = true;
      this.inflight.delete(key);
      this.host?.abort(f.id);
    }, this.releaseGraceMs).unref();
  }
}
