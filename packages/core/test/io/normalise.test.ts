import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadImage, normaliseImage } from '../../src/io/index.js';
import { writeDicom } from './fixtures/dicom-writer.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
const grey = (values: number[], extra = {}) => ({
  width: values.length,
  height: 1,
  data: Float32Array.from(values),
  ...extra,
});

describe('normaliseImage', () => {
  it('minus1to1 maps the bit-depth range, so a dark image stays dark', () => {
    const out = normaliseImage(grey([0, 10, 20], { bitDepth: 8 }), 'minus1to1');
    expect(out.data[0]).toBe(-1);
    expect(out.data[2]).toBeCloseTo(-1 + (2 * 20) / 255, 6);
    expect(Math.max(...out.data)).toBeLessThan(-0.8);
  });

  it('prefers an explicit range, then valueRange, then bit depth', () => {
    const img = grey([0, 50, 100], { bitDepth: 16, valueRange: { min: 0, max: 100 } });
    expect(Array.from(normaliseImage(img, 'minus1to1').data)).toEqual([-1, 0, 1]);
    expect(Array.from(normaliseImage(img, 'unit', { min: 0, max: 200 }).data)).toEqual([0, 0.25, 0.5]);
    expect(normaliseImage(grey([65535], { bitDepth: 16 }), 'unit').data[0]).toBe(1);
  });

  it('refuses a fixed-range mode when no range is knowable', () => {
    expect(() => normaliseImage(grey([1, 2]), 'unit')).toThrow(/no range given/);
  });

  it('zscore gives mean 0, std 1 per image, and zeros for a constant image', () => {
    const out = normaliseImage(grey([2, 4, 4, 4, 5, 5, 7, 9]), 'zscore');
    // mean 5, population std 2
    expect(Array.from(out.data)).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
    expect(Array.from(normaliseImage(grey([3, 3]), 'zscore').data)).toEqual([0, 0]);
  });
});

describe('loadImage', () => {
  it('decodes, resizes and normalises, keeping the original size', async () => {
    const f = tmp.path('load.png');
    const v = [0, 0, 255, 255, 0, 0, 255, 255];
    await sharp(Buffer.from(v), { raw: { width: 4, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(f);
    const [img] = await loadImage(f, { size: [2, 1], resize: 'area', normalise: 'minus1to1' });
    expect(img).toMatchObject({
      width: 2,
      height: 1,
      originalWidth: 4,
      originalHeight: 2,
      valueRange: { min: -1, max: 1 },
    });
    expect(Array.from(img.data)).toEqual([-1, 1]);
  });

  it('normalises a windowed DICOM by its [0,1] window output', async () => {
    const f = tmp.path('load.dcm');
    await writeFile(
      f,
      writeDicom({
        rows: 1,
        cols: 2,
        bitsAllocated: 16,
        window: { center: 1000.5, width: 2 },
        pixels: [0, 4000],
      }),
    );
    const [img] = await loadImage(f, { size: [2, 1], resize: 'bilinear', normalise: { mode: 'unit' } });
    expect(Array.from(img.data)).toEqual([0, 1]);
  });
});
