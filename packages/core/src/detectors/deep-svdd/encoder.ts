// The Deep SVDD encoder f, shared by the detector and its pretraining autoencoder (whose encoder must match it
// parameter for parameter, as in the reference's *_LeNet_Autoencoder classes): conv 4x4 stride 2 without bias and
// leaky ReLU per level, then a bias-free linear projection to R^rep.
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from '../api.js';
import { ParamStore, addConv, conv, torchUniform } from '../layers.js';

const LEAK = 0.1;

export interface EncoderShape {
  channels: number[];
  rep: number;
}

/** Names of the encoder's parameters (identical in the detector and the autoencoder, so the copy is by name). */
export function encoderParamNames(p: EncoderShape): string[] {
  return [...p.channels.map((_, i) => `conv${i}/kernel`), 'proj/kernel'];
}

/** Side of the last feature grid (the input divided by 2^levels); throws on a size that is not a multiple. */
export function encoderGrid(p: EncoderShape, inputSize: InputSize): { gridH: number; gridW: number } {
  const f = 2 ** p.channels.length;
  if (inputSize.height % f !== 0 || inputSize.width % f !== 0) {
    throw new Error(
      `input size ${inputSize.width}x${inputSize.height} must be a multiple of ${f} (2^${p.channels.length} levels)`,
    );
  }
  return { gridH: inputSize.height / f, gridW: inputSize.width / f };
}

export function addEncoder(ps: ParamStore, p: EncoderShape, inputSize: InputSize): void {
  const { gridH, gridW } = encoderGrid(p, inputSize);
  let ci = 1;
  p.channels.forEach((c, i) => {
    addConv(ps, `conv${i}`, ci, c);
    ci = c;
  });
  const flat = gridH * gridW * ci;
  ps.add('proj/kernel', [flat, p.rep], torchUniform(flat));
}

/** f(x): [n, H, W, 1] -> [n, rep]. */
export function encode(ps: ParamStore, p: EncoderShape, x: tf.Tensor4D): tf.Tensor2D {
  let h = x;
  p.channels.forEach((_, i) => {
    h = tf.leakyRelu(conv(ps, `conv${i}`, h), LEAK);
  });
  return tf.matMul(tf.reshape(h, [h.shape[0], -1]), ps.get('proj/kernel') as tf.Tensor2D);
}

export { LEAK };
