// From stored DICOM samples to one grey float image per frame (docs/dicom.md, "Pixel rules"):
//  1. bits: only BitsStored bits ending at HighBit are the value (overlays may use the rest), sign-extended when
//     PixelRepresentation is 1;
//  2. colour to grey: RGB (and what a codec already turned into RGB) by ITU-R BT.601 luma
//     0.299 R + 0.587 G + 0.114 B (a pixel with R = G = B keeps R exactly); YBR_FULL / YBR_FULL_422 by their Y,
//     which is that same luma; PALETTE COLOR through its red/green/blue LUTs, then luma;
//  3. monochrome: the modality LUT (RescaleSlope/Intercept, so CT reads in Hounsfield units), then the VOI window
//     (the file's, none, or an override), then MONOCHROME1 inverted within the range so bright = dense everywhere.
import type { ValueRange } from './types.js';

export class PixelError extends Error {}

export interface Palette {
  /** LUT descriptor: entries, first mapped value, bits per entry. */
  first: number;
  bits: number;
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
}

export interface PixelLayout {
  rows: number;
  cols: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  photometric: string;
  /** 1: colour planes one after another (R..., G..., B...); 0: pixel-interleaved. */
  planar: 0 | 1;
}

/** A lookup table (VOI LUT): value x maps to values[x - first], clamped to the table's ends. */
export interface Lut {
  first: number;
  bits: number;
  values: Uint16Array;
}

export interface GreyRules {
  slope: number;
  intercept: number;
  window?: { center: number; width: number };
  /** The file's VOI LUT table (0028,3010), applied instead of a window, onto [0, 1]. */
  voiLut?: Lut;
  palette?: Palette;
}

/** Number of stored sample values in one native frame (YBR_FULL_422 stores two Y per Cb/Cr pair). */
export function nativeSampleCount(l: PixelLayout): number {
  const n = l.rows * l.cols;
  return l.photometric === 'YBR_FULL_422' ? 2 * n : n * l.samplesPerPixel;
}

/** Bytes of one native frame; 1-bit data is packed eight pixels to a byte. */
export function nativeFrameBytes(l: PixelLayout): number {
  return Math.ceil((nativeSampleCount(l) * l.bitsAllocated) / 8);
}

/** The raw bit patterns of one native frame (`bit` = first bit of the frame, for packed 1-bit data). */
export function nativeSamples(bytes: Uint8Array, l: PixelLayout, bigEndian: boolean, firstBit = 0): Float64Array {
  const count = nativeSampleCount(l);
  const out = new Float64Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (l.bitsAllocated) {
    case 1:
      for (let i = 0; i < count; i++) {
        const b = firstBit + i;
        out[i] = (bytes[b >> 3] >> (b & 7)) & 1;
      }
      break;
    case 8:
      for (let i = 0; i < count; i++) out[i] = bytes[i];
      break;
    case 16:
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, !bigEndian);
      break;
    case 32:
      for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, !bigEndian);
      break;
    default:
      throw new PixelError(`unsupported BitsAllocated ${l.bitsAllocated}`);
  }
  return out;
}

/**
 * Keeps the BitsStored bits that end at HighBit and sign-extends them, in place. `shift` false for codec output,
 * whose samples already sit in the low bits.
 */
export function storedValues(v: Float64Array, l: PixelLayout, shift = true): Float64Array {
  const low = shift ? l.highBit - l.bitsStored + 1 : 0;
  if (l.bitsStored + low <= 31) {
    // The common case, in 32-bit integer operations: shift down, mask, sign-extend by shifting up and back.
    const mask = 2 ** l.bitsStored - 1;
    const up = 32 - l.bitsStored;
    for (let i = 0; i < v.length; i++) {
      const x = (v[i] >> low) & mask;
      v[i] = l.signed ? (x << up) >> up : x;
    }
    return v;
  }
  const div = 2 ** low;
  const mod = 2 ** l.bitsStored;
  const signBit = mod / 2;
  for (let i = 0; i < v.length; i++) {
    // Arithmetic, not bitwise: 32-bit samples do not fit JavaScript's signed 32-bit bit operations.
    let x = Math.floor(v[i] / div) % mod;
    if (x < 0) x += mod;
    if (l.signed && x >= signBit) x -= mod;
    v[i] = x;
  }
  return v;
}

/** Rec.601 luma, exactly R where R = G = B so grey images stored as RGB keep their values. */
const luma = (r: number, g: number, b: number): number =>
  r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;

/** Grey values of one frame of stored values; `rgb` says a codec already turned YBR into RGB. */
export function toGrey(
  v: Float64Array,
  l: PixelLayout,
  rules: GreyRules,
  rgb: boolean,
): { data: Float32Array; range: ValueRange } {
  const n = l.rows * l.cols;
  const data = new Float32Array(n);
  const p = l.photometric;
  const storedMax = 2 ** l.bitsStored - 1;
  let range: ValueRange;
  if (p === 'MONOCHROME1' || p === 'MONOCHROME2') {
    if (l.samplesPerPixel !== 1) throw new PixelError(`${p} with ${l.samplesPerPixel} samples per pixel`);
    const { slope, intercept } = rules;
    const storedMin = l.signed ? -(2 ** (l.bitsStored - 1)) : 0;
    const top = l.signed ? 2 ** (l.bitsStored - 1) - 1 : storedMax;
    const a = storedMin * slope + intercept;
    const b = top * slope + intercept;
    range = { min: Math.min(a, b), max: Math.max(a, b) };
    for (let i = 0; i < n; i++) data[i] = v[i] * slope + intercept;
  } else if (p === 'PALETTE COLOR') {
    const pal = rules.palette;
    if (!pal) throw new PixelError('PALETTE COLOR without red/green/blue palette LUTs');
    const last = pal.red.length - 1;
    for (let i = 0; i < n; i++) {
      const k = Math.min(last, Math.max(0, v[i] - pal.first));
      data[i] = luma(pal.red[k], pal.green[k], pal.blue[k]);
    }
    range = { min: 0, max: 2 ** pal.bits - 1 };
  } else if (l.samplesPerPixel === 3 && (rgb || p === 'RGB' || p.startsWith('YBR_'))) {
    if (!rgb && p === 'YBR_FULL_422') {
      // Two Y samples, then Cb, Cr, per pair of pixels along a row.
      for (let i = 0; i < n; i++) data[i] = v[(i >> 1) * 4 + (i & 1)];
    } else {
      const [sR, sG, sB, step] = l.planar === 1 ? [0, n, 2 * n, 1] : [0, 1, 2, 3];
      const y = !rgb && (p === 'YBR_FULL' || p === 'YBR_FULL_422');
      if (!rgb && !y && p !== 'RGB')
        throw new PixelError(`unsupported photometric interpretation ${p} for this transfer syntax`);
      for (let i = 0, j = 0; i < n; i++, j += step)
        data[i] = y ? v[sR + j] : luma(v[sR + j], v[sG + j], v[sB + j]);
    }
    range = { min: 0, max: storedMax };
  } else throw new PixelError(`unsupported photometric interpretation ${p} with ${l.samplesPerPixel} samples per pixel`);

  if (rules.voiLut && p.startsWith('MONOCHROME')) {
    const { first, bits, values } = rules.voiLut;
    const last = values.length - 1;
    const scale = 1 / (2 ** bits - 1);
    for (let i = 0; i < n; i++) data[i] = values[Math.min(last, Math.max(0, Math.round(data[i]) - first))] * scale;
    range = { min: 0, max: 1 };
  } else if (rules.window) {
    const { center, width } = rules.window;
    for (let i = 0; i < n; i++) data[i] = applyWindow(data[i], center, width);
    range = { min: 0, max: 1 };
  }
  if (p === 'MONOCHROME1') for (let i = 0; i < n; i++) data[i] = range.max + range.min - data[i];
  return { data, range };
}

/** Linear VOI LUT of PS3.3 C.11.2.1.2.1, onto [0, 1]. */
export function applyWindow(x: number, center: number, width: number): number {
  const lo = center - 0.5 - (width - 1) / 2;
  const hi = center - 0.5 + (width - 1) / 2;
  if (x <= lo) return 0;
  if (x > hi) return 1;
  return (x - (center - 0.5)) / (width - 1) + 0.5;
}
