// `medad/renderImage`: one decoded image (a raster page, a DICOM frame, a NIfTI slice) as an 8-bit grey PNG, so a
// client can show formats a browser cannot decode (TIFF, DICOM, NIfTI) and high-bit-depth PNGs that a browser would
// show nearly black (12-bit data stored in 16 bits). Encoded by core's writeGray8Png through a temp file.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeFile, probeFile, writeGray8Png, type DecodedImage } from '@medad/core';
import type { ImageWindow, RenderImageResult } from '../protocol.js';

/** A request the caller got wrong (slice out of range, bad window): mapped to InvalidParams. */
export class RenderParamsError extends Error {}

function minMax(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/**
 * 'auto': the decoder's nominal range (DICOM window, NIfTI volume range, 0..2^bits-1) unless the image uses less
 * than a quarter of it (12-bit data in a 16-bit PNG), then the image's own min..max.
 */
export function windowOf(img: Pick<DecodedImage, 'data' | 'valueRange'>, w: ImageWindow = 'auto'): [number, number] {
  let r: [number, number];
  if (Array.isArray(w)) r = [w[0], w[1]];
  else {
    const own = minMax(img.data);
    const nominal = img.valueRange;
    r = w === 'minmax' || !nominal || own[1] - own[0] < (nominal.max - nominal.min) / 4 ? own : [nominal.min, nominal.max];
  }
  // a flat image (or window) still renders: widen it around its value
  return r[1] > r[0] ? r : [r[0] - 0.5, r[0] + 0.5];
}

export async function renderImage(file: string, slice = 0, window: ImageWindow = 'auto'): Promise<RenderImageResult> {
  if (!Number.isInteger(slice) || slice < 0) throw new RenderParamsError(`slice must be an integer >= 0, got ${slice}`);
  if (Array.isArray(window) && !(window.length === 2 && window.every(Number.isFinite) && window[1] > window[0]))
    throw new RenderParamsError('window must be [low, high] with low < high');
  const info = await probeFile(file);
  if (slice >= info.frames) throw new RenderParamsError(`${file}: slice ${slice} is out of range (the file holds ${info.frames})`);
  // NIfTI: build only the requested slice (the value range stays the volume's, so slices share one window)
  const images = await decodeFile(file, info.format === 'nifti' ? { nifti: { range: [slice, slice + 1] } } : {});
  const img = info.format === 'nifti' ? images[0] : images[slice];
  if (!img) throw new RenderParamsError(`${file}: slice ${slice} could not be decoded (${images.length} decoded)`);
  const win = windowOf(img, window);
  const tmp = path.join(tmpdir(), `medad-render-${process.pid}-${randomBytes(6).toString('hex')}.png`);
  try {
    await writeGray8Png(tmp, img, { min: win[0], max: win[1] });
    const png = await fs.readFile(tmp);
    return { pngBase64: png.toString('base64'), width: img.width, height: img.height, slice, frames: info.frames, format: img.format, bitDepth: img.bitDepth, window: win };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
