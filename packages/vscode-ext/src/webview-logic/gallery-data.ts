// The gallery's items as the anomaly view needs them: the dataset's images with their real splits (validation
// held out of train, the unlabelled pool), the run's own scores and saved maps (scores.csv) merged in, the split
// shown first (test), and which images still need scoring through the daemon (those the run did not score).
import type { RunScoreRow } from '../run-scores.js';
import type { GalleryItem, ItemIds } from './gallery-model.js';

export interface DatasetImage {
  path: string;
  split: string;
  className: string;
  /** The config's group key and a DICOM file's patient / study / series (see ItemIds). */
  ids?: ItemIds;
}

/** Splits in the order the filter lists them, with the words it shows. */
export const SPLIT_LABELS: Record<string, string> = { test: 'test', train: 'train', validation: 'validation', unlabelled: 'unlabelled pool' };

export function splitLabel(split: string): string {
  return SPLIT_LABELS[split] ?? (split || '(none)');
}

/** The splits present, test first, then train, validation, unlabelled, then any other name. */
export function splitsOf(items: readonly { split: string }[]): string[] {
  const order = Object.keys(SPLIT_LABELS);
  const present = [...new Set(items.map((i) => i.split))];
  return present.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

/** Test by default: the only split whose scores mean "how abnormal", the one the run's threshold is judged on. */
export function defaultSplit(items: readonly { split: string }[]): string | undefined {
  return items.some((i) => i.split === 'test') ? 'test' : undefined;
}

/**
 * Every dataset image once, scored from the run's scores.csv where it has a row (with the saved map), NaN
 * otherwise; rows for images the dataset no longer lists are kept as test images.
 */
export function mergeRunScores(images: readonly DatasetImage[], rows: readonly RunScoreRow[]): (GalleryItem & { map?: string })[] {
  const byPath = new Map(rows.map((r) => [r.path, r]));
  const seen = new Set<string>();
  const out: (GalleryItem & { map?: string })[] = images.map((im) => {
    const r = byPath.get(im.path);
    seen.add(im.path);
    return { file: im.path, src: '', cls: im.className, split: im.split, score: r ? r.score : Number.NaN, ...(r?.map ? { map: r.map } : {}), ...(im.ids ? { ids: im.ids } : {}) };
  });
  for (const r of rows) if (!seen.has(r.path)) out.push({ file: r.path, src: '', cls: r.className, split: 'test', score: r.score, ...(r.map ? { map: r.map } : {}) });
  return out;
}

/** Files of a split the run has not scored (to be scored through the daemon, once). */
export function unscoredIn(items: readonly GalleryItem[], split: string | undefined): string[] {
  return items.filter((i) => (!split || i.split === split) && Number.isNaN(i.score)).map((i) => i.file);
}

/** Whether an image is at or above the run's image threshold (the mark on its thumbnail). */
export function isAbove(score: number, threshold: number | undefined): boolean {
  return threshold !== undefined && Number.isFinite(score) && score >= threshold;
}

/** A series class per class name: normal first (blue), then the others in name order, each its own colour. */
export function classSeries(classes: readonly string[], normal = 'normal'): Map<string, string> {
  const sorted = [...new Set(classes)].sort((a, b) => Number(b === normal) - Number(a === normal) || a.localeCompare(b));
  return new Map(sorted.map((c, k) => [c, `series-${Math.min(k, 5)}`]));
}
