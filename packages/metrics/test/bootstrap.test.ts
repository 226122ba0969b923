import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, bootstrapCI, erfc, Rng } from '../src/index.js';

function sample(n: number, seed: number): { scores: number[]; labels: number[] } {
  const rng = new Rng(seed);
  const labels = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const scores = labels.map((l) => Math.round((rng.nextFloat() + 0.5 * l) * 100) / 100);
  return { scores, labels };
}

describe('bootstrap confidence intervals', () => {
  const { scores, labels } = sample(300, 1);

  it('is reproducible for a seed and changes with the seed', () => {
    const a = bootstrapCI(scores, labels, 'auroc', { resamples: 200, seed: 3 });
    const b = bootstrapCI(scores, labels, 'auroc', { resamples: 200, seed: 3 });
    const c = bootstrapCI(scores, labels, 'auroc', { resamples: 200, seed: 4 });
    expect(a).toEqual(b);
    expect(c.lower === a.lower && c.upper === a.upper).toBe(false);
  });

  it('reports the full-data estimate and brackets it with a sensible width', () => {
    for (const metric of ['auroc', 'ap'] as const) {
      const ci = bootstrapCI(scores, labels, metric, { resamples: 400, seed: 1 });
      expect(ci.estimate).toBe(metric === 'auroc' ? auroc(scores, labels) : averagePrecision(scores, labels));
      expect(ci.lower).toBeLessThan(ci.estimate);
      expect(ci.upper).toBeGreaterThan(ci.estimate);
      expect(ci.upper).toBeLessThanOrEqual(1);
      // 60 positives / 240 negatives: the AUROC standard error is a few hundredths, not tenths.
      expect(ci.standardError).toBeGreaterThan(0.005);
      expect(ci.standardError).toBeLessThan(0.08);
    }
  });

  it('stratifies: works with a single positive, where plain resampling would often lose it', () => {
    const ci = bootstrapCI([0.9, 0.1, 0.2, 0.3, 0.95], [1, 0, 0, 0, 0], 'auroc', { resamples: 100 });
    expect(Number.isFinite(ci.lower)).toBe(true);
    expect(ci.upper).toBeLessThanOrEqual(1);
  });

  it('narrows as the data grow (the interval is driven by the resamples, not fixed)', () => {
    const small = sample(100, 2);
    const large = sample(3000, 2);
    const w = (d: { scores: number[]; labels: number[] }): number => {
      const ci = bootstrapCI(d.scores, d.labels, 'auroc', { resamples: 300, seed: 7 });
      return ci.upper - ci.lower;
    };
    expect(w(large)).toBeLessThan(w(small) / 2.5);
  });
});

describe('erfc', () => {
  it('matches reference values', () => {
    // Values from scipy.special.erfc.
    const ref: [number, number][] = [
      [0, 1.0],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028516],
      [2, 0.004677734981047266],
      [1.4999, 0.033906748337704726],
      [1.5, 0.03389485352468927],
      [2.4999, 0.0004071699003334512],
      [2.5, 0.00040695201744495886],
      [3, 2.2090496998585445e-05],
      [5, 1.5374597944280347e-12],
      [10, 2.0884875837625446e-45],
      [20, 5.395865611607901e-176],
      [-1, 1.8427007929497148],
    ];
    for (const [x, y] of ref) expect(Math.abs(erfc(x) - y) / y).toBeLessThan(1e-14);
  });
});
