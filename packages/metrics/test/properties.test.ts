// Property tests (fast-check): invariances and bounds that hold for any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, delongTest, maskOverlap, PixelMetricsAccumulator, Rng } from '../src/index.js';
import { sortDescending } from '../src/sort.js';

/** Integer scores (many ties) with labels holding both classes. */
const labelled = fc
  .array(fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 200 })
  .filter((xs) => xs.some(([, l]) => l === 1) && xs.some(([, l]) => l === 0))
  .map((xs) => ({ scores: xs.map(([s]) => s), labels: xs.map(([, l]) => l) }));

/** O(n²) Mann-Whitney count: an independent definition of tie-aware AUROC. */
function pairwiseAuroc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('AUROC properties', () => {
  it('equals the pairwise Mann-Whitney statistic', () => {
    fc.assert(fc.property(labelled, ({ scores, labels }) => {
      expect(auroc(scores, labels)).toBeCloseTo(pairwiseAuroc(scores, labels), 12);
    }));
  });

  it('is invariant under strictly increasing transforms', () => {
    const transforms = [(x: number) => x ** 3 + 2 * x, (x: number) => Math.atan(x / 100), (x: number) => Math.exp(x / 500)];
    fc.assert(fc.property(labelled, fc.constantFrom(...transforms), ({ scores, labels }, f) => {
      expect(auroc(scores.map(f), labels)).toBeCloseTo(auroc(scores, labels), 12);
    }));
  });

  it('AUROC(−s) = 1 − AUROC(s)', () => {
    fc.assert(fc.property(labelled, ({ scores, labels }) => {
      expect(auroc(scores.map((s) => -s), labels)).toBeCloseTo(1 - auroc(scores, labels), 12);
    }));
  });
});

describe('AP properties', () => {
  it('lies between the all-positives-last value and 1', () => {
    fc.assert(fc.property(labelled, ({ scores, labels }) => {
      const p = labels.filter((l) => l === 1).length;
      const n = labels.length - p;
      let worst = 0;
      for (let k = 1; k <= p; k++) worst += k / (n + k) / p;
      const ap = averagePrecision(scores, labels);
      expect(ap).toBeGreaterThanOrEqual(worst - 1e-12);
      expect(ap).toBeLessThanOrEqual(1 + 1e-12);
    }));
  });

  it('is 1 for a perfect ranking and the prevalence for constant scores', () => {
    fc.assert(fc.property(labelled, ({ labels }) => {
      const p = labels.filter((l) => l === 1).length;
      expect(averagePrecision(labels, labels)).toBeCloseTo(1, 12);
      expect(averagePrecision(labels.map(() => 3), labels)).toBeCloseTo(p / labels.length, 12);
    }));
  });
});

describe('Dice / IoU', () => {
  const masks = fc.integer({ min: 1, max: 64 }).chain((len) =>
    fc.tuple(fc.uint8Array({ minLength: len, maxLength: len, max: 1 }), fc.uint8Array({ minLength: len, maxLength: len, max: 1 })),
  );
  it('is symmetric, in [0, 1], and Dice = 2·IoU/(1+IoU)', () => {
    fc.assert(fc.property(masks, ([a, b]) => {
      const ab = maskOverlap(a, b, a.length, 1);
      const ba = maskOverlap(b, a, a.length, 1);
      if (Number.isNaN(ab.dice)) {
        expect(a.every((v) => v === 0) && b.every((v) => v === 0)).toBe(true);
        expect(ba.dice).toBeNaN();
        return;
      }
      expect(ab.dice).toBe(ba.dice);
      expect(ab.iou).toBe(ba.iou);
      expect(ab.dice).toBeGreaterThanOrEqual(0);
      expect(ab.dice).toBeLessThanOrEqual(1);
      expect(ab.dice).toBeCloseTo((2 * ab.iou) / (1 + ab.iou), 12);
    }));
  });
});

describe('streaming pixel metrics', () => {
  const dataset = fc.record({
    images: fc.array(
      fc.tuple(fc.float32Array({ minLength: 48, maxLength: 48, noNaN: true, noDefaultInfinity: true, min: -3, max: 3 }),
        fc.uint8Array({ minLength: 48, maxLength: 48, max: 1 })),
      { minLength: 1, maxLength: 4 },
    ),
    bins: fc.integer({ min: 2, max: 600 }),
  }).filter(({ images }) => images.some(([, m]) => m.includes(1)) && images.some(([, m]) => m.includes(0)));

  it('binned AUROC and AP stay within the reported bound of the exact values', () => {
    fc.assert(fc.property(dataset, ({ images, bins }) => {
      const exact = new PixelMetricsAccumulator({ mode: 'exact' });
      const binned = new PixelMetricsAccumulator({ range: { min: -3, max: 3 }, bins });
      for (const [map, mask] of images) {
        exact.add(map, mask, 8, 6);
        binned.add(map, mask, 8, 6);
      }
      const e = exact.compute();
      const b = binned.compute();
      expect(Math.abs(b.auroc - e.auroc)).toBeLessThanOrEqual(b.aurocErrorBound + 1e-12);
      expect(Math.abs(b.ap - e.ap)).toBeLessThanOrEqual(b.apErrorBound + 1e-12);
      expect(b.regions).toBe(e.regions);
    }), { numRuns: 150 });
  });
});

describe("DeLong's test", () => {
  const cases = labelled.filter(({ labels }) => labels.filter((l) => l === 1).length >= 2 && labels.filter((l) => l === 0).length >= 2);
  it('gives z = 0 and p = 1 for identical score vectors', () => {
    fc.assert(fc.property(cases, ({ scores, labels }) => {
      const r = delongTest(scores, scores, labels);
      expect(r.z).toBe(0);
      expect(r.pValue).toBe(1);
      expect(r.auc1).toBe(r.auc2);
    }));
  });

  it('is antisymmetric in its two score vectors, with p in [0, 1]', () => {
    fc.assert(fc.property(cases, fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 200, maxLength: 200 }), ({ scores, labels }, noise) => {
      const other = scores.map((s, i) => s + noise[i]);
      const a = delongTest(scores, other, labels);
      const b = delongTest(other, scores, labels);
      expect(b.z).toBeCloseTo(-a.z, 9);
      expect(b.pValue).toBeCloseTo(a.pValue, 12);
      expect(a.pValue).toBeGreaterThanOrEqual(0);
      expect(a.pValue).toBeLessThanOrEqual(1);
      expect(a.auc1).toBeCloseTo(auroc(scores, labels), 12);
    }));
  });
});

describe('radix sort of large score arrays', () => {
  it('orders exactly as the native sort, including negatives, zeros, ties and extremes', () => {
    const special = [0, -0, 1e-310, -1e-310, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5];
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
      const rng = new Rng(seed);
      const n = 40_000; // above the radix cut-off
      const a = Float64Array.from({ length: n }, (_, i) =>
        i < special.length ? special[i] : rng.nextFloat() < 0.3 ? Math.round(rng.nextFloat() * 20) - 10 : (rng.nextFloat() - 0.5) * 10 ** rng.nextInt(12));
      const expected = Float64Array.from(a).sort().reverse();
      const got = sortDescending(Float64Array.from(a));
      for (let i = 0; i < n; i++) if (got[i] !== expected[i]) expect.fail(`index ${i}: ${got[i]} vs ${expected[i]}`);
    }), { numRuns: 5 });
  });
});
