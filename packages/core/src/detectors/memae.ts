// `memae` (Gong et al. 2019): a memory of N items in the bottleneck. The code z addresses the memory with
// w = softmax(z M^T); hard shrinkage w <- relu(w - lambda) * w / (|w - lambda| + 1e-12) (lambda = 1/N by default),
// then L1-renormalisation; the decoder sees w M. Loss: pixel-mean MSE + entropyWeight * mean entropy of w.
// Anomalies are reconstructed from normal prototypes only, so they keep a high error.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { InputSize } from './api.js';
import { ConvAENet } from './conv-ae-net.js';
import { convAeParams } from './conv-ae-params.js';
import { torchUniform } from './layers.js';
import { ReconstructionDetector } from './reconstruction-detector.js';

export const memaeParamsSchema = z.strictObject({
  ...convAeParams,
  memorySize: z.number().int().min(2).default(100),
  /** Hard-shrinkage threshold; null means 1 / memorySize. */
  shrinkThreshold: z.number().min(0).lt(1).nullable().default(null),
  entropyWeight: z.number().nonnegative().default(0.0002),
});
export type MemaeParams = z.output<typeof memaeParamsSchema>;

const EPS = 1e-12;

export class MemaeDetector extends ReconstructionDetector {
  readonly name = 'memae';
  private readonly lambda: number;

  constructor(
    private readonly p: MemaeParams,
    inputSize: InputSize,
  ) {
    super(p, inputSize, new ConvAENet({ inputSize, channels: p.channels, latent: p.latent, zOut: p.latent, outChannels: 1, hidden: p.hidden }));
    // MemAE's initialisation: U(-1/sqrt(dim), 1/sqrt(dim)).
    this.params.add('memory', [p.memorySize, p.latent], torchUniform(p.latent));
    this.lambda = p.shrinkThreshold ?? 1 / p.memorySize;
  }

  /** Memory addressing: returns the read code and the (shrunk, renormalised) attention. */
  protected address(zc: tf.Tensor2D): { zhat: tf.Tensor2D; w: tf.Tensor2D } {
    const mem = this.params.get('memory') as tf.Tensor2D;
    let w: tf.Tensor = tf.softmax(tf.matMul(zc, mem, false, true));
    if (this.lambda > 0) {
      const shifted = tf.sub(w, this.lambda);
      w = tf.div(tf.mul(tf.relu(shifted), w), tf.add(tf.abs(shifted), EPS));
      w = tf.div(w, tf.maximum(tf.sum(tf.abs(w), 1, true), EPS));
    }
    return { zhat: tf.matMul(w, mem), w: w as tf.Tensor2D };
  }

  trainLoss(x: tf.Tensor4D): tf.Scalar {
    const { zhat, w } = this.address(this.net.encode(x, true));
    const mse = tf.mean(tf.squaredDifference(this.net.decode(zhat, true), x));
    const entropy = tf.mean(tf.sum(tf.mul(tf.neg(w), tf.log(tf.add(w, EPS))), 1));
    return tf.add(mse, tf.mul(entropy, this.p.entropyWeight));
  }

  protected pixelMap(x: tf.Tensor4D): tf.Tensor3D {
    const { zhat } = this.address(this.net.encode(x, false));
    return tf.squeeze(tf.squaredDifference(this.net.decode(zhat, false), x), [3]);
  }
}
