// Separable resampling in plain TS, so results do not depend on a native library's version.
import type { GrayImage, ResizeMethod } from './types.js';

/** For each output index d: source indices idx[start[d] .. start[d+1]) with weights w (flat, so the passes stay tight). */
interface Taps {
  start: Int32Array;
  idx: Int32Array;
  w: Float64Array;
}

function flatten(perOutput: { idx: number[]; w: number[] }[]): Taps {
  const start = new Int32Array(perOutput.length + 1);
  perOutput.forEach((t, d) => (start[d + 1] = start[d] + t.idx.length));
  return { start, idx: Int32Array.from(perOutput.flatMap((t) => t.idx)), w: Float64Array.from(perOutput.flatMap((t) => t.w)) };
}

/** Bilinear with half-pixel centres (OpenCV INTER_LINEAR, sharp/libvips): src = (dst + 0.5) * scale - 0.5, edges clamped. */
function bilinearTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const out: { idx: number[]; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const x = Math.min(src - 1, Math.max(0, (d + 0.5) * scale - 0.5));
    const x0 = Math.floor(x);
    const x1 = Math.min(src - 1, x0 + 1);
    const f = x - x0;
    out.push({ idx: [x0, x1], w: [1 - f, f] });
  }
  return flatten(out);
}

/** Area (box) average: each output pixel covers [d*scale, (d+1)*scale) of the input, weighted by overlap. */
function areaTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const out: { idx: number[]; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const a = d * scale;
    const b = (d + 1) * scale;
    const ii: number[] = [];
    const ww: number[] = [];
    for (let s = Math.floor(a); s < Math.min(src, Math.ceil(b)); s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 1e-12) {
        ii.push(s);
        ww.push(overlap / scale);
      }
    }
    out.push({ idx: ii, w: ww });
  }
  return flatten(out);
}

/**
 * PIL's Image.BILINEAR (Resample.c precompute_coeffs), what torchvision's Resize does to PIL images and what the
 * PyTorch references pack their arrays with: a triangle filter whose support grows with the downscale factor
 * (antialiased), centre (d + 0.5) * scale, weights normalised over the taps inside the image. For upscaling it equals
 * 'bilinear'. PIL rounds 8-bit images to integers after each pass; this stays in floating point.
 */
function pilBilinearTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const filterscale = Math.max(scale, 1);
  const support = filterscale;
  const out: { idx: number[]; w: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const centre = (d + 0.5) * scale;
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0);
    const hi = Math.min(Math.trunc(centre + support + 0.5), src);
    const ii: number[] = [];
    const ww: number[] = [];
    let sum = 0;
    for (let s = lo; s < hi; s++) {
      const w = Math.max(0, 1 - Math.abs((s - centre + 0.5) / filterscale));
      ii.push(s);
      ww.push(w);
      sum += w;
    }
    out.push({ idx: ii, w: sum > 0 ? ww.map((w) => w / sum) : ww });
  }
  return flatten(out);
}

/** Taps depend only on the sizes: a dataset of same-size images computes them once. */
const tapCache = new Map<string, Taps>();
function cachedTaps(method: ResizeMethod, src: number, dst: number): Taps {
  const key = `${method} ${src} ${dst}`;
  let t = tapCache.get(key);
  if (!t) {
    if (tapCache.size >= 64) tapCache.clear(); // bounded: sizes vary little in practice
    t = (method === 'area' ? areaTaps : method === 'pil-bilinear' ? pilBilinearTaps : bilinearTaps)(src, dst);
    tapCache.set(key, t);
  }
  return t;
}

/**
 * Resizes a grey image. 'area' is the box average for downscaling (2x = 2x2 block means); for upscaling it
 * degenerates to nearest-neighbour with blended boundaries, so prefer 'bilinear' there. 'bilinear' is not antialiased
 * (2 taps at any scale); 'pil-bilinear' is PIL's antialiased bilinear (the PyTorch references' resize).
 */
export function resizeImage(img: GrayImage, width: number, height: number, method: ResizeMethod): GrayImage {
  return resizeSamples(img.data, img.width, img.height, 1, width, height, method);
}

/**
 * resizeImage of the grey image whose pixel i is src[i * stride]: the first band of interleaved samples, straight
 * from a decoder's buffer (for an RGB image whose bands are equal, no grey copy is made). Same numbers as resizeImage.
 */
export function resizeSamples(src: Float32Array | Uint8Array | Uint16Array, srcWidth: number, srcHeight: number, stride: number, width: number, height: number, method: ResizeMethod): GrayImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new Error(`resizeImage: target size must be positive integers, got ${width}x${height}`);
  if (width === srcWidth && height === srcHeight) {
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = src[i * stride];
    return { width, height, data };
  }
  const tx = cachedTaps(method, srcWidth, width);
  const ty = cachedTaps(method, srcHeight, height);
  const [xs, xi, xw] = [tx.start, tx.idx, tx.w];
  const [ys, yi, yw] = [ty.start, ty.idx, ty.w];
  // Horizontal pass into (width x srcHeight), then vertical; locals and flat taps keep the loops tight.
  const tmp = new Float32Array(width * srcHeight);
  for (let y = 0, row = 0, t = 0; y < srcHeight; y++, row += srcWidth) {
    for (let x = 0; x < width; x++, t++) {
      let s = 0;
      const end = xs[x + 1];
      for (let k = xs[x]; k < end; k++) s += src[(row + xi[k]) * stride] * xw[k];
      tmp[t] = s;
    }
  }
  const out = new Float32Array(width * height);
  // Row-wise in float64 (the same sums, in the same order, as one output pixel at a time), rounded once at the end.
  const acc = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    const end = ys[y + 1];
    for (let k = ys[y]; k < end; k++) {
      const r = yi[k] * width;
      const wk = yw[k];
      for (let x = 0; x < width; x++) acc[x] += tmp[r + x] * wk;
    }
    out.set(acc, y * width);
  }
  return { width, height, data: out };
}
