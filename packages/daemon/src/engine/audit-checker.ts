// The shortcut audit as the editor runs it: a CachedCheck (cached-check.ts) in its own check-worker thread (it
// decodes every labelled image), cached by the same key as the leakage check (the dataset's items and folder
// mtimes), joined or aborted like it, with progress for every requester.
import type { ResolvedDataset } from '@medad/core';
import type { DatasetAudit } from './audit-adapter.js';
import { CachedCheck, type ProgressListener } from './cached-check.js';
import { prepareResolved } from './leakage-adapter.js';

export class AuditChecker {
  private readonly check: CachedCheck<ResolvedDataset, DatasetAudit>;

  constructor(releaseGraceMs = 1000) {
    this.check = new CachedCheck({
      kind: 'audit',
      lane: 'auditor',
      name: 'shortcut audit',
      imagesOf: (a) => a.images.length,
      cacheSize: 8,
      releaseGraceMs,
    });
  }

  /** The audit of a resolved dataset; `cached` when it came from the cache. Undefined when it has no test images. */
  async auditOf(resolved: ResolvedDataset, signal: AbortSignal, onProgress?: ProgressListener): Promise<{ audit: DatasetAudit; cached: boolean } | undefined> {
    const prepared = await prepareResolved(resolved);
    signal.throwIfAborted();
    if (!prepared) return undefined;
    const { result, cached } = await this.check.get(prepared.key, prepared.resolved, signal, onProgress);
    return { audit: result, cached };
  }

  /** The cached audit of a resolved dataset, without starting one (for hovers). */
  async cachedOf(resolved: ResolvedDataset): Promise<DatasetAudit | undefined> {
    const prepared = await prepareResolved(resolved);
    return prepared && this.check.cached(prepared.key);
  }

  dispose(): Promise<void> {
    return this.check.dispose();
  }
}
