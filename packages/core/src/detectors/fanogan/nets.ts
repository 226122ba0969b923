// DCGAN-like networks for f-AnoGAN, sized by `width` and `levels` (64x64, width 32, levels 4):
//   generator  z[128] -> dense -> 4x4x256, BN, ReLU -> convT 4x4 s2 (128, 64, 32) each BN + ReLU -> convT 4x4 s2 -> 1,
//              tanh (images are in [-1, 1])
//   critic     conv 4x4 s2 (32, 64, 128, 256) with bias + LeakyReLU 0.2, no batch norm (the gradient penalty is
//              per sample) -> features f(x) = the flattened 4x4x256 map (penultimate) -> dense -> 1
//   encoder    the critic's conv stack (own weights) -> dense -> latent, then tanh (the authors' 'tanh_fc', z in (-1, 1))
//              or linear (unbounded; medad's earlier encoder, the authors' Appendix A.2 alternative)
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from '../api.js';
import { ParamStore, addBatchNorm, addConv, addConvT, addDense, batchNorm, conv, convT, dense, torchUniform } from '../layers.js';

const LEAK = 0.2;

export interface GanShape {
  inputSize: InputSize;
  latent: number;
  width: number;
  levels: number;
}

function grid(shape: GanShape): [number, number] {
  const f = 2 ** shape.levels;
  const { height, width } = shape.inputSize;
  if (height % f !== 0 || width % f !== 0) {
    throw new Error(`fanogan: input size ${width}x${height} must be a multiple of ${f} (2^${shape.levels} levels)`);
  }
  return [height / f, width / f];
}

/** Channels per critic level, first to last. */
const levelChannels = (s: GanShape) => Array.from({ length: s.levels }, (_, i) => s.width * 2 ** i);

/** The critic's (or encoder's) stride-2 conv stack: [n, H, W, 1] -> [n, features]. */
class ConvStack {
  readonly features: number;
  constructor(
    private readonly ps: ParamStore,
    private readonly shape: GanShape,
  ) {
    const [gh, gw] = grid(shape);
    let ci = 1;
    for (const [i, c] of levelChannels(shape).entries()) {
      addConv(ps, `conv${i}`, ci, c);
      ps.add(`conv${i}/bias`, [c], torchUniform(ci * 16));
      ci = c;
    }
    this.features = gh * gw * ci;
  }
  apply(x: tf.Tensor4D): tf.Tensor2D {
    let h = x;
    for (let i = 0; i < this.shape.levels; i++) {
      h = tf.leakyRelu(tf.add(conv(this.ps, `conv${i}`, h), this.ps.get(`conv${i}/bias`)) as tf.Tensor4D, LEAK);
    }
    return tf.reshape(h, [h.shape[0], -1]);
  }
}

export class Critic {
  readonly params = new ParamStore();
  private readonly stack: ConvStack;
  constructor(shape: GanShape) {
    this.stack = new ConvStack(this.params, shape);
    addDense(this.params, 'out', this.stack.features, 1);
  }
  get featureSize(): number {
    return this.stack.features;
  }
  /** f(x): the penultimate features, [n, featureSize]. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return this.stack.apply(x);
  }
  /** D(x), [n]. */
  score(x: tf.Tensor4D): tf.Tensor1D {
    return tf.reshape(dense(this.params, 'out', this.features(x)), [-1]);
  }
}

export type EncoderOutput = 'tanh' | 'linear';

export class Encoder {
  readonly params = new ParamStore();
  private readonly stack: ConvStack;
  constructor(
    shape: GanShape,
    private readonly output: EncoderOutput = 'tanh',
  ) {
    this.stack = new ConvStack(this.params, shape);
    addDense(this.params, 'to_z', this.stack.features, shape.latent);
  }
  /** E(x), [n, latent]: tanh as z_encoding_izif.py:175-176 ('tanh_fc', the paper's), or the dense layer as is. */
  encode(x: tf.Tensor4D): tf.Tensor2D {
    const z = dense(this.params, 'to_z', this.stack.apply(x));
    return this.output === 'tanh' ? tf.tanh(z) : z;
  }
}

export class Generator {
  readonly params = new ParamStore();
  private readonly gh: number;
  private readonly gw: number;
  private readonly channels: number[];
  constructor(shape: GanShape) {
    [this.gh, this.gw] = grid(shape);
    this.channels = levelChannels(shape).reverse();
    const top = this.channels[0];
    addDense(this.params, 'from_z', shape.latent, this.gh * this.gw * top);
    addBatchNorm(this.params, 'from_z/bn', top);
    this.channels.slice(1).forEach((c, i) => {
      addConvT(this.params, `up${i}`, this.channels[i], c, false);
      addBatchNorm(this.params, `up${i}/bn`, c);
    });
    addConvT(this.params, 'out', this.channels[this.channels.length - 1], 1, true);
  }
  /** z [n, latent] -> images [n, H, W, 1] in [-1, 1]; `training` picks batch or running BN statistics. */
  generate(z: tf.Tensor2D, training: boolean): tf.Tensor4D {
    const h0 = tf.reshape(dense(this.params, 'from_z', z), [z.shape[0], this.gh, this.gw, this.channels[0]]) as tf.Tensor4D;
    let h = tf.relu(batchNorm(this.params, 'from_z/bn', h0, training));
    this.channels.slice(1).forEach((c, i) => {
      h = tf.relu(batchNorm(this.params, `up${i}/bn`, convT(this.params, `up${i}`, h, c, false), training));
    });
    return tf.tanh(convT(this.params, 'out', h, 1, true));
  }
}
