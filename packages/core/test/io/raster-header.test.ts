// The JPEG/PNG header reader that lets decoding skip libvips' metadata call must say what libvips says, and must hand
// every case it does not fully understand back to libvips (undefined) instead of guessing.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rasterHeader } from '../../src/io/raster-header.js';

const W = 7;
const H = 5;
const px = (channels: number, depth: 8 | 16 = 8) => {
  const n = W * H * channels;
  return depth === 8 ? Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) % 256)) : Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536);
};
const img = (channels: 1 | 2 | 3 | 4, depth: 8 | 16 = 8) => sharp(px(channels, depth), { raw: { width: W, height: H, channels } });

async function agrees(bytes: Buffer, format: 'jpeg' | 'png'): Promise<void> {
  const got = rasterHeader(format, bytes);
  const m = await sharp(bytes).metadata();
  expect(got).toEqual({ width: m.width, height: m.height, channels: m.channels, hasAlpha: m.hasAlpha, depth: m.depth });
}

describe('rasterHeader agrees with sharp().metadata()', () => {
  const cases: [string, () => Promise<Buffer>][] = [
    ['grey JPEG', () => img(1).toColourspace('b-w').jpeg().toBuffer()],
    ['colour JPEG (4:2:0)', () => img(3).jpeg().toBuffer()],
    ['progressive JPEG', () => img(3).jpeg({ progressive: true }).toBuffer()],
    ['JPEG with EXIF and an ICC profile before the frame header', () => img(3).withMetadata({ exif: { IFD0: { Copyright: 'medad test' } } }).jpeg().toBuffer()],
    ['8-bit grey PNG', () => img(1).toColourspace('b-w').png().toBuffer()],
    ['16-bit grey PNG', () => img(1, 16).toColourspace('grey16').png().toBuffer()],
    ['grey + alpha PNG', () => img(2).png().toBuffer()],
    ['RGB PNG', () => img(3).png().toBuffer()],
    ['RGBA PNG', () => img(4).png().toBuffer()],
    ['16-bit RGB PNG', () => img(3, 16).toColourspace('rgb16').png().toBuffer()],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const bytes = await make();
      const format = bytes[0] === 0xff ? 'jpeg' : 'png';
      expect(rasterHeader(format, bytes)).toBeDefined();
      await agrees(bytes, format);
    });
  }
});

describe('rasterHeader leaves the unusual to libvips', () => {
  it('CMYK JPEG', async () => {
    expect(rasterHeader('jpeg', await img(3).toColourspace('cmyk').jpeg().toBuffer())).toBeUndefined();
  });
  it('palette PNG', async () => {
    expect(rasterHeader('png', await img(3).png({ palette: true }).toBuffer())).toBeUndefined();
  });
  it('PNG with a tRNS chunk', async () => {
    // An RGB PNG with tRNS (colour key): libvips reports an alpha band the colour type does not show.
    const png = await img(3).png().toBuffer();
    const trns = Buffer.from([0, 0, 0, 6, ...Buffer.from('tRNS'), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const withTrns = Buffer.concat([png.subarray(0, 33), trns, png.subarray(33)]);
    expect(rasterHeader('png', withTrns)).toBeUndefined();
  });
  it('truncated or garbage bytes, without throwing', async () => {
    const jpeg = await img(3).jpeg().toBuffer();
    expect(rasterHeader('jpeg', jpeg.subarray(0, 6))).toBeUndefined();
    expect(rasterHeader('png', Buffer.from('\x89PNG\r\n\x1a\n'))).toBeUndefined();
    expect(rasterHeader('jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff, 0x00]))).toBeUndefined();
    expect(rasterHeader('tiff', jpeg)).toBeUndefined();
  });
});
