// Generates the e2e workspace: a tiny synthetic phantom dataset (core's `medad demo` generator: normal PNGs and
// lesion PNGs with exact masks), its dataset and experiment configs, and `broken.medad.yaml`, a dataset config
// with two planted *schema* errors (an unknown key and a bad `layout` value). It must stay valid YAML: the daemon
// reports schema problems only for a document that parses.
//   node --conditions=@medad/source --import tsx tools/e2e/make-workspace.ts <dir>
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { writeDemoDataset } from '../../packages/core/src/demo/dataset.js';
import { writeGray16Png } from '../../packages/core/src/io/png.js';

const dir = path.resolve(process.argv[2] ?? '.e2e/ws');
// 32x32, 40 epochs (about 6 s on the wasm backend): then the three top-ranked images are planted lesions, ahead of
// every normal one (seed 3; at 12 epochs a normal image ranked first), and the whole e2e stays well under 2 minutes
const epochs = Number(process.env.E2E_EPOCHS ?? 40);
const ds = await writeDemoDataset(dir, { seed: 3, size: 32, train: 32, testNormal: 6, testLesion: 6, epochs, batchSize: 8, bootstrapSamples: 50 });
const dataset = await fs.readFile(ds.datasetConfig, 'utf8');
const broken = dataset.replace(/layout: folder/, 'layout: foldr').replace(/^seed: /m, 'sede: 1\nseed: ');
if (!broken.includes('layout: foldr') || !broken.includes('sede: 1')) throw new Error(`${ds.datasetConfig}: no "layout: folder" or "seed:" line to break`);
await fs.writeFile(path.join(dir, 'broken.medad.yaml'), broken);
// a planted train/test leak (a train image copied into test/normal) for the gallery's Duplicates section
await fs.copyFile(path.join(dir, 'train/normal/normal_0003.png'), path.join(dir, 'test/normal/leak_0000.png'));
// the first lesion image as a 16-bit PNG (values x257, so it scores like the original): a browser would drop the
// low byte, so the heatmap editor has the daemon decode and window it (medad/renderImage)
const lesion = await sharp(path.join(dir, 'test/lesion/lesion_0000.png')).greyscale().raw().toBuffer({ resolveWithObject: true });
const wide = Float32Array.from(lesion.data, (v) => v * 257);
await writeGray16Png(path.join(dir, 'test/lesion/lesion16_0000.png'), { width: lesion.info.width, height: lesion.info.height, data: wide }, { min: 0, max: 65535 });

// Compressed DICOM as a PACS export has it (issue 20): copies of core's committed fixtures (made by
// packages/core/test/io/fixtures/dicom/make-fixtures.sh from one phantom), one file per transfer syntax, three
// patients (P1 the 12-bit phantom, P2 a signed CT, P3 colour; phantoms without lesions, so all 'normal'); a dataset config grouping them by PatientID. The
// `dicom` step opens its gallery grouped by patient and the heatmap of a JPEG 2000 file with the trained run.
const fixtures = path.resolve(import.meta.dirname, '../../packages/core/test/io/fixtures/dicom');
const dicom = path.join(dir, 'dicom');
const dicomFiles: [string, string][] = [
  ['train/normal', 'jpeg-lossless-sv1.dcm'], ['train/normal', 'rle.dcm'], ['train/normal', 'jpegls-rgb.dcm'],
  ['test/normal', 'j2k.dcm'], ['test/normal', 'htj2k.dcm'], ['test/normal', 'jpeg-baseline.dcm'], ['test/normal', 'jpegls.dcm'],
  ['test/normal', 'jpegls-ct.dcm'], ['test/normal', 'rle-ct.dcm'], ['test/normal', 'j2k-ct.dcm'], ['test/normal', 'jpeg-baseline-rgb.dcm'], ['test/normal', 'j2k-rgb.dcm'],
];
for (const [sub, f] of dicomFiles) {
  await fs.mkdir(path.join(dicom, 'data', sub), { recursive: true });
  await fs.copyFile(path.join(fixtures, f), path.join(dicom, 'data', sub, f));
}
await fs.writeFile(path.join(dicom, 'dicom-study.medad.yaml'), 'medad: dataset\nversion: 1\nname: compressed DICOM\nseed: 0\nsources:\n  - layout: dicom\n    root: ./data\ngroup:\n  dicom: PatientID\n');

// BUSI as a researcher has it: real data outside the workspace, linked in as a SYMLINK (`busi` -> ../shared/data/busi
// beside the clone in CI), with a study folder holding its configs. Reading through the link needs the daemon's
// data-roots sandbox (issue 15, item 1). Without the data nothing is written and the `busi` step says so.
const repo = path.resolve(import.meta.dirname, '../..');
const busi = [process.env.E2E_BUSI, path.resolve(repo, '../shared/data/busi'), '/work/shared/data/busi'].find((p) => p && existsSync(path.join(p, 'manifest.csv')));
if (busi) {
  await fs.symlink(busi, path.join(dir, 'busi'), 'dir');
  const study = path.join(dir, 'busi-study');
  await fs.mkdir(study, { recursive: true });
  await fs.writeFile(path.join(study, 'dataset.medad.yaml'), 'medad: dataset\nversion: 1\nname: BUSI (symlinked)\nseed: 0\nsources:\n  - layout: folder\n    root: ../busi\nvalidation:\n  fraction: 0.25\n');
  // small and quick (wasm): 64x64, 2 short epochs; a second experiment gives a second run to compare
  const exp = (name: string, epochs: number, latent: number) => `medad: experiment\nversion: 1\nname: ${name}\ndataset: dataset.medad.yaml\ndetector:\n  name: ae\n  params:\n    channels: [8, 16, 32]\n    latent: ${latent}\ninput:\n  size: [64, 64]\n  resize: area\n  normalise: minus1to1\ntraining:\n  epochs: ${epochs}\n  batchSize: 8\n  lr: 0.002\n  seed: 0\nevaluation:\n  threshold:\n    policy: normal-quantile\n    value: 0.95\n  bootstrap:\n    samples: 20\n    seed: 0\noutput:\n  dir: runs\n`;
  await fs.writeFile(path.join(study, 'experiment.medad.yaml'), exp('busi-ae', Number(process.env.E2E_BUSI_EPOCHS ?? 3), 16));
  await fs.writeFile(path.join(study, 'experiment-b.medad.yaml'), exp('busi-ae-b', 1, 8));
  // long, with checkpoints far apart: the e2e cancels it mid-run and resumes it (tools/e2e/cancel-resume.mjs)
  await fs.writeFile(path.join(study, 'experiment-long.medad.yaml'), exp('busi-long', 400, 16).replace('  seed: 0\n', '  seed: 0\n  checkpointEvery: 1000\n'));
  console.log(`busi: ${path.join(dir, 'busi')} -> ${busi}`);
} else console.log('busi: no ../shared/data/busi (set E2E_BUSI): the busi step will fail');
