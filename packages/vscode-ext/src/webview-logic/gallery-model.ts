// What the gallery shows: items filtered by class/split, most anomalous first.

export interface GalleryItem {
  /** Absolute path of the image. */
  file: string;
  /** URI the webview may load (a thumbnail or the image itself). */
  src: string;
  cls: string;
  split: string;
  /** NaN when the image has not been scored. */
  score: number;
}

export interface GalleryFilter {
  cls?: string;
  split?: string;
}

/** Filtered copy sorted by descending score; unscored images last, ties by file name for a stable order. */
export function filterAndSort(items: readonly GalleryItem[], f: GalleryFilter): GalleryItem[] {
  return items
    .filter((i) => (!f.cls || i.cls === f.cls) && (!f.split || i.split === f.split))
    .sort((a, b) => {
      const an = Number.isNaN(a.score);
      const bn = Number.isNaN(b.score);
      if (an !== bn) return an ? 1 : -1;
      if (!an && a.score !== b.score) return b.score - a.score;
      return a.file.localeCompare(b.file);
    });
}

export function distinct(items: readonly GalleryItem[], key: 'cls' | 'split'): string[] {
  return [...new Set(items.map((i) => i[key]))].sort();
}
