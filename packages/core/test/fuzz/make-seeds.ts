// Writes the fuzz corpus seeds (test/fuzz/seeds/): small, valid files of every format the fuzz mutates, plus the
// dataset tree and configs the YAML fuzz resolves against. Deterministic; rerun with
// `npx tsx packages/core/test/fuzz/make-seeds.ts` after changing it, and commit the output.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writeDicom } from '../io/fixtures/dicom-writer.js';
import { writeNifti } from '../io/fixtures/nifti-writer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SEEDS_DIR = path.join(here, 'seeds');

/** A w x h ramp with a bright square, so decoded seeds are not constant. */
function ramp(w: number, h: number, max: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) out.push(x > w / 3 && x < (2 * w) / 3 && y > h / 3 ? max : Math.round(((x + y) / (w + h)) * max));
  return out;
}

async function images(): Promise<Record<string, Buffer>> {
  const grey8 = Buffer.from(ramp(8, 6, 255));
  const rgb16 = Buffer.alloc(5 * 4 * 3 * 2);
  ramp(5 * 3, 4, 65535).forEach((v, i) => rgb16.writeUInt16LE(v, i * 2));
  return {
    'grey8.png': await sharp(grey8, { raw: { width: 8, height: 6, channels: 1 } }).png().toBuffer(),
    'rgb16.png': await sharp(rgb16, { raw: { width: 5, height: 4, channels: 3 } }).toColourspace('rgb16').png().toBuffer(),
    'grey.jpg': await sharp(grey8, { raw: { width: 8, height: 6, channels: 1 } }).jpeg({ quality: 90 }).toBuffer(),
    'rgb-progressive.jpg': await sharp(Buffer.from(ramp(6 * 3, 5, 255)), { raw: { width: 6, height: 5, channels: 3 } })
      .jpeg({ progressive: true, quality: 80 })
      .toBuffer(),
    'explicit16.dcm': writeDicom({ rows: 3, cols: 4, bitsAllocated: 16, bitsStored: 12, signed: true, slope: 2, intercept: -1024, window: { center: 40, width: 400 }, pixels: ramp(4, 3, 2047) }),
    'implicit8-2frames.dcm': writeDicom({ rows: 2, cols: 3, frames: 2, bitsAllocated: 8, implicit: true, photometric: 'MONOCHROME1', pixels: ramp(3, 4, 255) }),
    'int16.nii': writeNifti({ dims: [4, 3, 2], datatype: 4, voxels: ramp(4, 6, 3000), slope: 1, intercept: -1000 }),
    'float32.nii.gz': writeNifti({ dims: [3, 3, 3], datatype: 16, voxels: ramp(3, 9, 100).map((v) => v / 7), gzip: true }),
  };
}

/** The configs the YAML fuzz mutates; their paths point into the tree written by `tree()`. */
export const CONFIG_SEEDS: Record<string, string> = {
  'folder.dataset.medad.yaml': `medad: dataset
version: 1
name: fuzz folder
seed: 3
sources:
  - layout: folder
    root: data
    normalClass: normal
validation:
  fraction: 0.25
`,
  'mixed.dataset.medad.yaml': `medad: dataset
version: 1
sources:
  - layout: manifest
    file: data/manifest.csv
  - layout: dicom
    root: dicom
    window: { center: 40, width: 400 }
  - layout: nifti
    root: nifti
    slices: { axis: 2, range: [0, 2], every: 1 }
    clip: [0.5, 99.5]
unlabelled:
  from: train
  size: 2
  anomalyRate: 0.5
`,
  'path.experiment.medad.yaml': `medad: experiment
version: 1
name: fuzz-ae
dataset: folder.dataset.medad.yaml
detector:
  name: ae
  params: { latent: 16 }
input:
  size: [32, 32]
  resize: area
  normalise: minus1to1
training:
  epochs: 2
  batchSize: 4
  lr: 0.001
  checkpointEvery: 5
evaluation:
  threshold: { policy: normal-quantile, value: 0.95 }
  bootstrap: { samples: 0 }
output:
  dir: runs
`,
  'inline.experiment.medad.yaml': `medad: experiment
dataset:
  version: 1
  sources:
    - layout: folder
      root: data
detector: { name: ddad }
training: { epochs: 1, batchSize: 2, stepsPerEpoch: 1 }
evaluation:
  metrics: [auroc, ap, dice]
  pixelMetrics: auto
`,
};

/** Files the configs refer to: a folder dataset (with masks), a manifest, a DICOM and a NIfTI folder. */
async function tree(imgs: Record<string, Buffer>): Promise<Record<string, Buffer | string>> {
  return {
    'data/train/normal/a.png': imgs['grey8.png'],
    'data/train/normal/b.jpg': imgs['grey.jpg'],
    'data/train/normal/c.png': imgs['rgb16.png'],
    'data/train/normal/d.jpg': imgs['rgb-progressive.jpg'],
    'data/test/normal/e.png': imgs['grey8.png'],
    'data/test/tumour/f.png': imgs['rgb16.png'],
    'data/test/masks/f.png': imgs['grey8.png'],
    'data/manifest.csv': 'path,label,class,split,mask\ntrain/normal/a.png,0,normal,train,\ntest/tumour/f.png,1,tumour,test,test/masks/f.png\n',
    'dicom/train/normal/x.dcm': imgs['explicit16.dcm'],
    'dicom/test/lesion/y.dcm': imgs['implicit8-2frames.dcm'],
    'nifti/train/normal/v.nii': imgs['int16.nii'],
    'nifti/test/normal/w.nii.gz': imgs['float32.nii.gz'],
  };
}

async function main(): Promise<void> {
  await rm(SEEDS_DIR, { recursive: true, force: true });
  const imgs = await images();
  const files: Record<string, Buffer | string> = {
    ...Object.fromEntries(Object.entries(imgs).map(([k, v]) => [`images/${k}`, v])),
    ...Object.fromEntries(Object.entries(CONFIG_SEEDS).map(([k, v]) => [`configs/${k}`, v])),
    ...Object.fromEntries(Object.entries(await tree(imgs)).map(([k, v]) => [`configs/${k}`, v])),
  };
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(SEEDS_DIR, rel)), { recursive: true });
    await writeFile(path.join(SEEDS_DIR, rel), body);
  }
  console.log(`wrote ${Object.keys(files).length} seed files under ${SEEDS_DIR}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
