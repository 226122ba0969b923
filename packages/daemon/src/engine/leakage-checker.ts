// The leakage check as the editor runs it, after the cheap checks: a CachedCheck (cached-check.ts: a check-worker
// thread, one run at a time, cached by the dataset's items and folder mtimes, joined or aborted as edits come).
import type { ConfigIssue, DatasetConfig, ResolvedDataset } from '@medad/core';
import { CachedCheck } from './cached-check.js';
import { placeLeakage, prepareLeakage, prepareResolved, type LeakageReport } from './leakage-adapter.js';

export class LeakageChecker {
  private readonly check: CachedCheck<ResolvedDataset, LeakageReport>;

  constructor(releaseGraceMs = 1000) {
    this.check = new CachedCheck({
      kind: 'leakage',
      lane: 'checker',
      name: 'leakage check',
      imagesOf: (r) => r.checked.reference + r.checked.test,
      cacheSize: 16,
      releaseGraceMs,
    });
  }

  async issues(text: string, file: string, config: DatasetConfig, signal: AbortSignal): Promise<ConfigIssue[]> {
    const prepared = await prepareLeakage(config, file);
    signal.throwIfAborted();
    if (!prepared) return [];
    const { result } = await this.check.get(prepared.key, prepared.resolved, signal);
    return placeLeakage(text, config, prepared.resolved, result);
  }

  /** The raw report of a resolved dataset (the gallery's duplicate pairs); `cached` when no check ran for it. */
  async reportOf(resolved: ResolvedDataset, signal: AbortSignal): Promise<{ report: LeakageReport | undefined; cached: boolean }> {
    const prepared = await prepareResolved(resolved);
    if (!prepared) return { report: undefined, cached: false };
    const { result, cached } = await this.check.get(prepared.key, prepared.resolved, signal);
    return { report: result, cached };
  }

  dispose(): Promise<void> {
    return this.check.dispose();
  }
}
