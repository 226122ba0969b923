// A small U-Net (no batch norm, so training and inference compute the same function):
//   level i < L-1:  conv 3x3 + ReLU (c_i) -> kept as the skip -> conv 4x4 s2 + ReLU (down)
//   level L-1:      conv 3x3 + ReLU (bottom)
//   up, i = L-2..0: convT 4x4 s2 + ReLU (c_i), concat skip i, conv 3x3 + ReLU (c_i)
//   out:            conv 1x1 with bias -> one logit per pixel
// Shared by the synthetic-anomaly segmenter and DDAD's refinement network.
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from '../api.js';
import { ParamStore, addConv, addConvT, conv, convT, torchUniform } from '../layers.js';

export interface UNetShape {
  inputSize: InputSize;
  inChannels: number;
  /** Channels per level; the input size must be a multiple of 2^(levels - 1). */
  channels: number[];
}

function addConvK(ps: ParamStore, name: string, k: number, ci: number, co: number): void {
  ps.add(`${name}/kernel`, [k, k, ci, co], torchUniform(ci * k * k));
  ps.add(`${name}/bias`, [co], torchUniform(ci * k * k));
}
function convK(ps: ParamStore, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return tf.add(tf.conv2d(x, ps.get(`${name}/kernel`) as tf.Tensor4D, 1, 'same'), ps.get(`${name}/bias`));
}

export class UNet {
  /** `params` may be shared with other networks (names are prefixed by `prefix`). */
  constructor(
    readonly shape: UNetShape,
    readonly params = new ParamStore(),
    private readonly prefix = '',
  ) {
    const { inputSize, inChannels, channels } = shape;
    const f = 2 ** (channels.length - 1);
    if (inputSize.height % f !== 0 || inputSize.width % f !== 0) {
      throw new Error(`input size ${inputSize.width}x${inputSize.height} must be a multiple of ${f} (U-Net with ${channels.length} levels)`);
    }
    let ci = inChannels;
    channels.forEach((c, i) => {
      addConvK(this.params, `${this.prefix}enc${i}`, 3, ci, c);
      if (i < channels.length - 1) addConv(this.params, `${this.prefix}down${i}`, c, c);
      ci = c;
    });
    for (let i = channels.length - 2; i >= 0; i--) {
      addConvT(this.params, `${this.prefix}up${i}`, channels[i + 1], channels[i], false);
      addConvK(this.params, `${this.prefix}dec${i}`, 3, 2 * channels[i], channels[i]);
    }
    addConvK(this.params, `${this.prefix}out`, 1, channels[0], 1);
  }

  /** x: [n, H, W, inChannels] -> logits [n, H, W, 1]. */
  logits(x: tf.Tensor4D): tf.Tensor4D {
    const { channels } = this.shape;
    const skips: tf.Tensor4D[] = [];
    let h = x;
    channels.forEach((_, i) => {
      h = tf.relu(convK(this.params, `${this.prefix}enc${i}`, h));
      if (i < channels.length - 1) {
        skips.push(h);
        h = tf.relu(conv(this.params, `${this.prefix}down${i}`, h));
      }
    });
    for (let i = channels.length - 2; i >= 0; i--) {
      h = tf.relu(convT(this.params, `${this.prefix}up${i}`, h, channels[i], false));
      h = tf.relu(convK(this.params, `${this.prefix}dec${i}`, tf.concat([h, skips[i]], 3)));
    }
    return convK(this.params, `${this.prefix}out`, h);
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Per-image score of probability maps [n, H, W]: their mean, or the mean of the top ceil(k * pixels) values. */
export function imageScore(maps: tf.Tensor3D, mode: 'mean' | 'topk', k: number): tf.Tensor1D {
  if (mode === 'mean') return tf.mean(maps, [1, 2]);
  const [n, h, w] = maps.shape;
  const top = Math.max(1, Math.ceil(k * h * w));
  return tf.mean(tf.topk(tf.reshape(maps, [n, h * w]), top).values, 1);
}
