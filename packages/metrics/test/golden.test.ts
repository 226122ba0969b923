// Compares against golden/golden.json, written by golden/make_golden.py from scikit-learn/scipy.
import { describe, expect, it } from 'vitest';
import goldenJson from './golden/golden.json' with { type: 'json' };
import {
  auprcTrapezoid,
  auroc,
  averagePrecision,
  delongTest,
  metricsAt,
  PixelMetricsAccumulator,
  prCurve,
  rocCurve,
} from '../src/index.js';
import { expectClose, lcgCase } from './helpers.js';

interface Curve3 {
  [k: string]: number[];
}
interface ImageCase {
  name: string;
  scores?: number[];
  labels?: number[];
  lcg?: { n: number; seed: number; prevalencePermille: number; signal: number; levels: number };
  auroc: number;
  ap: number;
  auprcTrapezoid: number;
  roc: Curve3;
  rocDropped: Curve3;
  pr: Curve3;
  at: ({ threshold: number; tp: number; fp: number; tn: number; fn: number } & Record<
    'precision' | 'recall' | 'f1' | 'accuracy' | 'balancedAccuracy',
    number
  >)[];
}
interface DeLongCase extends Record<'auc1' | 'auc2' | 'var1' | 'var2' | 'covariance' | 'z' | 'pValue', number> {
  name: string;
  scores1: number[];
  scores2: number[];
  labels: number[];
}
interface PixelCase {
  name: string;
  width: number;
  height: number;
  maps: number[][];
  masks: number[][];
  auroc: number;
  ap: number;
  aupro: number;
  regions: number;
  bestDice: number;
  at: { threshold: number; dice: number; iou: number }[];
}
const golden = goldenJson as unknown as { image: ImageCase[]; delong: DeLongCase[]; pixel: PixelCase[] };

function data(c: ImageCase): { scores: ArrayLike<number>; labels: ArrayLike<number> } {
  if (c.lcg) return lcgCase(c.lcg);
  if (c.scores && c.labels) return { scores: c.scores, labels: c.labels };
  throw new Error(`golden case ${c.name} has no data`);
}

describe('image-level metrics match scikit-learn', () => {
  it('has at least 30 cases', () => expect(golden.image.length).toBeGreaterThanOrEqual(30));

  for (const c of golden.image) {
    it(c.name, () => {
      const { scores, labels } = data(c);
      expect(Math.abs(auroc(scores, labels) - c.auroc)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(averagePrecision(scores, labels) - c.ap)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(auprcTrapezoid(scores, labels) - c.auprcTrapezoid)).toBeLessThanOrEqual(1e-9);

      const roc = rocCurve(scores, labels);
      expect(roc.thresholds[0]).toBe(Infinity);
      expectClose(roc.fpr, c.roc.fpr, 1e-9, 'fpr');
      expectClose(roc.tpr, c.roc.tpr, 1e-9, 'tpr');
      expectClose(roc.thresholds.subarray(1), c.roc.thresholds, 0, 'roc thresholds');

      const dropped = rocCurve(scores, labels, { dropIntermediate: true });
      expectClose(dropped.fpr, c.rocDropped.fpr, 1e-9, 'dropped fpr');
      expectClose(dropped.tpr, c.rocDropped.tpr, 1e-9, 'dropped tpr');
      expectClose(dropped.thresholds.subarray(1), c.rocDropped.thresholds, 0, 'dropped thresholds');

      const pr = prCurve(scores, labels);
      expectClose(pr.precision, c.pr.precision, 1e-9, 'precision');
      expectClose(pr.recall, c.pr.recall, 1e-9, 'recall');
      expectClose(pr.thresholds, c.pr.thresholds, 0, 'pr thresholds');

      for (const a of c.at) {
        const m = metricsAt(scores, labels, a.threshold);
        expect([m.tp, m.fp, m.tn, m.fn]).toEqual([a.tp, a.fp, a.tn, a.fn]);
        for (const k of ['precision', 'recall', 'f1', 'accuracy', 'balancedAccuracy'] as const) {
          expect(Math.abs(m[k] - a[k]), `${k} at ${a.threshold}`).toBeLessThanOrEqual(1e-9);
        }
      }
    });
  }
});

describe("DeLong's test matches the scipy midrank reference", () => {
  for (const c of golden.delong) {
    it(c.name, () => {
      const r = delongTest(c.scores1, c.scores2, c.labels);
      for (const k of ['auc1', 'auc2', 'var1', 'var2', 'covariance', 'z', 'pValue'] as const) {
        expect(Math.abs(r[k] - c[k]), k).toBeLessThanOrEqual(1e-9);
      }
    });
  }
});

describe('pixel metrics match sklearn on pooled pixels and the MVTec AUPRO reference', () => {
  for (const c of golden.pixel) {
    const feed = (acc: PixelMetricsAccumulator): void => {
      c.maps.forEach((m, k) => acc.add(Float32Array.from(m), Uint8Array.from(c.masks[k]), c.width, c.height));
    };
    it(`${c.name} (exact mode)`, () => {
      const acc = new PixelMetricsAccumulator({ mode: 'exact', thresholds: c.at.map((a) => a.threshold) });
      feed(acc);
      const r = acc.compute();
      expect(r.regions).toBe(c.regions);
      expect(Math.abs(r.auroc - c.auroc)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(r.ap - c.ap)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(r.aupro - c.aupro)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(r.bestDice.dice - c.bestDice)).toBeLessThanOrEqual(1e-9);
      expect(r.aurocErrorBound).toBe(0);
      c.at.forEach((a, k) => {
        expect(Math.abs(r.atThresholds[k].dice - a.dice)).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(r.atThresholds[k].iou - a.iou)).toBeLessThanOrEqual(1e-9);
      });
    });
    it(`${c.name} (binned mode, within its error bounds)`, () => {
      const acc = new PixelMetricsAccumulator({ range: { min: 0, max: 2 }, bins: 256 });
      feed(acc);
      const r = acc.compute();
      expect(r.clampedPixels).toBe(0);
      expect(Math.abs(r.auroc - c.auroc)).toBeLessThanOrEqual(r.aurocErrorBound + 1e-12);
      expect(Math.abs(r.ap - c.ap)).toBeLessThanOrEqual(r.apErrorBound + 1e-12);
    });
  }
});
