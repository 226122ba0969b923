// The benchmark convolutional autoencoder (shared/bench/ref_ae.py), layer for layer:
//   encoder  L x [conv 4x4 s2 no-bias, BN, ReLU] with channels (16, 32, 64, 64) -> flatten
//   to_z     dense flat -> zOut (latent 16; 2*latent for the VAE's mu and logvar), linear
//   from_z   dense latent -> flat, ReLU -> reshape to (H/2^L, W/2^L, last channels)
//   decoder  [convT 4x4 s2 no-bias, BN, ReLU] with the channels mirrored (64, 32, 16), then convT to the output
//            channels with bias, linear.
// Tensors are NHWC (tf's layout); flattening order differs from PyTorch's NCHW, which only permutes dense weights.
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from './api.js';
import { ParamStore, addBatchNorm, addConv, addConvT, addDense, batchNorm, conv, convBnReluInference, convT, convTBiasInference, convTBnReluInference, dense } from './layers.js';

export interface ConvAEShape {
  inputSize: InputSize;
  channels: number[];
  latent: number;
  /** Width of the encoder output (latent, or 2*latent for a VAE). */
  zOut: number;
  /** Output channels of the decoder (1, or 2 for mean + log-variance). */
  outChannels: number;
}

export class ConvAENet {
  readonly params = new ParamStore();
  private readonly gridH: number;
  private readonly gridW: number;

  constructor(readonly shape: ConvAEShape) {
    const { inputSize, channels, latent, zOut, outChannels } = shape;
    const f = 2 ** channels.length;
    if (inputSize.height % f !== 0 || inputSize.width % f !== 0) {
      throw new Error(`input size ${inputSize.width}x${inputSize.height} must be a multiple of ${f} (2^${channels.length} levels)`);
    }
    this.gridH = inputSize.height / f;
    this.gridW = inputSize.width / f;
    const last = channels[channels.length - 1];
    const flat = this.gridH * this.gridW * last;
    let ci = 1;
    channels.forEach((c, i) => {
      addConv(this.params, `enc${i}`, ci, c);
      addBatchNorm(this.params, `enc${i}/bn`, c);
      ci = c;
    });
    addDense(this.params, 'to_z', flat, zOut);
    addDense(this.params, 'from_z', latent, flat);
    const mirrored = [...channels].reverse();
    mirrored.slice(1).forEach((c, i) => {
      addConvT(this.params, `dec${i}`, mirrored[i], c, false);
      addBatchNorm(this.params, `dec${i}/bn`, c);
    });
    addConvT(this.params, 'out', channels[0], outChannels, true);
  }

  /** x: [n, H, W, 1] -> [n, zOut]. Inference folds each batch norm into its conv (same numbers, fewer passes). */
  encode(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    let h = x;
    this.shape.channels.forEach((_, i) => {
      h = training ? tf.relu(batchNorm(this.params, `enc${i}/bn`, conv(this.params, `enc${i}`, h), true)) : convBnReluInference(this.params, `enc${i}`, h);
    });
    return dense(this.params, 'to_z', tf.reshape(h, [h.shape[0], -1]));
  }

  /** z: [n, latent] -> [n, H, W, outChannels]. */
  decode(z: tf.Tensor2D, training: boolean): tf.Tensor4D {
    const { channels, outChannels } = this.shape;
    const mirrored = [...channels].reverse();
    let h = tf.reshape(tf.relu(dense(this.params, 'from_z', z)), [z.shape[0], this.gridH, this.gridW, mirrored[0]]) as tf.Tensor4D;
    mirrored.slice(1).forEach((c, i) => {
      h = training ? tf.relu(batchNorm(this.params, `dec${i}/bn`, convT(this.params, `dec${i}`, h, c, false), true)) : convTBnReluInference(this.params, `dec${i}`, h, c);
    });
    return training ? convT(this.params, 'out', h, outChannels, true) : convTBiasInference(this.params, 'out', h, outChannels);
  }

  dispose(): void {
    this.params.dispose();
  }
}
