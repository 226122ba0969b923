// `aeu`: autoencoder with heteroscedastic uncertainty. The decoder predicts a mean and a log-variance per pixel
// (2 output channels); loss mean((x - mu)^2 / exp(logvar) + logvar) (Gaussian negative log-likelihood up to
// constants). Pixel map: the variance-weighted error (x - mu)^2 / exp(logvar), so regions the model knows to be
// variable count less; score: its mean. logvar is clipped to [-10, 10] to keep exp() finite.
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from './api.js';
import { ConvAENet } from './conv-ae-net.js';
import type { AeParams } from './conv-ae-params.js';
import { ReconstructionDetector } from './reconstruction-detector.js';

const LOGVAR_LIMIT = 10;

export class AeuDetector extends ReconstructionDetector {
  readonly name = 'aeu';

  constructor(params: AeParams, inputSize: InputSize) {
    super(params, inputSize, new ConvAENet({ inputSize, channels: params.channels, latent: params.latent, zOut: params.latent, outChannels: 2, hidden: params.hidden }));
  }

  /** The decoder's predicted mean and (unclipped) log-variance, both [n, H, W, 1]. */
  protected meanAndLogvar(x: tf.Tensor4D, training: boolean): [tf.Tensor4D, tf.Tensor4D] {
    return tf.split(this.net.decode(this.net.encode(x, training), training), 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  }

  /** Per-pixel (x - mu)^2 * exp(-logvar) and logvar, both [n, H, W, 1]. */
  private terms(x: tf.Tensor4D, training: boolean): [tf.Tensor4D, tf.Tensor4D] {
    const [mu, rawLogvar] = this.meanAndLogvar(x, training);
    const logvar = tf.clipByValue(rawLogvar, -LOGVAR_LIMIT, LOGVAR_LIMIT);
    return [tf.mul(tf.squaredDifference(x, mu), tf.exp(tf.neg(logvar))), logvar];
  }

  trainLoss(x: tf.Tensor4D): tf.Scalar {
    const [weighted, logvar] = this.terms(x, true);
    return tf.mean(tf.add(weighted, logvar));
  }

  protected pixelMap(x: tf.Tensor4D): tf.Tensor3D {
    return tf.squeeze(this.terms(x, false)[0], [3]);
  }
}
