// The threshold's reliability on small validation sets (order-statistic interval, golden ranks from exact rational
// arithmetic in golden/quantile_ci.py) and the one display range shared by report.html and the editor.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalQuantileThreshold } from '@medad/metrics';
import { quantileCiRanks, thresholdReliability } from '../../src/pipeline/threshold-reliability.js';
import { DISPLAY_QUANTILE, mapDisplay } from '../../src/pipeline/display-range.js';

const golden = JSON.parse(readFileSync(new URL('./golden/quantile_ci.json', import.meta.url), 'utf8')) as { n: number; q: number; ranks: [number, number]; coverage: number }[];

describe('quantile interval ranks', () => {
  it.each(golden)('n=$n q=$q matches the exact binomial ranks', ({ n, q, ranks, coverage }) => {
    const r = quantileCiRanks(n, q);
    expect(r.ranks).toEqual(ranks);
    expect(r.coverage).toBeCloseTo(coverage, 9);
  });
});

describe('thresholdReliability', () => {
  it('8 normals for the 0.95 quantile: too few, the threshold is the maximum, the interval is open above', () => {
    const normals = [0.1, 0.2, 0.15, 0.3, 0.12, 0.948, 0.22, 0.18];
    const r = thresholdReliability(normals, 0.95);
    expect(r.tooFew).toBe(true);
    expect(r.minNormals).toBe(20);
    expect(r.boundedNormals).toBe(72);
    expect(r.ci[1]).toBeNull();
    expect(r.warning).toMatch(/only 8 validation normals .*needs ≥ 20/);
    // the case the rule describes: the threshold chosen is just above the largest normal (one outlier)
    expect(normalQuantileThreshold(normals, 0.95).threshold).toBeGreaterThan(0.948);
  });

  it('20 normals: estimated (one above the threshold allowed) but still loose; 100 normals: no warning', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i / 20);
    const r20 = thresholdReliability(twenty, 0.95);
    expect(r20.tooFew).toBe(false);
    expect(r20.warning).toMatch(/loosely/);
    const hundred = Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    const r100 = thresholdReliability(hundred, 0.95);
    expect(r100.warning).toBeUndefined();
    // ranks 90 and 100 of the sorted values 0..99
    expect(r100.ci).toEqual([89, 99]);
  });
});

describe('mapDisplay', () => {
  const flat = (n: number, v: number) => new Float32Array(n).fill(v);
  it('spans validation-normal pixels up to the 99.9th percentile, not the run maximum', () => {
    // 10 000 normal pixels 0..1 (one per 1e-4) and one test map with a single huge outlier
    const val = [Float32Array.from({ length: 10_000 }, (_, i) => i / 10_000)];
    const test = [flat(100, 0.5), Float32Array.from([0, 10.1])];
    const d = mapDisplay(val, test, [0, 10.1]);
    expect(d.range[0]).toBe(0);
    expect(d.range[1]).toBeCloseTo(DISPLAY_QUANTILE, 3);
    expect(d.pixelThreshold).toBeCloseTo(0.995, 3);
    expect(d.rule).toMatch(/validation-normal/);
  });

  it('falls back to the test maps without validation normals, and to the map range for a constant map', () => {
    expect(mapDisplay([], [Float32Array.from({ length: 1000 }, (_, i) => i)], [0, 999]).rule).toMatch(/test/);
    const c = mapDisplay([flat(50, 0)], [], [0, 3]);
    expect(c.range).toEqual([0, 3]);
  });
});
