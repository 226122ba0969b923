// Foreign Patch Interpolation (Tan et al., "Detecting Outliers with Foreign Patch Interpolation", 2020): a square
// patch of another normal image, taken at the same location, is linearly interpolated into this one with factor
// alpha; the network learns to predict alpha per pixel.
import type { GrayImage } from '../io/types.js';
import { checkRange, cloneImage, draw, sampleCentredPatch } from './patch.js';
import { toRng, type RngLike } from './rng.js';
import { checkImage, checkSameSize, type SampleRange, type SynthResult } from './types.js';

export interface FpiOptions {
  /**
   * Patch side as a fraction of the shorter image side. Default [0.1, 0.4]: the FPI reference code (jemtan/FPI,
   * patch_ex) draws a half-width in [0.05, 0.2] of the image size, i.e. a side in [0.1, 0.4].
   */
  sizeFraction?: SampleRange;
  /** Patch centre as a fraction of each dimension. Default [0.1, 0.9]: the reference code's central 80 % "core". */
  centreFraction?: SampleRange;
  /** Interpolation factor. Default [0, 1]: alpha ~ U(0, 1) as in the paper. */
  alpha?: SampleRange;
}

export const FPI_DEFAULTS: Required<FpiOptions> = { sizeFraction: [0.1, 0.4], centreFraction: [0.1, 0.9], alpha: [0, 1] };

export function checkPatchOptions(o: Required<FpiOptions>, who: string): void {
  checkRange(o.sizeFraction, `${who}: sizeFraction`, 0, 1);
  checkRange(o.centreFraction, `${who}: centreFraction`, 0, 1);
  checkRange(o.alpha, `${who}: alpha`, 0, 1);
}

/**
 * out = (1 - a) * x + a * foreign inside the patch, x elsewhere (bitwise). Label = a inside the patch (the foreign
 * fraction, FPI's regression target), 0 outside. Inputs are not modified.
 */
export function fpi(image: GrayImage, foreign: GrayImage, rng: RngLike, options: FpiOptions = {}): SynthResult {
  const o = { ...FPI_DEFAULTS, ...options };
  checkImage(image, 'fpi: image');
  checkImage(foreign, 'fpi: foreign');
  checkSameSize(image, foreign, 'fpi');
  checkPatchOptions(o, 'fpi');
  const r = toRng(rng);
  const { width: w, height: h } = image;
  const box = sampleCentredPatch(w, h, r, o);
  const a = draw(r, o.alpha);
  const out = cloneImage(image);
  const label = new Float32Array(w * h);
  for (let y = box.y; y < box.y + box.h; y++)
    for (let x = box.x; x < box.x + box.w; x++) {
      const p = y * w + x;
      out.data[p] = (1 - a) * image.data[p] + a * foreign.data[p];
      label[p] = a;
    }
  return { image: out, label, boxes: [box] };
}
