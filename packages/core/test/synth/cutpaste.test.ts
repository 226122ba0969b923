import { describe, expect, it } from 'vitest';
import { cutPaste, cutPaste3Way, cutPasteScar } from '../../src/synth/cutpaste.js';
import type { SynthResult } from '../../src/synth/types.js';
import { bitsEqual, changedPixels, copyOf, inAnyBox, phantom } from './fixtures.js';

const W = 64;
const H = 64;
const img = phantom(W, H, 11);
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

/** changed ⊆ label = 1 ⊆ box, labels binary; returns the offending pixels (expected none). */
function checkLocality(res: SynthResult): void {
  const bad: number[] = changedPixels(img.data, res.image.data).filter((p) => res.label[p] !== 1);
  for (let p = 0; p < W * H; p++)
    if (!(res.label[p] === 0 || res.label[p] === 1) || (res.label[p] > 0 && !inAnyBox(p, W, res.boxes))) bad.push(p);
  expect(bad).toEqual([]);
}

describe('cutPaste (patch)', () => {
  it('pastes one rectangle with the published area and aspect ranges; label = the rectangle', () => {
    for (const s of SEEDS) {
      const res = cutPaste(img, s);
      checkLocality(res);
      const [b] = res.boxes;
      const area = (b.w * b.h) / (W * H);
      expect(area).toBeGreaterThan(0.015); // 0.02..0.15 up to rounding of the sides
      expect(area).toBeLessThan(0.16);
      expect(b.w / b.h).toBeGreaterThan(0.25);
      expect(b.w / b.h).toBeLessThan(4);
      let n = 0;
      for (let p = 0; p < W * H; p++) if (res.label[p]) n++;
      expect(n).toBe(b.w * b.h);
    }
  });

  it('without jitter the pasted content is a rectangle cut from the same image', () => {
    for (const s of SEEDS.slice(0, 4)) {
      const res = cutPaste(img, s, { jitter: 0 });
      const [b] = res.boxes;
      let found = false;
      for (let sy = 0; sy + b.h <= H && !found; sy++)
        for (let sx = 0; sx + b.w <= W && !found; sx++) {
          let same = true;
          for (let y = 0; y < b.h && same; y++)
            for (let x = 0; x < b.w && same; x++) same = res.image.data[(b.y + y) * W + b.x + x] === img.data[(sy + y) * W + sx + x];
          found = same;
        }
      expect(found).toBe(true);
    }
  });

  it('keeps jittered values inside the value range', () => {
    const res = cutPaste(img, 3, { jitter: 0.5 });
    for (const v of res.image.data) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });
});

describe('cutPasteScar', () => {
  it('pastes a thin rotated strip of the published size; changed ⊆ label ⊆ box', () => {
    for (const s of SEEDS) {
      const res = cutPasteScar(img, s, { scarScale: 1 });
      checkLocality(res);
      let n = 0;
      for (let p = 0; p < W * H; p++) if (res.label[p]) n++;
      // width 2..16 x length 10..25 px, rotated and rasterised
      expect(n).toBeGreaterThan(10);
      expect(n).toBeLessThan(16 * 25 * 1.3);
      const [b] = res.boxes;
      expect(Math.max(b.w, b.h)).toBeLessThanOrEqual(Math.ceil((16 + 25) / Math.SQRT2) + 2);
    }
  });

  it('scales the default scar with the image (sizes are for 256 px)', () => {
    const big = phantom(256, 256, 4);
    const small = phantom(32, 32, 4);
    const count = (r: SynthResult) => r.label.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
    let nBig = 0;
    let nSmall = 0;
    for (const s of SEEDS.slice(0, 6)) {
      nBig += count(cutPasteScar(big, s));
      nSmall += count(cutPasteScar(small, s));
    }
    expect(nBig).toBeGreaterThan(nSmall * 10);
  });
});

describe('cutPaste3Way', () => {
  it('draws all three classes; class 0 is an untouched copy with a zero label', () => {
    const seen = new Set<number>();
    for (const s of Array.from({ length: 30 }, (_, i) => i)) {
      const res = cutPaste3Way(img, s);
      seen.add(res.cls);
      if (res.cls === 0) {
        expect(bitsEqual(res.image.data, img.data)).toBe(true);
        expect(res.label.every((v) => v === 0)).toBe(true);
        expect(res.boxes).toEqual([]);
      } else expect(changedPixels(img.data, res.image.data).length).toBeGreaterThan(0);
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('honours a forced class', () => {
    expect(cutPaste3Way(img, 1, { cls: 2 }).cls).toBe(2);
    expect(() => cutPaste3Way(img, 1, { cls: 5 as 0 })).toThrow(/cls must be 0, 1 or 2/);
  });
});

describe.each([
  ['patch', cutPaste],
  ['scar', cutPasteScar],
] as const)('cutpaste %s purity', (_n, gen) => {
  it('is deterministic per seed, differs across seeds, and leaves the input alone', () => {
    const before = copyOf(img);
    const a = gen(img, 7);
    const b = gen(img, 7);
    const c = gen(img, 8);
    expect(bitsEqual(a.image.data, b.image.data) && bitsEqual(a.label, b.label)).toBe(true);
    expect(bitsEqual(a.image.data, c.image.data)).toBe(false);
    expect(bitsEqual(img.data, before.data)).toBe(true);
  });
});
