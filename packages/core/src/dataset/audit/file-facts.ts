// Facts read from a file's bytes rather than its pixels: the JPEG quality implied by its quantisation tables, and
// a DICOM file's acquisition tags. Both are classic shortcuts when the classes come from different sources.
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';

/** IJG (libjpeg) standard luminance quantisation table; a quality-q table is this scaled by 5000/q or 200-2q %. */
const STD_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
const STD_LUMA_SUM = STD_LUMA.reduce((a, b) => a + b, 0);

/**
 * Estimated IJG quality (1-100) of a JPEG from its first quantisation table (table 0, luminance), or undefined when
 * the bytes are not a JPEG or hold no table. Uses the table's sum against the standard table's (order-free, so the
 * zig-zag storage order does not matter); exact up to rounding for encoders that scale the IJG tables (libjpeg,
 * libjpeg-turbo, sharp, PIL), an approximation for encoders with their own tables.
 */
export function jpegQuality(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data / end: no table before it
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker === 0xdb) {
      let p = i + 4;
      const end = Math.min(i + 2 + len, bytes.length);
      while (p < end) {
        const precision = bytes[p] >> 4;
        const id = bytes[p] & 15;
        const size = precision ? 128 : 64;
        if (p + 1 + size > end) return undefined;
        if (id === 0) {
          let sum = 0;
          for (let k = 0; k < 64; k++) sum += precision ? (bytes[p + 1 + 2 * k] << 8) | bytes[p + 2 + 2 * k] : bytes[p + 1 + k];
          const scale = (100 * sum) / STD_LUMA_SUM;
          const q = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
          return Math.min(100, Math.max(1, Math.round(q)));
        }
        p += 1 + size;
      }
    }
    i += 2 + len;
  }
  return undefined;
}

export interface DicomTags {
  manufacturer?: string;
  model?: string;
  modality?: string;
  photometric?: string;
  /** Row spacing in mm (the first value of PixelSpacing, else ImagerPixelSpacing). */
  pixelSpacing?: number;
}

/** The acquisition tags of a DICOM Part 10 file (header only); {} when it cannot be parsed. */
export function dicomTags(bytes: Uint8Array): DicomTags {
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch {
    return {};
  }
  const str = (tag: string): string | undefined => {
    const v = ds.string(tag)?.trim();
    return v ? v : undefined;
  };
  const spacing = str('x00280030') ?? str('x00181164');
  const first = spacing ? Number(spacing.split('\\')[0]) : NaN;
  return {
    manufacturer: str('x00080070'),
    model: str('x00081090'),
    modality: str('x00080060'),
    photometric: str('x00280004'),
    pixelSpacing: Number.isFinite(first) ? first : undefined,
  };
}
