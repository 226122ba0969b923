// `ae`: the plain convolutional autoencoder. Loss: mean squared error; pixel map: squared reconstruction error;
// score: its mean over the image (as ref_ae.py).
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from './api.js';
import { ConvAENet } from './conv-ae-net.js';
import type { AeParams } from './conv-ae-params.js';
import { ReconstructionDetector } from './reconstruction-detector.js';
import type { StepContext } from './train-loop.js';

export class AeDetector extends ReconstructionDetector {
  readonly name: string = 'ae';

  constructor(params: AeParams, inputSize: InputSize) {
    super(params, inputSize, new ConvAENet({ inputSize, channels: params.channels, latent: params.latent, zOut: params.latent, outChannels: 1, hidden: params.hidden }));
  }

  protected reconstruct(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.net.decode(this.net.encode(x, training), training);
  }

  trainLoss(x: tf.Tensor4D, _ctx?: StepContext): tf.Scalar {
    return tf.mean(tf.squaredDifference(this.reconstruct(x, true), x));
  }

  protected pixelMap(x: tf.Tensor4D): tf.Tensor3D {
    return tf.squeeze(tf.squaredDifference(this.reconstruct(x, false), x), [3]);
  }
}
