// Intensity normalisation. The fixed-range modes use a range that does not depend on the image's content
// (explicit, else the decoder's valueRange, else the bit depth's range): per-image min-max would stretch a
// dark normal image to full contrast, a known cause of 'hot' anomaly maps on normal images.
import type { GrayImage, NormaliseMode, ValueRange, WithValueRange } from './types.js';

/** Any grey image; a DecodedImage's valueRange/bitDepth supply the default range. */
export type Normalisable = GrayImage & WithValueRange & { bitDepth?: number };

/** The range a fixed-range mode maps from; throws if neither given nor knowable. */
export function defaultRange(img: Normalisable): ValueRange {
  if (img.valueRange) return img.valueRange;
  if (img.bitDepth === 8 || img.bitDepth === 16) return { min: 0, max: 2 ** img.bitDepth - 1 };
  throw new Error('normaliseImage: no range given and the image has no valueRange or 8/16-bit depth');
}

/**
 * 'minus1to1': [min,max] -> [-1,1]; 'unit': [min,max] -> [0,1] (values outside the range are not clipped);
 * 'zscore': (x - mean) / std of this image (std 0 gives all zeros).
 */
export function normaliseImage(img: Normalisable, mode: NormaliseMode, range?: ValueRange): GrayImage {
  const n = img.data.length;
  const out = new Float32Array(n);
  if (mode === 'zscore') {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += img.data[i];
    const mean = n ? sum / n : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (img.data[i] - mean) ** 2;
    const std = n ? Math.sqrt(ss / n) : 0;
    const inv = std > 0 ? 1 / std : 0;
    for (let i = 0; i < n; i++) out[i] = (img.data[i] - mean) * inv;
    return { width: img.width, height: img.height, data: out };
  }
  const { min, max } = range ?? defaultRange(img);
  if (!(max > min)) throw new Error(`normaliseImage: empty range [${min}, ${max}]`);
  const [lo, hi] = mode === 'minus1to1' ? [-1, 1] : [0, 1];
  const k = (hi - lo) / (max - min);
  for (let i = 0; i < n; i++) out[i] = lo + (img.data[i] - min) * k;
  return { width: img.width, height: img.height, data: out };
}
