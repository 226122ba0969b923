// loadImage resizes while decoding: grey rasters (and RGB ones whose bands are all equal) straight from the decoder's
// buffer, the rest after the grey conversion. Every path must give exactly what decoding at full size, then
// resizeImage, then normaliseImage gives.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeFile, loadImage, normaliseImage, resizeImage, type LoadOptions, type ResizeMethod } from '../../src/io/index.js';
import { writeDicom } from './fixtures/dicom-writer.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
const W = 37;
const H = 23;
const grey = Array.from({ length: W * H }, (_, i) => (i * 29 + Math.floor(i / W) * 7) % 256);
const bands = (c: number, equal: boolean) => Buffer.from(Array.from({ length: W * H * c }, (_, i) => (equal || i % c === 0 || i % c === 3 ? grey[Math.floor(i / c)] : (grey[Math.floor(i / c)] * 3 + i) % 256)));

async function reference(file: string, opts: LoadOptions): Promise<Float32Array[]> {
  const mode = typeof opts.normalise === 'string' ? opts.normalise : opts.normalise.mode;
  return (await decodeFile(file)).map((img) => normaliseImage({ ...img, ...resizeImage(img, opts.size[0], opts.size[1], opts.resize) }, mode).data);
}

describe('loadImage = decode at full size, resize, normalise (bit for bit)', () => {
  const files: [string, () => Promise<string>][] = [
    ['grey PNG', async () => { const f = tmp.path('g.png'); await sharp(bands(1, true), { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').png().toFile(f); return f; }],
    ['RGB PNG, equal bands', async () => { const f = tmp.path('rgb-eq.png'); await sharp(bands(3, true), { raw: { width: W, height: H, channels: 3 } }).png().toFile(f); return f; }],
    ['RGB PNG, colour', async () => { const f = tmp.path('rgb.png'); await sharp(bands(3, false), { raw: { width: W, height: H, channels: 3 } }).png().toFile(f); return f; }],
    ['grey + alpha PNG', async () => { const f = tmp.path('ga.png'); await sharp(bands(2, true), { raw: { width: W, height: H, channels: 2 } }).png().toFile(f); return f; }],
    ['RGBA PNG, equal bands', async () => { const f = tmp.path('rgba.png'); await sharp(bands(4, true), { raw: { width: W, height: H, channels: 4 } }).png().toFile(f); return f; }],
    ['16-bit grey PNG', async () => { const f = tmp.path('g16.png'); await sharp(Uint16Array.from(grey, (v) => v * 257 + 3), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').png().toFile(f); return f; }],
    ['colour JPEG', async () => { const f = tmp.path('c.jpg'); await sharp(bands(3, false), { raw: { width: W, height: H, channels: 3 } }).jpeg().toFile(f); return f; }],
    ['DICOM (resized after decoding)', async () => { const f = tmp.path('d.dcm'); await writeFile(f, writeDicom({ rows: H, cols: W, bitsAllocated: 16, pixels: grey.map((v) => v * 11) })); return f; }],
  ];
  const sizes: [number, number, ResizeMethod][] = [[16, 8, 'area'], [16, 8, 'bilinear'], [16, 8, 'pil-bilinear'], [W, H, 'area'], [64, 40, 'bilinear']];
  for (const [name, make] of files) {
    it(name, async () => {
      const f = await make();
      for (const [w, h, method] of sizes) {
        const opts: LoadOptions = { size: [w, h], resize: method, normalise: 'minus1to1' };
        const got = await loadImage(f, opts);
        const ref = await reference(f, opts);
        expect(got.map((g) => [g.width, g.height, g.originalWidth, g.originalHeight])).toEqual(ref.map(() => [w, h, W, H]));
        expect(got.map((g) => Array.from(g.data))).toEqual(ref.map((r) => Array.from(r)));
      }
    });
  }
});
