import { MetricError } from '../errors.js';

/**
 * Throws unless `map` and `mask` both hold width·height pixels and the mask is 0/1.
 * Returns the number of foreground mask pixels.
 */
export function checkMapAndMask(map: Float32Array, mask: Uint8Array, width: number, height: number): number {
  const foreground = checkMask(mask, width, height);
  if (map.length !== width * height) {
    throw new MetricError('LENGTH_MISMATCH', `anomaly map has ${map.length} pixels, expected ${width}x${height}`);
  }
  return foreground;
}

/** Throws unless `mask` holds width·height pixels, each 0 or 1 (not 0/255). Returns the count of 1s. */
export function checkMask(mask: Uint8Array, width: number, height: number, what = 'mask'): number {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new MetricError('INVALID_ARGUMENT', `image size must be positive integers, got ${width}x${height}`);
  }
  if (mask.length !== width * height) {
    throw new MetricError('LENGTH_MISMATCH', `${what} has ${mask.length} pixels, expected ${width}x${height}`);
  }
  let ones = 0;
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i];
    if (v > 1) throw new MetricError('INVALID_LABEL', `${what}[${i}] is ${v}; masks must be 0 or 1`);
    ones += v;
  }
  return ones;
}
