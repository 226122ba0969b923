// Format detection from magic bytes, so a mislabelled extension (or none, as DICOM often has) still decodes
// with the right reader. Reads only the first bytes of a file.
import { gunzipSync, constants as zc } from 'node:zlib';
import { openRegular, withFileTimeout } from './open-regular.js';
import type { ImageFormat } from './types.js';

/** Bytes detectFormat needs: DICOM's 'DICM' sits at 128, NIfTI-1 magic at 344, gzip'd NIfTI a 4 KiB prefix. */
export const HEAD_BYTES = 4096;

/** Reads up to `n` bytes from the start of a file. */
export async function readHead(file: string, n: number): Promise<Buffer> {
  const { fh } = await openRegular(file);
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await withFileTimeout(file, 'read', fh.read(buf, 0, n, 0));
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const startsWith = (b: Buffer, sig: number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

export const isGzip = (b: Buffer): boolean => startsWith(b, [0x1f, 0x8b]);
export const isDicomMagic = (b: Buffer): boolean => startsWith(b, ascii('DICM'), 128);

/** NIfTI-1 or -2: sizeof_hdr (348 or 540, either endianness) plus the magic string. */
export function isNiftiHeader(b: Buffer): boolean {
  if (b.length >= 348) {
    const le = b.readInt32LE(0);
    const be = b.readInt32BE(0);
    if (
      (le === 348 || be === 348) &&
      (startsWith(b, ascii('n+1\0'), 344) || startsWith(b, ascii('ni1\0'), 344))
    )
      return true;
    if ((le === 540 || be === 540) && (startsWith(b, ascii('n+2\0'), 4) || startsWith(b, ascii('ni2\0'), 4)))
      return true;
  }
  return false;
}

/**
 * Decompresses just the start of a gzip stream (bounded by the input prefix given), for header checks
 * without inflating a possibly huge (or hostile) volume.
 */
export function gunzipPrefix(compressed: Buffer): Buffer {
  // deflate expands at most ~1032x, so a 4 KiB prefix inflates to under 8 MiB yet holds any real header.
  const prefix = compressed.subarray(0, 4096);
  return gunzipSync(prefix, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: 8 << 20 });
}

/** Format from the first bytes; gzip is reported as NIfTI only if the inflated header says so. */
export function detectFormat(head: Buffer): ImageFormat | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(head, ascii('GIF8'))) return 'gif';
  if (startsWith(head, ascii('BM'))) return 'bmp';
  if (isDicomMagic(head)) return 'dicom';
  if (isNiftiHeader(head)) return 'nifti';
  if (isGzip(head)) {
    try {
      if (isNiftiHeader(gunzipPrefix(head))) return 'nifti';
    } catch {
      return undefined;
    }
  }
  return undefined;
}
