// The shared loop's lr schedule (detectors/lr-schedule.ts, train-loop.ts): the cosine lr per epoch against PyTorch's
// CosineAnnealingLR, tfjs's Momentum and Adam under an lr changed between steps against torch.optim.SGD / Adam
// (golden/lr-schedule.py), and a tiny real training run: the lr it trains at, abort + resume = straight, bad values.
import { promises as fs } from 'node:fs';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, arrayTrainData, createDetector, type FitOptions, type ReconstructionDetector } from '../../src/detectors/index.js';
import { lrAtEpoch, lrScheduleOf, setOptimizerLr } from '../../src/detectors/lr-schedule.js';
import { Tf1RmsPropOptimizer } from '../../src/detectors/rmsprop-tf1.js';
import { sgdMomentum } from '../../src/detectors/sgd-momentum.js';
import { blobs, maxAbsDiff } from './fixtures.js';

interface Schedule {
  lr: number;
  lrMin: number;
  epochs: number;
  lrs: number[];
}
interface Trajectory {
  optimizer: 'sgd' | 'adam';
  lr: number;
  lrMin: number;
  epochs: number;
  c: number[];
  w0: number[];
  steps: { lr: number; w: number[] }[];
}
const golden = JSON.parse(readFileSync(new URL('./golden/lr-schedule.json', import.meta.url), 'utf8')) as {
  schedules: Record<string, Schedule>;
  trajectories: Trajectory[];
};

const SIZE = 16;
const TINY = { channels: [4, 8, 8, 8], latent: 4 };
// 10 images in batches of 4: 3 steps per epoch.
const data = arrayTrainData(blobs(10, SIZE, 5), { height: SIZE, width: SIZE });
const small = golden.schedules.small;
const cosine: FitOptions = { epochs: small.epochs, batchSize: 4, lr: small.lr, lrSchedule: 'cosine', lrMin: small.lrMin, seed: 3, lossEvery: 1 };
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-lr-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

async function weights(det: ReconstructionDetector): Promise<Float32Array> {
  const parts = await Promise.all(det.params.named().map((p) => p.tensor.data() as Promise<Float32Array>));
  return Float32Array.from(parts.flatMap((p) => [...p]));
}

/** Fits a fresh tiny AE, returning its weights and the lr reported at each step. */
async function fit(opts: FitOptions): Promise<{ w: Float32Array; lrs: number[] }> {
  const det = createDetector('ae', TINY, SIZE) as ReconstructionDetector;
  const lrs: number[] = [];
  try {
    await det.fit(data, { ...opts, onProgress: (p) => lrs.push(p.lr!) });
    return { w: await weights(det), lrs };
  } finally {
    det.dispose();
  }
}

describe('cosine lr schedule', () => {
  it.each(Object.keys(golden.schedules))("%s: every epoch's lr equals torch's CosineAnnealingLR (epoch 0 at the full lr)", (name) => {
    const s = golden.schedules[name];
    const schedule = lrScheduleOf('test', { lr: s.lr, lrSchedule: 'cosine', lrMin: s.lrMin });
    expect(s.lrs[0]).toBe(s.lr);
    s.lrs.forEach((want, e) => expect(Math.abs(lrAtEpoch(schedule, s.lr, e, s.epochs) - want), `epoch ${e}`).toBeLessThan(1e-12 * s.lr));
    // constant: the lr, whatever the epoch
    expect(lrAtEpoch(lrScheduleOf('test', { lr: s.lr }), s.lr, s.epochs - 1, s.epochs)).toBe(s.lr);
  });

  it.each([0, 1])('trajectory %i: tfjs optimiser with the lr set per epoch = torch optimiser + CosineAnnealingLR', async (i) => {
    const g = golden.trajectories[i];
    const c = tf.tensor1d(g.c);
    const w = tf.variable(tf.tensor1d(g.w0));
    const opt = g.optimizer === 'sgd' ? sgdMomentum(g.lr, 0.9) : tf.train.adam(g.lr, 0.9, 0.999, 1e-8);
    const schedule = lrScheduleOf('test', { lr: g.lr, lrSchedule: 'cosine', lrMin: g.lrMin });
    try {
      for (const [e, s] of g.steps.entries()) {
        const lr = lrAtEpoch(schedule, g.lr, e, g.epochs);
        expect(Math.abs(lr - s.lr)).toBeLessThan(1e-12);
        setOptimizerLr(opt, lr);
        opt.minimize(() => tf.mul(0.5, tf.sum(tf.mul(c, tf.square(w)))) as tf.Scalar, false, [w]);
        expect(maxAbsDiff(await w.data(), s.w), `${g.optimizer} w after step ${e + 1}`).toBeLessThan(1e-5);
      }
    } finally {
      opt.dispose();
      tf.dispose([c, w]);
    }
  });

  it("sets TF1 RMSProp's lr (f-AnoGAN's encoder) and refuses an optimiser it cannot set", () => {
    const rms = new Tf1RmsPropOptimizer(0.1);
    setOptimizerLr(rms, 0.02);
    expect(rms.learningRate).toBe(0.02);
    const odd = { getClassName: () => 'Odd' } as unknown as tf.Optimizer;
    expect(() => setOptimizerLr(odd, 0.1)).toThrow(/cannot set the learning rate of a Odd optimiser/);
  });

  it('rejects a bad schedule, lrMin outside [0, lr] and lrMin without cosine', () => {
    expect(() => lrScheduleOf('fit(ae)', { lr: 1e-3, lrSchedule: 'step' })).toThrow(/fit\(ae\): lrSchedule must be one of constant, cosine, got "step"/);
    expect(() => lrScheduleOf('fit(ae)', { lr: 1e-3, lrSchedule: 'cosine', lrMin: 0.01 })).toThrow(/lrMin must be in \[0, lr = 0.001\], got 0.01/);
    expect(() => lrScheduleOf('fit(ae)', { lr: 1e-3, lrSchedule: 'cosine', lrMin: -1 })).toThrow(/lrMin must be/);
    expect(() => lrScheduleOf('fit(ae)', { lr: 1e-3, lrMin: 1e-6 })).toThrow(/lrMin applies only with lrSchedule cosine/);
    expect(lrScheduleOf('x', { lr: 1e-3, lrSchedule: 'cosine' })).toEqual({ kind: 'cosine', lrMin: 1e-6 });
  });
});

describe('cosine lr in the training loop', () => {
  it('a real fit trains each epoch at the annealed lr, and ends elsewhere than the constant-lr fit', async () => {
    const annealed = await fit(cosine);
    expect(annealed.lrs).toHaveLength(9);
    annealed.lrs.forEach((lr, i) => expect(Math.abs(lr - small.lrs[Math.floor(i / 3)])).toBeLessThan(1e-12 * small.lr));
    const constant = await fit({ ...cosine, lrSchedule: undefined, lrMin: undefined });
    expect(constant.lrs).toEqual(Array(9).fill(small.lr));
    // Same seed and batches, so the annealed lr of epochs 1-2 is what moves the weights apart.
    expect(maxAbsDiff(annealed.w, constant.w)).toBeGreaterThan(1e-4);
  });

  it('abort in epoch 1, resume in a fresh detector = the uninterrupted annealed run (1e-6), at the same lrs', async () => {
    const straight = await fit(cosine);
    const dir = path.join(tmp, 'resume');
    const ctrl = new AbortController();
    const first = createDetector('ae', TINY, SIZE) as ReconstructionDetector;
    await expect(
      first.fit(data, { ...cosine, checkpoint: { dir, everySteps: 100 }, signal: ctrl.signal, onProgress: (p) => p.step === 4 && ctrl.abort() }),
    ).rejects.toThrow(AbortError);
    first.dispose();
    const second = createDetector('ae', TINY, SIZE) as ReconstructionDetector;
    const lrs: number[] = [];
    const r = await second.fit(data, { ...cosine, checkpoint: { dir, everySteps: 100 }, resume: true, onProgress: (p) => lrs.push(p.lr!) });
    expect(r.resumedFromStep).toBe(4);
    expect(lrs).toEqual(straight.lrs.slice(4));
    expect(maxAbsDiff(await weights(second), straight.w)).toBeLessThan(1e-6);
    second.dispose();
  });

  it('refuses to resume a constant-lr checkpoint under cosine, naming the file', async () => {
    const dir = path.join(tmp, 'mismatch');
    const det = createDetector('ae', TINY, SIZE) as ReconstructionDetector;
    try {
      await det.fit(data, { ...cosine, lrSchedule: undefined, lrMin: undefined, epochs: 1, checkpoint: { dir, everySteps: 1 } });
      await expect(det.fit(data, { ...cosine, checkpoint: { dir, everySteps: 1 }, resume: true })).rejects.toThrow(
        /checkpoint\.json: cannot resume: checkpoint has lrSchedule undefined, this run \{"kind":"cosine","lrMin":0\.0001\}/,
      );
    } finally {
      det.dispose();
    }
  });
});
