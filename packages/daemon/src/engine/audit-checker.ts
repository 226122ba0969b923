// The shortcut audit as the editor runs it: in its own check-worker thread (it decodes every labelled image), one
// audit at a time, cached by the same key as the leakage check (the dataset's items and folder mtimes), so an edit
// elsewhere in the file costs nothing. Requests for a dataset already being audited join the running audit; when
// every requester has gone (a newer edit, a cancelled request) it is aborted after a short grace.
import { randomUUID } from 'node:crypto';
import type { ResolvedDataset } from '@medad/core';
import { WorkerHost } from '../jobs/worker-host.js';
import type { DatasetAudit } from './audit-adapter.js';
import { prepareResolved } from './leakage-adapter.js';

interface InFlight {
  id: string;
  promise: Promise<DatasetAudit>;
  users: number;
  listeners: Set<(percentage: number | undefined, message: string) => void>;
}

const CACHE_SIZE = 8;

export class AuditChecker {
  private host?: WorkerHost;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, DatasetAudit>();
  private readonly inflight = new Map<string, InFlight>();
  /** Audits started in the worker (not served from the cache or joined). */
  runs = 0;

  constructor(private readonly releaseGraceMs = 1000) {}

  /** The audit of a resolved dataset; `cached` when it came from the cache. Undefined when it has no test images. */
  async auditOf(
    resolved: ResolvedDataset,
    signal: AbortSignal,
    onProgress?: (percentage: number | undefined, message: string) => void,
  ): Promise<{ audit: DatasetAudit; cached: boolean } | undefined> {
    const prepared = await prepareResolved(resolved);
    signal.throwIfAborted();
    if (!prepared) return undefined;
    const hit = this.cache.get(prepared.key);
    if (hit) return { audit: hit, cached: true };
    const f = this.inflight.get(prepared.key) ?? this.start(prepared.key, prepared.resolved);
    f.users++;
    if (onProgress) f.listeners.add(onProgress);
    const done = () => {
      if (onProgress) f.listeners.delete(onProgress);
    };
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        done();
        this.release(prepared.key, f);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (audit) => (signal.removeEventListener('abort', onAbort), done(), resolve({ audit, cached: false })),
        (e: unknown) => (signal.removeEventListener('abort', onAbort), done(), reject(e as Error)),
      );
    });
  }

  /** The cached audit of a resolved dataset, without starting one (for hovers). */
  async cachedOf(resolved: ResolvedDataset): Promise<DatasetAudit | undefined> {
    const prepared = await prepareResolved(resolved);
    return prepared && this.cache.get(prepared.key);
  }

  async dispose(): Promise<void> {
    await this.host?.stop();
  }

  private start(key: string, resolved: ResolvedDataset): InFlight {
    const f: InFlight = { id: randomUUID(), users: 0, listeners: new Set(), promise: Promise.resolve(undefined as never) };
    const run = async (): Promise<DatasetAudit> => {
      if (this.inflight.get(key) !== f) throw new Error('shortcut audit cancelled');
      this.runs++;
      this.host ??= new WorkerHost('auditor', 5000, 'check-worker');
      const t0 = performance.now();
      const audit = (await this.host.run(f.id, 'audit', resolved, {
        onProgress: (p, m) => f.listeners.forEach((l) => l(p, m)),
      })) as DatasetAudit;
      process.stderr.write(`medad-daemon: shortcut audit of ${audit.images.length} images took ${Math.round(performance.now() - t0)} ms (check worker)\n`);
      return audit;
    };
    f.promise = this.chain.then(run, run);
    this.chain = f.promise.catch(() => undefined);
    f.promise
      .then(
        (r) => {
          this.cache.set(key, r);
          if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
        },
        () => undefined,
      )
      .finally(() => this.inflight.get(key) === f && this.inflight.delete(key));
    this.inflight.set(key, f);
    return f;
  }

  private release(key: string, f: InFlight): void {
    f.users--;
    setTimeout(() => {
      if (f.users > 0 || this.inflight.get(key) !== f) return;
      this.inflight.delete(key);
      this.host?.abort(f.id);
    }, this.releaseGraceMs).unref();
  }
}
