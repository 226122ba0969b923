// Bad input gives a MetricError with a code, never a silent number.
import { describe, expect, it } from 'vitest';
import {
  auroc,
  averagePrecision,
  bootstrapCI,
  delongTest,
  metricsAt,
  MetricError,
  prCurve,
  rocCurve,
  type MetricErrorCode,
} from '../src/index.js';

function codeOf(fn: () => unknown): MetricErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MetricError);
    return (e as MetricError).code;
  }
  return undefined;
}

describe('image-level input errors', () => {
  const ranking = { auroc, averagePrecision, rocCurve, prCurve } as const;
  for (const [name, fn] of Object.entries(ranking)) {
    it(`${name} rejects bad input`, () => {
      expect(codeOf(() => fn([0.1, 0.2], [0, 1, 1]))).toBe('LENGTH_MISMATCH');
      expect(codeOf(() => fn([0.1, NaN], [0, 1]))).toBe('NON_FINITE');
      expect(codeOf(() => fn([0.1, Infinity], [0, 1]))).toBe('NON_FINITE');
      expect(codeOf(() => fn([0.1, -Infinity], [0, 1]))).toBe('NON_FINITE');
      expect(codeOf(() => fn([0.1, 0.2], [0, 2]))).toBe('INVALID_LABEL');
      expect(codeOf(() => fn([0.1, 0.2], [-1, 1]))).toBe('INVALID_LABEL');
      expect(codeOf(() => fn([0.1, 0.2], [0, 0.5]))).toBe('INVALID_LABEL');
      expect(codeOf(() => fn([], []))).toBe('EMPTY_INPUT');
      expect(codeOf(() => fn([0.1, 0.2], [0, 0]))).toBe('SINGLE_CLASS');
    });
  }

  it('AUROC and the ROC curve are undefined without negatives; AP is 1', () => {
    expect(codeOf(() => auroc([0.1, 0.2], [1, 1]))).toBe('SINGLE_CLASS');
    expect(codeOf(() => rocCurve([0.1, 0.2], [1, 1]))).toBe('SINGLE_CLASS');
    expect(averagePrecision([0.1, 0.2], [1, 1])).toBe(1);
  });

  it('the error message names the problem and the index', () => {
    expect(() => auroc([0.1, 0.2, NaN], [0, 1, 1])).toThrow('scores[2] is NaN');
    expect(() => auroc([0.1, 0.2], [0, 7])).toThrow('labels[1] is 7');
  });

  it('threshold metrics validate too, and NaN thresholds are refused', () => {
    expect(codeOf(() => metricsAt([1, 2], [0, 1], NaN))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => metricsAt([1, NaN], [0, 1], 1))).toBe('NON_FINITE');
  });

  it('DeLong and bootstrap need both classes', () => {
    expect(codeOf(() => delongTest([1, 2, 3, 4], [1, 2, 3, 4], [0, 0, 0, 1]))).toBe('SINGLE_CLASS');
    expect(codeOf(() => delongTest([1, 2, 3, 4], [1, 2, 3], [0, 0, 1, 1]))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => bootstrapCI([1, 2], [1, 1], 'auroc'))).toBe('SINGLE_CLASS');
    expect(codeOf(() => bootstrapCI([1, 2], [0, 1], 'auroc', { resamples: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => bootstrapCI([1, 2], [0, 1], 'auroc', { confidence: 1 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('threshold metrics at the documented convention (score >= threshold is positive)', () => {
  it('counts a score equal to the threshold as positive', () => {
    const m = metricsAt([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1], 0.5);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([2, 1, 1, 0]);
    expect(m.specificity).toBeCloseTo(0.5, 15);
    expect(m.balancedAccuracy).toBeCloseTo(0.75, 15);
  });

  it('uses zeroDivision (default 0) when nothing is predicted positive', () => {
    expect(metricsAt([0.1, 0.2], [0, 1], 5).precision).toBe(0);
    expect(metricsAt([0.1, 0.2], [0, 1], 5, { zeroDivision: NaN }).precision).toBeNaN();
  });
});
