// The batch-norm layer with the fused kernels gives the tf-op layer's output, gradients and running statistics, and
// the running statistics follow PyTorch's rule (momentum 0.1, unbiased variance), computed here in plain float64 JS.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareWasm, registerBatchNormKernels, unregisterBatchNormKernels } from '../../src/compute/index.js';
import { ParamStore, addBatchNorm, batchNorm } from '../../src/detectors/layers.js';

const SHAPE: [number, number, number, number] = [4, 3, 5, 6];
const C = SHAPE[3];

function input(seed: number): Float32Array {
  const out = new Float32Array(SHAPE.reduce((a, b) => a * b, 1));
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 1 + (i % C) * 0.3; // per-channel offsets
  }
  return out;
}

interface Run {
  y: Float32Array;
  grads: Float32Array[];
  mm: Float32Array;
  mv: Float32Array;
}

/** Two training steps' worth of batch norm on the same store (running statistics move twice), then y and grads. */
async function run(): Promise<Run> {
  const ps = new ParamStore();
  addBatchNorm(ps, 'bn', C);
  tf.tidy(() => ps.get('bn/gamma').assign(tf.tensor1d(Array.from({ length: C }, (_, j) => 0.5 + 0.25 * j))));
  const x1 = tf.tensor4d(input(1), SHAPE);
  const x2 = tf.tensor4d(input(2), SHAPE);
  tf.tidy(() => {
    batchNorm(ps, 'bn', x1, true);
  });
  const r = tf.tensor4d(input(3), SHAPE);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(batchNorm(ps, 'bn', x2, true), r)), ps.trainable());
  const y = tf.tidy(() => batchNorm(ps, 'bn', x2, true));
  // Three training-mode calls in all, so the running statistics moved three times.
  const out: Run = {
    y: (await y.data()) as Float32Array,
    grads: (await Promise.all(Object.values(grads).map((g) => g.data()))) as Float32Array[],
    mm: (await ps.get('bn/moving_mean').data()) as Float32Array,
    mv: (await ps.get('bn/moving_var').data()) as Float32Array,
  };
  tf.dispose([x1, x2, r, value, y, ...Object.values(grads)]);
  ps.dispose();
  return out;
}

/** PyTorch's running statistics after batches x1, x2, x2, from plain float64 arithmetic. */
function expectedRunning(): { mm: number[]; mv: number[] } {
  const mm = new Array<number>(C).fill(0);
  const mv = new Array<number>(C).fill(1);
  for (const x of [input(1), input(2), input(2)]) {
    const n = x.length / C;
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (let i = j; i < x.length; i += C) s += x[i];
      const m = s / n;
      let q = 0;
      for (let i = j; i < x.length; i += C) q += (x[i] - m) ** 2;
      mm[j] = 0.9 * mm[j] + 0.1 * m;
      mv[j] = 0.9 * mv[j] + 0.1 * (q / (n - 1));
    }
  }
  return { mm, mv };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
/** max |a - ref| relative to max |ref|. */
const relDiff = (a: ArrayLike<number>, ref: ArrayLike<number>) => maxDiff(a, ref) / Math.max(...Array.from(ref, Math.abs));

beforeAll(() => prepareWasm());
afterAll(async () => {
  registerBatchNormKernels(['cpu']);
  await tf.setBackend('cpu');
});

describe('batch-norm layer: fused kernels vs tf ops', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: same output, gradients and running statistics`, async () => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      unregisterBatchNormKernels(backend);
      const ref = await run();
      registerBatchNormKernels([backend]);
      const got = await run();
      expect(tf.memory().numTensors).toBe(before);
      expect(relDiff(got.y, ref.y)).toBeLessThan(1e-5);
      expect(got.grads).toHaveLength(2); // gamma, beta
      got.grads.forEach((g, i) => expect(relDiff(g, ref.grads[i])).toBeLessThan(1e-5));
      expect(maxDiff(got.mm, ref.mm)).toBeLessThan(1e-6);
      expect(maxDiff(got.mv, ref.mv)).toBeLessThan(1e-5);
      const want = expectedRunning();
      expect(maxDiff(got.mm, want.mm)).toBeLessThan(1e-5);
      expect(maxDiff(got.mv, want.mv)).toBeLessThan(1e-5);
    });
  }
});
