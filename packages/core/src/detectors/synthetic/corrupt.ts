// On-the-fly synthetic anomalies for self-supervised training: a seeded fraction of a batch is corrupted by one of
// the synth generators (the foreign image of FPI/PII/NSA is another image of the same batch), the rest is left as is.
// The whole draw is a function of one seed, so a training step seeded by (seed, step) replays exactly on resume.
import type { GrayImage } from '../../io/types.js';
import { SynthRng, synthesize, type SynthMethod, type SynthOptions } from '../../synth/index.js';

export const CORRUPT_METHODS = ['fpi', 'pii', 'nsa', 'cutpaste'] as const;
export type CorruptMethod = (typeof CORRUPT_METHODS)[number];

export interface CorruptedBatch {
  /** n*H*W images: the corrupted ones replaced, the others bitwise copies. */
  images: Float32Array;
  /** n*H*W pixel labels in [0, 1] (soft for FPI/PII/NSA: the blend factor / logistic label); 0 for untouched images. */
  labels: Float32Array;
  /** Which images were corrupted. */
  corrupted: boolean[];
}

export function corruptBatch(batch: Float32Array, n: number, height: number, width: number, method: CorruptMethod, fraction: number, seed: number, options: SynthOptions = {}): CorruptedBatch {
  const px = height * width;
  if (batch.length !== n * px) throw new Error(`corruptBatch: ${batch.length} values is not ${n} images of ${width}x${height}`);
  const rng = new SynthRng(seed);
  const images = Float32Array.from(batch);
  const labels = new Float32Array(n * px);
  const corrupted = new Array<boolean>(n).fill(false);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const view = (i: number): GrayImage => ({ width, height, data: batch.subarray(i * px, (i + 1) * px) });
  const count = Math.round(fraction * n);
  for (let j = 0; j < count; j++) {
    const i = order[j];
    // Any other image of the batch as the foreign source (itself only when the batch has one image).
    const f = n > 1 ? (i + 1 + rng.int(0, n - 1)) % n : i;
    const res = synthesize(method as SynthMethod, view(i), view(f), rng, options);
    images.set(res.image.data, i * px);
    labels.set(res.label, i * px);
    corrupted[i] = true;
  }
  return { images, labels, corrupted };
}
