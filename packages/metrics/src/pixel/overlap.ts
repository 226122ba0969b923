import { MetricError } from '../errors.js';
import { checkMapAndMask, checkMask } from './image.js';

export interface Overlap {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** 2TP / (2TP + FP + FN); NaN when both masks are empty (undefined, not "perfect"). */
  dice: number;
  /** TP / (TP + FP + FN); NaN when both masks are empty. */
  iou: number;
}

export function overlapFromCounts(tp: number, fp: number, fn: number, tn: number): Overlap {
  const union = tp + fp + fn;
  return { tp, fp, fn, tn, dice: union === 0 ? NaN : (2 * tp) / (union + tp), iou: union === 0 ? NaN : tp / union };
}

/**
 * Dice and IoU of two binary masks (0/1). Symmetric in its arguments. Both empty → NaN for both
 * (documented: the overlap of two empty sets is undefined; average with care or use the dataset
 * accumulator, which pools pixels over images).
 */
export function maskOverlap(predicted: Uint8Array, truth: Uint8Array, width: number, height: number): Overlap {
  checkMask(predicted, width, height, 'predicted');
  checkMask(truth, width, height, 'truth');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    if (predicted[i] === 1) {
      if (truth[i] === 1) tp++;
      else fp++;
    } else if (truth[i] === 1) fn++;
  }
  return overlapFromCounts(tp, fp, fn, truth.length - tp - fp - fn);
}

/** Dice and IoU of `map >= threshold` against `mask`. Throws NON_FINITE on NaN/±Infinity pixels. */
export function overlapAt(
  map: Float32Array,
  mask: Uint8Array,
  width: number,
  height: number,
  threshold: number,
): Overlap {
  checkMapAndMask(map, mask, width, height);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (!Number.isFinite(v)) throw new MetricError('NON_FINITE', `anomaly map pixel ${i} is ${v}`);
    if (v >= threshold) {
      if (mask[i] === 1) tp++;
      else fp++;
    } else if (mask[i] === 1) fn++;
  }
  return overlapFromCounts(tp, fp, fn, map.length - tp - fp - fn);
}
