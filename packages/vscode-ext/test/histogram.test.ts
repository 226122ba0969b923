import { describe, expect, it } from 'vitest';
import { histogram, histogramsByClass, standing } from '../src/webview-logic/histogram.js';

describe('histogram', () => {
  it('bins values with an inclusive top edge', () => {
    expect(histogram([0, 0.1, 0.5, 0.99, 1], 2)).toEqual({ lo: 0, hi: 1, counts: [2, 3] });
  });
  it('ignores NaN and values outside an explicit range', () => {
    expect(histogram([Number.NaN, -1, 0.2, 5], 4, [0, 1]).counts).toEqual([1, 0, 0, 0]);
  });
  it('puts all equal values in the first bin', () => {
    expect(histogram([3, 3, 3], 5).counts).toEqual([3, 0, 0, 0, 0]);
  });
  it('rejects a non-positive bin count', () => {
    expect(() => histogram([1], 0)).toThrow(/bins/);
  });
  it('shares one range across classes', () => {
    const h = histogramsByClass([{ score: 0, cls: 'normal' }, { score: 1, cls: 'tumour' }, { score: 0.2, cls: 'normal' }], 2);
    expect([...h.keys()]).toEqual(['normal', 'tumour']);
    expect(h.get('normal')).toEqual({ lo: 0, hi: 1, counts: [2, 0] });
    expect(h.get('tumour')).toEqual({ lo: 0, hi: 1, counts: [0, 1] });
  });
});

describe('standing', () => {
  it('ranks 1 for the top score and gives the at-or-below percentage', () => {
    const s = [0.1, 0.4, 0.4, 0.9];
    expect(standing(s, 0.9)).toEqual({ rank: 1, total: 4, percentile: 100 });
    expect(standing(s, 0.4)).toEqual({ rank: 2, total: 4, percentile: 75 });
    expect(standing(s, 0.1)).toEqual({ rank: 4, total: 4, percentile: 25 });
  });
});
