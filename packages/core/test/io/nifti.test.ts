import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeFile, ImageReadError, probeFile } from '../../src/io/index.js';
import { writeNifti, type NiftiFixture } from './fixtures/nifti-writer.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
const [NX, NY, NZ] = [4, 3, 5];
/** Voxel (i, j, k) holds 100i + 10j + k, so every slice's expected pixels can be written down directly. */
const vox = (i: number, j: number, k: number) => 100 * i + 10 * j + k;
const voxels: number[] = [];
for (let k = 0; k < NZ; k++)
  for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) voxels.push(vox(i, j, k));

async function fixture(name: string, f: Partial<NiftiFixture> = {}): Promise<string> {
  const file = tmp.path(name);
  await writeFile(file, writeNifti({ dims: [NX, NY, NZ], datatype: 4, voxels, ...f }));
  return file;
}
const grid = (w: number, h: number, at: (c: number, r: number) => number) =>
  Array.from({ length: w * h }, (_, p) => at(p % w, Math.floor(p / w)));

describe('NIfTI decoding', () => {
  it.each(['vol.nii', 'vol.nii.gz'])('slices %s along axis 2 by default, with #slice=N ids', async (name) => {
    const file = await fixture(name, { gzip: name.endsWith('.gz') });
    const imgs = await decodeFile(file);
    expect(imgs).toHaveLength(NZ);
    imgs.forEach((img, k) => {
      expect(img).toMatchObject({
        id: `${file}#slice=${k}`,
        width: NX,
        height: NY,
        format: 'nifti',
        bitDepth: 16,
      });
      expect(Array.from(img.data)).toEqual(grid(NX, NY, (c, r) => vox(c, r, k)));
    });
    // Range is the whole volume's, the same for every slice.
    expect(imgs[0].valueRange).toEqual({ min: 0, max: vox(NX - 1, NY - 1, NZ - 1) });
  });

  it('slices along axes 0 and 1', async () => {
    const file = await fixture('axes.nii');
    const a0 = await decodeFile(file, { nifti: { axis: 0 } });
    expect(a0).toHaveLength(NX);
    expect(a0[2]).toMatchObject({ width: NY, height: NZ });
    expect(Array.from(a0[2].data)).toEqual(grid(NY, NZ, (c, r) => vox(2, c, r)));
    const a1 = await decodeFile(file, { nifti: { axis: 1 } });
    expect(a1).toHaveLength(NY);
    expect(Array.from(a1[1].data)).toEqual(grid(NX, NZ, (c, r) => vox(c, 1, r)));
  });

  it('selects a [from,to) range and every k-th slice', async () => {
    const file = await fixture('range.nii');
    const imgs = await decodeFile(file, { nifti: { range: [1, 5], every: 2 } });
    expect(imgs.map((i) => i.id)).toEqual([`${file}#slice=1`, `${file}#slice=3`]);
    expect(Array.from(imgs[1].data)).toEqual(grid(NX, NY, (c, r) => vox(c, r, 3)));
    expect(await decodeFile(file, { nifti: { range: [3, 100] } })).toHaveLength(2);
  });

  it('applies scl_slope / scl_inter', async () => {
    const file = await fixture('scaled.nii.gz', { slope: 0.5, intercept: 10, gzip: true });
    const [img] = await decodeFile(file, { nifti: { range: [2, 3] } });
    expect(Array.from(img.data)).toEqual(grid(NX, NY, (c, r) => vox(c, r, 2) * 0.5 + 10));
  });

  it('clips to volume percentiles (linear interpolation, as numpy.percentile)', async () => {
    const file = tmp.path('clip.nii');
    await writeFile(
      file,
      writeNifti({ dims: [10, 10, 1], datatype: 16, voxels: Array.from({ length: 100 }, (_, i) => 99 - i) }),
    );
    const [img] = await decodeFile(file, { nifti: { clipPercentiles: [10, 90] } });
    // numpy.percentile(arange(100), [10, 90]) == [9.9, 89.1]
    expect(img.valueRange!.min).toBeCloseTo(9.9, 4);
    expect(img.valueRange!.max).toBeCloseTo(89.1, 4);
    img.data.forEach((v, i) => expect(v).toBeCloseTo(Math.min(89.1, Math.max(9.9, 99 - i)), 4));
  });

  it('probes headers of .nii.gz without decoding', async () => {
    const file = await fixture('probe.nii.gz', { gzip: true, datatype: 512 });
    expect(await probeFile(file)).toEqual({
      format: 'nifti',
      width: NX,
      height: NY,
      bitDepth: 16,
      frames: NZ,
    });
  });
});

describe('NIfTI failures', () => {
  const reason = (file: string, opts = {}) =>
    decodeFile(file, opts).then(
      () => 'no error',
      (e: unknown) => (e instanceof ImageReadError && e.file === file ? e.reason : `unexpected ${String(e)}`),
    );

  it('reports truncated .nii and .nii.gz', async () => {
    const raw = writeNifti({ dims: [NX, NY, NZ], datatype: 4, voxels });
    const a = tmp.path('trunc.nii');
    await writeFile(a, raw.subarray(0, raw.length - 10));
    expect(await reason(a)).toMatch(/truncated NIfTI/);
    const gz = writeNifti({ dims: [NX, NY, NZ], datatype: 4, voxels, gzip: true });
    const b = tmp.path('trunc.nii.gz');
    await writeFile(b, gz.subarray(0, gz.length - 12));
    expect(await reason(b)).toMatch(/truncated/);
  });

  it('refuses dims above the pixel limit from the header', async () => {
    const file = await fixture('limit.nii.gz', { gzip: true });
    expect(await reason(file, { maxPixels: NX * NY * NZ - 1 })).toMatch(/4x3x5 = 60 voxels, above the limit/);
  });
});
