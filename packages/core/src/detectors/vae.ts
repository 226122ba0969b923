// `vae`: the same network with the encoder giving mu and logvar (latent each). Loss as ref_ae.py:
//   mean over pixels of (rec - x)^2  +  klWeight * KL,  KL = -0.5 * mean over the batch of sum over latent of
//   (1 + logvar - mu^2 - exp(logvar)).
// Training samples z = mu + eps * exp(logvar / 2) with eps seeded by (seed, step); scoring decodes mu.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { InputSize } from './api.js';
import { ConvAENet } from './conv-ae-net.js';
import { convAeParams } from './conv-ae-params.js';
import { ReconstructionDetector } from './reconstruction-detector.js';
import { mixSeed, normalArray } from './rng.js';
import type { StepContext } from './train-loop.js';

export const vaeParamsSchema = z.strictObject({ ...convAeParams, klWeight: z.number().nonnegative().default(0.005) });
export type VaeParams = z.output<typeof vaeParamsSchema>;

export class VaeDetector extends ReconstructionDetector {
  readonly name = 'vae';

  constructor(
    private readonly p: VaeParams,
    inputSize: InputSize,
  ) {
    super(p, inputSize, new ConvAENet({ inputSize, channels: p.channels, latent: p.latent, zOut: 2 * p.latent, outChannels: 1, hidden: p.hidden }));
  }

  private split(h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const l = this.p.latent;
    return [tf.slice(h, [0, 0], [-1, l]), tf.slice(h, [0, l], [-1, l])];
  }

  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar {
    const [mu, logvar] = this.split(this.net.encode(x, true));
    const n = x.shape[0];
    const eps = tf.tensor2d(normalArray(n * this.p.latent, mixSeed(ctx.seed, ctx.step, 0x7ae)), [n, this.p.latent]);
    const zs: tf.Tensor2D = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logvar, 0.5))));
    const rec = this.net.decode(zs, true);
    const mse = tf.mean(tf.squaredDifference(rec, x));
    const kl = tf.mul(-0.5, tf.mean(tf.sum(tf.sub(tf.add(1, logvar), tf.add(tf.square(mu), tf.exp(logvar))), 1)));
    return tf.add(mse, tf.mul(kl, this.p.klWeight));
  }

  protected pixelMap(x: tf.Tensor4D): tf.Tensor3D {
    const [mu] = this.split(this.net.encode(x, false));
    return tf.squeeze(tf.squaredDifference(this.net.decode(mu, false), x), [3]);
  }
}
