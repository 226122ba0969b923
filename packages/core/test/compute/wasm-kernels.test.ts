// Each kernel registered for wasm is checked against the cpu backend (tfjs's reference implementation): forward and
// gradients over strides, paddings, kernel sizes, batch > 1 and channels > 1.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEDAD_WASM_KERNELS, registerWasmTrainingKernels, withTensorAudit } from '../../src/compute/index.js';
import { onBackend, randArray, relError, setupBackends } from './helpers.js';

const TOL = 1e-4;
beforeAll(setupBackends);

interface Case {
  b: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  s: 1 | 2;
  pad: 'same' | 'valid' | number;
}
const cases: Case[] = [];
for (const s of [1, 2] as const)
  for (const pad of ['same', 'valid'] as const)
    for (const k of [3, 4]) cases.push({ b: 2, h: 8 + s - 1, w: 7, ci: 3, co: 5, k, s, pad });
cases.push({ b: 3, h: 6, w: 6, ci: 2, co: 4, k: 3, s: 2, pad: 1 }, { b: 1, h: 16, w: 16, ci: 1, co: 8, k: 4, s: 2, pad: 'same' });
const label = (c: Case) => `b${c.b} ${c.h}x${c.w}x${c.ci}->${c.co} k${c.k} s${c.s} pad=${c.pad}`;

/** conv2d forward, d/dx and d/dw of sum(conv2d(x, w) * r) for a random r. */
function convAndGrads(c: Case, x: Float32Array, w: Float32Array, seed: number): tf.Tensor[] {
  const xt = tf.tensor4d(x, [c.b, c.h, c.w, c.ci]);
  const wt = tf.tensor4d(w, [c.k, c.k, c.ci, c.co]);
  const y = tf.conv2d(xt, wt, c.s, c.pad);
  const r = tf.tensor(randArray(y.size, seed), y.shape);
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), r)))([xt, wt]);
  return [y, gx, gw];
}

/** conv2dTranspose forward and gradients; `x` plays the role of the transposed conv's input (conv output shape). */
function convTransposeAndGrads(c: Case, x: Float32Array, w: Float32Array, seed: number): tf.Tensor[] {
  const outShape: [number, number, number, number] = [c.b, c.h, c.w, c.ci];
  const info = tf.backend_util.computeConv2DInfo(outShape, [c.k, c.k, c.ci, c.co], c.s, 1, c.pad);
  const inp = tf.tensor4d(x.subarray(0, c.b * info.outHeight * info.outWidth * c.co), [c.b, info.outHeight, info.outWidth, c.co]);
  const wt = tf.tensor4d(w, [c.k, c.k, c.ci, c.co]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, c.s, c.pad as 'same' | 'valid' | number);
  const y = f(inp, wt);
  const r = tf.tensor(randArray(y.size, seed), y.shape);
  const [gi, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([inp, wt]);
  return [y, gi, gw];
}

async function compare(fn: () => tf.Tensor[]): Promise<number[]> {
  const ref = await onBackend('cpu', fn);
  const got = await onBackend('wasm', fn);
  return got.map((g, i) => relError(g, ref[i]));
}

describe('wasm training kernels vs cpu', () => {
  it('registers the kernels once and reports none on a second call', () => {
    for (const k of MEDAD_WASM_KERNELS) expect(tf.getKernel(k, 'wasm')).toBeDefined();
    expect(registerWasmTrainingKernels()).toEqual([]);
  });

  for (const [i, c] of cases.entries()) {
    it(`conv2d forward + grads, ${label(c)}`, async () => {
      const x = randArray(c.b * c.h * c.w * c.ci, 10 + i);
      const w = randArray(c.k * c.k * c.ci * c.co, 100 + i);
      const errs = await compare(() => convAndGrads(c, x, w, 1000 + i));
      expect(errs.every((e) => e <= TOL), `y, dx, dw errors ${errs}`).toBe(true);
    });
    it(`conv2dTranspose forward + grads, ${label(c)}`, async () => {
      const x = randArray(c.b * c.h * c.w * c.co, 20 + i);
      const w = randArray(c.k * c.k * c.ci * c.co, 200 + i);
      const errs = await compare(() => convTransposeAndGrads(c, x, w, 2000 + i));
      expect(errs.every((e) => e <= TOL), `y, dinput, dw errors ${errs}`).toBe(true);
    });
  }

  for (const [s, pad, mult] of [[1, 'same', 1], [2, 'valid', 2], [2, 'same', 3]] as const) {
    it(`depthwiseConv2d grads, s${s} pad=${pad} multiplier ${mult}`, async () => {
      const shape: [number, number, number, number] = [2, 9, 8, 3];
      const x = randArray(2 * 9 * 8 * 3, 31);
      const w = randArray(3 * 3 * 3 * mult, 32);
      const errs = await compare(() => {
        const xt = tf.tensor4d(x, shape);
        const wt = tf.tensor4d(w, [3, 3, 3, mult]);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad);
        const y = f(xt, wt);
        const r = tf.tensor(randArray(y.size, 33), y.shape);
        return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([xt, wt])];
      });
      expect(errs.every((e) => e <= TOL), `y, dx, dw errors ${errs}`).toBe(true);
    });
  }

  it('the gradients are not trivially equal: a wrong stride gives a large error', async () => {
    const c = cases[6];
    const x = randArray(c.b * c.h * c.w * c.ci, 5);
    const w = randArray(c.k * c.k * c.ci * c.co, 6);
    const ref = await onBackend('cpu', () => convAndGrads(c, x, w, 7));
    const wrong = await onBackend('wasm', () => convAndGrads({ ...c, s: 1 }, x, w, 7));
    expect(relError(wrong[2], ref[2])).toBeGreaterThan(0.1);
  });

  it('Conv2DBackpropFilter on wasm leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(randArray(2 * 8 * 8 * 3, 1), [2, 8, 8, 3]);
    const dy = tf.tensor4d(randArray(2 * 4 * 4 * 5, 2), [2, 4, 4, 5]);
    const { result, tensorDelta, bufferDelta } = await withTensorAudit(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', filterShape: [3, 3, 3, 5] }) as tf.Tensor,
    );
    expect(result.shape).toEqual([3, 3, 3, 5]);
    expect([tensorDelta, bufferDelta]).toEqual([1, 1]);
    tf.dispose([x, dy, result]);
  });
});
