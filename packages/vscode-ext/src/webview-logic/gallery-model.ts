// What the gallery shows: items filtered by class/split, most anomalous first.
import type { GroupBy } from './gallery-groups.js';

export interface GalleryItem {
  /** Absolute path of the image. */
  file: string;
  /** URI the webview may load (a thumbnail or the image itself). */
  src: string;
  cls: string;
  split: string;
  /** NaN when the image has not been scored. */
  score: number;
  /** The shortcut audit's numeric descriptors of this image (absent until the audit is back, or not applicable). */
  descriptors?: Record<string, number>;
  /** What the image belongs to: the config's group key, and a DICOM file's patient / study / series. */
  ids?: ItemIds;
}

export interface ItemIds {
  group?: string;
  patient?: string;
  study?: string;
  series?: string;
}

export interface GalleryFilter {
  cls?: string;
  split?: string;
  /** Sort by this audit descriptor instead of the score (descending unless `ascending`). */
  sortBy?: string;
  ascending?: boolean;
  /** Group the thumbnails under headers: patient, study, series or the config's group key (gallery-groups.ts). */
  groupBy?: GroupBy;
}

/** The value an item is sorted by: its score, or the chosen descriptor (NaN when it has none). */
export function sortValue(item: GalleryItem, f: GalleryFilter): number {
  if (!f.sortBy) return item.score;
  const v = item.descriptors?.[f.sortBy];
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

/**
 * Filtered copy sorted by descending score, or by an audit descriptor (descending, or ascending when asked);
 * images without a value last, ties by file name for a stable order.
 */
export function filterAndSort(items: readonly GalleryItem[], f: GalleryFilter): GalleryItem[] {
  const sign = f.sortBy && f.ascending ? -1 : 1;
  return items
    .filter((i) => (!f.cls || i.cls === f.cls) && (!f.split || i.split === f.split))
    .map((i) => ({ i, v: sortValue(i, f) }))
    .sort((a, b) => {
      const an = Number.isNaN(a.v);
      const bn = Number.isNaN(b.v);
      if (an !== bn) return an ? 1 : -1;
      if (!an && a.v !== b.v) return sign * (b.v - a.v);
      return a.i.file.localeCompare(b.i.file);
    })
    .map(({ i }) => i);
}

/** Attaches audit descriptor values (by image path) to gallery items; items the audit did not see are unchanged. */
export function attachDescriptors(
  items: readonly GalleryItem[],
  audit: { descriptors: string[]; images: { path: string; values: (number | null)[] }[] },
): GalleryItem[] {
  const byPath = new Map(audit.images.map((im) => [im.path, im.values]));
  return items.map((it) => {
    const values = byPath.get(it.file);
    if (!values) return it;
    const descriptors: Record<string, number> = {};
    audit.descriptors.forEach((d, k) => {
      const v = values[k];
      if (typeof v === 'number') descriptors[d] = v;
    });
    return { ...it, descriptors };
  });
}

export function distinct(items: readonly GalleryItem[], key: 'cls' | 'split'): string[] {
  return [...new Set(items.map((i) => i[key]))].sort();
}
