// Generates the e2e workspace: a tiny synthetic phantom dataset (core's `medad demo` generator: normal PNGs and
// lesion PNGs with exact masks), its dataset and experiment configs, and `broken.medad.yaml`, a dataset config
// with two planted *schema* errors (an unknown key and a bad `layout` value). It must stay valid YAML: the daemon
// reports schema problems only for a document that parses.
//   node --conditions=@medad/source --import tsx tools/e2e/make-workspace.ts <dir>
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeDemoDataset } from '../../packages/core/src/demo/dataset.js';

const dir = path.resolve(process.argv[2] ?? '.e2e/ws');
// 32x32, 40 epochs (about 6 s on the wasm backend): then the three top-ranked images are planted lesions, ahead of
// every normal one (seed 3; at 12 epochs a normal image ranked first), and the whole e2e stays well under 2 minutes
const epochs = Number(process.env.E2E_EPOCHS ?? 40);
const ds = await writeDemoDataset(dir, { seed: 3, size: 32, train: 32, testNormal: 6, testLesion: 6, epochs, batchSize: 8, bootstrapSamples: 50 });
const dataset = await fs.readFile(ds.datasetConfig, 'utf8');
const broken = dataset.replace(/layout: folder/, 'layout: foldr').replace(/^seed: /m, 'sede: 1\nseed: ');
if (!broken.includes('layout: foldr') || !broken.includes('sede: 1')) throw new Error(`${ds.datasetConfig}: no "layout: folder" or "seed:" line to break`);
await fs.writeFile(path.join(dir, 'broken.medad.yaml'), broken);
console.log(`workspace ${dir}: ${ds.counts.train} train, ${ds.counts.testNormal}+${ds.counts.testLesion} test, ${epochs} epochs (${ds.generated ? 'generated' : 'reused'})`);
