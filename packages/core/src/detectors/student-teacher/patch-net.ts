// Fully convolutional patch networks whose every output pixel sees exactly a p x p input window. The input is padded
// by (p-1)/2 zeros on each side and run through 'valid' 3x3 convolutions (stride 1, so the output is dense: one
// descriptor per input pixel) whose dilations add up to the receptive field:
//   RF = 1 + sum over layers of 2 * dilation
//   p = 17: dilations 1 1 2 2 2         (1 + 2*8)
//   p = 33: dilations 1 1 2 4 4 4       (1 + 2*16)
//   p = 65: dilations 1 2 4 8 8 8 1     (1 + 2*32)
// each followed by LeakyReLU 0.2 (never zero, so every tap of the window reaches the output), then a 1x1 conv to the
// descriptor. tfjs has no gradient for dilated conv2d, so a dilated conv is run as space-to-batch, conv, batch-to-space
// (TensorFlow's own construction), which trains.
import * as tf from '@tensorflow/tfjs';
import { ParamStore, torchUniform } from '../layers.js';
import type { Scale } from './params.js';

export const DILATIONS: Record<Scale, number[]> = {
  17: [1, 1, 2, 2, 2],
  33: [1, 1, 2, 4, 4, 4],
  65: [1, 2, 4, 8, 8, 8, 1],
};

export const receptiveField = (dilations: number[]) => 1 + dilations.reduce((s, d) => s + 2 * d, 0);

/** 'valid' 3x3 conv with dilation d: [n, h, w, ci] -> [n, h-2d, w-2d, co]. */
export function dilatedConvValid(x: tf.Tensor4D, kernel: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return tf.conv2d(x, kernel, 1, 'valid');
  const [, h, w] = x.shape;
  const ph = (d - (h % d)) % d;
  const pw = (d - (w % d)) % d;
  const pads = [
    [0, ph],
    [0, pw],
  ];
  const y = tf.conv2d(tf.spaceToBatchND(x, [d, d], pads), kernel, 1, 'valid');
  return tf.batchToSpaceND(y, [d, d], pads);
}

/** The descriptor function of a teacher or student; `prefix` keeps several nets apart in one store. */
export class PatchNet {
  readonly dilations: number[];
  constructor(
    readonly ps: ParamStore,
    readonly prefix: string,
    readonly scale: Scale,
    channels: number,
    readonly descriptor: number,
  ) {
    this.dilations = DILATIONS[scale];
    let ci = 1;
    this.dilations.forEach((_, i) => {
      ps.add(`${prefix}/conv${i}/kernel`, [3, 3, ci, channels], torchUniform(9 * ci));
      ps.add(`${prefix}/conv${i}/bias`, [channels], torchUniform(9 * ci));
      ci = channels;
    });
    ps.add(`${prefix}/out/kernel`, [1, 1, ci, descriptor], torchUniform(ci));
    ps.add(`${prefix}/out/bias`, [descriptor], torchUniform(ci));
  }

  /** Already padded input [n, h+p-1, w+p-1, 1] -> descriptors [n, h, w, d]. */
  applyValid(xpad: tf.Tensor4D): tf.Tensor4D {
    let h = xpad;
    this.dilations.forEach((d, i) => {
      const k = this.ps.get(`${this.prefix}/conv${i}/kernel`) as tf.Tensor4D;
      h = tf.leakyRelu(tf.add(dilatedConvValid(h, k, d), this.ps.get(`${this.prefix}/conv${i}/bias`)) as tf.Tensor4D, 0.2);
    });
    const k = this.ps.get(`${this.prefix}/out/kernel`) as tf.Tensor4D;
    return tf.add(tf.conv2d(h, k, 1, 'valid'), this.ps.get(`${this.prefix}/out/bias`));
  }

  /** Images [n, h, w, 1] -> dense descriptors [n, h, w, d]. */
  describe(x: tf.Tensor4D): tf.Tensor4D {
    return this.applyValid(padForScale(x, this.scale));
  }
}

export function padForScale(x: tf.Tensor4D, p: number): tf.Tensor4D {
  const r = (p - 1) / 2;
  return tf.pad(x, [
    [0, 0],
    [r, r],
    [r, r],
    [0, 0],
  ]);
}
