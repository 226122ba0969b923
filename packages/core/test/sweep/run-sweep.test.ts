import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { readExperimentRecord } from '../../src/pipeline/run-dir.js';
import { runSweep } from '../../src/sweep/run-sweep.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-sweep-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe('runSweep (here, without a queue)', () => {
  it('runs the config\'s sweep: section (seeds x set), each run with its values, and writes the sweep folder', async () => {
    const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 10, testNormal: 3, testLesion: 3, epochs: 1, batchSize: 4, bootstrapSamples: 0 });
    const text = (await fs.readFile(demo.experimentConfig, 'utf8')) + 'sweep:\n  seeds: 3-4\n  set:\n    training.lr: [0.01]\n';
    await fs.writeFile(demo.experimentConfig, text);
    const r = await runSweep(demo.experimentConfig);
    expect(r.record.runs.map((x) => [x.seed, x.state])).toEqual([[3, 'done'], [4, 'done']]);
    for (const run of r.record.runs) {
      const rec = await readExperimentRecord(run.runDir!);
      expect(rec.config.training).toMatchObject({ seed: run.seed, lr: 0.01 });
      expect(path.dirname(run.runDir!)).toBe(path.join(r.sweepDir, 'runs'));
    }
    expect(r.aggregate.settings).toHaveLength(1);
    expect(r.aggregate.settings[0].label).toBe('training.lr=0.01');
    expect(r.aggregate.settings[0].variants.main.auroc.n).toBe(2);
    for (const f of Object.values(r.files)) expect((await fs.stat(f)).size).toBeGreaterThan(0);
  });
});
