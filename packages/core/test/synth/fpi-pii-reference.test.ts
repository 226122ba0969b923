// FPI/PII as the authors' code (jemtan/FPI, jemtan/PII; issue 16): alpha ~ U(0.05, 0.95), labels zeroed where the
// blend changed nothing, PII clipped to the destination's range with the image's outer ring fixed; the options that
// give medad's earlier generators back reproduce their recorded outputs bitwise.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DDAD_FPI } from '../../src/detectors/ddad/params.js';
import { syntheticParamsFor } from '../../src/detectors/synthetic/params.js';
import type { GrayImage } from '../../src/io/types.js';
import { fpi, type FpiOptions } from '../../src/synth/fpi.js';
import { pii, type PiiOptions } from '../../src/synth/pii.js';
import type { SynthResult } from '../../src/synth/types.js';
import { bitsEqual, changedPixels, copyOf, inAnyBox, phantom } from './fixtures.js';
import { halfEqual, legacyCases } from './golden/legacy-cases.js';

const LEGACY_FPI: FpiOptions = { alpha: [0, 1], zeroEqual: false };
const LEGACY_PII: PiiOptions = { ...LEGACY_FPI, clip: 'none', border: 'free' };
const W = 32;
const H = 28;
const dest = phantom(W, H, 21);
const other = phantom(W, H, 22);
const mixed = halfEqual(dest, other);
const constant = (v: number, w = 8, h = 8): GrayImage => ({ width: w, height: h, data: new Float32Array(w * h).fill(v) });
const patchPixels = (res: SynthResult, w: number): number[] => [...res.label.keys()].filter((p) => inAnyBox(p, w, res.boxes));
const onRing = (p: number, w: number, h: number) => p % w === 0 || p % w === w - 1 || p < w || p >= (h - 1) * w;

describe('interpolation factor', () => {
  it('defaults to U(0.05, 0.95) for FPI and PII (the code), [0, 1] on request (the paper)', () => {
    const draws = (gen: (s: number, o: FpiOptions) => SynthResult, o: FpiOptions, n: number) =>
      Array.from({ length: n }, (_, s) => Math.max(...gen(s, { ...o, zeroEqual: false }).label));
    const viaFpi = (s: number, o: FpiOptions) => fpi(constant(0), constant(1), s, o);
    const viaPii = (s: number, o: FpiOptions) => pii(constant(0, 12, 12), phantom(12, 12, 3), s, { ...o, border: 'free' });
    for (const [a, n] of [[draws(viaFpi, {}, 2000), 2000], [draws(viaPii, {}, 200), 200]] as const) {
      expect(a).toHaveLength(n);
      expect(Math.min(...a)).toBeGreaterThanOrEqual(Math.fround(0.05));
      expect(Math.max(...a)).toBeLessThanOrEqual(Math.fround(0.95));
      // ...and it spans that range, not a narrower one.
      expect(Math.min(...a)).toBeLessThan(n > 1000 ? 0.06 : 0.1);
      expect(Math.max(...a)).toBeGreaterThan(n > 1000 ? 0.94 : 0.9);
    }
    const paper = draws(viaFpi, { alpha: [0, 1] }, 2000);
    expect(Math.min(...paper)).toBeLessThan(0.01);
    expect(Math.max(...paper)).toBeGreaterThan(0.99);
  });
});

describe('FPI labels', () => {
  it('are 0 where the two images are equal inside the patch and alpha elsewhere, the image as without zeroing', () => {
    let zeros = 0;
    let kept = 0;
    for (let s = 0; s < 12; s++) {
      const res = fpi(dest, mixed, s, { sizeFraction: [0.5, 0.8] });
      const whole = fpi(dest, mixed, s, { sizeFraction: [0.5, 0.8], zeroEqual: false });
      expect(bitsEqual(res.image.data, whole.image.data)).toBe(true);
      expect(res.boxes).toEqual(whole.boxes);
      const a = Math.max(...whole.label);
      for (let p = 0; p < W * H; p++) {
        const equalHere = inAnyBox(p, W, res.boxes) && dest.data[p] === mixed.data[p];
        expect(res.label[p]).toBe(equalHere ? 0 : whole.label[p]);
        if (equalHere) zeros++;
        else if (res.label[p] === a) kept++;
      }
    }
    expect(zeros).toBeGreaterThan(100);
    expect(kept).toBeGreaterThan(100);
  });

  it("compare the inputs at the reference's tolerance: floor(v / tol) equal counts as equal", () => {
    // 0.5001 and 0.5004 share floor(v * 1000) = 500; 0.5011 does not.
    for (const [f, zeroed] of [[0.5004, true], [0.5011, false]] as const) {
      const res = fpi(constant(0.5001), constant(f), 3, { alpha: 0.5, equalTolerance: 1e-3 });
      const exact = fpi(constant(0.5001), constant(f), 3, { alpha: 0.5 });
      expect(Math.max(...res.label)).toBe(zeroed ? 0 : 0.5);
      expect(Math.max(...exact.label)).toBe(0.5);
    }
  });
});

describe('PII labels, clipping and border', () => {
  it('are 0 where the blend equals the destination (a source equal to it, interpolated guidance)', () => {
    for (let s = 0; s < 6; s++) {
      const same = pii(dest, copyOf(dest), s, { guidance: 'interpolated', solver: { tol: 1e-12 } });
      expect(Math.max(...same.label)).toBe(0);
      const whole = pii(dest, copyOf(dest), s, { guidance: 'interpolated', solver: { tol: 1e-12 }, zeroEqual: false });
      expect(Math.max(...whole.label)).toBeGreaterThan(0);
    }
  });

  it('zero exactly the patch pixels the blend left equal to the destination (exact test), alpha elsewhere', () => {
    let zeros = 0;
    let kept = 0;
    for (let s = 0; s < 6; s++) {
      const res = pii(dest, mixed, s, { sizeFraction: [0.5, 0.8], equalTolerance: 0, clip: { min: -0.2, max: 0.2 } });
      const changed = new Set(changedPixels(dest.data, res.image.data));
      const a = Math.max(...res.label);
      for (const p of patchPixels(res, W)) {
        expect(res.label[p]).toBe(changed.has(p) ? a : 0);
        if (changed.has(p)) kept++;
        else zeros++;
      }
    }
    // Clipping to a narrow range leaves many pixels at the destination's own (clipped-equal) value.
    expect(zeros).toBeGreaterThan(20);
    expect(kept).toBeGreaterThan(20);
  });

  it("clip 'destination' (the default) never leaves the destination's [min, max]; 'none' does here", () => {
    const loud: GrayImage = { ...other, data: other.data.map((v) => 3 * v) };
    const [lo, hi] = [Math.min(...dest.data), Math.max(...dest.data)];
    let outside = 0;
    for (let s = 0; s < 10; s++) {
      const res = pii(dest, loud, s, { alpha: 0.95, sizeFraction: [0.4, 0.8] });
      for (const v of res.image.data) expect(v >= lo && v <= hi).toBe(true);
      outside += pii(dest, loud, s, { alpha: 0.95, sizeFraction: [0.4, 0.8], clip: 'none' }).image.data.filter((v) => v < lo || v > hi).length;
    }
    expect(outside).toBeGreaterThan(0);
  });

  it("border 'fixed' (the default) keeps and unlabels the image's outer ring; 'free' blends it", () => {
    let ringInPatch = 0;
    for (let s = 0; s < 8; s++) {
      const fixed = pii(dest, other, s, { sizeFraction: [0.6, 0.9], zeroEqual: false });
      const free = pii(dest, other, s, { sizeFraction: [0.6, 0.9], zeroEqual: false, border: 'free' });
      for (const p of patchPixels(fixed, W)) {
        if (!onRing(p, W, H)) continue;
        ringInPatch++;
        expect(fixed.image.data[p]).toBe(dest.data[p]);
        expect(fixed.label[p]).toBe(0);
        expect(free.label[p]).toBeGreaterThan(0);
      }
    }
    expect(ringInPatch).toBeGreaterThan(0);
  });
});

describe('the earlier generators stay reachable', () => {
  const digest = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
  const record = JSON.parse(readFileSync(new URL('./golden/legacy-fpi-pii.json', import.meta.url), 'utf8')) as { name: string; boxes: unknown; image: string; label: string }[];

  it('alpha [0, 1], zeroEqual false (and PII clip none, border free) reproduce the pre-issue-16 outputs bitwise', () => {
    const cases = legacyCases();
    expect(cases.map((c) => c.name)).toEqual(record.map((r) => r.name));
    for (const [i, c] of cases.entries()) {
      const res = c.method === 'fpi' ? fpi(c.dest, c.foreign, c.seed, { ...LEGACY_FPI, ...c.options }) : pii(c.dest, c.foreign, c.seed, { ...LEGACY_PII, ...c.options });
      expect({ name: c.name, boxes: res.boxes, image: digest(res.image.data), label: digest(res.label) }).toEqual(record[i]);
    }
  });

  it("DDAD's refinement keeps DDAD-ASR's FPI: alpha over [0, 1], the whole patch labelled", () => {
    expect(DDAD_FPI.fpi).toEqual(LEGACY_FPI);
    const res = fpi(dest, mixed, 4, { ...DDAD_FPI.fpi, sizeFraction: [0.5, 0.8] });
    expect(patchPixels(res, W).every((p) => res.label[p] > 0)).toBe(true);
  });
});

describe('bad options', () => {
  it('are rejected by the generators with the option named', () => {
    const bad: [PiiOptions, RegExp][] = [
      [{ zeroEqual: 'yes' as unknown as boolean }, /zeroEqual must be true or false/],
      [{ equalTolerance: -1 }, /equalTolerance must be a finite number >= 0/],
      [{ alpha: [0.9, 0.1] }, /alpha/],
      [{ clip: 'dest' as unknown as 'destination' }, /clip must be 'destination', 'none' or \{ min, max \}/],
      [{ clip: { min: 1, max: 0 } }, /clip must be/],
      [{ border: 'open' as unknown as 'fixed' }, /border must be 'fixed' or 'free'/],
    ];
    for (const [o, msg] of bad) expect(() => pii(dest, other, 1, o)).toThrow(msg);
    expect(() => fpi(dest, other, 1, { equalTolerance: Number.NaN })).toThrow(/fpi: equalTolerance/);
  });

  it('are rejected by the synth-fpi / synth-pii params schemas', () => {
    const ok = (g: 'fpi' | 'pii', p: unknown) => syntheticParamsFor(g).safeParse(p).success;
    expect(ok('fpi', { fpi: { alpha: [0, 1], zeroEqual: false, equalTolerance: 0.001 } })).toBe(true);
    expect(ok('pii', { pii: { alpha: [0, 1], zeroEqual: false, clip: 'none', border: 'free' } })).toBe(true);
    expect(ok('pii', { pii: { clip: { min: -1, max: 1 } } })).toBe(true);
    expect(ok('fpi', { fpi: { alpha: [0.9, 0.1] } })).toBe(false);
    expect(ok('fpi', { fpi: { clip: 'none' } })).toBe(false);
    expect(ok('fpi', { pii: {} })).toBe(false);
    expect(ok('pii', { pii: { clip: 'dest' } })).toBe(false);
    expect(ok('pii', { pii: { border: 'open' } })).toBe(false);
  });
});
