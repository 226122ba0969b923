// Pixel rules against pydicom's golden values (fixtures/dicom/goldens.json, from make_fixtures.py goldens):
// rescale to HU, the file's window, MONOCHROME1, RGB/YBR/palette to grey by ITU-R BT.601 luma.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFile, type DicomWindow } from '../../src/io/index.js';

const dir = fileURLToPath(new URL('./fixtures/dicom/', import.meta.url));
const goldens = JSON.parse(readFileSync(dir + 'goldens.json', 'utf8')) as Record<string, Record<string, number[]>>;
const first = async (name: string, window: DicomWindow = 'none') => (await decodeFile(dir + name, { dicom: { window } }))[0];

function expectClose(got: Float32Array, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]))));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('DICOM pixel rules (pydicom goldens)', () => {
  it('CT: signed stored values through slope 0.5 / intercept -1024 give pydicom\'s Hounsfield units', async () => {
    const img = await first('ct.dcm');
    expectClose(img.data, goldens.ct.hu, 0);
    expect(Math.min(...goldens.ct.hu)).toBeLessThan(-1000); // air-like values: the sign was honoured
    expect(img.valueRange).toEqual({ min: -32768 * 0.5 - 1024, max: 32767 * 0.5 - 1024 });
  });

  it('CT: the file\'s brain window (40/80) matches pydicom\'s apply_voi_lut, onto [0, 1]', async () => {
    const img = await first('ct.dcm', 'file');
    expectClose(img.data, goldens.ct.window, 1e-5);
    expect(img.valueRange).toEqual({ min: 0, max: 1 });
    const inside = goldens.ct.window.filter((v) => v > 0 && v < 1).length;
    expect(inside).toBeGreaterThan(5); // the window really cuts through the data
  });

  it('MONOCHROME1 is inverted within the 12-bit range', async () => {
    expectClose((await first('mono1.dcm')).data, goldens.mono1.inverted, 0);
  });

  it.each(['rgb.dcm', 'rgb-planar.dcm'])('%s: BT.601 luma of pydicom\'s RGB', async (name) => {
    const img = await first(name);
    expectClose(img.data, goldens[name.replace('.dcm', '')].luma, 1e-3);
    expect(img.valueRange).toEqual({ min: 0, max: 255 });
  });

  it.each(['ybr-full.dcm', 'ybr422.dcm'])('%s: its Y, which pydicom reads as channel 0', async (name) => {
    expectClose((await first(name)).data, goldens[name.replace('.dcm', '')].y, 0);
  });

  it('YBR_FULL and YBR_FULL_422 grey agrees with the RGB it came from within rounding', async () => {
    const y = (await first('ybr422.dcm')).data;
    let worst = 0;
    y.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - goldens.rgb.luma[i]))));
    expect(worst).toBeLessThanOrEqual(0.5);
  });

  it('PALETTE COLOR: BT.601 luma of pydicom\'s apply_color_lut, range of the 16-bit LUT', async () => {
    const img = await first('palette.dcm');
    expectClose(img.data, goldens.palette.luma, 0.01);
    expect(img.valueRange).toEqual({ min: 0, max: 65535 });
  });

  it('VOI LUT table: pydicom\'s apply_voi_lut (the table wins over the file\'s window), onto [0, 1]', async () => {
    const img = await first('voi-lut.dcm', 'file');
    expectClose(img.data, goldens['voi-lut'].lut, 1e-6);
    expect(img.valueRange).toEqual({ min: 0, max: 1 });
    expect(new Set(goldens['voi-lut'].lut.map((v) => v.toFixed(3))).size).toBeGreaterThan(50); // not clamped flat
    // 'none' and an explicit window bypass the table
    expect(Array.from((await first('voi-lut.dcm', 'none')).data)).toEqual(Array.from((await first('mono16.dcm')).data));
  });

  it('an explicit window overrides the file\'s (a subdural window on the CT)', async () => {
    const img = await first('ct.dcm', { center: 75, width: 215 });
    goldens.ct.hu.forEach((hu, i) => {
      const want = hu <= 75 - 0.5 - 107 ? 0 : hu > 75 - 0.5 + 107 ? 1 : (hu - 74.5) / 214 + 0.5;
      expect(img.data[i]).toBeCloseTo(want, 5);
    });
  });
});
