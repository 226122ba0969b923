import { describe, expect, it } from 'vitest';
import { intensityStats, noiseSigma, sharpness } from '../../../src/dataset/audit/index.js';
import { mulberry32 } from '../../../src/random.js';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('pixel statistics', () => {
  it('intensity stats of a two-level image', () => {
    const data = new Float32Array(1000);
    data.fill(0.8, 300); // 30% at 0, 70% at 0.8
    const s = intensityStats(data);
    expect(s.mean).toBeCloseTo(0.56, 5);
    expect(s.std).toBeCloseTo(Math.sqrt(0.3 * 0.7) * 0.8, 5);
    expect(s.p01).toBeLessThan(0.001);
    expect(s.p50).toBeCloseTo(0.8, 3);
    expect(s.backgroundFraction).toBeCloseTo(0.3, 6);
    expect(s.effectiveBits).toBe(1);
  });

  it('mean gradient magnitude of a linear ramp is its slope; its Laplacian variance is 0', () => {
    const w = 20;
    const h = 10;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = 0.01 * x;
    const s = sharpness({ width: w, height: h, data });
    expect(s.gradientMean).toBeCloseTo(0.01, 6);
    expect(s.laplacianVar).toBeCloseTo(0, 9);
  });

  it("Immerkær's estimate recovers the σ of white noise on a smooth image, and ignores the smooth part", () => {
    const rand = mulberry32(3);
    const w = 200;
    const h = 200;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = 0.3 + 0.2 * Math.sin(x / 30) * Math.cos(y / 40) + 0.02 * gaussian(rand);
    expect(noiseSigma({ width: w, height: h, data })).toBeGreaterThan(0.019);
    expect(noiseSigma({ width: w, height: h, data })).toBeLessThan(0.021);
    const smooth = data.map((_, i) => 0.3 + 0.2 * Math.sin((i % w) / 30) * Math.cos(Math.floor(i / w) / 40));
    expect(noiseSigma({ width: w, height: h, data: smooth })).toBeLessThan(0.001);
  });
});
