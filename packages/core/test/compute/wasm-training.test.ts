// A tiny conv AE (conv, conv2dTranspose, batchNorm, relu, leakyRelu, dense) trains on wasm exactly as on cpu, and
// second-order gradients (gradient penalty through a leakyRelu conv net) agree between the two.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeSecondOrderGradients } from '../../src/compute/index.js';
import { randArray, relError, setupBackends } from './helpers.js';

beforeAll(setupBackends);

function tinyAE(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const inp = tf.input({ shape: [16, 16, 1] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(1) }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 8, kernelInitializer: init(3) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 4 * 4 * 8, activation: 'relu', kernelInitializer: init(4) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [4, 4, 8] }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2dTranspose({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(5) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  const out = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(6) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

async function train(backend: string, steps: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const m = tinyAE();
  m.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
  const x = tf.tensor4d(randArray(4 * 16 * 16, 42), [4, 16, 16, 1]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await m.trainOnBatch(x, x)) as number);
  const weights = await Promise.all(m.getWeights().map((w) => w.data() as Promise<Float32Array>));
  x.dispose();
  m.dispose();
  return { losses, weights };
}

describe('training on wasm', () => {
  it('a tiny AE trains on wasm and matches cpu step for step', async () => {
    const ref = await train('cpu', 3);
    const got = await train('wasm', 3);
    expect(got.losses[2]).toBeLessThan(got.losses[0]); // it learns
    for (let i = 0; i < 3; i++) expect(Math.abs(got.losses[i] - ref.losses[i]) / ref.losses[i]).toBeLessThan(1e-4);
    const errs = got.weights.map((w, i) => relError(w, ref.weights[i]));
    // Biases right before a batch norm get zero gradient in exact arithmetic; Adam would blow rounding noise there up
    // to ±lr, so the AE has none (as real AEs do). Elsewhere the two backends agree to float32 rounding.
    expect(Math.max(...errs), `per-weight errors ${errs}`).toBeLessThan(1e-4);
  });

  it('second-order gradients through a leakyRelu conv net agree between wasm and cpu', async () => {
    await tf.setBackend('cpu');
    const ref = probeSecondOrderGradients();
    await tf.setBackend('wasm');
    const got = probeSecondOrderGradients();
    expect(Number.isFinite(ref) && ref > 0).toBe(true);
    expect(Math.abs(got - ref) / ref).toBeLessThan(1e-4);
  });
});
