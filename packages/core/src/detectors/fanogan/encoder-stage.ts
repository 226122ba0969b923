// Stage 2 of f-AnoGAN: the encoder E learns to map images into the frozen generator's latent space, trained with the
// shared training loop (only E's variables are in its optimiser: TF1 RMSProp as the authors', or Adam). The generator
// runs in inference mode (running batch-norm statistics), as at scoring time.
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from '../api.js';
import { mixSeed, normalArray } from '../rng.js';
import type { StepContext, Trainable } from '../train-loop.js';
import type { ParamStore } from '../layers.js';
import { Tf1RmsPropOptimizer } from '../rmsprop-tf1.js';
import type { Critic, Encoder, Generator } from './nets.js';
import type { FanoganParams } from './params.js';

export class EncoderStage implements Trainable {
  readonly name = 'fanogan/encoder';
  constructor(
    readonly config: Readonly<Record<string, unknown>>,
    readonly inputSize: InputSize,
    private readonly p: FanoganParams,
    private readonly gen: Generator,
    private readonly critic: Critic,
    private readonly enc: Encoder,
  ) {}

  get params(): ParamStore {
    return this.enc.params;
  }

  /** rmsprop: TF1's RMSPropOptimizer (z_encoding_izif.py:301); adam: left to the loop's default. */
  get makeOptimizer(): ((lr: number) => { key: string; optimizer: tf.Optimizer }) | undefined {
    if (this.p.encoderOptimizer !== 'rmsprop') return undefined;
    const settings = { decay: this.p.encoderRmsDecay, epsilon: this.p.encoderRmsEpsilon };
    return (lr) => ({ key: 'rmsprop', optimizer: new Tf1RmsPropOptimizer(lr, settings) });
  }

  /**
   * ziz: MSE(z, E(G(z))) with z ~ N(0, 1) (the batch only sets how many z); izi: MSE(x, G(E(x)));
   * izi_f: izi + kappa * MSE(f(x), f(G(E(x)))) with f the critic's penultimate features.
   */
  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar {
    if (this.p.strategy === 'ziz') {
      const n = x.shape[0];
      const z = tf.tensor2d(normalArray(n * this.p.latent, mixSeed(ctx.seed, ctx.step, 0x21)), [n, this.p.latent]);
      return tf.mean(tf.squaredDifference(z, this.enc.encode(this.gen.generate(z, false)))) as tf.Scalar;
    }
    const rec = this.gen.generate(this.enc.encode(x), false);
    const ar = tf.mean(tf.squaredDifference(x, rec)) as tf.Scalar;
    if (this.p.strategy === 'izi') return ar;
    const ad = tf.mean(tf.squaredDifference(this.critic.features(x), this.critic.features(rec)));
    return tf.add(ar, tf.mul(ad, this.p.kappa)) as tf.Scalar;
  }
}
