// Deep SVDD's autoencoder pretraining (lukasruff/Deep-SVDD-PyTorch src/deepSVDD.py:88-113, optim/ae_trainer.py):
// an autoencoder whose encoder is the Deep SVDD network is trained on the normals with Adam (lr 1e-3, L2 weight
// decay 1e-6, no lr milestones by default) on the mean over the batch of the per-image SUM of squared errors
// (ae_trainer.py:57-59); its encoder weights then initialise the Deep SVDD network (copied by parameter name,
// deepSVDD.py:102-113) and c is computed from them.
// The decoder mirrors medad's encoder at medad's sizes: bias-free linear rep -> last grid, leaky ReLU, then per level
// a 4x4 stride-2 transposed conv (the mirror of the encoder's stride-2 conv, where the reference, whose encoder
// max-pools, upsamples by interpolation before a 5x5 conv; networks/mnist_LeNet.py:47-68) with leaky ReLU, the last
// one to 1 channel with a bias and a linear output (medad's inputs are [-1, 1] or z-scored, not the reference's
// [0, 1] behind a sigmoid). No batch norm, as in medad's encoder. The decoder is discarded after pretraining.
import * as tf from '@tensorflow/tfjs';
import type { FitOptions, FitResult, InputSize, TrainData } from '../api.js';
import { ParamStore, addConvT, convT, torchUniform } from '../layers.js';
import { mixSeed } from '../rng.js';
import { runTraining, type Trainable } from '../train-loop.js';
import { LEAK, addEncoder, encode, encoderGrid, encoderParamNames } from './encoder.js';
import type { DeepSvddParams } from './params.js';

/** Seed of the autoencoder's initial weights, derived from the fit's seed (its own network, as in the reference). */
export const pretrainSeed = (seed: number): number => mixSeed(seed, 0xae);

export class DeepSvddAutoencoder implements Trainable {
  readonly name = 'deep-svdd/pretrain';
  readonly params = new ParamStore();
  private readonly gridH: number;
  private readonly gridW: number;

  constructor(
    private readonly p: DeepSvddParams,
    readonly inputSize: InputSize,
    /** Part of the checkpoint identity: a pretraining checkpoint resumes only under the same values. */
    readonly config: Readonly<Record<string, unknown>>,
  ) {
    ({ gridH: this.gridH, gridW: this.gridW } = encoderGrid(p, inputSize));
    addEncoder(this.params, p, inputSize);
    const mirrored = [...p.channels].reverse();
    this.params.add('dec/proj/kernel', [p.rep, this.gridH * this.gridW * mirrored[0]], torchUniform(p.rep));
    mirrored.slice(1).forEach((c, i) => addConvT(this.params, `dec${i}`, mirrored[i], c, false));
    addConvT(this.params, 'dec/out', p.channels[0], 1, true);
  }

  get adam(): { weightDecay: number } {
    return { weightDecay: this.p.weightDecay };
  }

  /** x: [n, H, W, 1] -> reconstruction [n, H, W, 1]. */
  reconstruct(x: tf.Tensor4D): tf.Tensor4D {
    const n = x.shape[0];
    const mirrored = [...this.p.channels].reverse();
    const z = encode(this.params, this.p, x);
    const top = tf.leakyRelu(tf.matMul(z, this.params.get('dec/proj/kernel') as tf.Tensor2D), LEAK);
    let h = tf.reshape(top, [n, this.gridH, this.gridW, mirrored[0]]) as tf.Tensor4D;
    mirrored.slice(1).forEach((c, i) => {
      h = tf.leakyRelu(convT(this.params, `dec${i}`, h, c, false), LEAK);
    });
    return convT(this.params, 'dec/out', h, 1, true);
  }

  /** Mean over the batch of the per-image sum of squared errors (ae_trainer.py:58-59). */
  trainLoss(x: tf.Tensor4D): tf.Scalar {
    return tf.mean(tf.sum(tf.squaredDifference(this.reconstruct(x), x), [1, 2, 3]));
  }

  /** Copies the encoder's weights into `target` (the Deep SVDD network), by name. */
  copyEncoderInto(target: ParamStore): void {
    const names = encoderParamNames(this.p);
    target.assign(Object.fromEntries(names.map((n) => [n, this.params.get(n)])), this.name);
  }

  dispose(): void {
    this.params.dispose();
  }
}

/**
 * Trains the pretraining autoencoder for `epochs` epochs at the fit's batch size (under `checkpoint`, resumable like
 * any stage) and copies its encoder into `target`. Throws the loop's AbortError when `opts.signal` fires.
 */
export async function pretrainEncoder(
  ae: DeepSvddAutoencoder,
  data: TrainData,
  opts: FitOptions & { epochs: number; lr: number },
  target: ParamStore,
): Promise<FitResult & { step: number }> {
  const r = await runTraining(ae, data, { ...opts, seed: pretrainSeed(opts.seed) });
  ae.copyEncoderInto(target);
  return r;
}
