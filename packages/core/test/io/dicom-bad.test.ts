// Broken DICOM (fixtures/dicom/bad, made by make_fixtures.py bad): each gives an ImageReadError naming the file
// and the problem, never a crash, a hang or garbage pixels. The fuzz corpus may reuse these files.
import { fileURLToPath } from 'node:url';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeFile, ImageReadError } from '../../src/io/index.js';
import { useTempDir } from './fixtures/tmp.js';

const dir = fileURLToPath(new URL('./fixtures/dicom/', import.meta.url));
const tmp = useTempDir();

async function reason(file: string): Promise<string> {
  try {
    await decodeFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageReadError);
    expect((e as ImageReadError).file).toBe(file);
    expect((e as Error).message.startsWith(file)).toBe(true);
    return (e as ImageReadError).reason;
  }
  return 'no error';
}

describe('broken DICOM files', () => {
  it.each([
    ['truncated-fragment.dcm', /corrupt or truncated DICOM \(JPEG-LS lossless\)/],
    ['wrong-offset-table.dcm', /basic offset table entry 1 \(\d+\) does not point at the start of a fragment/],
    ['lying-rle.dcm', /transfer syntax 1\.2\.840\.10008\.1\.2\.5 \(RLE lossless\) says encapsulated .* but the pixel data is native/],
    ['lying-jpegls.dcm', /jpeg-ls decoder failed \(is the transfer syntax right\?\)/],
    ['lying-jpeg.dcm', /12-bit JPEG .* cannot be decoded/],
    ['rle-segment-offset.dcm', /RLE segment 0 has offset 64\.\.1000000, outside the \d+-byte frame/],
    ['cut-codestream-htj2k.dcm', /htj2k decoder failed .*no end-of-codestream marker \(FFD9\): it is truncated/],
    ['cut-codestream-j2k.dcm', /j2k decoder failed .*no end-of-codestream marker/],
    ['cut-codestream-jpeg-baseline.dcm', /jpeg-baseline decoder failed/],
    ['cut-codestream-jpeg-lossless-sv1.dcm', /truncated JPEG lossless codestream \(1080 bytes, the decoder needed \d+\)/],
    ['cut-codestream-jpegls.dcm', /jpeg-ls decoder failed/],
    ['cut-codestream-rle.dcm', /RLE segment 1 is truncated/],
  ])('bad/%s: %s', async (name, why) => {
    expect(await reason(dir + 'bad/' + name)).toMatch(why);
  });

  it('a codec that failed still decodes the next file (a wasm abort does not poison the module)', async () => {
    await reason(dir + 'bad/lying-jpegls.dcm');
    const [img] = await decodeFile(dir + 'jpegls.dcm');
    expect(img.width).toBe(48);
  });

  it('refuses 12-bit JPEG extended by naming the 8-bit-only codec', async () => {
    expect(await reason(dir + 'jpeg-extended-12bit.dcm')).toMatch(/^12-bit JPEG \(JPEG extended \(process 2 & 4\)\) cannot be decoded: @cornerstonejs\/codec-libjpeg-turbo-8bit reads 8-bit JPEG only; decompress it first \(dcmtk: dcmdjpeg/);
  });

  it('every cut of a compressed file is refused with a reason, never crashes or hangs', async () => {
    // 24 cuts through each file: header, offset table, fragment headers and codestreams.
    for (const name of ['rle.dcm', 'jpegls.dcm', 'j2k.dcm', 'htj2k.dcm', 'jpeg-lossless-sv1.dcm', 'jpeg-baseline.dcm', 'multiframe-rle.dcm', 'multiframe-rle-eot.dcm', 'deflate.dcm']) {
      const full = await readFile(dir + name);
      for (let k = 1; k <= 24; k++) {
        const file = tmp.path(`${name}-${k}.dcm`);
        await writeFile(file, full.subarray(0, Math.floor((full.length * k) / 25)));
        const r = await reason(file);
        expect(r, `${name} cut ${k}`).not.toBe('no error');
      }
    }
  }, 60_000);
});
