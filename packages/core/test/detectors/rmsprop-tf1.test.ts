// TF1 RMSProp (detectors/rmsprop-tf1.ts) step for step against TensorFlow 1's update written out in NumPy
// (golden/rmsprop-tf1.py, from rmsprop.py's defaults and slot initialisers and training_ops.cc's ApplyRMSProp), on a
// least-squares problem whose gradients medad takes with tfjs autodiff on the wasm backend (float32).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tf1RmsPropOptimizer, TF1_RMSPROP_DEFAULTS } from '../../src/detectors/rmsprop-tf1.js';
import { useWasm } from './fixtures.js';

interface Case {
  lr: number;
  decay: number;
  momentum: number;
  epsilon: number;
  steps: { loss_before: number; w: number[]; b: number[]; ms_w: number[] }[];
}
const golden = JSON.parse(readFileSync(new URL('./golden/rmsprop-tf1.json', import.meta.url), 'utf8')) as { X: number[]; y: number[]; w0: number[]; b0: number[]; cases: Case[] };
const TOL = 1e-6;

function problem() {
  const X = tf.tensor2d(golden.X, [8, 3]);
  const y = tf.tensor2d(golden.y, [8, 2]);
  const w = tf.variable(tf.tensor2d(golden.w0, [3, 2]));
  const b = tf.variable(tf.tensor1d(golden.b0));
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(X, w), b), y))) as tf.Scalar;
  return { w, b, loss, dispose: () => tf.dispose([X, y, w, b]) };
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

beforeAll(useWasm);

describe('Tf1RmsPropOptimizer', () => {
  it("defaults are TF1's: decay 0.9, momentum 0, epsilon 1e-10", () => {
    expect(TF1_RMSPROP_DEFAULTS).toEqual({ decay: 0.9, momentum: 0, epsilon: 1e-10 });
    expect(golden.cases[0]).toMatchObject({ decay: 0.9, momentum: 0, epsilon: 1e-10 });
  });

  it.each([0, 1])('case %i: every step matches TF1 RMSProp (NumPy) to 1e-6', async (c) => {
    const g = golden.cases[c];
    const p = problem();
    const opt = new Tf1RmsPropOptimizer(g.lr, { decay: g.decay, momentum: g.momentum, epsilon: g.epsilon });
    try {
      for (const [i, s] of g.steps.entries()) {
        const cost = opt.minimize(p.loss, true, [p.w, p.b])!;
        expect(Math.abs((await cost.data())[0] - s.loss_before)).toBeLessThan(1e-5);
        cost.dispose();
        expect(maxAbs(await p.w.data(), s.w), `w after step ${i + 1}`).toBeLessThan(TOL);
        expect(maxAbs(await p.b.data(), s.b), `b after step ${i + 1}`).toBeLessThan(TOL);
      }
      // The mean-square slot (first after the iteration counter) matches too: it started at ones, not zeros.
      const ws = await opt.getWeights();
      expect(maxAbs(await ws[1].tensor.data(), g.steps[g.steps.length - 1].ms_w)).toBeLessThan(TOL);
      ws[0].tensor.dispose();
    } finally {
      opt.dispose();
      p.dispose();
    }
  });

  it("differs from tfjs's tf.train.rmsprop at the first step (zeros-initialised mean square, epsilon 1e-7)", async () => {
    const g = golden.cases[0];
    const ours = problem();
    const theirs = problem();
    const a = new Tf1RmsPropOptimizer(g.lr);
    const b = tf.train.rmsprop(g.lr, g.decay, 0);
    a.minimize(ours.loss, false, [ours.w, ours.b]);
    b.minimize(theirs.loss, false, [theirs.w, theirs.b]);
    const step = (w: Float32Array) => Math.max(...Array.from(w, (v, i) => Math.abs(v - golden.w0[i])));
    const stepOurs = step((await ours.w.data()) as Float32Array);
    const stepTheirs = step((await theirs.w.data()) as Float32Array);
    // Zeros-initialised: |step| = lr * |g| / sqrt(0.1 g^2) ~ 3.16 lr for every weight; ones-initialised: ~ lr * |g|.
    expect(stepTheirs).toBeCloseTo(g.lr * Math.sqrt(10), 4);
    expect(stepOurs).toBeLessThan(0.5 * stepTheirs);
    expect(maxAbs(await ours.w.data(), g.steps[0].w)).toBeLessThan(TOL);
    [a, b].forEach((o) => o.dispose());
    ours.dispose();
    theirs.dispose();
  });

  it('resumes exactly from getWeights/setWeights (the checkpoint path)', async () => {
    const g = golden.cases[1];
    const p = problem();
    const first = new Tf1RmsPropOptimizer(g.lr, g);
    for (let i = 0; i < 4; i++) first.minimize(p.loss, false, [p.w, p.b]);
    // A checkpoint stores the tensors' values; copy them so the first optimiser can go away.
    const saved = (await first.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
    first.dispose();
    const second = new Tf1RmsPropOptimizer(g.lr, g);
    await second.setWeights(saved);
    tf.dispose(saved.map((w) => w.tensor));
    expect(second.iterations).toBe(4);
    for (let i = 4; i < g.steps.length; i++) second.minimize(p.loss, false, [p.w, p.b]);
    expect(maxAbs(await p.w.data(), g.steps[g.steps.length - 1].w)).toBeLessThan(TOL);
    expect(maxAbs(await p.b.data(), g.steps[g.steps.length - 1].b)).toBeLessThan(TOL);
    second.dispose();
    p.dispose();
  });

  it('rejects bad settings with a clear message', () => {
    expect(() => new Tf1RmsPropOptimizer(0)).toThrow(/RMSProp: learning rate must be > 0, got 0/);
    expect(() => new Tf1RmsPropOptimizer(1e-3, { decay: 1 })).toThrow(/decay must be in \[0, 1\), got 1/);
    expect(() => new Tf1RmsPropOptimizer(1e-3, { epsilon: -1 })).toThrow(/epsilon must be >= 0/);
  });
});
