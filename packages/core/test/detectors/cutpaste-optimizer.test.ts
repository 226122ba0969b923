// CutPaste's classifier optimiser (issue 16): the paper's SGD + momentum by default, Adam on request. SGD's first
// steps against hand-computed values, the lr rule, bad values, older saved models loading as Adam, and a real fit
// that checkpoints the momentum buffers and resumes exactly.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, arrayTrainData, createDetector, loadCheckpoint, loadDetector } from '../../src/detectors/index.js';
import type { CutpasteDetector } from '../../src/detectors/cutpaste/detector.js';
import { cutpasteLrOf, cutpasteParamsSchema } from '../../src/detectors/cutpaste/params.js';
import { blobs, maxAbsDiff } from './fixtures.js';

const SIZE = 16;
const TINY = { channels: [4, 8], embedding: 4 };
// Wide enough that SGD at 0.03 keeps some embedding unit alive (the density needs spread).
const WIDE = { channels: [8, 16], embedding: 8 };
const data = arrayTrainData(blobs(12, SIZE, 4), { height: SIZE, width: SIZE });
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-cutpaste-opt-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const make = (p: Record<string, unknown> = {}) => createDetector('cutpaste', { ...TINY, ...p }, SIZE) as CutpasteDetector;

async function weights(det: CutpasteDetector): Promise<Float32Array> {
  const parts = await Promise.all(det.params.named().map((p) => p.tensor.data() as Promise<Float32Array>));
  return Float32Array.from(parts.flatMap((p) => [...p]));
}

describe('cutpaste optimiser', () => {
  it("defaults to the paper's SGD (momentum 0.9, lr 0.03); adam takes the fit's lr; an explicit lr wins", () => {
    const p = cutpasteParamsSchema.parse({});
    expect(p).toMatchObject({ optimizer: 'sgd', momentum: 0.9 });
    expect(cutpasteLrOf(p, 1e-3)).toBe(0.03);
    expect(cutpasteLrOf(cutpasteParamsSchema.parse({ optimizer: 'adam' }), 1e-3)).toBe(1e-3);
    expect(cutpasteLrOf(cutpasteParamsSchema.parse({ optimizer: 'sgd', lr: 0.1 }), 1e-3)).toBe(0.1);
  });

  it('sgd with momentum 0.9 takes the hand-computed first steps (torch.optim.SGD form); adam keeps the loop\'s Adam', async () => {
    const det = make();
    const { key, optimizer } = det.makeOptimizer!(0.1);
    expect(key).toBe('sgd-momentum');
    // loss = 0.5 * sum(c * w^2), c = [1, 3], w0 = [1, -2]: g0 = [1, -6], w1 = w0 - 0.1 g0 = [0.9, -1.4];
    // g1 = [0.9, -4.2], buffer = 0.9 g0 + g1 = [1.8, -9.6], w2 = w1 - 0.1 buffer = [0.72, -0.44].
    const c = tf.tensor1d([1, 3]);
    const w = tf.variable(tf.tensor1d([1, -2]));
    const loss = () => tf.mul(0.5, tf.sum(tf.mul(c, tf.square(w)))) as tf.Scalar;
    const before = tf.memory().numTensors;
    optimizer.minimize(loss, false, [w]);
    expect(maxAbsDiff(await w.data(), [0.9, -1.4])).toBeLessThan(1e-6);
    optimizer.minimize(loss, false, [w]);
    expect(maxAbsDiff(await w.data(), [0.72, -0.44])).toBeLessThan(1e-6);
    optimizer.dispose();
    // The momentum buffer (1) and the cached -lr scalar, created before `before`, are both freed.
    expect(tf.memory().numTensors).toBe(before - 2);
    tf.dispose([c, w]);
    det.dispose();
    const adam = make({ optimizer: 'adam' });
    expect(adam.makeOptimizer).toBeUndefined();
    adam.dispose();
  });

  it('rejects an unknown optimiser, momentum outside [0, 1) and a non-positive lr', () => {
    expect(() => make({ optimizer: 'rmsprop' })).toThrow(/optimizer/);
    expect(() => make({ momentum: 1 })).toThrow(/momentum/);
    expect(() => make({ momentum: -0.1 })).toThrow(/momentum/);
    expect(() => make({ lr: 0 })).toThrow(/lr/);
  });

  it('a model saved before the SGD default (no optimizer in detector.json) loads as adam', async () => {
    const dir = path.join(tmp, 'legacy');
    const det = make();
    await det.save(dir);
    det.dispose();
    const file = path.join(dir, 'detector.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { params: Record<string, unknown> };
    delete json.params.optimizer;
    delete json.params.momentum;
    await fs.writeFile(file, JSON.stringify(json));
    const back = await loadDetector(dir);
    expect(back.config).toMatchObject({ optimizer: 'adam' });
    back.dispose();
  });

  it('a fit whose embeddings all die says so and how to avoid it', async () => {
    // embedding 4 at the paper's lr 0.03 on 12 images: every ReLU unit of the embedding is 0 for every image.
    const det = make();
    await expect(det.fit(data, { epochs: 2, batchSize: 4, lr: 1e-3, seed: 5 })).rejects.toThrow(/no spread.*lower detector\.params\.lr.*optimizer: adam/);
    det.dispose();
  });

  it('a real sgd fit checkpoints the momentum buffers; abort + resume = straight (1e-6)', async () => {
    const opts = { epochs: 2, batchSize: 4, lr: 1e-3, seed: 5, lossEvery: 1 };
    const straight = make(WIDE);
    const before = tf.memory().numTensors;
    await straight.fit(data, opts);
    const want = await weights(straight);
    straight.dispose();
    const dir = path.join(tmp, 'resume');
    const ctrl = new AbortController();
    const first = make(WIDE);
    await expect(first.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, signal: ctrl.signal, onProgress: (p) => p.step === 4 && ctrl.abort() })).rejects.toThrow(AbortError);
    const nTrainable = first.params.trainable().length;
    first.dispose();
    const ckpt = await loadCheckpoint(dir);
    const momentum = Object.keys(ckpt!.tensors).filter((k) => k.startsWith('sgd-momentum/'));
    expect(momentum.length).toBe(1 + nTrainable); // iterations + one buffer per variable
    expect(Object.keys(ckpt!.tensors).some((k) => k.startsWith('adam/'))).toBe(false);
    expect(ckpt!.state.lr).toBe(0.03);
    tf.dispose(Object.values(ckpt!.tensors));
    const second = make(WIDE);
    const r = await second.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, resume: true });
    expect(r.resumedFromStep).toBe(4);
    expect(maxAbsDiff(await weights(second), want)).toBeLessThan(1e-6);
    second.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });
});
