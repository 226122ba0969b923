// The phase-decomposed input gradient: which shapes take the row-residue convs, and that both phase layouts
// give the cpu backend's numbers; and the fused transposed conv + bias + activation (the decoder layers in
// inference) against the tf-op composite on cpu, forward and gradients.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV_T_BIAS_ACT_KERNEL, conv2dTransposeBiasAct, conv2dTransposeBiasActComposite, type FusedActivation } from '../../src/compute/index.js';
import { conv2dBackpropInputViaPhases, residuePlan, type PhaseMode } from '../../src/compute/conv-backprop-input.js';
import { onBackend, randArray, relError, setupBackends } from './helpers.js';

const TOL = 1e-4;
beforeAll(setupBackends);

type Shape4 = [number, number, number, number];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('residuePlan', () => {
  it("covers k=4 s=2 'same' (pad 1) exactly: n outputs per residue, one pad row on the side each residue reaches past", () => {
    expect(residuePlan(16, 8, 1, 2, 4)).toEqual([
      { r: 0, y0: 1, m: 8, taps: 2, before: 0, after: 1 },
      { r: 1, y0: 0, m: 8, taps: 2, before: 1, after: 0 },
    ]);
  });
  it('refuses a residue without taps (k=1, s=2: odd x rows get nothing), which the stacked phases handle', () => {
    expect(residuePlan(12, 6, 0, 2, 1)).toBeUndefined();
  });
  it("plans residues with different tap counts ('valid' k=3 s=2 on 9 rows: 2 taps for even rows, 1 for odd)", () => {
    expect(residuePlan(9, 4, 0, 2, 3)?.map((r) => [r.m, r.taps, r.before, r.after])).toEqual([[5, 2, 1, 1], [4, 1, 0, 0]]);
  });
});

describe('conv2dBackpropInputViaPhases: both phase layouts vs the cpu Conv2DBackpropInput', () => {
  const cases: { x: Shape4; k: [number, number]; co: number; pad: 'same' | 'valid' | number }[] = [
    { x: [2, 8, 8, 3], k: [4, 4], co: 5, pad: 'same' },
    { x: [3, 16, 12, 1], k: [4, 4], co: 4, pad: 1 },
    { x: [2, 9, 9, 4], k: [3, 3], co: 2, pad: 'valid' },
  ];
  for (const [i, c] of cases.entries()) {
    for (const mode of ['rows', 'stacked'] as PhaseMode[]) {
      it(`${mode}: x [${c.x}] k ${c.k} co ${c.co} pad=${c.pad}`, async () => {
        const filterShape: Shape4 = [c.k[0], c.k[1], c.x[3], c.co];
        const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, 2, 1, c.pad);
        const dyShape: Shape4 = [c.x[0], info.outHeight, info.outWidth, c.co];
        const dy = randArray(size(dyShape), 500 + i);
        const w = randArray(size(filterShape), 600 + i);
        const [ref] = await onBackend('cpu', () => [tf.conv2dTranspose(tf.tensor4d(dy, dyShape), tf.tensor4d(w, filterShape), c.x, 2, c.pad)]);
        await tf.setBackend('wasm');
        const got = tf.tidy(() => {
          const info = conv2dBackpropInputViaPhases(tf.backend() as BackendWasm, tf.tensor4d(dy, dyShape), tf.tensor4d(w, filterShape), c.x, 2, c.pad, undefined, {}, mode);
          return tf.engine().makeTensorFromTensorInfo(info);
        });
        const data = (await got.data()) as Float32Array;
        got.dispose();
        expect(relError(data, ref)).toBeLessThanOrEqual(TOL);
      });
    }
  }
});

describe(`${CONV_T_BIAS_ACT_KERNEL} vs the tf-op composite on cpu`, () => {
  const cases: { x: Shape4; co: number; pad: 'same' | 'valid'; act: FusedActivation }[] = [
    { x: [2, 4, 4, 8], co: 16, pad: 'same', act: 'relu' }, // per-residue phases
    { x: [2, 5, 3, 6], co: 1, pad: 'same', act: 'linear' }, // stacked phases (one output channel)
    { x: [3, 4, 5, 4], co: 8, pad: 'valid', act: 'relu' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`x [${c.x}] -> ${c.co} channels, ${c.pad}, ${c.act}: output and gradients`, async () => {
      const [n, h, w, ci] = c.x;
      const outShape: Shape4 = c.pad === 'same' ? [n, h * 2, w * 2, c.co] : [n, h * 2 + 2, w * 2 + 2, c.co];
      const fShape: Shape4 = [4, 4, c.co, ci];
      const xs = randArray(size(c.x), 700 + i);
      const fs = randArray(size(fShape), 800 + i);
      const bs = randArray(c.co, 900 + i);
      const r = randArray(size(outShape), 1000 + i);
      const run = (fn: typeof conv2dTransposeBiasAct) => () => {
        const args = [tf.tensor4d(xs, c.x), tf.tensor4d(fs, fShape), tf.tensor1d(bs)] as const;
        const f = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(fn(a as tf.Tensor4D, b as tf.Tensor4D, outShape, 2, c.pad, d as tf.Tensor1D, c.act), tf.tensor4d(r, outShape)));
        const y = fn(args[0], args[1], outShape, 2, c.pad, args[2], c.act);
        return [y, ...tf.grads(f)([...args])];
      };
      const ref = await onBackend('cpu', run(conv2dTransposeBiasActComposite));
      await tf.setBackend('wasm');
      expect(tf.getKernel(CONV_T_BIAS_ACT_KERNEL, 'wasm')).toBeDefined();
      const got = await onBackend('wasm', run(conv2dTransposeBiasAct));
      expect(got).toHaveLength(4); // y, dx, dFilter, dBias
      for (const [k, g] of got.entries()) expect(relError(g, ref[k]), `output ${k}`).toBeLessThanOrEqual(TOL);
      // ReLU really clamps: some outputs are exactly zero, as in the reference.
      if (c.act === 'relu') expect(got[0].some((v) => v === 0)).toBe(true);
    });
  }
});
