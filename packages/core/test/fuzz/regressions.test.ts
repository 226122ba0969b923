// One test per bug the fuzz suite found (docs/fuzz.md lists them), on the smallest input that showed it, plus one
// found while writing the fuzz oracle.
import { writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseDatasetConfig } from '../../src/dataset/load.js';
import { loadExperiment } from '../../src/experiment/load.js';
import { decodeFile, ImageReadError, loadImage, probeFile } from '../../src/io/index.js';
import { writeDicom } from '../io/fixtures/dicom-writer.js';
import { writeNifti } from '../io/fixtures/nifti-writer.js';
import { useTempDir } from '../io/fixtures/tmp.js';

const tmp = useTempDir();
const LOAD = { size: [4, 4] as [number, number], resize: 'area' as const, normalise: 'minus1to1' as const };

async function refusal(p: Promise<unknown>): Promise<ImageReadError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ImageReadError);
  return e as ImageReadError;
}

describe('fuzz regressions', () => {
  it('bug 1: a YAML alias without an anchor is a config issue, not a thrown ReferenceError', async () => {
    const r = parseDatasetConfig('medad: dataset\nversion: 1\nsources: *a\n', 'd.medad.yaml');
    expect(r.value).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', start: { line: 2, character: 9 } });
    expect(r.issues[0].message).toMatch(/^YAML: Unresolved alias.*: a$/);
    const file = tmp.path('alias.experiment.medad.yaml');
    await writeFile(file, '<<: *a\n');
    const e = await loadExperiment(file);
    expect(e.issues.map((i) => i.code)).toEqual(['yaml-syntax']);
  });

  it('bug 2: a DICOM that dicom-parser rejects with a non-Error object gets its text as the reason, never "[object Object]"', async () => {
    const good = writeDicom({ rows: 3, cols: 4, bitsAllocated: 16, pixels: Array(12).fill(5) });
    let objectThrows = 0;
    // Every truncation inside the data set: dicom-parser throws { exception, dataSet } objects for some of them.
    for (let len = 140; len < good.length - 24; len++) {
      const file = tmp.path(`cut${len}.dcm`);
      await writeFile(file, good.subarray(0, len));
      for (const e of [await probeFile(file).catch((x: unknown) => x), await decodeFile(file).catch((x: unknown) => x)]) {
        if (!(e instanceof Error)) continue; // a probe reads headers only: a cut in the pixel data passes it
        expect(e).toBeInstanceOf(ImageReadError);
        expect((e as ImageReadError).reason).not.toMatch(/\[object|undefined/);
        if (/^corrupt or truncated DICOM(?: \([^)]*\))?: (?!dicomParser)/.test((e as ImageReadError).reason)) objectThrows++;
      }
    }
    expect(objectThrows).toBeGreaterThan(0);
  });

  it('bug 3: a DICOM whose RescaleIntercept is not a number is refused, not decoded to NaN pixels', async () => {
    const bytes = writeDicom({ rows: 2, cols: 2, bitsAllocated: 16, intercept: -1024, pixels: [1, 2, 3, 4] });
    const at = bytes.indexOf('-1024');
    bytes.write(',', at, 'latin1'); // the flip the fuzz found: '-1024' -> ',1024'
    const file = tmp.path('intercept.dcm');
    await writeFile(file, bytes);
    expect((await refusal(decodeFile(file))).reason).toBe("invalid DICOM RescaleIntercept ',1024'");
    expect((await refusal(loadImage(file, LOAD))).file).toBe(file);
  });

  it('bug 4: a NIfTI with NaN voxels (or a NaN scl_inter) is refused with the count, not turned into NaN model inputs', async () => {
    const file = tmp.path('nan.nii.gz');
    await writeFile(file, writeNifti({ dims: [2, 2, 1], datatype: 16, voxels: [0, 1, NaN, 3], gzip: true }));
    expect((await refusal(loadImage(file, LOAD))).reason).toBe('NIfTI has 1 non-finite voxel value(s) (NaN or infinity), which medad cannot normalise');
    const raw = gunzipSync(writeNifti({ dims: [2, 2, 1], datatype: 4, voxels: [0, 1, 2, 3], slope: 2, intercept: 1, gzip: true }));
    raw.writeFloatLE(NaN, 116);
    const inter = tmp.path('inter.nii.gz');
    await writeFile(inter, gzipSync(raw));
    expect((await refusal(decodeFile(inter))).reason).toBe('invalid NIfTI scl_inter NaN (scl_slope 2)');
  });

  it('found in review, not by a counterexample: an image whose value range is empty fails in loadImage with an ImageReadError naming the file', async () => {
    // A constant NIfTI volume: its range is [7, 7], so minus1to1 has nothing to map from.
    const file = tmp.path('constant.nii');
    await writeFile(file, writeNifti({ dims: [2, 2, 2], datatype: 4, voxels: Array(8).fill(7) }));
    const e = await refusal(loadImage(file, LOAD));
    expect(e.file).toBe(file);
    expect(e.reason).toBe(`cannot normalise ${file}#slice=0: empty range [7, 7]`);
  });

  it('bug 5: a NIfTI whose vox_offset is negative (or NaN, or fractional) is refused, not a DataView RangeError', async () => {
    for (const [offset, shown] of [[-1, '-1'], [NaN, 'NaN'], [352.5, '352.5']] as const) {
      const raw = writeNifti({ dims: [2, 2, 1], datatype: 2, voxels: [0, 1, 2, 3] });
      raw.writeFloatLE(offset, 108);
      for (const gzip of [false, true]) {
        const file = tmp.path(`offset${shown}${gzip ? '.nii.gz' : '.nii'}`);
        await writeFile(file, gzip ? gzipSync(raw) : raw);
        const e = await refusal(decodeFile(file));
        expect(e.reason).toBe(`invalid NIfTI vox_offset ${shown} (the voxel data's byte offset)`);
        expect(e.cause).toBeUndefined();
      }
    }
  });
});
