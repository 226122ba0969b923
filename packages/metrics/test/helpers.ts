import { expect } from 'vitest';

/** The 32-bit LCG of golden/make_golden.py (`lcg_case`), so large golden cases need no stored arrays. */
export function lcgCase(spec: { n: number; seed: number; prevalencePermille: number; signal: number; levels: number }): {
  scores: Float64Array;
  labels: Uint8Array;
} {
  let s = spec.seed >>> 0;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const scores = new Float64Array(spec.n);
  const labels = new Uint8Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    const label = (next() >>> 8) % 1000 < spec.prevalencePermille ? 1 : 0;
    const raw = (next() >>> 8) % spec.levels;
    scores[i] = (raw + label * spec.signal) / spec.levels;
    labels[i] = label;
  }
  return { scores, labels };
}

/** Element-wise |a − b| ≤ tol with equal lengths; reports the first offending index. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      expect.fail(`${what}[${i}]: ${actual[i]} vs expected ${expected[i]}`);
    }
  }
}
