// Parsing a DICOM Part 10 file with dicom-parser: the transfer syntax first (refusing unknown ones by name), then
// the data set (deflated ones inflated by us, with a size bound), then the attributes that say how to read pixels.
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { relabelExtendedOffsetTable } from './dicom-eot.js';
import { DEFAULT_SYNTAX, TRANSFER_SYNTAXES, type TransferSyntax } from './dicom-syntax.js';
import type { Lut, Palette, PixelLayout } from './dicom-pixels.js';
import { ImageReadError, type DicomWindow } from './types.js';

export const T = {
  transferSyntax: 'x00020010',
  sopClass: 'x00080016',
  modality: 'x00080060',
  patientId: 'x00100020',
  studyUid: 'x0020000d',
  seriesUid: 'x0020000e',
  seriesNumber: 'x00200011',
  instanceNumber: 'x00200013',
  samples: 'x00280002',
  photometric: 'x00280004',
  planar: 'x00280006',
  frames: 'x00280008',
  rows: 'x00280010',
  cols: 'x00280011',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRep: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  intercept: 'x00281052',
  slope: 'x00281053',
  redDescriptor: 'x00281101',
  greenDescriptor: 'x00281102',
  blueDescriptor: 'x00281103',
  redData: 'x00281201',
  greenData: 'x00281202',
  blueData: 'x00281203',
  pixelData: 'x7fe00010',
} as const;

/** dicom-parser throws strings, Errors, or `{exception, dataSet}` when it stops part-way through a data set. */
const why = (e: unknown): string => {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e) return why((e as { exception: unknown }).exception);
  return String(e);
};

/** A deflated data set inflates to at most this much: a hostile file cannot make us allocate without bound. */
const MAX_INFLATED = 1 << 30;

export interface Parsed {
  ds: DataSet;
  syntax: TransferSyntax;
  bytes: Uint8Array;
}

/** Parses the meta header, refuses unknown transfer syntaxes by UID, then parses the data set. */
export function parseDicom(file: string, raw: Uint8Array, untilPixelData: boolean): Parsed {
  let uid: string | undefined;
  try {
    uid = dicomParser.readPart10Header(raw).string(T.transferSyntax)?.trim();
  } catch (e) {
    throw new ImageReadError(file, `corrupt or truncated DICOM header: ${why(e)}`);
  }
  const syntax = uid === undefined || uid === '' ? DEFAULT_SYNTAX : TRANSFER_SYNTAXES.get(uid);
  if (!syntax) throw new ImageReadError(file, `unsupported transfer syntax ${uid} (see docs/dicom.md for the ones medad reads)`);
  let bytes = raw;
  const inflater = (arr: Uint8Array, position: number): Uint8Array => {
    let body: Buffer;
    try {
      body = inflateRawSync(arr.subarray(position), { maxOutputLength: MAX_INFLATED });
    } catch (e) {
      throw new ImageReadError(file, `corrupt deflated DICOM data set: ${why(e)}`);
    }
    bytes = new Uint8Array(position + body.length);
    bytes.set(arr.subarray(0, position));
    bytes.set(body, position);
    return bytes;
  };
  // an Extended Offset Table's VR (OV) is one dicom-parser cannot read: relabelled OB (same layout) in place
  if (syntax.codec !== 'native') relabelExtendedOffsetTable(raw);
  try {
    const ds = dicomParser.parseDicom(raw, { ...(untilPixelData ? { untilTag: T.pixelData } : {}), inflater } as never);
    return { ds, syntax, bytes: ds.byteArray ?? bytes };
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(file, `corrupt or truncated DICOM (${syntax.name}): ${why(e)}`);
  }
}

export function frameCount(ds: DataSet): number {
  return ds.intString(T.frames) ?? 1;
}

export function pixelLayout(ds: DataSet): PixelLayout {
  const bitsAllocated = ds.uint16(T.bitsAllocated) ?? 0;
  const bitsStored = ds.uint16(T.bitsStored) ?? bitsAllocated;
  return {
    rows: ds.uint16(T.rows) ?? 0,
    cols: ds.uint16(T.cols) ?? 0,
    samplesPerPixel: ds.uint16(T.samples) ?? 1,
    bitsAllocated,
    bitsStored,
    highBit: ds.uint16(T.highBit) ?? bitsStored - 1,
    signed: ds.uint16(T.pixelRep) === 1,
    photometric: (ds.string(T.photometric) ?? 'MONOCHROME2').trim().toUpperCase(),
    planar: ds.uint16(T.planar) === 1 ? 1 : 0,
  };
}

/** The layout's own consistency, before any pixel is read. */
export function checkLayout(file: string, l: PixelLayout): void {
  if (![1, 8, 16, 32].includes(l.bitsAllocated))
    throw new ImageReadError(file, `unsupported DICOM bit depth: BitsAllocated ${l.bitsAllocated}`);
  if (l.bitsStored < 1 || l.bitsStored > l.bitsAllocated)
    throw new ImageReadError(file, `invalid DICOM BitsStored ${l.bitsStored} for BitsAllocated ${l.bitsAllocated}`);
  if (l.highBit < l.bitsStored - 1 || l.highBit >= l.bitsAllocated)
    throw new ImageReadError(file, `invalid DICOM HighBit ${l.highBit} for BitsStored ${l.bitsStored}`);
  if (l.samplesPerPixel !== 1 && l.samplesPerPixel !== 3)
    throw new ImageReadError(file, `unsupported DICOM SamplesPerPixel ${l.samplesPerPixel}`);
  if (l.photometric === 'YBR_FULL_422' && l.cols % 2 !== 0)
    throw new ImageReadError(file, `YBR_FULL_422 needs an even number of columns, not ${l.cols}`);
}

export function chooseWindow(ds: DataSet, opt: DicomWindow | undefined): { center: number; width: number } | undefined {
  if (opt === 'none') return undefined;
  if (opt !== undefined && opt !== 'file') return opt;
  const center = ds.floatString(T.windowCenter, 0);
  const width = ds.floatString(T.windowWidth, 0);
  return center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1 ? { center, width } : undefined;
}

/**
 * The first VOI LUT table of the file (VOI LUT Sequence 0028,3010) when `window` is 'file' (or unset): like
 * pydicom's apply_voi_lut, a table is preferred to WindowCenter/Width when a file has both.
 */
export function readVoiLut(file: string, ds: DataSet, opt: DicomWindow | undefined, bigEndian: boolean): Lut | undefined {
  if (opt !== undefined && opt !== 'file') return undefined;
  const item = ds.elements['x00283010']?.items?.[0]?.dataSet;
  if (!item) return undefined;
  const el = item.elements['x00283006'];
  if (!item.elements['x00283002'] || !el) throw new ImageReadError(file, 'VOI LUT Sequence item without LUT Descriptor and LUT Data');
  const entries = item.uint16('x00283002', 0) || 65536;
  const first = item.elements['x00283002'].vr === 'SS' ? (item.int16('x00283002', 1) ?? 0) : (item.uint16('x00283002', 1) ?? 0);
  const bits = item.uint16('x00283002', 2) ?? 16;
  if (bits < 1 || bits > 16) throw new ImageReadError(file, `VOI LUT with ${bits}-bit entries`);
  const wide = el.length >= 2 * entries;
  if (!wide && el.length < entries) throw new ImageReadError(file, `VOI LUT has ${el.length} bytes for ${entries} entries`);
  const bytes = item.byteArray;
  const view = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset, el.length);
  const values = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) values[i] = wide ? view.getUint16(2 * i, !bigEndian) : view.getUint8(i);
  return { first, bits, values };
}

/** The red/green/blue palette LUTs of a PALETTE COLOR image (8- or 16-bit entries). */
export function readPalette(file: string, ds: DataSet, bytes: Uint8Array, bigEndian: boolean): Palette {
  const lut = (desc: string, data: string): { first: number; bits: number; values: Uint16Array } => {
    const el = ds.elements[data];
    if (!ds.elements[desc] || !el) throw new ImageReadError(file, 'PALETTE COLOR without its palette LUT descriptor and data');
    const entries = ds.uint16(desc, 0) || 65536;
    const first = ds.uint16(desc, 1) ?? 0;
    const bits = ds.uint16(desc, 2) ?? 16;
    const view = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset, el.length);
    const values = new Uint16Array(entries);
    // 8-bit entries may come one per byte or one per 16-bit word.
    const wide = el.length >= 2 * entries;
    if (!wide && el.length < entries) throw new ImageReadError(file, `palette LUT has ${el.length} bytes for ${entries} entries`);
    for (let i = 0; i < entries; i++) values[i] = wide ? view.getUint16(2 * i, !bigEndian) : view.getUint8(i);
    if (bits === 8 && wide) for (let i = 0; i < entries; i++) values[i] = values[i] > 255 ? values[i] >> 8 : values[i];
    return { first, bits, values };
  };
  const r = lut(T.redDescriptor, T.redData);
  const g = lut(T.greenDescriptor, T.greenData);
  const b = lut(T.blueDescriptor, T.blueData);
  if (g.values.length !== r.values.length || b.values.length !== r.values.length)
    throw new ImageReadError(file, 'palette LUTs of different lengths');
  return { first: r.first, bits: r.bits, red: r.values, green: g.values, blue: b.values };
}
