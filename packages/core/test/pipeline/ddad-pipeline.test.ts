import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { evaluate, readRunMeta, train } from '../../src/pipeline/index.js';

let root: string;
let demoDir: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-ddad-pipe-'));
  demoDir = path.join(root, 'demo');
  await writeDemoDataset(demoDir, { size: 16, train: 16, testNormal: 3, testLesion: 3, epochs: 1, batchSize: 4, bootstrapSamples: 20 });
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

async function experimentWith(datasetExtra: string): Promise<string> {
  const ds = path.join(demoDir, `pool${datasetExtra ? '' : '-none'}.medad.yaml`);
  const base = await fs.readFile(path.join(demoDir, 'dataset.medad.yaml'), 'utf8');
  await fs.writeFile(ds, base + datasetExtra);
  const exp = (await fs.readFile(path.join(demoDir, 'experiment.medad.yaml'), 'utf8'))
    .replace('dataset: dataset.medad.yaml', `dataset: ${path.basename(ds)}`)
    .replace('name: ae', 'name: ddad\n  params:\n    ensemble: 2\n    refineEpochs: 1\n    channels: [4, 8]');
  const file = path.join(demoDir, `ddad${datasetExtra ? '' : '-none'}.medad.yaml`);
  await fs.writeFile(file, exp);
  return file;
}

describe('pipeline with the unlabelled pool (DDAD)', () => {
  it('hands the pool to the detector, trains and evaluates', async () => {
    const file = await experimentWith('unlabelled:\n  from: train\n  size: 4\n  seed: 1\n');
    const t = await train(file, { backend: 'wasm' });
    const meta = await readRunMeta(t.runDir);
    expect(meta.state).toBe('trained');
    expect(meta.counts.unlabelled).toBe(4);
    const e = await evaluate(t.runDir, { backend: 'wasm' });
    expect(Number.isFinite(e.metrics.image.auroc?.value)).toBe(true);
    // One evaluation reports all five maps; the configured one (r-dual) equals the main score.
    const v = e.metrics.variants!;
    expect(Object.keys(v).sort()).toEqual(['inter', 'intra', 'r-dual', 'r-intra', 'rec']);
    expect(v['r-dual'].image.auroc.value).toBe(e.metrics.image.auroc.value);
    expect(v['r-dual'].pixel?.pixelAuroc.value).toBe(e.metrics.pixel?.pixelAuroc.value);
    for (const k of Object.keys(v)) expect(Number.isFinite(v[k].image.ap.value)).toBe(true);
    const html = await fs.readFile(e.files.report, 'utf8');
    expect(html).toContain('Other scores of the same model');
    expect(html).toContain('<code>r-intra</code>');
  });

  it('refuses DDAD without a pool, naming the missing key', async () => {
    const file = await experimentWith('');
    await expect(train(file, { backend: 'wasm' })).rejects.toThrow(/needs an unlabelled pool: add 'unlabelled:'/);
  });
});
