import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { meanTInterval, studentTCdf, studentTQuantile } from '../src/index.js';

// Golden values from SciPy: test/golden/make_student_t.py.
const golden = JSON.parse(readFileSync(new URL('./golden/student-t.json', import.meta.url), 'utf8')) as {
  quantiles: { p: number; df: number; q: number }[];
  cdf: { t: number; df: number; p: number }[];
  intervals: { values: number[]; mean: number; sd: number; ci: [number, number] }[];
};

describe('Student t (against SciPy)', () => {
  it('quantiles', () => {
    for (const g of golden.quantiles) expect(studentTQuantile(g.p, g.df)).toBeCloseTo(g.q, 9);
    for (const g of golden.quantiles) expect(studentTQuantile(1 - g.p, g.df)).toBeCloseTo(-g.q, 9);
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
