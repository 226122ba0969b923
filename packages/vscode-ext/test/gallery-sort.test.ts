import { describe, expect, it } from 'vitest';
import { attachDescriptors, filterAndSort, sortValue, type GalleryItem } from '../src/webview-logic/gallery-model.js';

const item = (file: string, score: number, cls = 'normal'): GalleryItem => ({ file, src: '', cls, split: 'test', score });

describe('gallery sort by an audit descriptor', () => {
  const audit = {
    descriptors: ['mean', 'gradientMean'],
    images: [
      { path: 'a', values: [0.2, 0.05] },
      { path: 'b', values: [0.9, 0.01] },
      { path: 'c', values: [0.5, null] },
    ],
  };
  const items = attachDescriptors([item('a', 3), item('b', 1), item('c', 2, 'lesion'), item('d', 9)], audit);

  it('attaches values by path; null and unseen images get none', () => {
    expect(items[0].descriptors).toEqual({ mean: 0.2, gradientMean: 0.05 });
    expect(items[2].descriptors).toEqual({ mean: 0.5 });
    expect(items[3].descriptors).toBeUndefined();
  });

  it('sorts by the descriptor, descending or ascending, images without a value last', () => {
    expect(filterAndSort(items, { sortBy: 'mean' }).map((i) => i.file)).toEqual(['b', 'c', 'a', 'd']);
    expect(filterAndSort(items, { sortBy: 'mean', ascending: true }).map((i) => i.file)).toEqual(['a', 'c', 'b', 'd']);
    expect(filterAndSort(items, { sortBy: 'gradientMean' }).map((i) => i.file)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortValue(items[3], { sortBy: 'mean' })).toBeNaN();
  });

  it('still filters, and without sortBy sorts by score as before', () => {
    expect(filterAndSort(items, { sortBy: 'mean', cls: 'normal' }).map((i) => i.file)).toEqual(['b', 'a', 'd']);
    expect(filterAndSort(items, {}).map((i) => i.file)).toEqual(['d', 'a', 'c', 'b']);
  });
});
