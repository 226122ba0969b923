// core's train/test leakage check, split for the editor: `prepareLeakage` (main thread: resolve the dataset and
// key it by its items and folder mtimes), `computeLeakage` (check worker: decode and hash every image) and
// `placeLeakage` (main thread: turn a report, cached or fresh, into diagnostics on the current text).
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { checkLeakage, leakageIssues, resolveDataset, type ConfigIssue, type DatasetConfig, type LeakageReport, type ResolvedDataset } from '@medad/core';
import { folderStamp } from './stamp.js';

export type { LeakageReport };

export interface PreparedLeakage {
  /** Changes when the dataset's items or the folders holding them change (not on edits elsewhere in the text). */
  key: string;
  resolved: ResolvedDataset;
}

/** Undefined when there is nothing to check (no test images). */
export async function prepareLeakage(config: DatasetConfig, file: string): Promise<PreparedLeakage | undefined> {
  const resolved = await resolveDataset(config, path.dirname(path.resolve(file)));
  return prepareResolved(resolved);
}

/** The same for an already resolved dataset (`medad/leakage` resolves experiment configs too). */
export async function prepareResolved(resolved: ResolvedDataset): Promise<PreparedLeakage | undefined> {
  if (resolved.test.length === 0) return undefined;
  const items = [...resolved.train, ...resolved.validation, ...resolved.test, ...resolved.unlabelled];
  const h = createHash('sha256');
  for (const it of items) h.update(`${it.split}\0${it.className}\0${it.path}\0${JSON.stringify(it.decode ?? null)}\n`);
  h.update(await folderStamp(items.map((it) => it.path)));
  return { key: h.digest('hex'), resolved };
}

export function computeLeakage(resolved: unknown, signal: AbortSignal): Promise<LeakageReport> {
  return checkLeakage(resolved as ResolvedDataset, { signal });
}

export function placeLeakage(text: string, config: DatasetConfig, resolved: ResolvedDataset, report: LeakageReport): ConfigIssue[] {
  return leakageIssues(text, config, resolved, report);
}
