// The fused training batch norm (MedadBatchNormTrain + its closed-form gradient kernel) gives the tf-op composite's
// outputs and gradients on cpu and on wasm; and wasm's replacement of the inference FusedBatchNorm matches cpu.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BN_TRAIN_KERNEL, batchNormTrain, batchNormTrainComposite, registerBatchNormKernels } from '../../src/compute/index.js';
import { onBackend, randArray, relError, setupBackends } from './helpers.js';

const TOL = 1e-5;
const EPS = 1e-5;

beforeAll(async () => {
  await setupBackends();
  registerBatchNormKernels(['cpu', 'wasm']);
});

interface Case {
  shape: number[];
  /** Added to x: activations with a mean far from 0 stress the one-pass variance. */
  offset: number;
}
const cases: Case[] = [
  { shape: [2, 3, 4, 5], offset: 0 },
  { shape: [8, 4, 4, 16], offset: 0.5 },
  { shape: [3, 6, 6, 1], offset: -2 },
  { shape: [5, 7, 3], offset: 0 },
  { shape: [6, 4], offset: 10 },
  { shape: [3, 1, 2, 3], offset: 0 }, // 6 rows: tiny batches still normalise correctly
];

type Impl = typeof batchNormTrain;

/** y, mean, variance and the gradients of sum(y*r) + sum(mean*rm) + sum(variance*rv) w.r.t. x, gamma, beta. */
function run(impl: Impl, c: Case, seed: number, withStatsLoss: boolean): tf.Tensor[] {
  const ch = c.shape[c.shape.length - 1];
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = tf.add(tf.tensor(randArray(n, seed), c.shape), c.offset);
  const gamma = tf.add(tf.tensor1d(randArray(ch, seed + 1)), 1.5) as tf.Tensor1D;
  const beta = tf.tensor1d(randArray(ch, seed + 2));
  const r = tf.tensor(randArray(n, seed + 3), c.shape);
  const rm = tf.tensor1d(randArray(ch, seed + 4));
  const rv = tf.tensor1d(randArray(ch, seed + 5));
  const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const o = impl(a, g as tf.Tensor1D, b as tf.Tensor1D, EPS);
    const main = tf.sum(tf.mul(o.y, r));
    return withStatsLoss ? tf.addN([main, tf.sum(tf.mul(o.mean, rm)), tf.sum(tf.mul(o.variance, rv))]) : main;
  };
  const o = impl(x, gamma, beta, EPS);
  const grads = tf.grads(loss)([x, gamma, beta]);
  return [o.y, o.mean, o.variance, ...grads];
}

const NAMES = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];

describe('fused training batch norm vs the tf-op composite', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const [i, c] of cases.entries()) {
      for (const withStatsLoss of [false, true]) {
        it(`${backend} [${c.shape}] offset ${c.offset}${withStatsLoss ? ' (loss through mean/variance)' : ''}`, async () => {
          await tf.setBackend(backend);
          expect(tf.getKernel(BN_TRAIN_KERNEL, backend)).toBeDefined();
          const before = tf.memory().numTensors;
          const ref = await onBackend(backend, () => run(batchNormTrainComposite, c, 10 * i, withStatsLoss));
          const got = await onBackend(backend, () => run(batchNormTrain, c, 10 * i, withStatsLoss));
          expect(tf.memory().numTensors).toBe(before);
          got.forEach((g, k) => expect(relError(g, ref[k]), NAMES[k]).toBeLessThanOrEqual(TOL));
        });
      }
    }
  }

  it('is really fused: one forward kernel, no tf-op moments', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randArray(2 * 4 * 4 * 3, 1), [2, 4, 4, 3]);
    const info = await tf.profile(() => tf.tidy(() => batchNormTrain(x, tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, EPS).y));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain(BN_TRAIN_KERNEL);
    expect(names).not.toContain('Mean');
    tf.dispose([x, info.result as tf.Tensor]);
  });
});

describe('wasm FusedBatchNorm (inference) vs cpu', () => {
  const shapes = [[2, 3, 4, 5], [4, 8, 8, 16], [3, 5, 1], [7, 2]];
  for (const [i, shape] of shapes.entries()) {
    for (const affine of [true, false]) {
      it(`[${shape}]${affine ? ' with scale and offset' : ' without scale/offset'}`, async () => {
        const ch = shape[shape.length - 1];
        const n = shape.reduce((a, b) => a * b, 1);
        const fn = () => {
          const x = tf.tensor(randArray(n, 50 + i), shape);
          const mean = tf.tensor1d(randArray(ch, 60 + i));
          const variance = tf.add(tf.abs(tf.tensor1d(randArray(ch, 70 + i))), 0.1) as tf.Tensor1D;
          const scale = affine ? tf.tensor1d(randArray(ch, 80 + i)) : undefined;
          const offset = affine ? tf.tensor1d(randArray(ch, 90 + i)) : undefined;
          return [tf.batchNorm(x, mean, variance, offset, scale, 1e-3)];
        };
        const ref = await onBackend('cpu', fn);
        const got = await onBackend('wasm', fn);
        expect(relError(got[0], ref[0])).toBeLessThanOrEqual(TOL);
      });
    }
  }
  it('falls back to the stock kernel for broadcast statistics (not 1-D)', async () => {
    const fn = () => {
      const x = tf.tensor(randArray(2 * 3 * 4, 5), [2, 3, 4]);
      const mean = tf.tensor(randArray(3 * 4, 6), [3, 4]);
      const variance = tf.add(tf.abs(tf.tensor(randArray(3 * 4, 7), [3, 4])), 0.5) as tf.Tensor2D;
      return [tf.batchNorm(x, mean, variance)];
    };
    const ref = await onBackend('cpu', fn);
    const got = await onBackend('wasm', fn);
    expect(relError(got[0], ref[0])).toBeLessThanOrEqual(TOL);
  });
});
