// The gallery's "Group by" (issue 20): groups by patient / study / series / config key keep the sort inside, come in
// the order of their best image, and the grouped grid's rows and keyboard work across group headers.
import { describe, expect, it } from 'vitest';
import { groupedKey, groupedLayout, groupHeading, groupingsOf, groupItems, keyLabel, layoutWindow, straddlesTest } from '../src/webview-logic/gallery-groups.js';
import { mergeRunScores } from '../src/webview-logic/gallery-data.js';
import { filterAndSort, type GalleryItem, type ItemIds } from '../src/webview-logic/gallery-model.js';
import { parseScoresCsv } from '../src/run-scores.js';

const STUDY = '1.2.826.0.1.3680043.8.498.11111111111111';
const item = (file: string, score: number, cls: string, split: string, ids?: ItemIds): GalleryItem => ({ file, src: '', cls, split, score, ...(ids ? { ids } : {}) });
// three patients; P2 holds the most anomalous image, P1 two images in two splits, one image with no header ids
const items = [
  item('a', 0.1, 'normal', 'test', { patient: 'P1', study: `${STUDY}1`, series: 's1', group: 'P1' }),
  item('b', 0.9, 'lesion', 'test', { patient: 'P2', study: `${STUDY}2`, series: 's2', group: 'P2' }),
  item('c', 0.5, 'lesion', 'train', { patient: 'P1', study: `${STUDY}1`, series: 's3', group: 'P1' }),
  item('d', 0.3, 'normal', 'test', { patient: 'P3', study: `${STUDY}3`, series: 's4', group: 'P3' }),
  item('e', 0.7, 'normal', 'test'),
  item('f', 0.2, 'normal', 'test', { patient: 'P2', study: `${STUDY}2`, series: 's2', group: 'P2' }),
];

describe('gallery grouping', () => {
  it('groups sorted items by patient, the group with the most anomalous image first, images without a key last', () => {
    const g = groupItems(filterAndSort(items, {}), 'patient');
    expect(g.map((x) => [x.key, x.items.map((i) => i.file)])).toEqual([
      ['P2', ['b', 'f']],
      ['P1', ['c', 'a']],
      ['P3', ['d']],
      ['', ['e']],
    ]);
    expect(g[1].classes).toEqual({ lesion: 1, normal: 1 });
    expect(g[1].splits).toEqual({ train: 1, test: 1 });
    expect(groupHeading(g[1], 'patient')).toBe('patient P1 · 2 images · lesion 1, normal 1 · ⚠ in train 1, test 1');
    expect(straddlesTest(g[1])).toBe(true);
    expect(straddlesTest({ ...g[1], splits: { train: 1, validation: 1 } })).toBe(false);
    expect(groupHeading({ ...g[1], splits: { train: 1, validation: 1 } }, 'patient')).toMatch(/ · in train 1, validation 1$/);
    expect(groupHeading(g[2], 'patient')).toBe('patient P3 · 1 image · normal 1');
    expect(groupHeading(g[3], 'patient')).toBe('no patient · 1 image · normal 1');
    // splits in their usual order whatever the sort met first
    expect(groupHeading({ ...g[1], splits: { test: 4, train: 2 } }, 'patient')).toMatch(/⚠ in train 2, test 4$/);
  });

  it('groups by series and study, keeps the split filter and the sort by a descriptor', () => {
    expect(groupItems(filterAndSort(items, {}), 'series').map((x) => x.key)).toEqual(['s2', 's3', 's4', 's1', '']);
    const test = groupItems(filterAndSort(items, { split: 'test' }), 'study');
    expect(test.map((x) => [x.label, x.items.map((i) => i.file)])).toEqual([
      ['…111111111112', ['b', 'f']],
      ['…111111111113', ['d']],
      ['…111111111111', ['a']],
      ['no study', ['e']],
    ]);
    const withMean = items.map((i, k) => ({ ...i, descriptors: { mean: k } }));
    // mean = the item's position: f, e, d, c, b, a; groups by first appearance, the image without a key last
    expect(groupItems(filterAndSort(withMean, { sortBy: 'mean' }), 'group').map((x) => x.items.map((i) => i.file).join(''))).toEqual(['fb', 'd', 'ca', 'e']);
  });

  it('offers only the groupings the items carry; a short key is shown whole', () => {
    expect(groupingsOf(items)).toEqual(['', 'patient', 'study', 'series', 'group']);
    expect(groupingsOf([item('x', 1, 'n', 'test', { group: 'k' })])).toEqual(['', 'group']);
    expect(groupingsOf([item('x', 1, 'n', 'test')])).toEqual(['']);
    expect(keyLabel('1.2.3', 'study')).toBe('1.2.3');
    expect(keyLabel('', 'group')).toBe('no group key');
  });

  it('carries the daemon ids through the merge with the run scores', () => {
    const merged = mergeRunScores([{ path: '/d/a.dcm', split: 'test', className: 'normal', ids: { patient: 'P9' } }], parseScoresCsv('path,id,class,label,score\n/d/a.dcm,a,normal,0,0.4\n', '/r'));
    expect(merged[0]).toMatchObject({ score: 0.4, ids: { patient: 'P9' } });
  });
});

describe('the grouped grid', () => {
  // 3 columns: P2 (2 images) one row, P1 (2) one row, P3 (1), none (1); cells 100 px, headers 20 px
  const groups = groupItems(filterAndSort(items, {}), 'patient');
  const l = groupedLayout(groups, 3, 100, 20);

  it('lays out a header and rows of cells per group, a group starting a new row', () => {
    expect(l.rows.map((r) => (r.kind === 'header' ? `h${r.group}@${r.top}` : `${r.first}-${r.end}@${r.top}`))).toEqual([
      'h0@0', '0-2@20', 'h1@120', '2-4@140', 'h2@240', '4-5@260', 'h3@360', '5-6@380',
    ]);
    expect(l.totalHeight).toBe(480);
    expect(l.order.map((i) => i.file)).toEqual(['b', 'f', 'c', 'a', 'd', 'e']);
    expect(groupedLayout(groupItems(filterAndSort(items, {}), 'patient'), 1, 100, 20).rows.filter((r) => r.kind === 'cells')).toHaveLength(6);
  });

  it('windows the rows that meet the viewport (with overscan)', () => {
    expect(layoutWindow(l, 0, 150, 0)).toEqual({ firstRow: 0, endRow: 4, offsetTop: 0 });
    // rows ending at or above 130 are skipped; the header at 240 is below 130 + 100
    expect(layoutWindow(l, 130, 100, 0)).toEqual({ firstRow: 2, endRow: 4, offsetTop: 120 });
    expect(layoutWindow(l, 130, 100, 50)).toEqual({ firstRow: 1, endRow: 6, offsetTop: 20 });
  });

  it('moves the selection across headers: up/down keep the column, clamped to a shorter row', () => {
    const key = (k: string, focus: number, scrollTop = 0, viewportHeight = 250) => groupedKey(k, { focus, layout: l, viewportHeight, scrollTop });
    expect(key('ArrowDown', 1)).toEqual({ kind: 'move', index: 3, scrollTop: 0 });
    // from column 1 of P1 down to P3's single image; its row bottom (360) is below 0 + 250
    expect(key('ArrowDown', 3)).toEqual({ kind: 'move', index: 4, scrollTop: 110 });
    expect(key('ArrowUp', 4, 300)).toEqual({ kind: 'move', index: 2, scrollTop: 120 });
    expect(key('ArrowRight', 1)).toEqual({ kind: 'move', index: 2, scrollTop: 0 });
    expect(key('PageDown', 0, 0, 250)).toEqual({ kind: 'move', index: 4, scrollTop: 110 });
    expect(key('End', 0)).toMatchObject({ index: 5 });
    expect(key('ArrowUp', 0)).toEqual({ kind: 'move', index: 0, scrollTop: 0 });
    expect(key('Enter', 2)).toEqual({ kind: 'open', index: 2 });
    expect(key('x', 2)).toBeUndefined();
  });
});
