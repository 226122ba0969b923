// Generates the e2e workspace: a tiny synthetic phantom dataset (core's `medad demo` generator: normal PNGs and
// lesion PNGs with exact masks), its dataset and experiment configs, and `broken.medad.yaml`, a dataset config
// with two planted *schema* errors (an unknown key and a bad `layout` value). It must stay valid YAML: the daemon
// reports schema problems only for a document that parses.
//   node --conditions=@medad/source --import tsx tools/e2e/make-workspace.ts <dir>
import { promises as fs } from 'node:fs';
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
