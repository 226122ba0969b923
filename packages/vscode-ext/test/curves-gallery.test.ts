import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { areaUnder, averagePrecision, operatingPoint, prPoints, rocPoints } from '../src/webview-logic/curves.js';
import { distinct, filterAndSort, type GalleryItem } from '../src/webview-logic/gallery-model.js';

// scikit-learn 1.2 roc_curve(drop_intermediate=False) / precision_recall_curve / roc_auc_score /
// average_precision_score, from test/golden/make-curves.py.
interface Case { scores: number[]; labels: number[]; roc: Curve; pr: Curve; auroc: number; ap: number }
interface Curve { x: number[]; y: number[]; thresholds: number[] }
const cases = JSON.parse(readFileSync(new URL('./golden/curves.golden.json', import.meta.url), 'utf8')) as Case[];

describe('curves match scikit-learn', () => {
  cases.forEach((c, k) => {
    it(`case ${k}: ROC`, () => {
      const r = rocPoints(c.scores, c.labels);
      expect(r.x).toHaveLength(c.roc.x.length);
      r.x.forEach((v, i) => expect(v).toBeCloseTo(c.roc.x[i], 12));
      r.y.forEach((v, i) => expect(v).toBeCloseTo(c.roc.y[i], 12));
      expect(r.thresholds.slice(1)).toEqual(c.roc.thresholds);
    });
    it(`case ${k}: precision-recall`, () => {
      const p = prPoints(c.scores, c.labels);
      expect(p.x).toHaveLength(c.pr.x.length);
      p.x.forEach((v, i) => expect(v).toBeCloseTo(c.pr.x[i], 12));
      p.y.forEach((v, i) => expect(v).toBeCloseTo(c.pr.y[i], 12));
      expect(p.thresholds).toEqual(c.pr.thresholds);
    });
    it(`case ${k}: AUROC and AP for the legend`, () => {
      expect(areaUnder(rocPoints(c.scores, c.labels))).toBeCloseTo(c.auroc, 12);
      expect(averagePrecision(prPoints(c.scores, c.labels))).toBeCloseTo(c.ap, 12);
    });
  });
  it('counts an operating point with score >= threshold as anomalous', () => {
    const op = operatingPoint([0.1, 0.5, 0.5, 0.9, 0.2], [0, 0, 1, 1, 1], 0.5);
    expect(op).toEqual({ threshold: 0.5, tp: 2, fp: 1, tpr: 2 / 3, fpr: 1 / 2, precision: 2 / 3 });
    expect(operatingPoint([0.1], [0], 1).precision).toBeNaN();
  });
  cases.forEach((c, k) => {
    it(`case ${k}: every ROC point is the operating point of its threshold`, () => {
      const r = rocPoints(c.scores, c.labels);
      r.thresholds.slice(1).forEach((t, i) => {
        const op = operatingPoint(c.scores, c.labels, t);
        expect([op.fpr, op.tpr]).toEqual([r.x[i + 1], r.y[i + 1]]);
      });
    });
  });
  it('refuses single-class labels for ROC', () => {
    expect(() => rocPoints([1, 2], [1, 1])).toThrow(/both/);
  });
});

describe('gallery model', () => {
  const item = (file: string, score: number, cls = 'normal', split = 'test'): GalleryItem => ({ file, src: file, cls, split, score });
  const items = [item('a', 0.2), item('b', Number.NaN), item('c', 0.9, 'lesion'), item('d', 0.5, 'lesion', 'train'), item('e', 0.9)];
  it('sorts most anomalous first, ties by name, unscored last', () => {
    expect(filterAndSort(items, {}).map((i) => i.file)).toEqual(['c', 'e', 'd', 'a', 'b']);
  });
  it('filters by class and split', () => {
    expect(filterAndSort(items, { cls: 'lesion' }).map((i) => i.file)).toEqual(['c', 'd']);
    expect(filterAndSort(items, { cls: 'lesion', split: 'test' }).map((i) => i.file)).toEqual(['c']);
    expect(distinct(items, 'cls')).toEqual(['lesion', 'normal']);
  });
});
