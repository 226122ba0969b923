// f-AnoGAN anomaly scores for one batch [n, H, W, 1]; every function returns per-image scores [n] and per-pixel maps
// [n, H, W] and runs inside the caller's tidy (except the iterative search, which owns its variable).
import * as tf from '@tensorflow/tfjs';
import { mixSeed, normalArray } from '../rng.js';
import type { Critic, Encoder, Generator } from './nets.js';

export interface BatchScore {
  scores: tf.Tensor1D;
  maps: tf.Tensor3D;
}

/**
 * A(x) = A_R(x) + kappa * A_D(x) with A_R = mean squared image residual and A_D = mean squared critic-feature residual
 * of the reconstruction `rec`; kappa = 0 gives A_R alone. Map: per-pixel squared image residual.
 */
export function residualScore(critic: Critic, x: tf.Tensor4D, rec: tf.Tensor4D, kappa: number): BatchScore {
  const maps = tf.squeeze(tf.squaredDifference(x, rec), [3]) as tf.Tensor3D;
  const ar = tf.mean(maps, [1, 2]) as tf.Tensor1D;
  if (kappa === 0) return { scores: ar, maps };
  const ad = tf.mean(tf.squaredDifference(critic.features(x), critic.features(rec)), 1);
  return { scores: tf.add(ar, tf.mul(ad, kappa)), maps };
}

/** f-AnoGAN: reconstruct through the trained encoder. */
export function encoderScore(gen: Generator, critic: Critic, enc: Encoder, x: tf.Tensor4D, kappa: number): BatchScore {
  return residualScore(critic, x, gen.generate(enc.encode(x), false), kappa);
}

/** The encoder reconstruction's A_R and A_D separately (per image), and the residual map. */
export function encoderParts(gen: Generator, critic: Critic, enc: Encoder, x: tf.Tensor4D): { ar: tf.Tensor1D; ad: tf.Tensor1D; maps: tf.Tensor3D } {
  const rec = gen.generate(enc.encode(x), false);
  const maps = tf.squeeze(tf.squaredDifference(x, rec), [3]) as tf.Tensor3D;
  return { ar: tf.mean(maps, [1, 2]) as tf.Tensor1D, ad: tf.mean(tf.squaredDifference(critic.features(x), critic.features(rec)), 1) as tf.Tensor1D, maps };
}

/**
 * The A_D baseline: the critic's output alone. A WGAN critic rates real-looking images high, so the score is -D(x).
 * It has no localisation: the map is the image score at every pixel.
 */
export function criticScore(critic: Critic, x: tf.Tensor4D): BatchScore {
  const [n, h, w] = x.shape;
  const scores = tf.neg(critic.score(x));
  return { scores, maps: tf.mul(tf.reshape(scores, [n, 1, 1]), tf.ones([n, h, w])) as tf.Tensor3D };
}

/**
 * AnoGAN-style iterative mapping: for each image, Adam on z (from a seeded N(0, 1) start) for `steps` steps on
 * A_R + kappa * A_D of G(z), then the score of the last z. Per-image losses are summed: their gradients stay separate.
 * `firstIndex` seeds the start per image, so an image's score does not depend on its batch.
 */
export function iterativeScore(
  gen: Generator,
  critic: Critic,
  x: tf.Tensor4D,
  opts: { latent: number; steps: number; lr: number; kappa: number; firstIndex: number },
): BatchScore {
  const n = x.shape[0];
  const start = new Float32Array(n * opts.latent);
  for (let i = 0; i < n; i++) start.set(normalArray(opts.latent, mixSeed(0x17e, opts.firstIndex + i)), i * opts.latent);
  const z = tf.variable(tf.tensor2d(start, [n, opts.latent]), true);
  const adam = tf.train.adam(opts.lr, 0.9, 0.999, 1e-8);
  try {
    for (let s = 0; s < opts.steps; s++) {
      adam.minimize(() => tf.sum(residualScore(critic, x, gen.generate(z, false), opts.kappa).scores), false, [z]);
    }
    return residualScore(critic, x, gen.generate(z, false), opts.kappa);
  } finally {
    adam.dispose();
    z.dispose();
  }
}
