import { describe, expect, it } from 'vitest';
import {
  adaptiveThreshold,
  maxF1Threshold,
  metricsAt,
  MetricError,
  normalQuantileThreshold,
  Rng,
  thresholdAtFpr,
  thresholdAtSpecificity,
  youdenThreshold,
} from '../src/index.js';

function sample(n: number, seed: number, prevalence: number): { scores: number[]; labels: number[] } {
  const rng = new Rng(seed);
  const labels = Array.from({ length: n }, () => (rng.nextFloat() < prevalence ? 1 : 0));
  // Rounded to create ties; anomalies shifted up.
  const scores = labels.map((l) => Math.round((rng.nextFloat() + rng.nextFloat() + 0.7 * l) * 20) / 20);
  return { scores, labels };
}

const { scores, labels } = sample(400, 11, 0.3);
const candidates = [...new Set(scores)];

describe('supervised thresholds (brute force over every distinct score)', () => {
  it('maxF1Threshold finds the best F1', () => {
    const t = maxF1Threshold(scores, labels);
    const best = Math.max(...candidates.map((c) => metricsAt(scores, labels, c).f1));
    expect(t.f1).toBeCloseTo(best, 12);
    expect(metricsAt(scores, labels, t.threshold).f1).toBeCloseTo(t.f1, 12);
  });

  it("youdenThreshold maximises Youden's J", () => {
    const t = youdenThreshold(scores, labels);
    const best = Math.max(...candidates.map((c) => { const m = metricsAt(scores, labels, c); return m.recall - m.fpr; }));
    expect(t.j).toBeCloseTo(best, 12);
    const m = metricsAt(scores, labels, t.threshold);
    expect(m.recall - m.fpr).toBeCloseTo(t.j, 12);
  });

  it('thresholdAtFpr keeps FPR within target with the highest TPR', () => {
    for (const target of [0, 0.01, 0.05, 0.1, 0.5, 1]) {
      const t = thresholdAtFpr(scores, labels, target);
      const feasible = candidates.map((c) => metricsAt(scores, labels, c)).filter((m) => m.fpr <= target + 1e-12);
      const bestTpr = feasible.length ? Math.max(...feasible.map((m) => m.recall)) : 0;
      expect(t.fpr).toBeLessThanOrEqual(target + 1e-12);
      expect(t.tpr).toBeCloseTo(bestTpr, 12);
    }
    expect(thresholdAtSpecificity(scores, labels, 0.95)).toEqual(thresholdAtFpr(scores, labels, 0.05));
  });

  it('returns +Infinity (flag nothing) when even the top score breaks the FPR target', () => {
    const t = thresholdAtFpr([1, 1, 0], [1, 0, 0], 0.1);
    expect(t.threshold).toBe(Infinity);
    expect(t.tpr).toBe(0);
  });

  it('counts 0.1·10 as exactly one allowed false positive despite rounding', () => {
    const s = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11];
    const l = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    // 11 negatives; maxFpr = 1/11 allows one.
    expect(thresholdAtFpr(s, l, 1 / 11).fpr).toBeCloseTo(1 / 11, 12);
    expect(thresholdAtFpr(s.slice(1), l.slice(1), 0.1).fpr).toBeCloseTo(0.1, 12);
  });
});

describe('unsupervised threshold from normal-only validation scores', () => {
  it('flags at most ⌊(1−q)·n⌋ validation normals', () => {
    const normals = Array.from({ length: 1000 }, (_, i) => i / 7);
    const t = normalQuantileThreshold(normals, 0.99);
    expect(normals.filter((s) => s >= t.threshold).length).toBe(10);
    expect(t.validationFpr).toBeCloseTo(0.01, 12);
    expect(t.expectedFpr).toBeCloseTo(0.01, 12);
    expect(normalQuantileThreshold(normals, 0.95).validationFpr).toBeCloseTo(0.05, 12);
  });

  it('gives about the target FPR on fresh normals from the same distribution', () => {
    const rng = new Rng(5);
    const draw = (): number => rng.nextFloat() + rng.nextFloat();
    const val = Array.from({ length: 20000 }, draw);
    const t = normalQuantileThreshold(val, 0.99);
    const test = Array.from({ length: 100000 }, draw);
    const fpr = test.filter((s) => s >= t.threshold).length / test.length;
    expect(fpr).toBeGreaterThan(0.007);
    expect(fpr).toBeLessThan(0.013);
  });

  it('never exceeds the target with ties at the top, and goes above the max when nothing qualifies', () => {
    const tied = [...Array(95).fill(0.2), ...Array(5).fill(0.9)];
    const t = normalQuantileThreshold(tied, 0.99); // 5 tied at the top > 1 allowed
    expect(t.threshold).toBeGreaterThan(0.9);
    expect(t.validationFpr).toBe(0);
    const small = normalQuantileThreshold([0.3, 0.1, 0.2], 0.99);
    expect(small.threshold).toBeGreaterThan(0.3);
    expect(small.threshold - 0.3).toBeLessThan(1e-15);
    const constant = normalQuantileThreshold([4, 4, 4, 4], 0.5);
    expect(constant.threshold).toBeGreaterThan(4);
  });

  it('validates its input', () => {
    expect(() => normalQuantileThreshold([], 0.99)).toThrow(MetricError);
    expect(() => normalQuantileThreshold([1, NaN], 0.99)).toThrow(/NON_FINITE/);
    expect(() => normalQuantileThreshold([1, 2], 1.5)).toThrow(/INVALID_ARGUMENT/);
  });
});

describe('validation set without anomalies', () => {
  const rng = new Rng(9);
  const normals = Array.from({ length: 500 }, () => rng.nextFloat());
  const noAnomalies = normals.map(() => 0);

  it('supervised rules refuse with a pointer to normalQuantileThreshold', () => {
    expect(() => maxF1Threshold(normals, noAnomalies)).toThrow(/SINGLE_CLASS.*normalQuantileThreshold/);
    expect(() => youdenThreshold(normals, noAnomalies)).toThrow(MetricError);
    expect(() => thresholdAtFpr(normals, noAnomalies, 0.01)).toThrow(MetricError);
  });

  it('adaptiveThreshold falls back to the normal quantile instead of flagging everything', () => {
    const t = adaptiveThreshold(normals, noAnomalies, 0.99);
    expect(t.method).toBe('normal-quantile');
    const flagged = normals.filter((s) => s >= t.threshold).length;
    expect(flagged).toBeLessThanOrEqual(5);
    expect(flagged).toBeGreaterThan(0);
  });

  it('adaptiveThreshold uses max-F1 when anomalies are present', () => {
    const t = adaptiveThreshold(scores, labels);
    expect(t.method).toBe('max-f1');
    expect(t.threshold).toBe(maxF1Threshold(scores, labels).threshold);
  });

  it('an anomalies-only validation set is an error', () => {
    expect(() => adaptiveThreshold([1, 2], [1, 1])).toThrow(/SINGLE_CLASS/);
  });
});
