import { describe, expect, it } from 'vitest';
import { fpi } from '../../src/synth/fpi.js';
import { pii } from '../../src/synth/pii.js';
import { laplacian } from '../../src/synth/poisson.js';
import type { SynthResult } from '../../src/synth/types.js';
import { bitsEqual, changedPixels, copyOf, inAnyBox, phantom } from './fixtures.js';

const W = 48;
const H = 40;
const dest = phantom(W, H, 1);
const foreign = phantom(W, H, 2);
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function checkLocality(res: SynthResult): void {
  // changed ⊆ label > 0 ⊆ patch
  const bad = changedPixels(dest.data, res.image.data).filter((p) => !(res.label[p] > 0));
  for (let p = 0; p < W * H; p++) if (res.label[p] !== 0 && !inAnyBox(p, W, res.boxes)) bad.push(p);
  expect(bad).toEqual([]);
}

describe.each([
  ['fpi', fpi],
  ['pii', pii],
] as const)('%s', (_name, gen) => {
  it('changes only pixels inside the patch, all of them labelled', () => {
    for (const s of SEEDS) {
      // Exact equality test, so every changed pixel is labelled (PII's default tolerance 1e-3 zeroes tiny changes).
      const res = gen(dest, foreign, s, { equalTolerance: 0 });
      expect(res.boxes).toHaveLength(1);
      const b = res.boxes[0];
      expect(b.x >= 0 && b.y >= 0 && b.x + b.w <= W && b.y + b.h <= H).toBe(true);
      // Published default: side in [0.1, 0.4] of the image (clipped at the edge).
      expect(Math.max(b.w, b.h)).toBeLessThanOrEqual(Math.round(0.4 * Math.min(W, H)));
      checkLocality(res);
      expect(changedPixels(dest.data, res.image.data).length).toBeGreaterThan(0);
    }
  });

  it('with zeroEqual false (and border free), labels the whole patch with alpha (the interpolation factor)', () => {
    const res = gen(dest, foreign, 9, { alpha: 0.37, zeroEqual: false, border: 'free' });
    const b = res.boxes[0];
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) expect(res.label[y * W + x]).toBe(Math.fround(0.37));
  });

  it('is deterministic per seed, differs across seeds, and never mutates its inputs', () => {
    const [d0, f0] = [copyOf(dest), copyOf(foreign)];
    const a = gen(dest, foreign, 42);
    const b = gen(dest, foreign, 42);
    const c = gen(dest, foreign, 43);
    expect(bitsEqual(a.image.data, b.image.data) && bitsEqual(a.label, b.label)).toBe(true);
    expect(a.boxes).toEqual(b.boxes);
    expect(bitsEqual(a.image.data, c.image.data)).toBe(false);
    expect(bitsEqual(dest.data, d0.data) && bitsEqual(foreign.data, f0.data)).toBe(true);
    expect(a.image.data).not.toBe(dest.data);
  });

  it('rejects mismatched sizes and bad options with clear errors', () => {
    expect(() => gen(dest, phantom(W, H + 1, 3), 1)).toThrow(/foreign image is 48x41, expected 48x40/);
    expect(() => gen(dest, foreign, 1, { alpha: [0.5, 2] })).toThrow(/alpha/);
  });
});

describe('fpi specifics', () => {
  it('interpolates linearly: out = (1 - a) x + a x_foreign inside the patch', () => {
    for (const s of SEEDS) {
      const res = fpi(dest, foreign, s, { zeroEqual: false });
      const b = res.boxes[0];
      const a = res.label[b.y * W + b.x];
      expect(a).toBeGreaterThan(0);
      expect(a).toBeLessThan(1);
      for (let y = b.y; y < b.y + b.h; y++)
        for (let x = b.x; x < b.x + b.w; x++) {
          const p = y * W + x;
          expect(res.label[p]).toBe(a);
          expect(res.image.data[p]).toBeCloseTo((1 - a) * dest.data[p] + a * foreign.data[p], 5);
        }
    }
  });
});

describe('pii specifics', () => {
  const inBox = (res: SynthResult) => {
    const b = res.boxes[0];
    const ps: number[] = [];
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) ps.push(y * W + x);
    return ps;
  };

  it('leaves the image unchanged (up to solver tolerance) when alpha = 0', () => {
    for (const guidance of ['mixed', 'interpolated'] as const)
      for (const s of SEEDS.slice(0, 4)) {
        // Start the solver from zero so it has to find the destination itself.
        const res = pii(dest, foreign, s, { alpha: 0, guidance, solver: { initial: 'zero', tol: 1e-10 } });
        for (const p of inBox(res)) expect(Math.abs(res.image.data[p] - dest.data[p])).toBeLessThan(1e-4);
      }
  });

  it("imports the source's gradients when alpha = 1 (Laplacian of the result = Laplacian of the source)", () => {
    for (const guidance of ['mixed', 'interpolated'] as const)
      for (const s of SEEDS.slice(0, 4)) {
        const res = pii(dest, foreign, s, { alpha: 1, guidance, clip: 'none', solver: { tol: 1e-10 } });
        const lo = laplacian(res.image.data, W, H);
        const ls = laplacian(foreign.data, W, H);
        // The image's outer ring is never blended (border 'fixed', the default): only the patch inside it is solved.
        const inner = inBox(res).filter((p) => p % W > 0 && p % W < W - 1 && p >= W && p < (H - 1) * W);
        for (const p of inner) expect(Math.abs(lo[p] - ls[p])).toBeLessThan(1e-4);
        // ...while the rim still matches the destination: not a plain copy of the source.
        expect(inBox(res).some((p) => Math.abs(res.image.data[p] - foreign.data[p]) > 1e-3)).toBe(true);
      }
  });

  it('mixed and interpolated guidance give different blends at alpha = 0.5', () => {
    const a = pii(dest, foreign, 5, { alpha: 0.5, guidance: 'mixed' });
    const b = pii(dest, foreign, 5, { alpha: 0.5, guidance: 'interpolated' });
    expect(a.boxes).toEqual(b.boxes);
    expect(bitsEqual(a.image.data, b.image.data)).toBe(false);
  });

  it('clips to the given range (every patch pixel blended: border free)', () => {
    const res = pii(dest, foreign, 3, { alpha: 1, clip: { min: -0.2, max: 0.2 }, border: 'free' });
    for (const p of inBox(res)) expect(Math.abs(res.image.data[p])).toBeLessThanOrEqual(0.2 + 1e-7);
  });
});
