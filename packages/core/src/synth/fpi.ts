// Foreign Patch Interpolation (Tan et al., "Detecting Outliers with Foreign Patch Interpolation", 2020): a square
// patch of another normal image, taken at the same location, is linearly interpolated into this one with factor
// alpha; the network learns to predict alpha per pixel.
import type { GrayImage } from '../io/types.js';
import { checkRange, cloneImage, draw, sampleCentredPatch, withDefaults } from './patch.js';
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
  /** Interpolation factor. Default [0.05, 0.95] as the reference code (self_sup_task.py:47); [0, 1] is the paper's U(0, 1). */
  alpha?: SampleRange;
  /**
   * Label 0 on patch pixels where the two images are equal, as the reference code (self_sup_task.py:65-73): nothing
   * foreign is there to detect. Default true; false labels the whole patch.
   */
  zeroEqual?: boolean;
  /**
   * With zeroEqual: pixels count as equal when floor(v / tol) agree (the reference's `tolerance`); 0 (FPI's default,
   * the reference's brain setting) compares exactly. The reference's abdominal setting is 1e-3 (fpiSubmit.py:128).
   */
  equalTolerance?: number;
}

export const FPI_DEFAULTS: Required<FpiOptions> = { sizeFraction: [0.1, 0.4], centreFraction: [0.1, 0.9], alpha: [0.05, 0.95], zeroEqual: true, equalTolerance: 0 };

export function checkPatchOptions(o: Required<FpiOptions>, who: string): void {
  checkRange(o.sizeFraction, `${who}: sizeFraction`, 0, 1);
  checkRange(o.centreFraction, `${who}: centreFraction`, 0, 1);
  checkRange(o.alpha, `${who}: alpha`, 0, 1);
  if (typeof o.zeroEqual !== 'boolean') throw new Error(`${who}: zeroEqual must be true or false, got ${JSON.stringify(o.zeroEqual)}`);
  if (typeof o.equalTolerance !== 'number' || !Number.isFinite(o.equalTolerance) || o.equalTolerance < 0)
    throw new Error(`${who}: equalTolerance must be a finite number >= 0, got ${JSON.stringify(o.equalTolerance)}`);
}

/**
 * The reference's equality test for label zeroing: exact when tol = 0, else floor(v * (1/tol)) compared. `float32`
 * does the product in float32 as FPI's (float32 tensors); PII's arrays are float64 (self_sup_task_poisson.py:84-93).
 */
export function sameValue(a: number, b: number, tol: number, float32: boolean): boolean {
  if (tol === 0) return a === b;
  const inv = 1 / tol;
  if (!float32) return Math.floor(a * inv) === Math.floor(b * inv);
  const inv32 = Math.fround(inv);
  return Math.floor(Math.fround(a * inv32)) === Math.floor(Math.fround(b * inv32));
}

/**
 * out = (1 - a) * x + a * foreign inside the patch, x elsewhere (bitwise). Label = a inside the patch (the foreign
 * fraction, FPI's regression target), 0 outside and, with zeroEqual, 0 where x and foreign are equal. Inputs are not
 * modified.
 */
export function fpi(image: GrayImage, foreign: GrayImage, rng: RngLike, options: FpiOptions = {}): SynthResult {
  const o = withDefaults(FPI_DEFAULTS, options);
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
      // The reference compares the two inputs, not the blend (self_sup_task.py:65-72).
      label[p] = o.zeroEqual && sameValue(image.data[p], foreign.data[p], o.equalTolerance, true) ? 0 : a;
    }
  return { image: out, label, boxes: [box] };
}
