import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeImage, dicomTags, jpegQuality } from '../../../src/dataset/audit/index.js';
import { writeDicom } from '../../io/fixtures/dicom-writer.js';
import { useTempDir } from '../../io/fixtures/tmp.js';
import { readFile, writeFile } from 'node:fs/promises';

const tmp = useTempDir();

function texture(w: number, h: number): Buffer {
  const px = Buffer.alloc(w * h);
  for (let i = 0; i < px.length; i++) px[i] = (Math.sin(i * 0.37) * 60 + Math.cos(i * 0.011) * 50 + 128) | 0;
  return px;
}

describe('jpegQuality', () => {
  it.each([20, 50, 75, 90, 97])('recovers the IJG quality %i that sharp (libjpeg) encoded with', async (q) => {
    const bytes = await sharp(texture(64, 48), { raw: { width: 64, height: 48, channels: 1 } })
      .jpeg({ quality: q })
      .toBuffer();
    expect(Math.abs(jpegQuality(bytes)! - q)).toBeLessThanOrEqual(2);
  });

  it('is undefined for a PNG and for a truncated JPEG header', async () => {
    const png = await sharp(texture(8, 8), { raw: { width: 8, height: 8, channels: 1 } }).png().toBuffer();
    expect(jpegQuality(png)).toBeUndefined();
    expect(jpegQuality(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00, 1, 2]))).toBeUndefined();
  });
});

describe('dicomTags', () => {
  it('reads manufacturer, model, modality, photometric interpretation and pixel spacing', async () => {
    const bytes = writeDicom({
      rows: 4,
      cols: 4,
      bitsAllocated: 16,
      pixels: Array.from({ length: 16 }, (_, i) => i * 100),
      photometric: 'MONOCHROME1',
      strings: [
        { group: 0x08, element: 0x0060, vr: 'CS', value: 'CR' },
        { group: 0x08, element: 0x0070, vr: 'LO', value: 'ACME Imaging' },
        { group: 0x08, element: 0x1090, vr: 'LO', value: 'X100' },
        { group: 0x28, element: 0x0030, vr: 'DS', value: '0.139\\0.139' },
      ],
    });
    expect(dicomTags(bytes)).toEqual({ manufacturer: 'ACME Imaging', model: 'X100', modality: 'CR', photometric: 'MONOCHROME1', pixelSpacing: 0.139 });
    const file = tmp.path('a.dcm');
    await writeFile(file, bytes);
    const d = await describeImage(file, { size: [4, 4] });
    expect(d.categorical).toMatchObject({ format: 'dicom', manufacturer: 'ACME Imaging', model: 'X100', modality: 'CR' });
    expect(d.numeric.pixelSpacing).toBeCloseTo(0.139, 6);
    expect(Number.isNaN(d.numeric.jpegQuality)).toBe(true);
  });

  it('gives {} for bytes that are not DICOM', () => {
    expect(dicomTags(Uint8Array.from([1, 2, 3]))).toEqual({});
  });

  it("describeImage reads a JPEG file's quality and original size", async () => {
    const file = tmp.path('q.jpg');
    await sharp(texture(80, 40), { raw: { width: 80, height: 40, channels: 1 } }).jpeg({ quality: 60 }).toFile(file);
    const d = await describeImage(file);
    expect(Math.abs(d.numeric.jpegQuality - 60)).toBeLessThanOrEqual(2);
    expect([d.numeric.width, d.numeric.height, d.numeric.aspect]).toEqual([80, 40, 2]);
    expect(d.categorical.format).toBe('jpeg');
    expect((await readFile(file)).length).toBeGreaterThan(0);
  });
});
