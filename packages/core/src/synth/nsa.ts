// Natural Synthetic Anomalies (Schlüter et al., "Natural Synthetic Anomalies for Self-Supervised Anomaly Detection
// and Localization", ECCV 2022): patches of another image are resized, moved and Poisson-blended (seamless
// cloning) into this one, up to several per image, and the label grows logistically with the intensity change, so
// changes too faint to see are not asked of the model. Defaults follow the authors' reference code
// (hmsch/natural-synthetic-anomalies, self_sup_tasks.patch_ex and its MVTec settings); simplifications are marked.
import type { GrayImage, ValueRange } from '../io/types.js';
import { checkRange, cloneImage, cropResize } from './patch.js';
import { guidanceDivergence, solvePoissonDirichlet, type PoissonOptions } from './poisson.js';
import { toRng, type RngLike, type SynthRng } from './rng.js';
import { checkImage, checkSameSize, DEFAULT_VALUE_RANGE, type Box, type SynthResult } from './types.js';

export interface NsaOptions {
  /** At most this many patches: the first always, each further one with probability 1/2 (reference code). Default 3. */
  maxPatches?: number;
  /** Half-width bounds as fractions of each dimension. Default [0.03, 0.4] (reference WIDTH_BOUNDS_PCT). */
  halfWidthBounds?: [number, number];
  /**
   * Half-width ~ lower + Gamma(shape, scale) (fractions), clipped to the bounds. Default shape 2, scale 0.03, lower
   * 0.05: the reference's GAMMA_PARAMS = (shape, scale, left offset) (train_chest_xray.py:352; patch_ex:148-150).
   */
  gamma?: { shape: number; scale: number; lower: number };
  /** Resize factor ~ N(1, 0.5) clipped to these bounds. Default [0.7, 1.3] (objects; the code uses [0.5, 2] for textures). */
  resizeBounds?: [number, number];
  /** 'source' = cv2 NORMAL_CLONE, the reference default (import the source's gradients); 'mixed' = MIXED_CLONE. */
  blend?: 'source' | 'mixed';
  /**
   * Logistic label: label = sigmoid(k * (|delta| - x0)) where |delta| > tol, else 0, with |delta| measured in 1/255 of
   * valueRange (the reference works on 8-bit pixels). Default k = 1/6, x0 = 20, tol = 1 (patch_ex defaults).
   */
  logistic?: { k: number; x0: number; tol: number };
  /** SampleRange the intensities live in; sets the 1/255 unit of the label. Default [-1, 1]. */
  valueRange?: ValueRange;
  /**
   * Optional object check (reference skip_background): a pixel is object when |v - value| > threshold. A source patch
   * needs > minObject of object pixels, and > minOverlap of those must land on object in the destination; up to
   * 200 tries, else the patch is skipped. Default: off (the reference's setting for textures and most uses).
   */
  background?: { value: number; threshold: number; minObject?: number; minOverlap?: number };
  /** Clip blended values to this range. Default: no clipping. */
  clip?: ValueRange;
  solver?: PoissonOptions;
}

export const NSA_DEFAULTS = {
  maxPatches: 3,
  halfWidthBounds: [0.03, 0.4] as [number, number],
  gamma: { shape: 2, scale: 0.03, lower: 0.05 },
  resizeBounds: [0.7, 1.3] as [number, number],
  blend: 'source' as 'source' | 'mixed',
  logistic: { k: 1 / 6, x0: 20, tol: 1 },
  valueRange: DEFAULT_VALUE_RANGE,
};

type Resolved = typeof NSA_DEFAULTS & Pick<NsaOptions, 'background' | 'clip' | 'solver'>;

const MAX_TRIES = 200;

function resolve(options: NsaOptions): Resolved {
  const o: Resolved = { ...NSA_DEFAULTS, ...options };
  if (!Number.isInteger(o.maxPatches) || o.maxPatches < 1) throw new Error(`nsa: maxPatches must be an integer >= 1, got ${o.maxPatches}`);
  checkRange(o.halfWidthBounds, 'nsa: halfWidthBounds', 0, 0.5);
  checkRange(o.resizeBounds, 'nsa: resizeBounds', Number.MIN_VALUE);
  if (!(o.gamma.shape > 0 && o.gamma.scale > 0 && o.gamma.lower >= 0)) throw new Error(`nsa: gamma needs shape, scale > 0 and lower >= 0`);
  if (o.blend !== 'source' && o.blend !== 'mixed') throw new Error(`nsa: blend must be 'source' or 'mixed', got '${String(o.blend)}'`);
  if (!(o.logistic.k > 0) || !Number.isFinite(o.logistic.x0) || !(o.logistic.tol >= 0)) throw new Error(`nsa: logistic needs k > 0, finite x0, tol >= 0`);
  if (!(o.valueRange.max > o.valueRange.min)) throw new Error(`nsa: valueRange must have max > min`);
  return o;
}

/** Label for an absolute intensity change given in 1/255 units of the value range. Exported for tests and plots. */
export function nsaLabel(delta255: number, l: { k: number; x0: number; tol: number } = NSA_DEFAULTS.logistic): number {
  return delta255 > l.tol ? 1 / (1 + Math.exp(-l.k * (delta255 - l.x0))) : 0;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

interface Placed {
  patch: GrayImage;
  to: Box;
}

/** Draws a source box, resizes it and finds a destination; null when the object checks never pass. */
function placePatch(dest: GrayImage, src: GrayImage, r: SynthRng, o: Resolved): Placed | null {
  const { width: W, height: H } = dest;
  const bg = o.background;
  const isObj = (v: number): boolean => (bg ? Math.abs(v - bg.value) > bg.threshold : true);
  const half = (dim: number): number => {
    const [lo, hi] = [Math.round(o.halfWidthBounds[0] * dim), Math.round(o.halfWidthBounds[1] * dim)];
    return Math.max(1, Math.floor(clamp((o.gamma.lower + r.gamma(o.gamma.shape, o.gamma.scale)) * dim, lo, hi)));
  };
  const hw = half(W);
  const hh = half(H);
  const minX = Math.round(o.halfWidthBounds[0] * W);
  const minY = Math.round(o.halfWidthBounds[0] * H);
  for (let t = 0; t < MAX_TRIES; t++) {
    const cx = r.int(minX, W - minX);
    const cy = r.int(minY, H - minY);
    const x0 = Math.max(0, cx - hw);
    const y0 = Math.max(0, cy - hh);
    const from: Box = { x: x0, y: y0, w: Math.min(W, cx + hw) - x0, h: Math.min(H, cy + hh) - y0 };
    const scale = clamp(1 + 0.5 * r.normal(), o.resizeBounds[0], o.resizeBounds[1]);
    // Keep a one-pixel rim of the destination around the patch (Dirichlet data) and at least a 3x3 patch.
    const pw = Math.round(clamp(scale * from.w, 3, W - 2));
    const ph = Math.round(clamp(scale * from.h, 3, H - 2));
    const patch = cropResize(src, from, pw, ph);
    const to: Box = { x: r.int(1, W - pw), y: r.int(1, H - ph), w: pw, h: ph };
    if (!bg) return { patch, to };
    let obj = 0;
    let overlap = 0;
    for (let y = 0; y < ph; y++)
      for (let x = 0; x < pw; x++)
        if (isObj(patch.data[y * pw + x])) {
          obj++;
          if (isObj(dest.data[(to.y + y) * W + to.x + x])) overlap++;
        }
    if (obj / (pw * ph) > (bg.minObject ?? 0.25) && overlap / obj > (bg.minOverlap ?? 0.25)) return { patch, to };
  }
  return null;
}

/** Seamless-clones one placed patch into `cur` (in place on this private working copy). */
function blendPatch(cur: Float64Array, W: number, H: number, { patch, to }: Placed, o: Resolved): void {
  // Unknowns: the patch minus its outer ring, which keeps the destination values (as the reference zeroes the
  // mask border before cv2.seamlessClone), so the patch meets its surroundings without a seam.
  const mask = new Uint8Array(W * H);
  for (let y = to.y + 1; y < to.y + to.h - 1; y++) mask.fill(1, y * W + to.x + 1, y * W + to.x + to.w - 1);
  const srcAt = (p: number): number => {
    const x = (p % W) - to.x;
    const y = Math.floor(p / W) - to.y;
    return patch.data[y * to.w + x];
  };
  const mixed = o.blend === 'mixed';
  const rhs = guidanceDivergence(mask, W, H, (p, q) => {
    const ds = srcAt(q) - srcAt(p);
    const dd = cur[q] - cur[p];
    return mixed && Math.abs(dd) > Math.abs(ds) ? dd : ds;
  });
  const sol = solvePoissonDirichlet(rhs, cur, mask, W, H, o.solver);
  for (let p = 0; p < W * H; p++) if (mask[p]) cur[p] = o.clip ? clamp(sol.values[p], o.clip.min, o.clip.max) : sol.values[p];
}

/**
 * NSA anomaly. Pixels outside the pasted boxes are kept bitwise. Label = sigmoid(k (|delta| - x0)) where the
 * change |delta| (in 1/255 of valueRange) exceeds tol, else 0.
 *
 * Simplified from the reference: no median filtering of the label (keeps it an exact, monotone function of the
 * change), the resize keeps the aspect ratio, the object check thresholds the resized patch directly, and
 * 'mixed' blending compares equally weighted gradients (cv2 MIXED_CLONE).
 */
export function nsa(image: GrayImage, foreign: GrayImage, rng: RngLike, options: NsaOptions = {}): SynthResult {
  checkImage(image, 'nsa: image');
  checkImage(foreign, 'nsa: foreign');
  checkSameSize(image, foreign, 'nsa');
  const o = resolve(options);
  const { width: W, height: H } = image;
  if (W < 5 || H < 5) throw new Error(`nsa: image must be at least 5x5, got ${W}x${H}`);
  const r = toRng(rng);
  const cur = Float64Array.from(image.data);
  const boxes: Box[] = [];
  for (let i = 0; i < o.maxPatches; i++) {
    if (i > 0 && r.next() < 0.5) continue;
    const placed = placePatch(image, foreign, r, o);
    if (!placed) continue;
    blendPatch(cur, W, H, placed, o);
    boxes.push(placed.to);
  }
  const out = cloneImage(image);
  const label = new Float32Array(W * H);
  const unit = (o.valueRange.max - o.valueRange.min) / 255;
  for (const b of boxes)
    for (let y = b.y; y < b.y + b.h; y++)
      for (let x = b.x; x < b.x + b.w; x++) {
        const p = y * W + x;
        out.data[p] = cur[p];
        label[p] = nsaLabel(Math.abs(out.data[p] - image.data[p]) / unit, o.logistic);
      }
  return { image: out, label, boxes };
}
