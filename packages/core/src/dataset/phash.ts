// Perceptual hash (pHash, as in the Python ImageHash library): DCT-II of a (4k x 4k) grey thumbnail, keep the
// k x k lowest frequencies, one bit per coefficient: above their median or not. Robust to re-encoding,
// small noise, resizing and global brightness/contrast changes; not to crops or flips.
import { resizeImage } from '../io/index.js';
import type { GrayImage } from '../io/index.js';

/** Bits packed into 32-bit words, bit i in word i >> 5 at position i & 31. */
export type HashBits = Uint32Array;

const cosCache = new Map<string, Float64Array>();

/** cos(pi * (2x + 1) * u / (2n)) for u < k, x < n, row-major by u. */
function cosTable(n: number, k: number): Float64Array {
  const key = `${n}:${k}`;
  let t = cosCache.get(key);
  if (!t) {
    t = new Float64Array(k * n);
    for (let u = 0; u < k; u++)
      for (let x = 0; x < n; x++) t[u * n + x] = Math.cos((Math.PI * (2 * x + 1) * u) / (2 * n));
    cosCache.set(key, t);
  }
  return t;
}

/** The k x k lowest DCT-II coefficients (unnormalised) of an n x n image, row-major [v][u] (v vertical). */
export function lowDct(pixels: Float32Array | Float64Array, n: number, k: number): Float64Array {
  const c = cosTable(n, k);
  // Rows first: tmp[y][u] = sum_x p[y][x] c[u][x]; then columns: out[v][u] = sum_y c[v][y] tmp[y][u].
  const tmp = new Float64Array(n * k);
  for (let y = 0; y < n; y++)
    for (let u = 0; u < k; u++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += pixels[y * n + x] * c[u * n + x];
      tmp[y * k + u] = s;
    }
  const out = new Float64Array(k * k);
  for (let v = 0; v < k; v++)
    for (let u = 0; u < k; u++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += c[v * n + y] * tmp[y * k + u];
      out[v * k + u] = s;
    }
  return out;
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** pHash of an image with hashSize^2 bits (default 8 -> 64 bits) from a (4*hashSize)^2 area-downsampled thumbnail. */
export function perceptualHash(img: GrayImage, hashSize = 8): HashBits {
  const n = hashSize * 4;
  const thumb = resizeImage(img, n, n, 'area');
  return hashFromThumbnail(thumb.data, n, hashSize);
}

/** pHash bits of an n x n thumbnail. */
export function hashFromThumbnail(
  pixels: Float32Array | Float64Array,
  n: number,
  hashSize: number,
): HashBits {
  const coeffs = lowDct(pixels, n, hashSize);
  const med = median(coeffs);
  const bits = new Uint32Array(Math.ceil(coeffs.length / 32));
  for (let i = 0; i < coeffs.length; i++) if (coeffs[i] > med) bits[i >> 5] |= 1 << (i & 31);
  return bits;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function hamming(a: HashBits, b: HashBits): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += popcount32((a[i] ^ b[i]) >>> 0);
  return d;
}

/** Value of bits [from, to) of a hash (to - from <= 32), for multi-index bucketing. */
export function bitRange(h: HashBits, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 2 + ((h[i >> 5] >>> (i & 31)) & 1);
  return v;
}

export function hashToHex(h: HashBits): string {
  return Array.from(h, (w) => w.toString(16).padStart(8, '0')).join('');
}
