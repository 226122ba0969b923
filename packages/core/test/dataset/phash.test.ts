import { describe, expect, it } from 'vitest';
import { NearIndex } from '../../src/dataset/near-index.js';
import { hamming, hashFromThumbnail, lowDct, perceptualHash } from '../../src/dataset/phash.js';
import { mulberry32 } from '../../src/dataset/random.js';

/** DCT-II straight from the definition (no separability, no tables): an independent reference. */
function naiveDct(p: Float64Array, n: number, v: number, u: number): number {
  let s = 0;
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++)
      s +=
        p[y * n + x] *
        Math.cos((Math.PI * (2 * x + 1) * u) / (2 * n)) *
        Math.cos((Math.PI * (2 * y + 1) * v) / (2 * n));
  return s;
}

const randomImage = (seed: number, n: number) => {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n * n }, () => r() * 255);
};

describe('pHash', () => {
  it('matches the DCT definition and the median rule', () => {
    const n = 32;
    const img = randomImage(5, n);
    const fast = lowDct(img, n, 8);
    const ref = Array.from({ length: 64 }, (_, i) => naiveDct(img, n, Math.floor(i / 8), i % 8));
    fast.forEach((c, i) => expect(c).toBeCloseTo(ref[i], 6));
    const sorted = [...ref].sort((a, b) => a - b);
    const med = (sorted[31] + sorted[32]) / 2;
    const bits = hashFromThumbnail(img, n, 8);
    ref.forEach((c, i) => expect(((bits[i >> 5] >>> (i & 31)) & 1) === 1).toBe(c > med));
  });

  it('ignores global contrast and tells different images apart', () => {
    const img = { width: 32, height: 32, data: Float32Array.from(randomImage(1, 32)) };
    const scaled = { ...img, data: img.data.map((v) => v * 3) };
    expect(hamming(perceptualHash(img), perceptualHash(scaled))).toBe(0);
    const other = { ...img, data: Float32Array.from(randomImage(2, 32)) };
    expect(hamming(perceptualHash(img), perceptualHash(other))).toBeGreaterThan(16);
  });
});

describe('NearIndex', () => {
  it('finds exactly what brute force finds', () => {
    const r = mulberry32(9);
    const word = () => (r() * 2 ** 32) >>> 0;
    const base = Array.from({ length: 40 }, () => Uint32Array.of(word(), word()));
    // Plant neighbours: flip k random bits of some base hashes.
    const hashes = [...base];
    for (let i = 0; i < 200; i++) {
      const h = Uint32Array.from(base[i % base.length]);
      const flips = Math.floor(r() * 12);
      for (let f = 0; f < flips; f++) {
        const b = Math.floor(r() * 64);
        h[b >> 5] ^= 1 << (b & 31);
      }
      hashes.push(h);
    }
    for (const maxDistance of [0, 3, 8, 10]) {
      const index = new NearIndex(hashes, 64, maxDistance);
      for (const q of hashes.slice(0, 60)) {
        const brute = hashes.flatMap((h, i) => (hamming(q, h) <= maxDistance ? [i] : []));
        expect(index.query(q).map((x) => x.index)).toEqual(brute);
      }
    }
  });
});
