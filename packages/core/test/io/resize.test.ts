import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeImage, type GrayImage } from '../../src/io/index.js';

const img = (width: number, height: number, values: number[]): GrayImage => ({
  width,
  height,
  data: Float32Array.from(values),
});

describe('resizeImage', () => {
  it('keeps a constant image constant, any size, both methods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('bilinear' as const, 'area' as const),
        (w, h, W, H, m) => {
          const out = resizeImage(img(w, h, new Array(w * h).fill(42.5)), W, H, m);
          expect(out.width).toBe(W);
          expect(out.height).toBe(H);
          out.data.forEach((v) => expect(v).toBeCloseTo(42.5, 4));
        },
      ),
    );
  });

  it('area 2x downsample gives the 2x2 block means', () => {
    const src = img(4, 2, [1, 3, 10, 20, 5, 7, 30, 40]);
    expect(Array.from(resizeImage(src, 2, 1, 'area').data)).toEqual([
      (1 + 3 + 5 + 7) / 4,
      (10 + 20 + 30 + 40) / 4,
    ]);
  });

  it('area 3 -> 2 weights the shared middle pixel by its overlap', () => {
    // Output pixel 0 covers [0, 1.5): a + b/2 over 1.5; pixel 1 covers [1.5, 3): b/2 + c over 1.5.
    const out = resizeImage(img(3, 1, [3, 6, 12]), 2, 1, 'area');
    expect(out.data[0]).toBeCloseTo((3 + 3) / 1.5, 5);
    expect(out.data[1]).toBeCloseTo((3 + 12) / 1.5, 5);
  });

  it('bilinear matches PyTorch align_corners=False (see fixtures/bilinear-golden.py)', () => {
    const golden = JSON.parse(
      readFileSync(new URL('./fixtures/bilinear-golden.json', import.meta.url), 'utf8'),
    ) as {
      source: { width: number; height: number; data: number[] };
      cases: { width: number; height: number; data: number[] }[];
    };
    const src = img(golden.source.width, golden.source.height, golden.source.data);
    for (const c of golden.cases) {
      const out = resizeImage(src, c.width, c.height, 'bilinear');
      out.data.forEach((v, i) => expect(v).toBeCloseTo(c.data[i], 3));
    }
  });

  it('bilinear downscale agrees with sharp (libvips linear) on a smooth image within rounding', async () => {
    const [w, h, W, H] = [48, 40, 36, 30];
    const v = Array.from({ length: w * h }, (_, i) =>
      Math.round(128 + 100 * Math.sin((i % w) / 9) * Math.cos(Math.floor(i / w) / 7)),
    );
    const ref = await sharp(Buffer.from(v), { raw: { width: w, height: h, channels: 1 } })
      .resize(W, H, { kernel: 'linear', fit: 'fill' })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    const ours = resizeImage(img(w, h, v), W, H, 'bilinear');
    let sum = 0;
    ours.data.forEach((x, i) => {
      expect(Math.abs(x - ref[i])).toBeLessThanOrEqual(3);
      sum += Math.abs(x - ref[i]);
    });
    expect(sum / ours.data.length).toBeLessThan(1);
  });

  it('pil-bilinear matches PIL Image.BILINEAR (antialiased) within its 8-bit rounding (fixtures/pil-bilinear-golden.py)', () => {
    const golden = JSON.parse(readFileSync(new URL('./fixtures/pil-bilinear-golden.json', import.meta.url), 'utf8')) as {
      source: { width: number; height: number; data: number[] };
      cases: { width: number; height: number; data: number[] }[];
    };
    const src = img(golden.source.width, golden.source.height, golden.source.data);
    for (const c of golden.cases) {
      const diff = (method: 'pil-bilinear' | 'bilinear') => resizeImage(src, c.width, c.height, method).data.map((v, i) => Math.abs(v - c.data[i]));
      const ours = diff('pil-bilinear');
      // PIL rounds after the horizontal and after the vertical pass: at most ~1 grey level apart.
      expect(Math.max(...ours)).toBeLessThanOrEqual(1.01);
      expect(ours.reduce((a, b) => a + b, 0) / ours.length).toBeLessThan(0.4);
      // On downscaling, 2-tap bilinear is a different filter (this busy image makes that plain).
      if (c.width < golden.source.width) expect(Math.max(...diff('bilinear'))).toBeGreaterThan(20);
    }
  });

  it('rejects non-positive sizes', () => {
    expect(() => resizeImage(img(2, 2, [1, 2, 3, 4]), 0, 2, 'area')).toThrow(/positive integers/);
  });
});
