// Batched scoring shared by the detectors: input checks, then per-image scores and pixel maps gathered batch by
// batch so large test sets stay within memory.
import * as tf from '@tensorflow/tfjs';
import type { InputSize, ScoreResult } from './api.js';

/** Throws unless `images` holds exactly `n` images of `size`; `name` is the detector, for the message. */
export function checkImages(name: string, size: InputSize, images: Float32Array, n: number): void {
  const px = size.height * size.width;
  if (!Number.isInteger(n) || n < 0 || images.length !== n * px) {
    throw new Error(`score(${name}): expected ${n} images of ${size.width}x${size.height} (${n * px} values), got ${images.length}`);
  }
}

/** One batch's result; `start` is the index of its first image in the whole set. */
export type BatchScorer = (x: tf.Tensor4D, start: number) => { scores: tf.Tensor1D; maps: tf.Tensor3D };

/**
 * Checks the input (rejecting, never throwing) and runs `fn` inside a tidy on batches of at most `batch` images,
 * gathering its per-image scores and [H, W] maps.
 */
export async function scoreInBatches(name: string, size: InputSize, images: Float32Array, n: number, batch: number, fn: BatchScorer): Promise<ScoreResult> {
  const out = await scoreVariantsInBatches(name, size, images, n, batch, (x, start) => ({ main: fn(x, start) }));
  return out.main ?? { scores: new Float32Array(0), maps: new Float32Array(0) }; // n = 0: no batch ran
}

/** For methods without native localisation: each image's map is its score at every pixel, [n, H, W]. */
export function constantMaps(scores: tf.Tensor1D, size: InputSize): tf.Tensor3D {
  return tf.mul(tf.reshape(scores, [-1, 1, 1]), tf.ones([scores.shape[0], size.height, size.width]));
}

/** Like BatchScorer, but one batch gives several named (scores, maps) pairs: all variants from one forward pass. */
export type MultiBatchScorer = (x: tf.Tensor4D, start: number) => Record<string, { scores: tf.Tensor1D; maps: tf.Tensor3D }>;

/** scoreInBatches for a MultiBatchScorer: every name's scores and maps over the whole set. */
export async function scoreVariantsInBatches(name: string, size: InputSize, images: Float32Array, n: number, batch: number, fn: MultiBatchScorer): Promise<Record<string, ScoreResult>> {
  checkImages(name, size, images, n);
  const px = size.height * size.width;
  const out: Record<string, ScoreResult> = {};
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start);
    const got = tf.tidy(() => fn(tf.tensor4d(images.subarray(start * px, (start + m) * px), [m, size.height, size.width, 1]), start));
    try {
      for (const [k, { scores, maps }] of Object.entries(got)) {
        out[k] ??= { scores: new Float32Array(n), maps: new Float32Array(n * px) };
        out[k].scores.set(await scores.data(), start);
        out[k].maps.set(await maps.data(), start * px);
      }
    } finally {
      tf.dispose(Object.values(got).flatMap((v) => [v.scores, v.maps]));
    }
  }
  return out;
}
