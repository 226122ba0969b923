import { describe, expect, it } from 'vitest';
import { laplacian, solvePoissonDirichlet } from '../../src/synth/poisson.js';

const W = 24;
const H = 20;
const grid = (f: (x: number, y: number) => number): Float64Array => {
  const out = new Float64Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = f(x, y);
  return out;
};
const interior = grid((x, y) => (x > 0 && y > 0 && x < W - 1 && y < H - 1 ? 1 : 0));
const disk = grid((x, y) => ((x - 11) ** 2 + (y - 9) ** 2 < 49 ? 1 : 0));
/** The boundary image handed to the solver: exact outside the mask, garbage inside (so the solver must work). */
const withHole = (f: Float64Array, mask: Float64Array): Float64Array => f.map((v, p) => (mask[p] ? 123 : v));
const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('solvePoissonDirichlet', () => {
  it('recovers f = u^2 + v^2 from its Laplacian and exact boundary values', () => {
    const s = 1 / (W - 1);
    const f = grid((x, y) => (x * s) ** 2 + (y * s) ** 2);
    for (const mask of [interior, disk]) {
      const rhs = mask.map((m) => (m ? 4 * s * s : 0));
      const res = solvePoissonDirichlet(rhs, withHole(f, mask), mask, W, H, { tol: 1e-12, initial: 'zero' });
      expect(res.converged).toBe(true);
      expect(maxErr(res.values, f)).toBeLessThan(1e-6);
    }
  });

  it('recovers harmonic functions (x*y, x^2 - y^2) with zero right-hand side', () => {
    for (const f of [grid((x, y) => (x * y) / 400), grid((x, y) => (x * x - y * y) / 400)]) {
      for (const mask of [interior, disk]) {
        const res = solvePoissonDirichlet(new Float64Array(W * H), withHole(f, mask), mask, W, H, { tol: 1e-12, initial: 'zero' });
        expect(maxErr(res.values, f)).toBeLessThan(1e-6);
      }
    }
  });

  it('reproduces a linear ramp exactly (constant-gradient patch)', () => {
    const f = grid((x, y) => 0.03 * x - 0.05 * y + 0.2);
    const res = solvePoissonDirichlet(new Float64Array(W * H), withHole(f, interior), interior, W, H, { tol: 1e-13, initial: 'zero' });
    expect(maxErr(res.values, f)).toBeLessThan(1e-10);
    // Outside the mask the boundary image is returned unchanged.
    for (let p = 0; p < W * H; p++) if (!interior[p]) expect(res.values[p]).toBe(f[p]);
  });

  it('satisfies the discrete equation for a mask touching the image edge (Neumann there)', () => {
    const mask = grid((x, y) => (x < 10 && y > 3 && y < 15 ? 1 : 0)); // touches x = 0
    const rhs = grid((x, y) => (mask[y * W + x] ? Math.sin(x + 2 * y) * 0.1 : 0));
    const boundary = grid((x, y) => Math.cos(0.3 * x) * Math.sin(0.2 * y));
    const res = solvePoissonDirichlet(rhs, boundary, mask, W, H, { tol: 1e-12 });
    const lap = laplacian(res.values, W, H);
    for (let p = 0; p < W * H; p++) if (mask[p]) expect(lap[p]).toBeCloseTo(rhs[p], 8);
  });

  it('does not modify its inputs', () => {
    const f = grid((x, y) => x + y);
    const rhs = interior.map((m) => m * 0.5);
    const [rhs0, f0, m0] = [rhs.slice(), f.slice(), interior.slice()];
    solvePoissonDirichlet(rhs, f, interior, W, H);
    expect(rhs).toEqual(rhs0);
    expect(f).toEqual(f0);
    expect(interior).toEqual(m0);
  });

  it('refuses a region with no Dirichlet boundary and mis-sized inputs', () => {
    const all = new Uint8Array(W * H).fill(1);
    expect(() => solvePoissonDirichlet(new Float64Array(W * H), new Float64Array(W * H), all, W, H)).toThrow(/no Dirichlet boundary/);
    expect(() => solvePoissonDirichlet(new Float64Array(3), new Float64Array(W * H), interior, W, H)).toThrow(/guidanceDivergence has length 3/);
  });

  it('returns the boundary unchanged for an empty mask', () => {
    const f = grid((x, y) => x * y);
    const res = solvePoissonDirichlet(new Float64Array(W * H), f, new Uint8Array(W * H), W, H);
    expect(res.iterations).toBe(0);
    expect(Array.from(res.values)).toEqual(Array.from(f));
  });
});
