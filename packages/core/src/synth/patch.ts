// Small helpers the generators share: drawing from option ranges, the FPI/PII patch sampler, box masks.
import type { GrayImage } from '../io/types.js';
import type { SynthRng } from './rng.js';
import type { Box, SampleRange } from './types.js';

export function draw(rng: SynthRng, r: SampleRange): number {
  return typeof r === 'number' ? r : rng.uniform(r[0], r[1]);
}

/** Defaults overridden by the options that are set (an explicit `undefined` keeps the default). */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set } as D & O;
}

export function checkRange(r: SampleRange, name: string, lo = -Infinity, hi = Infinity): void {
  const [a, b] = typeof r === 'number' ? [r, r] : r;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b || a < lo || b > hi)
    throw new Error(`${name} must be a number or [lo, hi] with ${lo} <= lo <= hi <= ${hi}, got ${JSON.stringify(r)}`);
}

export function cloneImage(img: GrayImage): GrayImage {
  return { width: img.width, height: img.height, data: Float32Array.from(img.data) };
}

/** Intersection of a box with the image, or null when empty. */
export function clipBox(b: Box, w: number, h: number): Box | null {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(w, b.x + b.w);
  const y1 = Math.min(h, b.y + b.h);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

export function boxMask(b: Box, w: number, h: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = b.y; y < b.y + b.h; y++) m.fill(1, y * w + b.x, y * w + b.x + b.w);
  return m;
}

export interface CentredPatchOptions {
  /** Patch side as a fraction of the shorter image side. */
  sizeFraction: SampleRange;
  /** Patch centre as a fraction of each image dimension. */
  centreFraction: SampleRange;
}

/**
 * Square patch as in the FPI/PII reference sampler: a centre drawn in the core of the image, a side drawn from a
 * fraction of the image size, and the box clipped to the image (so patches near the edge come out smaller).
 */
export function sampleCentredPatch(w: number, h: number, rng: SynthRng, o: CentredPatchOptions): Box {
  const side = Math.max(1, Math.round(draw(rng, o.sizeFraction) * Math.min(w, h)));
  const cx = Math.floor(draw(rng, o.centreFraction) * w);
  const cy = Math.floor(draw(rng, o.centreFraction) * h);
  const half = Math.floor(side / 2);
  const b = clipBox({ x: cx - half, y: cy - half, w: side, h: side }, w, h);
  // The centre lies inside the image, so the clipped box always holds at least that pixel.
  return b ?? { x: Math.min(w - 1, Math.max(0, cx)), y: Math.min(h - 1, Math.max(0, cy)), w: 1, h: 1 };
}

/** Bilinear sample of an image at real coordinates (pixel centres at integers), clamped at the edges. */
export function sampleBilinear(img: GrayImage, x: number, y: number): number {
  const { width: w, height: h, data } = img;
  const cx = Math.min(w - 1, Math.max(0, x));
  const cy = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = data[y0 * w + x0] * (1 - fx) + data[y0 * w + x1] * fx;
  const bottom = data[y1 * w + x0] * (1 - fx) + data[y1 * w + x1] * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Crop `b` out of `img` and resize it to outW x outH (bilinear, pixel-centre mapping, never reading outside b). */
export function cropResize(img: GrayImage, b: Box, outW: number, outH: number): GrayImage {
  const data = new Float32Array(outW * outH);
  const sx = b.w / outW;
  const sy = b.h / outH;
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      data[y * outW + x] = sampleBilinear(
        img,
        Math.min(b.x + b.w - 1, Math.max(b.x, b.x + (x + 0.5) * sx - 0.5)),
        Math.min(b.y + b.h - 1, Math.max(b.y, b.y + (y + 0.5) * sy - 0.5)),
      );
  return { width: outW, height: outH, data };
}
