// Separable resampling in plain TS, so results do not depend on a native library's version.
import type { GrayImage, ResizeMethod } from './types.js';

/** For each output index: the source indices and weights that make it. */
interface Taps {
  idx: number[][];
  w: number[][];
}

/** Bilinear with half-pixel centres (OpenCV INTER_LINEAR, sharp/libvips): src = (dst + 0.5) * scale - 0.5, edges clamped. */
function bilinearTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const idx: number[][] = [];
  const w: number[][] = [];
  for (let d = 0; d < dst; d++) {
    const x = Math.min(src - 1, Math.max(0, (d + 0.5) * scale - 0.5));
    const x0 = Math.floor(x);
    const x1 = Math.min(src - 1, x0 + 1);
    const f = x - x0;
    idx.push([x0, x1]);
    w.push([1 - f, f]);
  }
  return { idx, w };
}

/** Area (box) average: each output pixel covers [d*scale, (d+1)*scale) of the input, weighted by overlap. */
function areaTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const idx: number[][] = [];
  const w: number[][] = [];
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
    idx.push(ii);
    w.push(ww);
  }
  return { idx, w };
}

/**
 * Resizes a grey image. 'area' is the box average for downscaling (2x = 2x2 block means); for upscaling it
 * degenerates to nearest-neighbour with blended boundaries, so prefer 'bilinear' there.
 */
export function resizeImage(img: GrayImage, width: number, height: number, method: ResizeMethod): GrayImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new Error(`resizeImage: target size must be positive integers, got ${width}x${height}`);
  if (width === img.width && height === img.height) return { width, height, data: img.data.slice() };
  const taps = method === 'area' ? areaTaps : bilinearTaps;
  const tx = taps(img.width, width);
  const ty = taps(img.height, height);
  // Horizontal pass into (width x img.height), then vertical.
  const tmp = new Float32Array(width * img.height);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < width; x++) {
      const ii = tx.idx[x];
      const ww = tx.w[x];
      let s = 0;
      for (let k = 0; k < ii.length; k++) s += img.data[row + ii[k]] * ww[k];
      tmp[y * width + x] = s;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const ii = ty.idx[y];
    const ww = ty.w[y];
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < ii.length; k++) s += tmp[ii[k] * width + x] * ww[k];
      out[y * width + x] = s;
    }
  }
  return { width, height, data: out };
}
