// `ctx-ae`: context (inpainting) autoencoder after Zimmerer et al. 2018. Training blanks a random square per image
// (side maskFraction * size, filled with maskValue; position seeded by (seed, step)) and asks for the whole intact
// image back, so the network must use context rather than copy pixels. Scoring is the plain AE's, on the unmasked image.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { AeDetector } from './ae.js';
import type { InputSize } from './api.js';
import { convAeParams } from './conv-ae-params.js';
import { Rng, mixSeed } from './rng.js';
import type { StepContext } from './train-loop.js';

export const ctxAeParamsSchema = z.strictObject({
  ...convAeParams,
  maskFraction: z.number().gt(0).lt(1).default(0.25),
  /** Fill of the blanked square, in normalised units (0 = mid-grey for [-1, 1] images). */
  maskValue: z.number().default(0),
});
export type CtxAeParams = z.output<typeof ctxAeParamsSchema>;

export class CtxAeDetector extends AeDetector {
  override readonly name = 'ctx-ae';

  constructor(
    private readonly p: CtxAeParams,
    inputSize: InputSize,
  ) {
    super(p, inputSize); // config keeps every field of p, so save/load round-trips the mask settings
  }

  /** 1 outside the square, 0 inside, per image: [n, H, W, 1]. */
  private masks(n: number, ctx: StepContext): Float32Array {
    const { height, width } = this.inputSize;
    const side = Math.max(1, Math.round(this.p.maskFraction * Math.min(height, width)));
    const keep = new Float32Array(n * height * width).fill(1);
    const rng = new Rng(mixSeed(ctx.seed, ctx.step, 0xc7));
    for (let i = 0; i < n; i++) {
      const top = rng.int(height - side + 1);
      const left = rng.int(width - side + 1);
      for (let r = top; r < top + side; r++) keep.fill(0, (i * height + r) * width + left, (i * height + r) * width + left + side);
    }
    return keep;
  }

  override trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar {
    const [n, h, w] = x.shape;
    const keep = tf.tensor4d(this.masks(n, ctx), [n, h, w, 1]);
    const masked: tf.Tensor4D = tf.add(tf.mul(x, keep), tf.mul(tf.sub(1, keep), this.p.maskValue));
    return tf.mean(tf.squaredDifference(this.reconstruct(masked, true), x));
  }
}
