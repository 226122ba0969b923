// CutPaste (Li et al., "CutPaste: Self-Supervised Learning for Anomaly Detection and Localization", CVPR 2021):
// cut a region of the image itself and paste it elsewhere. 'patch' moves a rectangle, 'scar' a thin rotated one.
// Defaults are the paper's, which were set for 256x256 inputs; scar sizes scale with the image (see scarScale).
import type { GrayImage, ValueRange } from '../io/types.js';
import { checkRange, cloneImage, draw, sampleBilinear } from './patch.js';
import { toRng, type RngLike, type SynthRng } from './rng.js';
import { checkImage, DEFAULT_VALUE_RANGE, type Box, type SampleRange, type SynthResult } from './types.js';

export interface CutPasteOptions {
  /** Patch area / image area. Default [0.02, 0.15] (paper). */
  areaRatio?: SampleRange;
  /** Patch width / height, drawn log-uniformly. Default [0.3, 3.3] (paper: (0.3, 1) U (1, 3.3)). */
  aspectRatio?: SampleRange;
  /**
   * Brightness and contrast jitter: factors drawn from [1 - j, 1 + j] and applied in [0, 1] units of valueRange,
   * then clamped to it. Default 0.1, the paper's ColorJitter(0.1) restricted to grey images. 0 disables it.
   */
  jitter?: number;
  /** SampleRange the intensities live in (for jitter and clamping). Default [-1, 1]. */
  valueRange?: ValueRange;
  /** Scar width in pixels at 256 px. Default [2, 16] (paper). */
  scarWidth?: SampleRange;
  /** Scar length in pixels at 256 px. Default [10, 25] (paper). */
  scarLength?: SampleRange;
  /** Scar rotation in degrees. Default [-45, 45] (paper). */
  scarRotation?: SampleRange;
  /** Multiplier for scar width/length. Default min(width, height) / 256, as the paper's pixel sizes assume 256 px. */
  scarScale?: number;
}

export const CUTPASTE_DEFAULTS = {
  areaRatio: [0.02, 0.15] as SampleRange,
  aspectRatio: [0.3, 3.3] as SampleRange,
  jitter: 0.1,
  valueRange: DEFAULT_VALUE_RANGE,
  scarWidth: [2, 16] as SampleRange,
  scarLength: [10, 25] as SampleRange,
  scarRotation: [-45, 45] as SampleRange,
};

type Resolved = typeof CUTPASTE_DEFAULTS & { scarScale?: number };

function resolve(options: CutPasteOptions): Resolved {
  const o: Resolved = { ...CUTPASTE_DEFAULTS, ...options };
  checkRange(o.areaRatio, 'cutpaste: areaRatio', 0, 1);
  checkRange(o.aspectRatio, 'cutpaste: aspectRatio', Number.MIN_VALUE);
  checkRange(o.scarWidth, 'cutpaste: scarWidth', 0);
  checkRange(o.scarLength, 'cutpaste: scarLength', 0);
  checkRange(o.scarRotation, 'cutpaste: scarRotation');
  if (!(o.jitter >= 0 && o.jitter < 1)) throw new Error(`cutpaste: jitter must be in [0, 1), got ${o.jitter}`);
  if (!(o.valueRange.max > o.valueRange.min)) throw new Error(`cutpaste: valueRange must have max > min`);
  if (o.scarScale !== undefined && !(o.scarScale > 0)) throw new Error(`cutpaste: scarScale must be > 0, got ${o.scarScale}`);
  return o;
}

function logUniform(rng: SynthRng, r: SampleRange): number {
  return typeof r === 'number' ? r : Math.exp(rng.uniform(Math.log(r[0]), Math.log(r[1])));
}

/** Brightness then contrast (about the patch mean) in [0, 1] units, clamped: torchvision's order for grey images. */
function jitterValues(vals: Float64Array, rng: SynthRng, o: Resolved): void {
  if (o.jitter === 0 || vals.length === 0) return;
  const { min, max } = o.valueRange;
  const span = max - min;
  const bright = rng.uniform(1 - o.jitter, 1 + o.jitter);
  const contrast = rng.uniform(1 - o.jitter, 1 + o.jitter);
  let mean = 0;
  for (let i = 0; i < vals.length; i++) {
    vals[i] = Math.min(1, Math.max(0, ((vals[i] - min) / span) * bright));
    mean += vals[i];
  }
  mean /= vals.length;
  for (let i = 0; i < vals.length; i++) vals[i] = min + span * Math.min(1, Math.max(0, (vals[i] - mean) * contrast + mean));
}

/** 'patch' CutPaste: label 1 on the pasted rectangle, 0 elsewhere. */
export function cutPaste(image: GrayImage, rng: RngLike, options: CutPasteOptions = {}): SynthResult {
  checkImage(image, 'cutpaste: image');
  const o = resolve(options);
  const r = toRng(rng);
  const { width: W, height: H } = image;
  const area = draw(r, o.areaRatio) * W * H;
  const aspect = logUniform(r, o.aspectRatio);
  const pw = Math.max(1, Math.min(W, Math.round(Math.sqrt(area * aspect))));
  const ph = Math.max(1, Math.min(H, Math.round(Math.sqrt(area / aspect))));
  const from = { x: r.int(0, W - pw + 1), y: r.int(0, H - ph + 1) };
  const to: Box = { x: r.int(0, W - pw + 1), y: r.int(0, H - ph + 1), w: pw, h: ph };
  const vals = new Float64Array(pw * ph);
  for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) vals[y * pw + x] = image.data[(from.y + y) * W + from.x + x];
  jitterValues(vals, r, o);
  const out = cloneImage(image);
  const label = new Float32Array(W * H);
  for (let y = 0; y < ph; y++)
    for (let x = 0; x < pw; x++) {
      const p = (to.y + y) * W + to.x + x;
      out.data[p] = vals[y * pw + x];
      label[p] = 1;
    }
  return { image: out, label, boxes: [to] };
}

/** 'scar' CutPaste: a thin rectangle rotated about its centre; label 1 on the pasted pixels, box = their bounds. */
export function cutPasteScar(image: GrayImage, rng: RngLike, options: CutPasteOptions = {}): SynthResult {
  checkImage(image, 'cutpaste scar: image');
  const o = resolve(options);
  const r = toRng(rng);
  const { width: W, height: H } = image;
  const k = o.scarScale ?? Math.min(W, H) / 256;
  const sw = Math.max(1, Math.min(W, Math.round(draw(r, o.scarWidth) * k)));
  const sl = Math.max(1, Math.min(H, Math.round(draw(r, o.scarLength) * k)));
  const theta = (draw(r, o.scarRotation) * Math.PI) / 180;
  const from = { x: r.int(0, W - sw + 1), y: r.int(0, H - sl + 1) };
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  // Half extents of the rotated rectangle's bounding box, so the scar lands wholly inside the image.
  const hx = Math.min((W - 1) / 2, (Math.abs(c) * sw + Math.abs(s) * sl) / 2);
  const hy = Math.min((H - 1) / 2, (Math.abs(s) * sw + Math.abs(c) * sl) / 2);
  const cx = r.uniform(hx, W - 1 - hx);
  const cy = r.uniform(hy, H - 1 - hy);
  const srcCx = from.x + (sw - 1) / 2;
  const srcCy = from.y + (sl - 1) / 2;
  const x0 = Math.max(0, Math.floor(cx - hx));
  const x1 = Math.min(W - 1, Math.ceil(cx + hx));
  const y0 = Math.max(0, Math.floor(cy - hy));
  const y1 = Math.min(H - 1, Math.ceil(cy + hy));
  const pixels: number[] = [];
  const vals: number[] = [];
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      // Inverse rotation into the scar's own frame: inside iff within its half width/length.
      const u = c * (x - cx) + s * (y - cy);
      const v = -s * (x - cx) + c * (y - cy);
      if (Math.abs(u) > sw / 2 || Math.abs(v) > sl / 2) continue;
      pixels.push(y * W + x);
      vals.push(sampleBilinear(image, Math.min(from.x + sw - 1, Math.max(from.x, srcCx + u)), Math.min(from.y + sl - 1, Math.max(from.y, srcCy + v))));
    }
  const jittered = Float64Array.from(vals);
  jitterValues(jittered, r, o);
  const out = cloneImage(image);
  const label = new Float32Array(W * H);
  let bx0 = W, by0 = H, bx1 = -1, by1 = -1;
  pixels.forEach((p, i) => {
    out.data[p] = jittered[i];
    label[p] = 1;
    const x = p % W;
    const y = (p - x) / W;
    bx0 = Math.min(bx0, x);
    by0 = Math.min(by0, y);
    bx1 = Math.max(bx1, x);
    by1 = Math.max(by1, y);
  });
  const boxes = pixels.length ? [{ x: bx0, y: by0, w: bx1 - bx0 + 1, h: by1 - by0 + 1 }] : [];
  return { image: out, label, boxes };
}

export type CutPasteClass = 0 | 1 | 2;

/**
 * The paper's 3-way task: class 0 = normal (an unchanged copy, zero label), 1 = CutPaste patch, 2 = scar. The class
 * is drawn uniformly unless `cls` is given.
 */
export function cutPaste3Way(image: GrayImage, rng: RngLike, options: CutPasteOptions & { cls?: CutPasteClass } = {}): SynthResult & { cls: CutPasteClass } {
  checkImage(image, 'cutpaste 3-way: image');
  const r = toRng(rng);
  const cls = options.cls ?? (r.int(0, 3) as CutPasteClass);
  if (cls !== 0 && cls !== 1 && cls !== 2) throw new Error(`cutpaste 3-way: cls must be 0, 1 or 2, got ${String(cls)}`);
  if (cls === 1) return { cls, ...cutPaste(image, r, options) };
  if (cls === 2) return { cls, ...cutPasteScar(image, r, options) };
  return { cls, image: cloneImage(image), label: new Float32Array(image.width * image.height), boxes: [] };
}
