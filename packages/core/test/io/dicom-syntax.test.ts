// Every transfer syntax of the fixtures (made by fixtures/dicom/make-fixtures.sh with dcmtk, gdcm, OpenJPH and
// pydicom from one phantom) against the uncompressed source: lossless ones bit-exact, lossy ones exactly as an
// independent decoder reads them (dcmtk's IJG libjpeg, gdcm's OpenJPEG) and within a stated error of the source.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFile, probeFile } from '../../src/io/index.js';

const dir = fileURLToPath(new URL('./fixtures/dicom/', import.meta.url));
const goldens = JSON.parse(readFileSync(dir + 'goldens.json', 'utf8')) as Record<string, Record<string, number[]>>;
const decode = async (name: string) => decodeFile(dir + name, { dicom: { window: 'none' } });
const pixels = async (name: string) => (await decode(name)).map((img) => Array.from(img.data));

function maxAndMeanError(a: number[], b: number[]): [number, number] {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  a.forEach((v, i) => {
    const d = Math.abs(v - b[i]);
    max = Math.max(max, d);
    sum += d;
  });
  return [max, sum / a.length];
}

describe('DICOM transfer syntaxes', () => {
  it('reads the uncompressed source as pydicom does (48x32, 12 bits stored)', async () => {
    const [img] = await decode('mono16.dcm');
    expect([img.width, img.height, img.bitDepth]).toEqual([48, 32, 16]);
    expect(Array.from(img.data)).toEqual(goldens.bigendian.stored);
  });

  const lossless: [string, string][] = [
    ['deflate.dcm', 'mono16.dcm'],
    ['bigendian.dcm', 'mono16.dcm'],
    ['bigendian-ct.dcm', 'ct.dcm'],
    ['rle.dcm', 'mono16.dcm'],
    ['rle-ct.dcm', 'ct.dcm'],
    ['rle-rgb.dcm', 'rgb.dcm'],
    ['jpeg-lossless-sv1.dcm', 'mono16.dcm'],
    ['jpeg-lossless-p14.dcm', 'mono16.dcm'],
    ['jpeg-lossless-ct.dcm', 'ct.dcm'],
    ['jpeg-lossless-rgb.dcm', 'rgb.dcm'],
    ['jpegls.dcm', 'mono16.dcm'],
    ['jpegls-ct.dcm', 'ct.dcm'],
    ['jpegls-rgb.dcm', 'rgb.dcm'],
    ['j2k.dcm', 'mono16.dcm'],
    ['j2k-ct.dcm', 'ct.dcm'],
    ['j2k-rgb.dcm', 'rgb.dcm'],
    ['htj2k.dcm', 'mono16.dcm'],
    ['multiframe-rle.dcm', 'multiframe.dcm'],
    ['multiframe-jpegls-nobot.dcm', 'multiframe.dcm'],
    ['multiframe-jpegls-frag.dcm', 'multiframe.dcm'],
    ['multiframe-j2k.dcm', 'multiframe.dcm'],
  ];
  it.each(lossless)('%s decodes bit-exact against %s', async (compressed, source) => {
    const want = await pixels(source);
    const got = await pixels(compressed);
    expect(got.length).toBe(want.length);
    got.forEach((frame, f) => expect(frame).toEqual(want[f]));
    // the phantom is not flat: a decoder returning zeros or a constant would fail
    expect(new Set(want[0]).size).toBeGreaterThan(100);
  });

  it('multi-frame files give one image per frame, with #frame=N ids and the frames in order', async () => {
    const imgs = await decode('multiframe-jpegls-frag.dcm');
    expect(imgs.map((i) => i.id.replace(dir, ''))).toEqual([0, 1, 2].map((f) => `multiframe-jpegls-frag.dcm#frame=${f}`));
    const [a, b] = imgs.map((i) => Array.from(i.data));
    // frame 1 is 4095 - frame 0
    expect(b.map((v, i) => v + a[i])).toEqual(new Array(a.length).fill(4095));
    expect(await probeFile(dir + 'multiframe-j2k.dcm')).toEqual({ format: 'dicom', width: 48, height: 32, bitDepth: 16, frames: 3 });
  });

  it('JPEG baseline: exactly what IJG libjpeg (dcmdjpeg) reads, within max 11 / mean 2.5 of the source (quality 90)', async () => {
    const [got] = await pixels('jpeg-baseline.dcm');
    expect(got).toEqual((await pixels('jpeg-baseline.ref.dcm'))[0]);
    const [max, mean] = maxAndMeanError(got, (await pixels('mono8.dcm'))[0]);
    expect(max).toBeLessThanOrEqual(11);
    expect(mean).toBeLessThan(2.5);
    expect(max).toBeGreaterThan(0); // really lossy, so really decoded by the codec
  });

  it('JPEG baseline colour (YBR_FULL_422): the luma of dcmdjpeg\'s RGB, within max 6 / mean 1 of the source luma', async () => {
    const [got] = await pixels('jpeg-baseline-rgb.dcm');
    expect(got).toEqual((await pixels('jpeg-baseline-rgb.ref.dcm'))[0]);
    const [max, mean] = maxAndMeanError(got, goldens.rgb.luma);
    expect(max).toBeLessThanOrEqual(6);
    expect(mean).toBeLessThan(1);
  });

  it('JPEG-LS near-lossless (NEAR 2): every pixel within 2 of the source, as the standard guarantees', async () => {
    const [max] = maxAndMeanError((await pixels('jpegls-near.dcm'))[0], (await pixels('mono16.dcm'))[0]);
    expect(max).toBeLessThanOrEqual(2);
    expect(max).toBeGreaterThan(0);
  });

  it('JPEG 2000 lossy: exactly what gdcm (OpenJPEG) reads, within max 26 / mean 6 of the 12-bit source', async () => {
    const [got] = await pixels('j2k-lossy.dcm');
    expect(got).toEqual((await pixels('j2k-lossy.ref.dcm'))[0]);
    const [max, mean] = maxAndMeanError(got, (await pixels('mono16.dcm'))[0]);
    expect(max).toBeLessThanOrEqual(26);
    expect(mean).toBeLessThan(6);
  });
});
