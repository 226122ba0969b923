import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeFile, ImageReadError, probeFile } from '../../src/io/index.js';
import { pngHeaderOnly } from './fixtures/png-bomb.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
const W = 5;
const H = 3;
const grey8 = Array.from({ length: W * H }, (_, i) => (i * 17 + 3) % 256);
const grey16 = Array.from({ length: W * H }, (_, i) => (i * 4099 + 7) % 65536);

const raw8 = (v: number[], channels: 1 | 3 = 1) =>
  sharp(Buffer.from(v), { raw: { width: W, height: H, channels } }).toColourspace(
    channels === 1 ? 'b-w' : 'srgb',
  );
const raw16 = (v: number[]) =>
  sharp(Uint16Array.from(v), { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16');

async function expectReadError(file: string, pattern: RegExp): Promise<void> {
  const err = await decodeFile(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ImageReadError);
  expect((err as ImageReadError).file).toBe(file);
  expect((err as ImageReadError).reason).toMatch(pattern);
}

describe('raster decoding', () => {
  it('reads 8-bit grey PNG exactly, in 0..255', async () => {
    const f = tmp.path('g8.png');
    await raw8(grey8).png().toFile(f);
    const [img] = await decodeFile(f);
    expect(img).toMatchObject({
      width: W,
      height: H,
      bitDepth: 8,
      format: 'png',
      id: f,
      valueRange: { min: 0, max: 255 },
    });
    expect(Array.from(img.data)).toEqual(grey8);
  });

  it('reads 16-bit grey PNG exactly, in 0..65535', async () => {
    const f = tmp.path('g16.png');
    await raw16(grey16).png().toFile(f);
    const [img] = await decodeFile(f);
    expect(img.bitDepth).toBe(16);
    expect(img.valueRange).toEqual({ min: 0, max: 65535 });
    expect(Array.from(img.data)).toEqual(grey16);
  });

  it('reads 8- and 16-bit TIFF and lossless WebP exactly', async () => {
    const t8 = tmp.path('g8.tif');
    const t16 = tmp.path('g16.tiff');
    const wp = tmp.path('g8.webp');
    await raw8(grey8).tiff({ compression: 'lzw' }).toFile(t8);
    await raw16(grey16).tiff({ compression: 'lzw' }).toFile(t16);
    await raw8(grey8).webp({ lossless: true }).toFile(wp);
    expect(Array.from((await decodeFile(t8))[0].data)).toEqual(grey8);
    const [i16] = await decodeFile(t16);
    expect(i16.bitDepth).toBe(16);
    expect(Array.from(i16.data)).toEqual(grey16);
    const [w] = await decodeFile(wp);
    expect(w.format).toBe('webp');
    expect(Array.from(w.data)).toEqual(grey8);
  });

  it('reads JPEG within JPEG error of a smooth image', async () => {
    const smooth = Array.from({ length: W * H }, (_, i) => 100 + (i % W) * 4);
    const f = tmp.path('g.jpg');
    await raw8(smooth).jpeg({ quality: 100 }).toFile(f);
    const [img] = await decodeFile(f);
    expect(img.format).toBe('jpeg');
    img.data.forEach((v, i) => expect(Math.abs(v - smooth[i])).toBeLessThanOrEqual(3));
  });

  it('reads a grey GIF exactly and names BMP as unsupported by this sharp build', async () => {
    const g = tmp.path('g.gif');
    await raw8(grey8).gif().toFile(g);
    expect(Array.from((await decodeFile(g))[0].data)).toEqual(grey8);
    const bmp = Buffer.alloc(58); // 1x1 24-bit BMP header + one padded pixel row
    bmp.write('BM', 0);
    bmp.writeUInt32LE(58, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(1, 18);
    bmp.writeInt32LE(1, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    const b = tmp.path('a.bmp');
    await writeFile(b, bmp);
    await expectReadError(b, /unsupported format bmp/);
  });

  it('converts colour to Rec.601 luma', async () => {
    const rgb = Array.from({ length: W * H * 3 }, (_, i) => (i * 37) % 256);
    const f = tmp.path('rgb.png');
    await raw8(rgb, 3).png().toFile(f);
    const [img] = await decodeFile(f);
    for (let i = 0; i < W * H; i++) {
      const [r, g, b] = rgb.slice(i * 3, i * 3 + 3);
      expect(img.data[i]).toBeCloseTo(0.299 * r + 0.587 * g + 0.114 * b, 4);
    }
  });

  it('detects format by magic bytes, not extension', async () => {
    const f = tmp.path('really-a-png.jpg');
    await raw8(grey8).png().toFile(f);
    const [img] = await decodeFile(f);
    expect(img.format).toBe('png');
    expect(Array.from(img.data)).toEqual(grey8);
  });

  it('probes headers', async () => {
    const f = tmp.path('probe16.png');
    await raw16(grey16).png().toFile(f);
    expect(await probeFile(f)).toEqual({ format: 'png', width: W, height: H, bitDepth: 16, frames: 1 });
  });
});

describe('raster failures', () => {
  it('refuses a PNG whose header claims 100000x100000 without decoding it', async () => {
    const f = tmp.path('bomb.png');
    await writeFile(f, pngHeaderOnly(100000, 100000));
    await expectReadError(f, /10000000000 pixels, above the limit of 64000000/);
    // The header itself is readable: probing reports the claimed size.
    expect(await probeFile(f)).toMatchObject({ format: 'png', width: 100000, height: 100000 });
  });

  it('honours a smaller maxPixels', async () => {
    const f = tmp.path('small-limit.png');
    await raw8(grey8).png().toFile(f);
    await expect(decodeFile(f, { maxPixels: W * H - 1 })).rejects.toThrow(/above the limit/);
    await expect(decodeFile(f, { maxPixels: W * H })).resolves.toHaveLength(1);
  });

  it('reports a truncated PNG', async () => {
    const full = await raw8(Array.from({ length: W * H }, (_, i) => i))
      .png({ compressionLevel: 0 })
      .toBuffer();
    const f = tmp.path('truncated.png');
    await writeFile(f, full.subarray(0, full.length - 30));
    await expectReadError(f, /corrupt|truncated/);
  });

  it('reports random bytes named .png as unrecognised', async () => {
    const f = tmp.path('random.png');
    await writeFile(f, Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 73 + 11) % 251)));
    await expectReadError(f, /unrecognised format/);
  });

  it('reports a 0-byte file and a missing file', async () => {
    const f = tmp.path('empty.png');
    await writeFile(f, Buffer.alloc(0));
    await expectReadError(f, /empty file/);
    await expectReadError(tmp.path('missing.png'), /cannot read/);
  });

  it('reports a PNG with 0 width', async () => {
    const f = tmp.path('zero-width.png');
    await writeFile(f, pngHeaderOnly(0, 10));
    await expectReadError(f, /zero-sized/);
  });
});
