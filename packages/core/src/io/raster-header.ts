// Width, height, bands and depth of a JPEG or PNG read from its bytes, so the common formats skip libvips' metadata
// call (a fifth of the CPU time of loading a small X-ray). Anything unusual returns undefined and the caller asks
// libvips, so the result is always what sharp().metadata() would have said.
import type { ImageFormat } from './types.js';

export interface RasterHeader {
  width: number;
  height: number;
  /** Bands in the decoded image, alpha included. */
  channels: number;
  hasAlpha: boolean;
  depth: 'uchar' | 'ushort';
}

/** SOFn markers (baseline, progressive, lossless...): C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** 8-bit JPEG with 1 (grey) or 3 (YCbCr/RGB) components; CMYK, 12-bit or a header past `b` go to libvips. */
function jpegHeader(b: Buffer): RasterHeader | undefined {
  let i = 2; // after SOI
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const m = b[i + 1];
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      i += 2; // standalone markers
      continue;
    }
    if (m === 0xda || m === 0xd9) return undefined; // scan or end before any frame header
    const len = b.readUInt16BE(i + 2);
    if (isSof(m)) {
      if (i + 10 > b.length) return undefined;
      const precision = b[i + 4];
      const height = b.readUInt16BE(i + 5);
      const width = b.readUInt16BE(i + 7);
      const components = b[i + 9];
      if (precision !== 8 || (components !== 1 && components !== 3) || height === 0) return undefined;
      return { width, height, channels: components, hasAlpha: false, depth: 'uchar' };
    }
    i += 2 + len;
  }
  return undefined;
}

/** PNG of 8 or 16 bits, grey / grey+alpha / RGB / RGBA, without a tRNS chunk (libvips turns that into alpha). */
function pngHeader(b: Buffer): RasterHeader | undefined {
  if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const bitDepth = b[24];
  const colourType = b[25];
  const bands: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };
  if ((bitDepth !== 8 && bitDepth !== 16) || bands[colourType] === undefined) return undefined;
  // Chunks up to the first IDAT: a tRNS there, or a file cut short before any IDAT, goes to libvips.
  for (let i = 33; ; ) {
    if (i + 8 > b.length) return undefined;
    const type = b.toString('latin1', i + 4, i + 8);
    if (type === 'tRNS') return undefined;
    if (type === 'IDAT') break;
    i += 12 + b.readUInt32BE(i);
  }
  return { width, height, channels: bands[colourType], hasAlpha: colourType === 4 || colourType === 6, depth: bitDepth === 16 ? 'ushort' : 'uchar' };
}

/** The header facts of a whole JPEG or PNG file in `bytes`, or undefined where only libvips can tell. */
export function rasterHeader(format: ImageFormat, bytes: Buffer): RasterHeader | undefined {
  try {
    if (format === 'jpeg') return jpegHeader(bytes);
    if (format === 'png') return pngHeader(bytes);
  } catch {
    // A read past the end of a damaged header: let libvips report it.
  }
  return undefined;
}
