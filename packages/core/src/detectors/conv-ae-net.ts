// The benchmark convolutional autoencoder (shared/bench/ref_ae.py), layer for layer:
//   encoder  L x [conv 4x4 s2 no-bias, BN, ReLU] with channels (16, 32, 64, 64) -> flatten
//   to_z     dense flat -> zOut (latent 16; 2*latent for the VAE's mu and logvar), linear
//   from_z   dense latent -> flat, ReLU -> reshape to (H/2^L, W/2^L, last channels)
//   decoder  [convT 4x4 s2 no-bias, BN, ReLU] with the channels mirrored (64, 32, 16), then convT to the output
//            channels with bias, linear.
// With hidden = h > 0 the bottleneck and output are those of the authors' code (MedIAnomaly networks/base_units/
// blocks.py BottleNeck, h = 1024 there; DDAD-ASR models/autoencoder.py, h = 2048): to_z = dense flat->h, BN1d, ReLU,
// dense h->zOut; from_z = dense latent->h, BN1d, ReLU, dense h->flat with no ReLU after it; output convT without bias.
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
  /** Width of the official hidden bottleneck layer (0 or absent: none, the benchmark network). */
  hidden?: number;
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
    const hidden = shape.hidden ?? 0;
    if (hidden > 0) {
      addDense(this.params, 'to_z_h', flat, hidden);
      addBatchNorm(this.params, 'to_z_h/bn', hidden);
      addDense(this.params, 'to_z', hidden, zOut);
      addDense(this.params, 'from_z_h', latent, hidden);
      addBatchNorm(this.params, 'from_z_h/bn', hidden);
      addDense(this.params, 'from_z', hidden, flat);
    } else {
      addDense(this.params, 'to_z', flat, zOut);
      addDense(this.params, 'from_z', latent, flat);
    }
    const mirrored = [...channels].reverse();
    mirrored.slice(1).forEach((c, i) => {
      addConvT(this.params, `dec${i}`, mirrored[i], c, false);
      addBatchNorm(this.params, `dec${i}/bn`, c);
    });
    addConvT(this.params, 'out', channels[0], outChannels, hidden === 0);
  }

  private get hidden(): number {
    return this.shape.hidden ?? 0;
  }

  /** dense -> BN1d -> ReLU of the hidden bottleneck layer `name` ([n, d] -> [n, hidden]). */
  private hiddenLayer(name: string, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const h = dense(this.params, name, x);
    const n = h.shape[0];
    const bn = batchNorm(this.params, `${name}/bn`, tf.reshape(h, [n, 1, 1, this.hidden]) as tf.Tensor4D, training);
    return tf.relu(tf.reshape(bn, [n, this.hidden])) as tf.Tensor2D;
  }

  /** x: [n, H, W, 1] -> [n, zOut]. Inference folds each batch norm into its conv (same numbers, fewer passes). */
  encode(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    let h = x;
    this.shape.channels.forEach((_, i) => {
      h = training ? tf.relu(batchNorm(this.params, `enc${i}/bn`, conv(this.params, `enc${i}`, h), true)) : convBnReluInference(this.params, `enc${i}`, h);
    });
    const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
    return dense(this.params, 'to_z', this.hidden > 0 ? this.hiddenLayer('to_z_h', flat, training) : flat);
  }

  /** z: [n, latent] -> [n, H, W, outChannels]. */
  decode(z: tf.Tensor2D, training: boolean): tf.Tensor4D {
    const { channels, outChannels } = this.shape;
    const mirrored = [...channels].reverse();
    const top = this.hidden > 0 ? dense(this.params, 'from_z', this.hiddenLayer('from_z_h', z, training)) : tf.relu(dense(this.params, 'from_z', z));
    let h = tf.reshape(top, [z.shape[0], this.gridH, this.gridW, mirrored[0]]) as tf.Tensor4D;
    mirrored.slice(1).forEach((c, i) => {
      h = training ? tf.relu(batchNorm(this.params, `dec${i}/bn`, convT(this.params, `dec${i}`, h, c, false), true)) : convTBnReluInference(this.params, `dec${i}`, h, c);
    });
    if (this.hidden > 0) return convT(this.params, 'out', h, outChannels, false);
    return training ? convT(this.params, 'out', h, outChannels, true) : convTBiasInference(this.params, 'out', h, outChannels);
  }

  dispose(): void {
    this.params.dispose();
  }
}
