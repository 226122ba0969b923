// Generates the e2e workspace: a tiny synthetic phantom dataset (core's `medad demo` generator: normal PNGs and
// lesion PNGs with exact masks), its dataset and experiment configs, and `broken.medad.yaml` with a planted error.
//   node --conditions=@medad/source --import tsx tools/e2e/make-workspace.ts <dir>
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeDemoDataset } from '../../packages/core/src/demo/dataset.js';

const dir = path.resolve(process.argv[2] ?? '.e2e/ws');
const ds = await writeDemoDataset(dir, { seed: 3, size: 32, train: 32, testNormal: 6, testLesion: 6, epochs: 3, batchSize: 8, bootstrapSamples: 50 });
const dataset = await fs.readFile(ds.datasetConfig, 'utf8');
// planted errors: an unknown source layout (schema) and a duplicate key (YAML itself), each reported on its line
const broken = dataset.replace(/layout: folder/, 'layout: foldr').replace(/^name: .*$/m, 'name: broken\nname: duplicate');
if (broken === dataset) throw new Error(`${ds.datasetConfig}: no "layout: folder" line to break`);
await fs.writeFile(path.join(dir, 'broken.medad.yaml'), broken);
console.log(`workspace ${dir}: ${ds.counts.train} train, ${ds.counts.testNormal}+${ds.counts.testLesion} test (${ds.generated ? 'generated' : 'reused'})`);
