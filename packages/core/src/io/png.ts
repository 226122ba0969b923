// Grey PNG output for anomaly maps (16-bit, to keep precision) and previews (8-bit). Values are quantised
// linearly over a caller-given range, which the reader needs again to get floats back. Writes are atomic.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageReadError, type GrayImage, type ValueRange } from './types.js';

function quantise(img: GrayImage, range: ValueRange, levels: number): Uint8Array | Uint16Array {
  if (!(range.max > range.min))
    throw new Error(`PNG range must have max > min, got [${range.min}, ${range.max}]`);
  if (img.data.length !== img.width * img.height)
    throw new Error(`image data length ${img.data.length} != ${img.width}x${img.height}`);
  const out = levels > 255 ? new Uint16Array(img.data.length) : new Uint8Array(img.data.length);
  const k = levels / (range.max - range.min);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round((img.data[i] - range.min) * k);
    out[i] = Number.isNaN(v) ? 0 : Math.min(levels, Math.max(0, v));
  }
  return out;
}

async function writeAtomic(file: string, bytes: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function writeGray(file: string, img: GrayImage, range: ValueRange, sixteen: boolean): Promise<void> {
  const pixels = quantise(img, range, sixteen ? 65535 : 255);
  // sharp infers the sample type from the typed array (Uint16Array -> ushort).
  const png = await sharp(pixels, { raw: { width: img.width, height: img.height, channels: 1 } })
    .toColourspace(sixteen ? 'grey16' : 'b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
  await writeAtomic(file, png);
}

/** 16-bit grey PNG: value v -> round((v - min) / (max - min) * 65535), clipped. */
export function writeGray16Png(file: string, img: GrayImage, range: ValueRange): Promise<void> {
  return writeGray(file, img, range, true);
}

/** 8-bit grey PNG for thumbnails/previews: v -> round((v - min) / (max - min) * 255), clipped. */
export function writeGray8Png(file: string, img: GrayImage, range: ValueRange): Promise<void> {
  return writeGray(file, img, range, false);
}

/** Reads a 16-bit grey PNG written by writeGray16Png back to floats over the same range. */
export async function readGray16Png(file: string, range: ValueRange): Promise<GrayImage> {
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    const meta = await sharp(file).metadata();
    if (meta.depth !== 'ushort' || (meta.channels ?? 0) - (meta.hasAlpha ? 1 : 0) !== 1)
      throw new ImageReadError(
        file,
        `not a 16-bit grey PNG (depth ${meta.depth}, ${meta.channels} channels)`,
      );
    out = await sharp(file, { failOn: 'error' })
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(file, `cannot read 16-bit PNG: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { data: buf, info } = out;
  const src = new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  const n = info.width * info.height;
  const data = new Float32Array(n);
  const k = (range.max - range.min) / 65535;
  for (let i = 0; i < n; i++) data[i] = range.min + src[i * info.channels] * k;
  return { width: info.width, height: info.height, data };
}
