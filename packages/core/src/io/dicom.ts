// DICOM Part 10 through dicom-parser: uncompressed little-endian transfer syntaxes only, grey (1 sample per
// pixel). Applies Modality LUT (rescale), then the VOI window (file / none / override), then MONOCHROME1
// inversion, so every decoded image reads "bright = dense" the same way.
import { readFile } from 'node:fs/promises';
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { readHead } from './detect.js';
import {
  ImageReadError,
  type DecodedImage,
  type DicomWindow,
  type ProbeResult,
  type ValueRange,
} from './types.js';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const SUPPORTED = new Set([IMPLICIT_LE, EXPLICIT_LE]);

const T = {
  transferSyntax: 'x00020010',
  samples: 'x00280002',
  photometric: 'x00280004',
  frames: 'x00280008',
  rows: 'x00280010',
  cols: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  pixelRep: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  intercept: 'x00281052',
  slope: 'x00281053',
  pixelData: 'x7fe00010',
} as const;

/** dicom-parser throws Errors, strings, or `{ exception, dataSet }` objects: the text of each. */
const why = (e: unknown): string => {
  if (e instanceof Error) return e.message;
  const ex = (e as { exception?: unknown } | null)?.exception;
  return typeof ex === 'string' ? ex : String(e);
};

/** Parses the meta header, refuses unsupported transfer syntaxes, then parses the data set. */
function parse(file: string, bytes: Uint8Array, untilPixelData: boolean): DataSet {
  let ts: string | undefined;
  try {
    ts = dicomParser.readPart10Header(bytes).string(T.transferSyntax);
  } catch (e) {
    throw new ImageReadError(file, `corrupt or truncated DICOM header: ${why(e)}`);
  }
  if (ts !== undefined && !SUPPORTED.has(ts))
    throw new ImageReadError(
      file,
      `unsupported transfer syntax ${ts} (only uncompressed little endian is read)`,
    );
  try {
    return dicomParser.parseDicom(bytes, untilPixelData ? { untilTag: T.pixelData } : undefined);
  } catch (e) {
    throw new ImageReadError(file, `corrupt or truncated DICOM: ${why(e)}`);
  }
}

interface Geometry {
  rows: number;
  cols: number;
  frames: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
}

function geometry(ds: DataSet): Geometry {
  const bitsAllocated = ds.uint16(T.bitsAllocated) ?? 0;
  return {
    rows: ds.uint16(T.rows) ?? 0,
    cols: ds.uint16(T.cols) ?? 0,
    frames: ds.intString(T.frames) ?? 1,
    bitsAllocated,
    bitsStored: ds.uint16(T.bitsStored) ?? bitsAllocated,
    signed: ds.uint16(T.pixelRep) === 1,
  };
}

export async function probeDicom(file: string): Promise<ProbeResult> {
  // Headers are almost always in the first 64 KiB; fall back to the whole file if they are not.
  let ds: DataSet;
  try {
    ds = parse(file, await readHead(file, 65536), true);
  } catch {
    ds = parse(file, await readFile(file), true);
  }
  const { g } = checkedHeader(file, ds);
  return { format: 'dicom', width: g.cols, height: g.rows, bitDepth: g.bitsAllocated, frames: g.frames };
}

/**
 * The geometry, refused as decoding would refuse it (a zero size, a 0-bit or colour image): a probe (dataset
 * summaries) then never reports as readable a file the decoder cannot read.
 */
function checkedHeader(file: string, ds: DataSet): { g: Geometry; photometric: string } {
  const g = geometry(ds);
  const samples = ds.uint16(T.samples) ?? 1;
  const photometric = (ds.string(T.photometric) ?? 'MONOCHROME2').trim();
  if (g.rows === 0 || g.cols === 0 || !(g.frames >= 1))
    throw new ImageReadError(file, `zero-sized DICOM (${g.cols}x${g.rows}, ${g.frames} frames)`);
  if (samples !== 1 || !photometric.startsWith('MONOCHROME'))
    throw new ImageReadError(
      file,
      `unsupported DICOM photometric interpretation ${photometric} with ${samples} samples per pixel`,
    );
  if (g.bitsAllocated !== 8 && g.bitsAllocated !== 16)
    throw new ImageReadError(file, `unsupported DICOM bit depth: BitsAllocated ${g.bitsAllocated}`);
  if (g.bitsStored < 1 || g.bitsStored > g.bitsAllocated)
    throw new ImageReadError(
      file,
      `invalid DICOM BitsStored ${g.bitsStored} for BitsAllocated ${g.bitsAllocated}`,
    );
  return { g, photometric };
}

/** Linear VOI LUT of PS3.3 C.11.2.1.2.1, onto [0, 1]. */
export function applyWindow(x: number, center: number, width: number): number {
  const lo = center - 0.5 - (width - 1) / 2;
  const hi = center - 0.5 + (width - 1) / 2;
  if (x <= lo) return 0;
  if (x > hi) return 1;
  return (x - (center - 0.5)) / (width - 1) + 0.5;
}

function chooseWindow(
  ds: DataSet,
  opt: DicomWindow | undefined,
): { center: number; width: number } | undefined {
  if (opt === 'none') return undefined;
  if (opt !== undefined && opt !== 'file') return opt;
  const center = ds.floatString(T.windowCenter, 0);
  const width = ds.floatString(T.windowWidth, 0);
  return center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1
    ? { center, width }
    : undefined;
}

/** Rescale slope/intercept: absent gives the default; present but not a finite number is refused, not NaN pixels. */
function rescale(file: string, ds: DataSet, tag: string, name: string, absent: number): number {
  if (!ds.elements[tag]) return absent;
  const v = ds.floatString(tag);
  if (v === undefined) return absent; // present but empty
  if (!Number.isFinite(v) || (tag === T.slope && v === 0))
    throw new ImageReadError(file, `invalid DICOM ${name} '${(ds.string(tag) ?? '').trim()}'`);
  return v;
}

export async function decodeDicom(
  file: string,
  maxPixels: number,
  window?: DicomWindow,
): Promise<DecodedImage[]> {
  const bytes = await readFile(file);
  const ds = parse(file, bytes, false);
  const { g, photometric } = checkedHeader(file, ds);
  const total = g.rows * g.cols * g.frames;
  if (total > maxPixels)
    throw new ImageReadError(
      file,
      `DICOM is ${g.cols}x${g.rows}x${g.frames} frames = ${total} pixels, above the limit of ${maxPixels}`,
    );
  const el = ds.elements[T.pixelData];
  if (!el) throw new ImageReadError(file, 'DICOM has no pixel data');
  if (el.encapsulatedPixelData)
    throw new ImageReadError(file, 'unsupported encapsulated (compressed) pixel data');
  const bytesPer = g.bitsAllocated / 8;
  const need = total * bytesPer;
  if (el.length < need || el.dataOffset + need > bytes.length)
    throw new ImageReadError(
      file,
      `truncated DICOM pixel data: ${Math.min(el.length, bytes.length - el.dataOffset)} of ${need} bytes`,
    );

  const slope = rescale(file, ds, T.slope, 'RescaleSlope', 1);
  const intercept = rescale(file, ds, T.intercept, 'RescaleIntercept', 0);
  const win = chooseWindow(ds, window);
  const invert = photometric === 'MONOCHROME1';
  // Range of stored values, through the modality LUT: what an unwindowed image may span.
  const storedMin = g.signed ? -(2 ** (g.bitsStored - 1)) : 0;
  const storedMax = g.signed ? 2 ** (g.bitsStored - 1) - 1 : 2 ** g.bitsStored - 1;
  const a = storedMin * slope + intercept;
  const b = storedMax * slope + intercept;
  const modality: ValueRange = { min: Math.min(a, b), max: Math.max(a, b) };
  const range: ValueRange = win ? { min: 0, max: 1 } : modality;

  const view = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset, need);
  const mask = 2 ** g.bitsStored - 1;
  const signBit = 2 ** (g.bitsStored - 1);
  const n = g.rows * g.cols;
  const out: DecodedImage[] = [];
  for (let f = 0; f < g.frames; f++) {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const k = f * n + i;
      // Only the low BitsStored bits are the value (overlays may use the rest); sign-extend if signed.
      let v = (bytesPer === 1 ? view.getUint8(k) : view.getUint16(k * 2, true)) & mask;
      if (g.signed && v >= signBit) v -= 2 * signBit;
      let y = v * slope + intercept;
      if (win) y = applyWindow(y, win.center, win.width);
      if (invert) y = range.max + range.min - y;
      data[i] = y;
    }
    out.push({
      file,
      id: g.frames > 1 ? `${file}#frame=${f}` : file,
      format: 'dicom',
      bitDepth: g.bitsAllocated,
      width: g.cols,
      height: g.rows,
      originalWidth: g.cols,
      originalHeight: g.rows,
      data,
      valueRange: { ...range },
    });
  }
  return out;
}
