// Per-scale anomaly maps of the student-teacher ensemble and the image-score reduction.
import * as tf from '@tensorflow/tfjs';

/**
 * Regression error e = ||mean_m S_m - t||^2 and predictive variance v = mean over dimensions of the variance across
 * students, per pixel: students [M] of [n, H, W, d], target [n, H, W, d] -> e, v [n, H, W].
 */
export function errorAndVariance(students: tf.Tensor4D[], target: tf.Tensor4D): { e: tf.Tensor3D; v: tf.Tensor3D } {
  const stack = tf.stack(students);
  const { mean, variance } = tf.moments(stack, 0);
  return { e: tf.sum(tf.squaredDifference(mean, target), 3) as tf.Tensor3D, v: tf.mean(variance, 3) as tf.Tensor3D };
}

/** Gaussian smoothing of maps [n, H, W] (reflect padding, separable kernel of radius ceil(3 sigma)). */
export function gaussianSmooth(maps: tf.Tensor3D, sigma: number): tf.Tensor3D {
  const [n, h, w] = maps.shape;
  const r = Math.min(Math.ceil(3 * sigma), h - 1, w - 1);
  if (sigma <= 0 || r < 1) return maps;
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const kern = k.map((v) => v / sum);
  const x = tf.mirrorPad(tf.reshape(maps, [n, h, w, 1]) as tf.Tensor4D, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
  const rows = tf.conv2d(x, tf.tensor4d(kern, [2 * r + 1, 1, 1, 1]), 1, 'valid');
  const both = tf.conv2d(rows, tf.tensor4d(kern, [1, 2 * r + 1, 1, 1]), 1, 'valid');
  return tf.reshape(both, [n, h, w]);
}

/** Running mean and standard deviation of many values (float64 sums; a few passes over training maps). */
export class Moments {
  private n = 0;
  private s = 0;
  private ss = 0;
  add(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      this.s += values[i];
      this.ss += values[i] * values[i];
    }
    this.n += values.length;
  }
  get mean(): number {
    return this.s / this.n;
  }
  get std(): number {
    return Math.sqrt(Math.max(this.ss / this.n - this.mean ** 2, 0)) || 1;
  }
}
