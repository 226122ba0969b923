// The gallery as the anomaly view: real splits, the run's scores.csv merged in, test first, unscored images, the
// threshold mark and one colour per class.
import { describe, expect, it } from 'vitest';
import { parseScoresCsv } from '../src/run-scores.js';
import { classSeries, defaultSplit, isAbove, mergeRunScores, splitLabel, splitsOf, unscoredIn } from '../src/webview-logic/gallery-data.js';
import { filterAndSort } from '../src/webview-logic/gallery-model.js';

const images = [
  { path: '/d/train/normal/n1.png', split: 'train', className: 'normal' },
  { path: '/d/train/normal/n2.png', split: 'validation', className: 'normal' },
  { path: '/d/test/normal/t1.png', split: 'test', className: 'normal' },
  { path: '/d/test/malignant/m1.png', split: 'test', className: 'malignant' },
  { path: '/d/test/benign/b1.png', split: 'test', className: 'benign' },
  { path: '/d/pool/u1.png', split: 'unlabelled', className: 'unlabelled' },
];
const csv = 'path,id,class,label,score,map\n/d/test/normal/t1.png,t1,normal,0,0.2,maps/00000_t1.png\n/d/test/malignant/m1.png,m1,malignant,1,0.9,maps/00001_m1.png\n/d/test/benign/b1.png,b1,benign,1,0.5,\n';

describe('gallery data', () => {
  const items = mergeRunScores(images, parseScoresCsv(csv, '/runs/r'));

  it('keeps every image with its real split and takes scores and maps from scores.csv', () => {
    expect(items.map((i) => [i.split, Number.isNaN(i.score) ? null : i.score])).toEqual([['train', null], ['validation', null], ['test', 0.2], ['test', 0.9], ['test', 0.5], ['unlabelled', null]]);
    expect(items[3].map).toBe('/runs/r/maps/00001_m1.png');
    expect(items[4].map).toBeUndefined();
  });

  it('shows the test split by default, most anomalous first, never a training image', () => {
    const split = defaultSplit(items);
    expect(split).toBe('test');
    expect(filterAndSort(items, { split }).map((i) => i.file.split('/').pop())).toEqual(['m1.png', 'b1.png', 't1.png']);
    expect(splitsOf(items)).toEqual(['test', 'train', 'validation', 'unlabelled']);
    expect(splitLabel('unlabelled')).toBe('unlabelled pool');
  });

  it('lists only the images the run has not scored for the daemon', () => {
    expect(unscoredIn(items, 'test')).toEqual([]);
    expect(unscoredIn(items, 'validation')).toEqual(['/d/train/normal/n2.png']);
  });

  it('marks scores at or above the threshold and gives each class its own colour, normal first', () => {
    expect([0.9, 0.5, 0.2].map((s) => isAbove(s, 0.5))).toEqual([true, true, false]);
    expect(isAbove(Number.NaN, 0.1)).toBe(false);
    expect(isAbove(1, undefined)).toBe(false);
    expect([...classSeries(['malignant', 'normal', 'benign'])]).toEqual([['normal', 'series-0'], ['benign', 'series-1'], ['malignant', 'series-2']]);
  });

  it('keeps rows of images the dataset no longer lists, as test images', () => {
    const extra = mergeRunScores([], parseScoresCsv(csv, '/runs/r'));
    expect(extra.every((i) => i.split === 'test')).toBe(true);
    expect(extra).toHaveLength(3);
  });
});

describe('histogram legend and range', async () => {
  const { legendOffsets } = await import('../src/webview-logic/svg-chart.js');
  const { histogramsByClass } = await import('../src/webview-logic/histogram.js');
  it('spaces legend entries by their text so long class names do not overlap', () => {
    const labels = ['normal (n=53)', 'benign (n=437)', 'malignant (n=210)'];
    const x = legendOffsets(labels, 40);
    for (let k = 1; k < x.length; k++) expect(x[k] - x[k - 1]).toBeGreaterThan(14 + labels[k - 1].length * 6.5);
  });
  it('extends the common range to the threshold so its line is drawn', () => {
    const h = histogramsByClass([{ score: 0.1, cls: 'normal' }, { score: 0.3, cls: 'lesion' }], 4, [0.9]);
    expect(h.get('normal')?.hi).toBe(0.9);
  });
});
