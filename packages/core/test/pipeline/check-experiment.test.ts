// checkExperimentConfig: upsampling warning from the dataset's image sizes, and detector backend requirements.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerDetector } from '../../src/detectors/registry.js';
import { checkExperimentConfig } from '../../src/pipeline/check-experiment.js';
import '../../src/detectors/builtins.js';
import { names, tempDir, writeTree } from '../dataset/fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeTree(path.join(dir, 'data'), [...names('train/normal/n', 4), ...names('test/normal/t', 2), ...names('test/lesion/l', 2)]);
  await fs.writeFile(path.join(dir, 'ds.medad.yaml'), 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./data\n');
  registerDetector('needs-2nd-order-test', () => { throw new Error('not built in this test'); }, { description: 'test', paramsSchema: z.object({}), requires: { secondOrderGradients: true } });
});
afterAll(async () => cleanup());

const exp = (size: number, detector = 'ae') => `medad: experiment\ndataset: ds.medad.yaml\ndetector:\n  name: ${detector}\ninput:\n  size: [${size}, ${size}]\n`;
const file = () => path.join(dir, 'e.medad.yaml');
/** The issues other than the validation-split ones (tested on their own below). */
const besidesValidation = async <T extends { code?: string }>(p: Promise<T[]>) => (await p).filter((i) => i.code !== 'no-validation' && i.code !== 'small-validation');

describe('checkExperimentConfig', () => {
  it('warns on input.size when it upsamples the 48x48 training images, not when it downsamples', async () => {
    const big = await besidesValidation(checkExperimentConfig(exp(64), file()));
    expect(big).toHaveLength(1);
    expect(big[0]).toMatchObject({ code: 'upsampling', severity: 'warning', path: ['input', 'size'], start: { line: 5 } });
    expect(big[0].message).toMatch(/4 of 4 training images \(most often 48x48/);
    expect(await besidesValidation(checkExperimentConfig(exp(32), file()))).toEqual([]);
  });

  it('flags a detector needing a capability the backend lacks', async () => {
    const text = exp(32, 'needs-2nd-order-test');
    const caps = { gpu: false, trainConvNets: true, secondOrderGradients: false, practicalForTraining: true };
    const issues = await besidesValidation(checkExperimentConfig(text, file(), { backend: 'wasm', capabilities: caps }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'backend-capability', severity: 'error', path: ['detector', 'name'], start: { line: 3 } });
    expect(issues[0].message).toMatch(/needs secondOrderGradients, which the wasm backend lacks/);
    expect(await besidesValidation(checkExperimentConfig(text, file(), { capabilities: { ...caps, secondOrderGradients: true } }))).toEqual([]);
    expect(await besidesValidation(checkExperimentConfig(text, file()))).toEqual([]);
  });

  it("tells a cutpaste config with SGD that training.lr is unused (info at its line), and nothing when it is used", async () => {
    const base = `${exp(32, 'cutpaste')}training:\n  lr: 0.001\n`;
    const sgd = await besidesValidation(checkExperimentConfig(base, file()));
    expect(sgd).toHaveLength(1);
    expect(sgd[0]).toMatchObject({ code: 'unused-lr', severity: 'info', path: ['training', 'lr'], start: { line: 7 } }); // 0-based: the lr line
    expect(sgd[0].message).toMatch(/training\.lr \(0\.001\) is not used by 'cutpaste': it trains at 0\.03 .*optimizer: adam/);
    const ownLr = await besidesValidation(checkExperimentConfig(base.replace('name: cutpaste', 'name: cutpaste\n  params: { lr: 0.1 }'), file()));
    expect(ownLr[0].message).toMatch(/it trains at 0\.1 \(detector\.params\.lr\)/);
    // Adam trains at training.lr; a config without training.lr; another detector: no issue
    expect(await besidesValidation(checkExperimentConfig(base.replace('name: cutpaste', 'name: cutpaste\n  params: { optimizer: adam }'), file()))).toEqual([]);
    expect(await besidesValidation(checkExperimentConfig(exp(32, 'cutpaste'), file()))).toEqual([]);
    expect(await besidesValidation(checkExperimentConfig(base.replace('cutpaste', 'ae'), file()))).toEqual([]);
  });

  it('warns at config time about a missing validation split, and about too few validation normals for the quantile', async () => {
    const none = await checkExperimentConfig(exp(32), file());
    expect(none.map((i) => i.code)).toEqual(['no-validation']);
    expect(none[0]).toMatchObject({ severity: 'warning', path: ['dataset'], start: { line: 1 } });
    // 2 of the 4 training normals held out: far fewer than the 20 a 0.95 quantile needs
    await fs.writeFile(path.join(dir, 'dsv.medad.yaml'), 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./data\nvalidation:\n  fraction: 0.5\n');
    const text = `${exp(32).replace('ds.medad.yaml', 'dsv.medad.yaml')}evaluation:\n  threshold:\n    policy: normal-quantile\n    value: 0.95\n`;
    const small = await checkExperimentConfig(text, file());
    expect(small.map((i) => i.code)).toEqual(['small-validation']);
    expect(small[0]).toMatchObject({ path: ['evaluation', 'threshold'], start: { line: 8 } }); // 0-based: the policy line
    expect(small[0].message).toMatch(/^2 validation normals for the 0\.95 quantile \(needs ≥ 20\)/);
    // max-f1 does not estimate a quantile: no warning
    expect(await checkExperimentConfig(text.replace('policy: normal-quantile\n    value: 0.95', 'policy: max-f1'), file())).toEqual([]);
  });
});
