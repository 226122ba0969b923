import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { applyWindow, decodeFile, ImageReadError, probeFile } from '../../src/io/index.js';
import { writeDicom, type DicomFixture } from './fixtures/dicom-writer.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
let n = 0;
async function fixture(f: DicomFixture, name = `f${n++}.dcm`): Promise<string> {
  const file = tmp.path(name);
  await writeFile(file, writeDicom(f));
  return file;
}
const values = (img: { data: Float32Array }) => Array.from(img.data);

describe('DICOM decoding', () => {
  it('reads 8-bit unsigned pixels exactly (no window in file)', async () => {
    const pixels = [0, 1, 127, 128, 200, 255];
    const file = await fixture({ rows: 2, cols: 3, bitsAllocated: 8, pixels });
    const [img] = await decodeFile(file);
    expect(img).toMatchObject({
      width: 3,
      height: 2,
      bitDepth: 8,
      format: 'dicom',
      id: file,
      valueRange: { min: 0, max: 255 },
    });
    expect(values(img)).toEqual(pixels);
  });

  it('reads 16-bit unsigned in implicit VR too', async () => {
    const pixels = [0, 1000, 4095, 65535];
    for (const implicit of [false, true]) {
      const [img] = await decodeFile(
        await fixture({ rows: 2, cols: 2, bitsAllocated: 16, pixels, implicit }),
      );
      expect(values(img)).toEqual(pixels);
    }
  });

  it('reads signed 16-bit (PixelRepresentation 1) with rescale slope/intercept', async () => {
    const stored = [-1000, -1, 0, 1, 2000, 32767];
    const pixels = stored.map((v) => v & 0xffff);
    const [img] = await decodeFile(
      await fixture({
        rows: 1,
        cols: 6,
        bitsAllocated: 16,
        signed: true,
        slope: 2,
        intercept: -1024,
        pixels,
      }),
    );
    expect(values(img)).toEqual(stored.map((v) => v * 2 - 1024));
    expect(img.valueRange).toEqual({ min: -32768 * 2 - 1024, max: 32767 * 2 - 1024 });
  });

  it('masks to BitsStored and sign-extends 12-bit signed values', async () => {
    // 12 bits stored, high bits carry junk (as overlays may); -5 in 12-bit two's complement is 0xffb.
    const pixels = [0xf000 | 0xffb, 0x0005, 0xa7ff];
    const [img] = await decodeFile(
      await fixture({ rows: 1, cols: 3, bitsAllocated: 16, bitsStored: 12, signed: true, pixels }),
    );
    expect(values(img)).toEqual([-5, 5, 2047]);
  });

  it('applies the file window onto [0,1], or none, or an override', async () => {
    const pixels = [0, 50, 99, 100, 150, 200, 250];
    const file = await fixture({
      rows: 1,
      cols: 7,
      bitsAllocated: 8,
      window: { center: 100, width: 101 },
      pixels,
    });
    const [w] = await decodeFile(file);
    expect(w.valueRange).toEqual({ min: 0, max: 1 });
    // Hand-checked from PS3.3 C.11.2.1.2.1 with c=100, w=101: x <= 49.5 -> 0, x > 149.5 -> 1,
    // else (x - 99.5) / 100 + 0.5.
    const expected = [0, 0.005, 0.495, 0.505, 1, 1, 1];
    w.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    const [none] = await decodeFile(file, { dicom: { window: 'none' } });
    expect(values(none)).toEqual(pixels);
    const [over] = await decodeFile(file, { dicom: { window: { center: 200.5, width: 2 } } });
    // c=200.5, w=2: x <= 199.5 -> 0, x > 200.5 -> 1, x = 200 -> (200 - 200) / 1 + 0.5.
    expect(values(over)).toEqual([0, 0, 0, 0, 0, 0.5, 1]);
  });

  it('applyWindow follows the standard at the edges', () => {
    expect(applyWindow(99.5, 100, 101)).toBe(0.5);
    expect(applyWindow(49.5, 100, 101)).toBe(0);
    expect(applyWindow(149.6, 100, 101)).toBe(1);
  });

  it('inverts MONOCHROME1 within the range (stored and windowed)', async () => {
    const pixels = [0, 10, 255];
    const [img] = await decodeFile(
      await fixture({ rows: 1, cols: 3, bitsAllocated: 8, photometric: 'MONOCHROME1', pixels }),
    );
    expect(values(img)).toEqual([255, 245, 0]);
    const file = await fixture({
      rows: 1,
      cols: 3,
      bitsAllocated: 8,
      photometric: 'MONOCHROME1',
      window: { center: 128, width: 256 },
      pixels,
    });
    const [w] = await decodeFile(file);
    expect(w.data[0]).toBeCloseTo(1 - applyWindow(0, 128, 256), 6);
    expect(w.data[2]).toBeCloseTo(1 - applyWindow(255, 128, 256), 6);
    expect(w.data[0]).toBeGreaterThan(w.data[2]);
  });

  it('splits multi-frame files into frames with #frame=N ids', async () => {
    const pixels = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const file = await fixture({ rows: 2, cols: 2, frames: 3, bitsAllocated: 16, pixels });
    const imgs = await decodeFile(file);
    expect(imgs.map((i) => i.id)).toEqual([0, 1, 2].map((f) => `${file}#frame=${f}`));
    expect(imgs.map(values)).toEqual([pixels.slice(0, 4), pixels.slice(4, 8), pixels.slice(8)]);
    expect(await probeFile(file)).toEqual({ format: 'dicom', width: 2, height: 2, bitDepth: 16, frames: 3 });
  });

  it('recognises DICOM without an extension', async () => {
    const file = await fixture({ rows: 1, cols: 2, bitsAllocated: 8, pixels: [3, 4] }, 'IM0001');
    expect(values((await decodeFile(file))[0])).toEqual([3, 4]);
  });
});

describe('DICOM failures', () => {
  const reason = (file: string, opts = {}) =>
    decodeFile(file, opts).then(
      () => 'no error',
      (e: unknown) => {
        expect(e).toBeInstanceOf(ImageReadError);
        expect((e as ImageReadError).file).toBe(file);
        return (e as ImageReadError).reason;
      },
    );

  it('refuses an unknown transfer syntax by name (MPEG2 video)', async () => {
    const file = await fixture({
      rows: 1,
      cols: 2,
      bitsAllocated: 8,
      pixels: [1, 2],
      transferSyntax: '1.2.840.10008.1.2.4.100',
    });
    expect(await reason(file)).toMatch(/unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100/);
  });

  it('refuses a compressed transfer syntax whose pixel data is native', async () => {
    const file = await fixture({
      rows: 1,
      cols: 2,
      bitsAllocated: 8,
      pixels: [1, 2],
      transferSyntax: '1.2.840.10008.1.2.4.50',
    });
    expect(await reason(file)).toMatch(/says encapsulated \(compressed\) pixel data, but the pixel data is native/);
  });

  it('reports a truncated file', async () => {
    const full = writeDicom({ rows: 16, cols: 16, bitsAllocated: 16, pixels: new Array(256).fill(7) });
    const file = tmp.path('trunc.dcm');
    await writeFile(file, full.subarray(0, full.length - 100));
    expect(await reason(file)).toMatch(/truncated/);
    const cutHeader = tmp.path('trunc-header.dcm');
    await writeFile(cutHeader, full.subarray(0, 200));
    expect(await reason(cutHeader)).toMatch(/corrupt|truncated/);
  });

  it('refuses rows*cols*frames above the limit before decoding', async () => {
    const file = await fixture({
      rows: 4,
      cols: 4,
      frames: 2,
      bitsAllocated: 8,
      pixels: new Array(32).fill(0),
    });
    expect(await reason(file, { maxPixels: 31 })).toMatch(/4x4x2 frames = 32 pixels, above the limit of 31/);
    // Header claims 60000x60000x1000 but carries 4 bytes: refused for size, not read as truncated.
    const bomb = await fixture({
      rows: 60000,
      cols: 60000,
      frames: 1000,
      bitsAllocated: 8,
      pixels: [0, 0, 0, 0],
    });
    expect(await reason(bomb)).toMatch(/above the limit of 64000000/);
  });

  it('reports zero rows', async () => {
    const file = await fixture({ rows: 0, cols: 4, bitsAllocated: 8, pixels: [] });
    expect(await reason(file)).toMatch(/zero-sized/);
  });
});
