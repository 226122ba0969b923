import { describe, expect, it } from 'vitest';
import {
  auroc,
  averagePrecision,
  connectedComponents,
  maskOverlap,
  MetricError,
  overlapAt,
  PixelMetricsAccumulator,
  RangeTracker,
  Rng,
  trapezoidUpTo,
} from '../src/index.js';

const W = 16;
const H = 12;

function image(rng: Rng): { map: Float32Array; mask: Uint8Array } {
  const mask = new Uint8Array(W * H);
  const cx = rng.nextInt(W);
  const cy = rng.nextInt(H);
  const on = rng.nextFloat() < 0.7;
  const map = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (on && (x - cx) ** 2 + (y - cy) ** 2 <= 5) mask[i] = 1;
      map[i] = rng.nextFloat() + 0.5 * mask[i];
    }
  }
  return { map, mask };
}

describe('connected components (8-connectivity)', () => {
  it('joins diagonal neighbours and separates gaps', () => {
    // 1 0 0 1
    // 0 1 0 1
    // 0 0 0 0
    // 1 1 0 0
    const mask = Uint8Array.from([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
    const cc = connectedComponents(mask, 4, 4);
    expect(cc.count).toBe(3);
    expect([...cc.sizes].slice(1).sort()).toEqual([2, 2, 2]);
    expect(cc.labels[0]).toBe(cc.labels[5]);
    expect(cc.labels[0]).not.toBe(cc.labels[3]);
    expect(cc.labels[2]).toBe(0);
  });
});

describe('Dice and IoU', () => {
  it('overlapAt equals maskOverlap of the thresholded map', () => {
    const { map, mask } = image(new Rng(1));
    const pred = Uint8Array.from(map, (v) => (v >= 0.7 ? 1 : 0));
    expect(overlapAt(map, mask, W, H, 0.7)).toEqual(maskOverlap(pred, mask, W, H));
  });

  it('hand-computed values; both empty is NaN (documented)', () => {
    const r = maskOverlap(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([1, 0, 1, 0]), 2, 2);
    expect(r.dice).toBeCloseTo(0.5, 15);
    expect(r.iou).toBeCloseTo(1 / 3, 15);
    expect(maskOverlap(new Uint8Array(4), new Uint8Array(4), 2, 2).dice).toBeNaN();
    expect(maskOverlap(new Uint8Array(4), Uint8Array.from([0, 1, 0, 0]), 2, 2).dice).toBe(0);
  });

  it('rejects masks that are not 0/1 and size mismatches', () => {
    expect(() => maskOverlap(Uint8Array.from([255, 0]), Uint8Array.from([1, 0]), 2, 1)).toThrow(/INVALID_LABEL/);
    expect(() => overlapAt(new Float32Array(3), new Uint8Array(4), 2, 2, 0)).toThrow(/LENGTH_MISMATCH/);
    expect(() => overlapAt(Float32Array.from([0, NaN]), new Uint8Array(2), 2, 1, 0)).toThrow(/NON_FINITE/);
  });
});

describe('PixelMetricsAccumulator', () => {
  const rng = new Rng(3);
  const images = Array.from({ length: 12 }, () => image(rng));
  const allScores = images.flatMap((im) => [...im.map]);
  const allLabels = images.flatMap((im) => [...im.mask]);

  it('exact mode equals image-level metrics on the pooled pixels', () => {
    const acc = new PixelMetricsAccumulator({ mode: 'exact', thresholds: [0.8] });
    for (const im of images) acc.add(im.map, im.mask, W, H);
    const r = acc.compute();
    expect(r.auroc).toBeCloseTo(auroc(allScores, allLabels), 12);
    expect(r.ap).toBeCloseTo(averagePrecision(allScores, allLabels), 12);
    expect(r.images).toBe(12);
    expect(r.pixels).toBe(12 * W * H);
    const pooled = overlapAt(Float32Array.from(allScores), Uint8Array.from(allLabels), allScores.length, 1, 0.8);
    expect(r.atThresholds[0].dice).toBe(pooled.dice);
    expect(r.atThresholds[0].iou).toBe(pooled.iou);
    expect(r.bestDice.dice).toBeGreaterThanOrEqual(pooled.dice);
    expect(overlapAt(Float32Array.from(allScores), Uint8Array.from(allLabels), allScores.length, 1, r.bestDice.threshold).dice)
      .toBeCloseTo(r.bestDice.dice, 12);
  });

  it('with 2^16 bins the bound is small and binned results sit inside it', () => {
    const exact = new PixelMetricsAccumulator({ mode: 'exact' });
    const binned = new PixelMetricsAccumulator({ range: { min: 0, max: 1.5 } });
    for (const im of images) {
      exact.add(im.map, im.mask, W, H);
      binned.add(im.map, im.mask, W, H);
    }
    const e = exact.compute();
    const b = binned.compute();
    expect(b.aurocErrorBound).toBeLessThan(1e-3);
    expect(b.apErrorBound).toBeLessThan(1e-2);
    expect(Math.abs(b.auroc - e.auroc)).toBeLessThanOrEqual(b.aurocErrorBound);
    expect(Math.abs(b.ap - e.ap)).toBeLessThanOrEqual(b.apErrorBound);
    expect(Math.abs(b.aupro - e.aupro)).toBeLessThan(1e-3);
  });

  it('perfect maps give AUROC = AP = AUPRO = best Dice = 1', () => {
    const acc = new PixelMetricsAccumulator({ range: { min: 0, max: 1 } });
    for (const im of images) acc.add(Float32Array.from(im.mask), im.mask, W, H);
    const r = acc.compute();
    expect([r.auroc, r.ap, r.bestDice.dice]).toEqual([1, 1, 1]);
    expect(r.aupro).toBeCloseTo(1, 12); // Σ 1/|region| over region pixels carries float rounding
  });

  it('AUPRO is the mean per-region overlap: one region fully found, one missed', () => {
    // Two 1-pixel regions; one scored above every normal pixel, one below.
    const mask = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 1]);
    const map = Float32Array.from([9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0]);
    const acc = new PixelMetricsAccumulator({ mode: 'exact' });
    acc.add(map, mask, 8, 1);
    const r = acc.compute();
    expect(r.regions).toBe(2);
    // PRO is 0.5 from FPR 0 up to FPR 1 (all normals at 0.5 jump together), so AUPRO@0.3 = 0.5 · the
    // interpolated segment: the curve goes (0,0.5) -> (1,0.5); area to 0.3 is 0.15; /0.3 = 0.5.
    expect(r.aupro).toBeCloseTo(0.5, 12);
  });

  it('clamps out-of-range pixels and counts them; RangeTracker gives the range for a second pass', () => {
    const tracker = new RangeTracker();
    for (const im of images) tracker.observe(im.map);
    const range = tracker.range();
    const acc = new PixelMetricsAccumulator({ range });
    for (const im of images) acc.add(im.map, im.mask, W, H);
    expect(acc.compute().clampedPixels).toBe(0);
    const narrow = new PixelMetricsAccumulator({ range: { min: 0.2, max: 0.8 } });
    for (const im of images) narrow.add(im.map, im.mask, W, H);
    const outside = allScores.filter((v) => v < 0.2 || v > 0.8).length;
    const r = narrow.compute();
    expect(r.clampedPixels).toBe(outside);
    expect(Math.abs(r.auroc - auroc(allScores, allLabels))).toBeLessThanOrEqual(r.aurocErrorBound);
  });

  it('refuses bad input and becomes unusable after a partly-added map', () => {
    expect(() => new PixelMetricsAccumulator()).toThrow(/range/);
    expect(() => new PixelMetricsAccumulator({ range: { min: 1, max: 1 } })).toThrow(MetricError);
    const acc = new PixelMetricsAccumulator({ range: { min: 0, max: 1 } });
    expect(() => acc.add(new Float32Array(4), Uint8Array.from([0, 2, 0, 0]), 2, 2)).toThrow(/INVALID_LABEL/);
    expect(() => acc.add(new Float32Array(4), new Uint8Array(4), 4, 2)).toThrow(/LENGTH_MISMATCH/);
    acc.add(Float32Array.from([0.1, 0.2]), Uint8Array.from([0, 0]), 2, 1);
    expect(() => acc.compute()).toThrow(/SINGLE_CLASS/);
    expect(() => acc.add(Float32Array.from([0.1, Infinity]), Uint8Array.from([1, 0]), 2, 1)).toThrow(/NON_FINITE/);
    expect(() => acc.compute()).toThrow(/unusable/);
    const small = new PixelMetricsAccumulator({ mode: 'exact', maxExactPixels: 10 });
    expect(() => small.add(new Float32Array(12), new Uint8Array(12), 4, 3)).toThrow(/TOO_LARGE/);
  });
});

describe('trapezoidUpTo', () => {
  it('interpolates the last segment at xMax', () => {
    expect(trapezoidUpTo([0, 0.2, 0.6, 1], [0, 1, 1, 1], 0.3)).toBeCloseTo(0.1 + 0.1, 15);
    expect(trapezoidUpTo([0, 0.3, 1], [0, 1, 1], 0.3)).toBeCloseTo(0.15, 15);
  });
});
