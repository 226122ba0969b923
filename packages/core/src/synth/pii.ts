// Poisson Image Interpolation (Tan et al., "Detecting Outliers with Poisson Image Interpolation", MICCAI 2021):
// the FPI patch, but blended in the gradient domain. Inside the patch h we solve
//   min_f  sum |grad f - v|^2   with f = destination on the boundary of h,
// so the patch keeps the destination's values at its rim and follows the guidance gradients v inside: a subtle,
// seamless anomaly rather than FPI's visible square.
import type { GrayImage, ValueRange } from '../io/types.js';
import { checkPatchOptions, FPI_DEFAULTS, sameValue, type FpiOptions } from './fpi.js';
import { boxMask, cloneImage, draw, sampleCentredPatch, withDefaults } from './patch.js';
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

/**
 * 'destination' (default): clip to the destination image's own [min, max], as the reference (poissonBlend.py:73,
 * 110). 'none': no clipping (the solution can overshoot). A range: clip to it.
 */
export type PiiClip = 'destination' | 'none' | ValueRange;

/**
 * 'fixed' (default): the image's outermost pixel ring is never blended, it keeps the destination and is labelled 0,
 * as the reference (its border_mask, self_sup_task_poisson.py:64-67). 'free': patch pixels on the image edge are
 * solved too, with no neighbour beyond the edge (a Neumann edge).
 */
export type PiiBorder = 'fixed' | 'free';

export interface PiiOptions extends FpiOptions {
  guidance?: PiiGuidance;
  clip?: PiiClip;
  border?: PiiBorder;
  /** Conjugate-gradient settings (defaults: tol 1e-7, maxIter 10 000, warm start from the destination). */
  solver?: PoissonOptions;
}

/**
 * PII's defaults: FPI's patch and factor; labels zeroed where the blend equals the destination at the reference
 * training's tolerance 1e-3 (PII fpiSubmit.py:121; its images are z-scored, readData.py:122-133).
 */
export const PII_DEFAULTS: Required<Omit<PiiOptions, 'solver'>> = { ...FPI_DEFAULTS, equalTolerance: 1e-3, guidance: 'mixed', clip: 'destination', border: 'fixed' };

function clipRange(clip: PiiClip, dest: Float32Array): ValueRange | null {
  if (clip === 'none') return null;
  if (clip === 'destination') {
    let min = Infinity;
    let max = -Infinity;
    for (const v of dest) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  }
  if (typeof clip !== 'object' || clip === null || !Number.isFinite(clip.min) || !Number.isFinite(clip.max) || clip.min > clip.max)
    throw new Error(`pii: clip must be 'destination', 'none' or { min, max } with finite min <= max, got ${JSON.stringify(clip)}`);
  return clip;
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
 * bitwise. Label = a on the patch (PII trains on the interpolation factor like FPI does), 0 elsewhere; with zeroEqual,
 * 0 where the blended pixel equals the destination (self_sup_task_poisson.py:100-117: the reference compares the
 * clipped blend with the destination, not the two inputs), and 0 on the image's outer ring when border is 'fixed'.
 */
export function pii(image: GrayImage, foreign: GrayImage, rng: RngLike, options: PiiOptions = {}): SynthResult {
  const o = withDefaults(PII_DEFAULTS, options);
  const kind = o.guidance;
  checkImage(image, 'pii: image');
  checkImage(foreign, 'pii: foreign');
  checkSameSize(image, foreign, 'pii');
  checkPatchOptions(o, 'pii');
  if (kind !== 'mixed' && kind !== 'interpolated') throw new Error(`pii: guidance must be 'mixed' or 'interpolated', got '${String(kind)}'`);
  if (o.border !== 'fixed' && o.border !== 'free') throw new Error(`pii: border must be 'fixed' or 'free', got ${JSON.stringify(o.border)}`);
  const range = clipRange(o.clip, image.data);
  const r = toRng(rng);
  const { width: w, height: h } = image;
  const box = sampleCentredPatch(w, h, r, o);
  const a = draw(r, o.alpha);
  const mask = boxMask(box, w, h);
  if (o.border === 'fixed') {
    for (let x = 0; x < w; x++) mask[x] = mask[(h - 1) * w + x] = 0;
    for (let y = 0; y < h; y++) mask[y * w] = mask[y * w + w - 1] = 0;
  }
  const out = cloneImage(image);
  const dst = image.data;
  const src = foreign.data;
  // A patch covering the whole image has no Dirichlet rim (only with border 'free'): FPI's plain interpolation there.
  let values: ArrayLike<number> = dst;
  if (box.w === w && box.h === h && o.border === 'free') values = Float64Array.from(dst, (d, p) => (1 - a) * d + a * src[p]);
  else if (mask.includes(1)) {
    const rhs = guidanceDivergence(mask, w, h, (p, q) => guidanceEdge(kind, a, dst[q] - dst[p], src[q] - src[p]));
    values = solvePoissonDirichlet(rhs, dst, mask, w, h, options.solver).values;
  }
  const label = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) {
    if (!mask[p]) continue;
    // Clipped in float64, then stored as float32 like the reference's blend (poissonBlend.py:75, 110-113).
    out.data[p] = range ? Math.min(range.max, Math.max(range.min, values[p])) : values[p];
    // The reference's label test runs on its float64 batch arrays (self_sup_task_poisson.py:84-93, 103-117).
    label[p] = o.zeroEqual && sameValue(dst[p], out.data[p], o.equalTolerance, false) ? 0 : a;
  }
  return { image: out, label, boxes: [box] };
}
