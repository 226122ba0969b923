import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from '../../src/model/index.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-ckpt-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function net(seed: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.reLU());
  m.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return m;
}

const x = () => tf.tensor4d(Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i * 0.37)), [2, 8, 8, 1]);

async function step(m: tf.LayersModel, opt: tf.Optimizer): Promise<void> {
  const data = x();
  // training=true so batch norm uses batch statistics and updates its moving averages, as in real training
  opt.minimize(() => tf.losses.meanSquaredError(data, m.apply(data, { training: true }) as tf.Tensor) as tf.Scalar);
  data.dispose();
}

async function weightsOf(m: tf.LayersModel): Promise<number[][]> {
  return Promise.all(m.getWeights().map(async (w) => Array.from(await w.data())));
}

describe('training checkpoints', () => {
  it('resume reproduces the next step exactly (weights, Adam moments, iteration) and restores step and rng', async () => {
    const a = net(1);
    const optA = tf.train.adam(0.05);
    for (let i = 0; i < 3; i++) await step(a, optA);
    const dir = path.join(root, 'c1');
    await saveTrainingCheckpoint(dir, { models: { ae: a }, optimizers: { ae: optA } }, { step: 3, rng: { s: [1, 2, 3] }, extra: { epoch: 1 } });
    await step(a, optA);
    const expected = await weightsOf(a);

    const b = net(7); // different init and different variable names, as after a restart
    const optB = tf.train.adam(0.05);
    const before = tf.memory().numTensors;
    const state = await loadTrainingCheckpoint<{ s: number[] }>(dir, { models: { ae: b }, optimizers: { ae: optB } });
    expect(state).toEqual({ step: 3, rng: { s: [1, 2, 3] }, extra: { epoch: 1 } });
    expect(tf.memory().numTensors - before).toBe(2 * 5); // exactly the Adam moments (m, v) of the 5 trainable weights
    await step(b, optB);
    expect(await weightsOf(b)).toEqual(expected);

    // Without the optimizer state the next step differs, so the equality above depends on restoring it.
    const c = net(9);
    await loadTrainingCheckpoint(dir, { models: { ae: c } });
    await step(c, tf.train.adam(0.05));
    expect(await weightsOf(c)).not.toEqual(expected);
  });

  it('an interrupted save leaves the previous checkpoint intact', async () => {
    const m = net(2);
    const dir = path.join(root, 'c2');
    await saveTrainingCheckpoint(dir, { models: { g: m } }, { step: 10 });
    const saved = await weightsOf(m);
    await step(m, tf.train.sgd(0.5));
    const crash = () => {
      throw new Error('disk full');
    };
    await expect(saveTrainingCheckpoint(dir, { models: { g: m } }, { step: 11 }, { beforeCommit: crash })).rejects.toThrow(/disk full/);
    const fresh = net(2);
    await step(fresh, tf.train.sgd(0.1)); // make sure loading really overwrites
    expect((await loadTrainingCheckpoint(dir, { models: { g: fresh } })).step).toBe(10);
    expect(await weightsOf(fresh)).toEqual(saved);
    expect((await fs.readdir(root)).filter((n) => n.includes('c2'))).toEqual(['c2']);
  });

  it('saves several models and refuses a model of another architecture, naming file and weight', async () => {
    const dir = path.join(root, 'c3');
    await saveTrainingCheckpoint(dir, { models: { gen: net(3), disc: net(4) } }, { step: 1 });
    const wrong = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 5, kernelSize: 3, useBias: false })] });
    await expect(loadTrainingCheckpoint(dir, { models: { gen: wrong } })).rejects.toThrow(/c3\/checkpoint\.json.*"gen" has 1 weights, checkpoint 7/);
    await expect(loadTrainingCheckpoint(dir, { models: { enc: net(3) } })).rejects.toThrow(/no model named "enc" \(has gen, disc\)/);
  });

  it('names the file when tensors.bin is truncated', async () => {
    const dir = path.join(root, 'c4');
    await saveTrainingCheckpoint(dir, { models: { ae: net(5) } }, { step: 1 });
    await fs.truncate(path.join(dir, 'tensors.bin'), 8);
    await expect(loadTrainingCheckpoint(dir, { models: { ae: net(5) } })).rejects.toThrow(/c4\/tensors\.bin.*8 bytes/);
  });
});
