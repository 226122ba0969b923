// Per-file fingerprints for leakage checks: SHA-256 of the bytes, SHA-256 of the decoded pixels, and a pHash.
import { createHash } from 'node:crypto';
import { ImageReadError, decodeFile, readRegularFile, resizeImage } from '../io/index.js';
import type { DecodeOptions, DecodedImage } from '../io/index.js';
import { perceptualHash } from './phash.js';
import type { HashBits } from './phash.js';

export interface Fingerprint {
  fileHash: string;
  /** Over every image the file holds (all DICOM frames / NIfTI slices), with their sizes. */
  pixelHash: string;
  /** pHash of the file's middle image (the only one for 2-D formats). */
  phash: HashBits;
}

/** Zero mean, unit L2 norm, so the dot product of two vectors is their Pearson correlation. */
function standardise(data: Float64Array): Float32Array {
  let mean = 0;
  for (const v of data) mean += v;
  mean /= data.length;
  let ss = 0;
  for (const v of data) ss += (v - mean) ** 2;
  const scale = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  return Float32Array.from(data, (v) => (v - mean) * scale);
}

/** Pearson correlation of two standardised vectors (0 when either is flat). */
export function correlation(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export const DETAIL_SIZE = 64;

/**
 * Fine detail of an image: a 64x64 area thumbnail minus its 3x3 local mean, standardised. Two scans of one
 * modality share their coarse layout (which is all pHash sees) but not this; a re-encoded, noisy or resized
 * copy keeps it (correlation > 0.99), other patients' scans correlate at 0.1-0.3.
 */
export async function detailVector(file: string, decode?: DecodeOptions): Promise<Float32Array> {
  const images = await decodeFile(file, decode);
  if (images.length === 0) throw new ImageReadError(file, 'no images in file');
  const n = DETAIL_SIZE;
  const t = resizeImage(images[images.length >> 1], n, n, 'area').data;
  const out = new Float64Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let sum = 0;
      let count = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(n - 1, y + 1); yy++)
        for (let xx = Math.max(0, x - 1); xx <= Math.min(n - 1, x + 1); xx++) {
          sum += t[yy * n + xx];
          count++;
        }
      out[y * n + x] = t[y * n + x] - sum / count;
    }
  return standardise(out);
}

function pixelDigest(images: DecodedImage[]): string {
  const h = createHash('sha256');
  for (const img of images) {
    h.update(`${img.width}x${img.height};`);
    h.update(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength));
  }
  return h.digest('hex');
}

export async function fingerprintFile(
  file: string,
  hashSize: number,
  decode?: DecodeOptions,
): Promise<Fingerprint> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file);
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(file, `cannot read: ${(e as Error).message}`);
  }
  const fileHash = createHash('sha256').update(bytes).digest('hex');
  const images = await decodeFile(file, decode);
  if (images.length === 0) throw new ImageReadError(file, 'no images in file');
  return {
    fileHash,
    pixelHash: pixelDigest(images),
    phash: perceptualHash(images[images.length >> 1], hashSize),
  };
}
