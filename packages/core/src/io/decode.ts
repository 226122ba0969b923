// Entry points: pick the reader by magic bytes and turn every failure into an ImageReadError naming the file.
import { resolve } from 'node:path';
import { detectFormat, HEAD_BYTES } from './detect.js';
import { decodeDicom, probeDicom } from './dicom.js';
import { decodeNifti, probeNifti } from './nifti.js';
import { openRegular, withFileTimeout } from './open-regular.js';
import { decodeRaster, probeRaster } from './raster.js';
import {
  DEFAULT_MAX_PIXELS,
  ImageReadError,
  type DecodeOptions,
  type DecodedImage,
  type ImageFormat,
  type ProbeResult,
  type ResizeTo,
} from './types.js';
import { resizeImage } from './resize.js';

/** Wraps unexpected errors (library bugs, I/O) so callers only ever see ImageReadError. */
async function guarded<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(file, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/**
 * Decodes one file into 2-D grey float images: one for raster formats (first page), one per frame for
 * DICOM, one per selected slice for NIfTI. The pixel limit is checked from the header before decoding. With
 * `resizeTo` every image comes back at that size (originalWidth/Height keep the decoded size).
 */
export function decodeFile(file: string, opts: DecodeOptions = {}, resizeTo?: ResizeTo): Promise<DecodedImage[]> {
  const abs = resolve(file);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  return guarded(abs, async () => {
    const { format, head, bytes } = await identify(abs, true);
    // Rasters resize while decoding (from the decoder's buffer); DICOM frames and NIfTI slices after.
    const resized = (imgs: DecodedImage[]) =>
      resizeTo ? imgs.map((img) => ({ ...img, ...resizeImage(img, resizeTo.width, resizeTo.height, resizeTo.method) })) : imgs;
    if (format === 'dicom') return resized(await decodeDicom(abs, maxPixels, opts.dicom?.window));
    if (format === 'nifti') return resized(await decodeNifti(abs, maxPixels, opts.nifti));
    return [await decodeRaster(abs, format, maxPixels, head, bytes, resizeTo)];
  });
}

/** Raster files up to this size are read whole, once: libvips then decodes from memory, with no second open. */
const WHOLE_RASTER_BYTES = 32 * 2 ** 20;

/**
 * The format from the magic bytes. One file handle gives the size, the head and, with `whole`, for a raster image
 * that is not huge, the whole file (the head is its start): a decode opens the file once instead of three times.
 */
async function identify(file: string, whole: boolean): Promise<{ format: ImageFormat; head: Buffer; bytes?: Buffer }> {
  const { fh, size } = await openRegular(file);
  try {
    if (size === 0) throw new ImageReadError(file, 'empty file (0 bytes)');
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await withFileTimeout(file, 'read', fh.read(head, 0, head.length, 0));
    const format = detectFormat(head.subarray(0, bytesRead));
    if (!format) {
      throw new ImageReadError(file, `unsupported or unrecognised format (first bytes ${head.subarray(0, 8).toString('hex')})`);
    }
    if (!whole || format === 'dicom' || format === 'nifti' || size > WHOLE_RASTER_BYTES) return { format, head: head.subarray(0, bytesRead) };
    if (bytesRead === size) return { format, head, bytes: head };
    const bytes = Buffer.alloc(size);
    head.copy(bytes, 0, 0, bytesRead);
    const rest = await withFileTimeout(file, 'read', fh.read(bytes, bytesRead, size - bytesRead, bytesRead));
    const all = bytes.subarray(0, bytesRead + rest.bytesRead);
    return { format, head: all.subarray(0, HEAD_BYTES), bytes: all };
  } finally {
    await fh.close();
  }
}

/**
 * Format, size, bit depth and frame count from headers only (cheap enough for 100k-file summaries). A zero-sized or
 * 0-bit header is an error, as it is for decodeFile; with `maxPixels`, so is an image decodeFile would refuse for its
 * size (raster: the first page; DICOM and NIfTI: all frames/slices), so a summary never counts it as readable.
 */
export function probeFile(file: string, opts: { maxPixels?: number } = {}): Promise<ProbeResult> {
  const abs = resolve(file);
  return guarded(abs, async () => {
    const { format } = await identify(abs, false);
    const p = format === 'dicom' ? await probeDicom(abs) : format === 'nifti' ? await probeNifti(abs) : await probeRaster(abs, format);
    if (!(p.width >= 1 && p.height >= 1)) throw new ImageReadError(abs, `zero-sized image (${p.width}x${p.height})`);
    if (!(p.bitDepth >= 1)) throw new ImageReadError(abs, `invalid bit depth ${p.bitDepth}`);
    const pixels = p.width * p.height * (format === 'dicom' || format === 'nifti' ? p.frames : 1);
    if (opts.maxPixels !== undefined && pixels > opts.maxPixels)
      throw new ImageReadError(abs, `refused: ${p.width}x${p.height}${pixels > p.width * p.height ? `x${p.frames}` : ''} = ${pixels} pixels, above the limit of ${opts.maxPixels}`);
    return p;
  });
}
