// Cheap per-image pixel statistics for the shortcut audit. Inputs are intensities already mapped to [0, 1] by the
// image's nominal range (bit depth, DICOM window), so "dark" means the same across images.
import type { GrayImage } from '../../io/types.js';

export interface IntensityStats {
  mean: number;
  std: number;
  p01: number;
  p50: number;
  p99: number;
  /** p99 − p01: the span the image actually uses. */
  dynamicRange: number;
  /** log2 of the number of distinct grey levels (quantised to 16 bits): a re-quantised or 8-bit export shows here. */
  effectiveBits: number;
  /** Fraction of pixels within 0.02 of the image's minimum (black borders, collimation, air). */
  backgroundFraction: number;
}

const BINS = 4096;

/** Intensity statistics; percentiles from a 4096-bin histogram over [0, 1] (values outside are clamped). */
export function intensityStats(data: Float32Array): IntensityStats {
  const n = data.length;
  let sum = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    sum += data[i];
    if (data[i] < min) min = data[i];
  }
  const mean = sum / n;
  let ss = 0;
  const hist = new Uint32Array(BINS);
  const levels = new Uint8Array(65536);
  let bg = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    ss += (v - mean) ** 2;
    const c = v < 0 ? 0 : v > 1 ? 1 : v;
    hist[Math.min(BINS - 1, Math.floor(c * BINS))]++;
    levels[Math.round(c * 65535)] = 1;
    if (v <= min + 0.02) bg++;
  }
  const pct = (q: number): number => {
    const target = q * (n - 1);
    let acc = 0;
    for (let b = 0; b < BINS; b++) {
      acc += hist[b];
      if (acc > target) return (b + 0.5) / BINS;
    }
    return 1;
  };
  let distinct = 0;
  for (let i = 0; i < levels.length; i++) distinct += levels[i];
  const p01 = pct(0.01);
  const p99 = pct(0.99);
  return {
    mean,
    std: Math.sqrt(ss / n),
    p01,
    p50: pct(0.5),
    p99,
    dynamicRange: p99 - p01,
    effectiveBits: Math.log2(Math.max(1, distinct)),
    backgroundFraction: bg / n,
  };
}

/**
 * Mean gradient magnitude (central differences inside, one-sided at the borders, as numpy.gradient) and the variance
 * of the 4-neighbour Laplacian over interior pixels: two measures of fine detail / sharpness.
 */
export function sharpness(img: GrayImage): { gradientMean: number; laplacianVar: number } {
  const { width: w, height: h, data: a } = img;
  let g = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const gx = w < 2 ? 0 : x === 0 ? a[i + 1] - a[i] : x === w - 1 ? a[i] - a[i - 1] : (a[i + 1] - a[i - 1]) / 2;
      const gy = h < 2 ? 0 : y === 0 ? a[i + w] - a[i] : y === h - 1 ? a[i] - a[i - w] : (a[i + w] - a[i - w]) / 2;
      g += Math.hypot(gx, gy);
    }
  }
  let s = 0;
  let ss = 0;
  let m = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = 4 * a[i] - a[i - 1] - a[i + 1] - a[i - w] - a[i + w];
      s += l;
      ss += l * l;
      m++;
    }
  }
  return { gradientMean: g / (w * h), laplacianVar: m ? ss / m - (s / m) ** 2 : 0 };
}

/**
 * Immerkær's noise estimate (1996): σ = √(π/2) / (6 (W−2)(H−2)) · Σ |I ∗ N| with N = [1 −2 1; −2 4 −2; 1 −2 1], a
 * mask that cancels smooth structure up to second order, so what remains is mostly the noise.
 */
export function noiseSigma(img: GrayImage): number {
  const { width: w, height: h, data: a } = img;
  if (w < 3 || h < 3) return 0;
  let s = 0;
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = r + x;
      const v =
        a[i - w - 1] - 2 * a[i - w] + a[i - w + 1] - 2 * a[i - 1] + 4 * a[i] - 2 * a[i + 1] + a[i + w - 1] - 2 * a[i + w] + a[i + w + 1];
      s += Math.abs(v);
    }
  }
  return (Math.sqrt(Math.PI / 2) * s) / (6 * (w - 2) * (h - 2));
}
