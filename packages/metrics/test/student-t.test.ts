import { describe, expect, it } from 'vitest';
import { meanTInterval, studentTCdf, studentTQuantile } from '../src/index.js';
import goldenJson from './golden/student-t.json' with { type: 'json' };

// Golden values from SciPy: test/golden/make_student_t.py.
const golden = goldenJson as {
  quantiles: { p: number; df: number; q: number }[];
  cdf: { t: number; df: number; p: number }[];
  intervals: { values: number[]; mean: number; sd: number; ci: number[] }[];
};

describe('Student t (against SciPy)', () => {
  it('quantiles', () => {
    // SciPy's t.ppf is itself only ~1e-9 accurate for some df (its own cdf at ppf(0.9, 3) is 0.90000000036), so
    // the quantiles are compared to 1e-7 relative, and checked tightly by the round trip through the CDF.
    for (const g of golden.quantiles) {
      const q = studentTQuantile(g.p, g.df);
      expect(Math.abs(q - g.q) / g.q, `p=${g.p} df=${g.df}`).toBeLessThan(1e-7);
      expect(studentTCdf(q, g.df)).toBeCloseTo(g.p, 13);
      expect(studentTQuantile(1 - g.p, g.df)).toBe(-q);
    }
    // Closed forms: df = 1 is Cauchy, df = 2 has t = (2p - 1) / sqrt(2p(1 - p)).
    for (const p of [0.6, 0.9, 0.975, 0.995]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 12);
    }
  });
  it('CDF', () => {
    for (const g of golden.cdf) expect(studentTCdf(g.t, g.df)).toBeCloseTo(g.p, 12);
  });
  it('mean t-interval', () => {
    for (const g of golden.intervals) {
      const r = meanTInterval(g.values);
      expect(r.mean).toBeCloseTo(g.mean, 12);
      expect(r.sd).toBeCloseTo(g.sd, 12);
      expect(r.ci?.[0]).toBeCloseTo(g.ci[0], 9);
      expect(r.ci?.[1]).toBeCloseTo(g.ci[1], 9);
    }
  });
  it('one value has a mean but no spread or interval; bad input is refused', () => {
    const r = meanTInterval([0.7]);
    expect(r.mean).toBe(0.7);
    expect(r.sd).toBeNaN();
    expect(r.ci).toBeUndefined();
    expect(() => meanTInterval([])).toThrow(/EMPTY_INPUT/);
    expect(() => meanTInterval([1, NaN])).toThrow(/NON_FINITE/);
    expect(() => studentTQuantile(1, 3)).toThrow(/INVALID_ARGUMENT/);
  });
});
