// Stage 1 of f-AnoGAN: a Wasserstein GAN of the normal images. One step = one batch = one critic update; every
// nCritic-th step also updates the generator. Adam(lr, beta1 0, beta2 0.9) for both, as WGAN-GP. The critic is
// regularised by the gradient penalty (weight gpWeight) or, where the backend has no second-order gradients, by
// clipping its weights to [-clip, clip] after each update (the original WGAN). Conventions as the shared training
// loop: seeded epochs, cancellation between steps, atomic checkpoints every N steps, resume equal to uninterrupted.
import * as tf from '@tensorflow/tfjs';
import { AbortError, stepsPerEpoch, yieldToEventLoop, type FitOptions, type FitResult, type InputSize, type TrainData } from '../api.js';
import { resumeRunCheckpoint, saveRunCheckpoint, type RunIdentity } from '../checkpoint.js';
import { mixSeed, normalArray, uniformArray } from '../rng.js';
import type { Critic, Generator } from './nets.js';
import { assignAll, namedAll } from '../stores.js';

export interface GanStageSetup {
  gen: Generator;
  critic: Critic;
  inputSize: InputSize;
  latent: number;
  nCritic: number;
  /** 'gp': gradient penalty with this weight; 'clip': weight clipping at this bound. */
  regulariser: { kind: 'gp'; weight: number } | { kind: 'clip'; bound: number };
  /** Identifies the checkpoint: a resume needs the same values. */
  config: Record<string, unknown>;
}

const BETA1 = 0;
const BETA2 = 0.9;
const EPSILON = 1e-8;
const STAGE = 'fanogan/gan';

/** The critic loss of one step: E[D(G(z))] - E[D(x)] (+ gradient penalty). */
function criticLoss(s: GanStageSetup, x: tf.Tensor4D, fake: tf.Tensor4D, seed: number, step: number): tf.Scalar {
  const wdist = tf.sub(tf.mean(s.critic.score(fake)), tf.mean(s.critic.score(x)));
  if (s.regulariser.kind !== 'gp' || s.regulariser.weight === 0) return wdist as tf.Scalar;
  const n = x.shape[0];
  const eps = tf.tensor4d(uniformArray(n, 0, 1, mixSeed(seed, step, 0x9e)), [n, 1, 1, 1]);
  const xh = tf.add(tf.mul(eps, x), tf.mul(tf.sub(1, eps), fake)) as tf.Tensor4D;
  const g = tf.grad((inp: tf.Tensor) => tf.sum(s.critic.score(inp as tf.Tensor4D)))(xh);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), [1, 2, 3]), 1e-12));
  return tf.add(wdist, tf.mul(s.regulariser.weight, tf.mean(tf.square(tf.sub(norm, 1))))) as tf.Scalar;
}

export async function runGanStage(s: GanStageSetup, data: TrainData, opts: FitOptions): Promise<FitResult & { step: number }> {
  const t0 = performance.now();
  const { height, width } = s.inputSize;
  const spe = stepsPerEpoch(data.size, opts.batchSize);
  const totalSteps = spe * opts.epochs;
  const lossEvery = Math.max(1, opts.lossEvery ?? 10);
  const optD = tf.train.adam(opts.lr, BETA1, BETA2, EPSILON);
  const optG = tf.train.adam(opts.lr, BETA1, BETA2, EPSILON);
  const dVars = s.critic.params.trainable();
  const gVars = s.gen.params.trainable();
  const stores = { gen: s.gen.params, critic: s.critic.params };
  let step = 0;
  let losses: { step: number; loss: number }[] = [];
  const ckDir = opts.checkpoint?.dir;
  const id: RunIdentity = { detector: STAGE, config: s.config, seed: opts.seed, batchSize: opts.batchSize, lr: opts.lr };
  try {
    const optimizers = { adamD: optD, adamG: optG };
    const resumed = opts.resume && ckDir ? await resumeRunCheckpoint(ckDir, id, (t, file) => assignAll(stores, t, file), optimizers) : null;
    if (resumed) {
      ({ step, losses } = resumed);
    } else {
      s.gen.params.reinitialise(mixSeed(opts.seed, 1));
      s.critic.params.reinitialise(mixSeed(opts.seed, 2));
    }
    const resumedFromStep = step;

    const checkpoint = async () => {
      if (!ckDir) return;
      await saveRunCheckpoint(ckDir, id, { step, stepsPerEpoch: spe, losses }, namedAll(stores), optimizers);
    };

    let lastLoss = losses.length > 0 ? losses[losses.length - 1].loss : NaN;
    let emaMs = 0;
    let sinceCheckpoint = 0;
    for (let epoch = Math.floor(step / spe); epoch < opts.epochs && step < totalSteps; epoch++) {
      for await (const batch of data.batches(opts.batchSize, mixSeed(opts.seed, epoch, 0x5eed), step - epoch * spe)) {
        const n = batch.length / (height * width);
        if (n < 2) continue;
        await yieldToEventLoop();
        if (opts.signal?.aborted) {
          await checkpoint();
          throw new AbortError(`fit(fanogan) cancelled in the GAN stage after step ${step}`, step);
        }
        const ts = performance.now();
        const at = step;
        const cost = tf.tidy(() => {
          const x = tf.tensor4d(batch, [n, height, width, 1]);
          const z = tf.tensor2d(normalArray(n * s.latent, mixSeed(opts.seed, at, 0x2a)), [n, s.latent]);
          const fake = s.gen.generate(z, true);
          const c = optD.minimize(() => criticLoss(s, x, fake, opts.seed, at), true, dVars)!;
          if (s.regulariser.kind === 'clip') {
            const b = s.regulariser.bound;
            for (const v of dVars) v.assign(tf.clipByValue(v, -b, b));
          }
          if ((at + 1) % s.nCritic === 0) {
            const zg = tf.tensor2d(normalArray(n * s.latent, mixSeed(opts.seed, at, 0x6e)), [n, s.latent]);
            optG.minimize(() => tf.neg(tf.mean(s.critic.score(s.gen.generate(zg, true)))) as tf.Scalar, false, gVars);
          }
          return c;
        });
        step++;
        sinceCheckpoint++;
        if (step === resumedFromStep + 1 || step % lossEvery === 0 || step === totalSteps) {
          lastLoss = (await cost.data())[0];
          losses.push({ step, loss: lastLoss });
        }
        cost.dispose();
        const dt = performance.now() - ts;
        emaMs = emaMs === 0 ? dt : emaMs + 0.1 * (dt - emaMs);
        opts.onProgress?.({ epoch, epochs: opts.epochs, step, stepsPerEpoch: spe, totalSteps, loss: lastLoss, etaMs: emaMs * (totalSteps - step), stage: 'gan' });
        if (ckDir && opts.checkpoint && step % opts.checkpoint.everySteps === 0) {
          await checkpoint();
          sinceCheckpoint = 0;
        }
        if (step >= totalSteps || step - epoch * spe >= spe) break;
      }
    }
    if (sinceCheckpoint > 0) await checkpoint();
    return { step, steps: step - resumedFromStep, epochs: opts.epochs, finalLoss: lastLoss, losses, resumedFromStep, durationMs: performance.now() - t0 };
  } finally {
    optD.dispose();
    optG.dispose();
  }
}
