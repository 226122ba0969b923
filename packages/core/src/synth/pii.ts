// Poisson Image Interpolation (Tan et al., "Detecting Outliers with Poisson Image Interpolation", MICCAI 2021):
// the FPI patch, but blended in the gradient domain. Inside the patch h we solve
//   min_f  sum |grad f - v|^2   with f = destination on the boundary of h,
// so the patch keeps the destination's values at its rim and follows the guidance gradients v inside: a subtle,
// seamless anomaly rather than FPI's visible square.
import type { GrayImage, ValueRange } from '../io/types.js';
import { checkPatchOptions, FPI_DEFAULTS, type FpiOptions } from './fpi.js';
import { boxMask, cloneImage, draw, sampleCentredPatch } from './patch.js';
import { guidanceDivergence, solvePoissonDirichlet, type PoissonOptions } from './poisson.js';
import { toRng, type RngLike } from './rng.js';
import { checkImage, checkSameSize, type SynthResult } from './types.js';

/**
 * 'mixed' (default, our reading of the PII paper's interpolated mixed-gradient field): per edge take whichever
 * of (1-a)*grad(dest) and a*grad(src) is larger in magnitude, so strong structure of either image survives.
 * 'interpolated': v = (1-a)*grad(dest) + a*grad(src), the plain linear interpolation of the two fields.
 * Both give v = grad(dest) at a = 0 (image unchanged) and v = grad(src) at a = 1 (source gradients imported).
 */
export type PiiGuidance = 'mixed' | 'interpolated';

export interface PiiOptions extends FpiOptions {
  guidance?: PiiGuidance;
  /** Clip the blended values to this range (the solution can overshoot the input range). Default: no clipping. */
  clip?: ValueRange;
  /** Conjugate-gradient settings (defaults: tol 1e-7, maxIter 10 000, warm start from the destination). */
  solver?: PoissonOptions;
}

/** Guidance value for the directed edge p -> q (the desired f_q - f_p). */
export function guidanceEdge(kind: PiiGuidance, a: number, dDest: number, dSrc: number): number {
  const d = (1 - a) * dDest;
  const s = a * dSrc;
  if (kind === 'interpolated') return d + s;
  return Math.abs(d) > Math.abs(s) ? d : s;
}

/**
 * Poisson-blends a same-location patch of `foreign` into `image` with factor a. Pixels outside the patch are kept
 * bitwise. Label = a on the patch, 0 elsewhere (PII trains on the interpolation factor like FPI does).
 */
export function pii(image: GrayImage, foreign: GrayImage, rng: RngLike, options: PiiOptions = {}): SynthResult {
  const o = { ...FPI_DEFAULTS, ...options };
  const kind = options.guidance ?? 'mixed';
  checkImage(image, 'pii: image');
  checkImage(foreign, 'pii: foreign');
  checkSameSize(image, foreign, 'pii');
  checkPatchOptions(o, 'pii');
  if (kind !== 'mixed' && kind !== 'interpolated') throw new Error(`pii: guidance must be 'mixed' or 'interpolated', got '${String(kind)}'`);
  const r = toRng(rng);
  const { width: w, height: h } = image;
  const box = sampleCentredPatch(w, h, r, o);
  const a = draw(r, o.alpha);
  const mask = boxMask(box, w, h);
  const label = new Float32Array(w * h);
  const out = cloneImage(image);
  for (let y = box.y; y < box.y + box.h; y++) label.fill(a, y * w + box.x, y * w + box.x + box.w);
  // A patch covering the whole image has no Dirichlet rim: fall back to the plain interpolation of FPI there.
  if (box.w === w && box.h === h) {
    for (let p = 0; p < w * h; p++) out.data[p] = (1 - a) * image.data[p] + a * foreign.data[p];
    return { image: out, label, boxes: [box] };
  }
  const dst = image.data;
  const src = foreign.data;
  const rhs = guidanceDivergence(mask, w, h, (p, q) => guidanceEdge(kind, a, dst[q] - dst[p], src[q] - src[p]));
  const sol = solvePoissonDirichlet(rhs, dst, mask, w, h, options.solver);
  for (let y = box.y; y < box.y + box.h; y++)
    for (let x = box.x; x < box.x + box.w; x++) {
      const p = y * w + x;
      const v = sol.values[p];
      out.data[p] = o.clip ? Math.min(o.clip.max, Math.max(o.clip.min, v)) : v;
    }
  return { image: out, label, boxes: [box] };
}
