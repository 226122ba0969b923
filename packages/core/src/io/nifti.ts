// NIfTI-1/2 volumes (.nii, .nii.gz) through nifti-reader-js, cut into 2-D slices along one storage axis.
// No reorientation: a slice's rows/columns follow the remaining axes in storage order.
import { readRegularFile } from './open-regular.js';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { gunzipPrefix, isGzip, readHead } from './detect.js';
import {
  ImageReadError,
  type DecodeOptions,
  type DecodedImage,
  type ProbeResult,
  type ValueRange,
} from './types.js';

type Header = ReturnType<typeof nifti.readHeader>;
type NiftiOptions = NonNullable<DecodeOptions['nifti']>;

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const toArrayBuffer = (b: Uint8Array): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function header(file: string, raw: Buffer): Header {
  let head: Buffer;
  try {
    head = isGzip(raw) ? gunzipPrefix(raw) : raw;
  } catch (e) {
    throw new ImageReadError(file, `corrupt gzip stream: ${why(e)}`);
  }
  if (!nifti.isNIFTI(toArrayBuffer(head))) throw new ImageReadError(file, 'not a NIfTI file (bad header)');
  try {
    return nifti.readHeader(toArrayBuffer(head));
  } catch (e) {
    throw new ImageReadError(file, `corrupt NIfTI header: ${why(e)}`);
  }
}

/** [nx, ny, nz], refusing anything with more than one volume. */
function dims3(file: string, h: Header): [number, number, number] {
  const nd = h.dims[0];
  if (nd < 1 || nd > 7) throw new ImageReadError(file, `invalid NIfTI dimension count ${nd}`);
  const d = [1, 1, 1];
  for (let i = 1; i <= nd; i++) {
    const v = h.dims[i];
    if (!(v >= 1)) throw new ImageReadError(file, `zero-sized NIfTI (dim[${i}] = ${v})`);
    if (i <= 3) d[i - 1] = v;
    else if (v > 1)
      throw new ImageReadError(
        file,
        `unsupported NIfTI with ${nd} dimensions (dim[${i}] = ${v}); only 2-D/3-D`,
      );
  }
  return [d[0], d[1], d[2]];
}

export async function probeNifti(file: string): Promise<ProbeResult> {
  const h = header(file, await readHead(file, 4096));
  const [nx, ny, nz] = dims3(file, h);
  return { format: 'nifti', width: nx, height: ny, bitDepth: h.numBitsPerVoxel, frames: nz };
}

type Reader = (v: DataView, i: number, le: boolean) => number;
const READERS: Record<number, [number, Reader]> = {
  2: [1, (v, i) => v.getUint8(i)],
  256: [1, (v, i) => v.getInt8(i)],
  4: [2, (v, i, le) => v.getInt16(i * 2, le)],
  512: [2, (v, i, le) => v.getUint16(i * 2, le)],
  8: [4, (v, i, le) => v.getInt32(i * 4, le)],
  768: [4, (v, i, le) => v.getUint32(i * 4, le)],
  16: [4, (v, i, le) => v.getFloat32(i * 4, le)],
  64: [8, (v, i, le) => v.getFloat64(i * 8, le)],
};

/** Percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(sorted: Float32Array, p: number): number {
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Slice indices along an axis of length n: [from, to) clamped, every k-th. */
export function sliceIndices(n: number, range?: [number, number], every = 1): number[] {
  if (!(every >= 1) || !Number.isInteger(every))
    throw new Error(`nifti.every must be a positive integer, got ${every}`);
  const from = Math.max(0, Math.floor(range?.[0] ?? 0));
  const to = Math.min(n, Math.floor(range?.[1] ?? n));
  const out: number[] = [];
  for (let i = from; i < to; i += every) out.push(i);
  return out;
}

export async function decodeNifti(
  file: string,
  maxPixels: number,
  opts: NiftiOptions = {},
): Promise<DecodedImage[]> {
  const raw = await readRegularFile(file);
  const h = header(file, raw);
  const [nx, ny, nz] = dims3(file, h);
  const total = nx * ny * nz;
  if (total > maxPixels)
    throw new ImageReadError(
      file,
      `NIfTI is ${nx}x${ny}x${nz} = ${total} voxels, above the limit of ${maxPixels}`,
    );
  const spec = READERS[h.datatypeCode];
  if (!spec)
    throw new ImageReadError(
      file,
      `unsupported NIfTI datatype ${h.datatypeCode} (${h.numBitsPerVoxel} bits)`,
    );
  const [bytesPer, read] = spec;
  const need = total * bytesPer;
  // A float in the header: negative, fractional or NaN would become a bad DataView offset or gunzip limit.
  if (!(Number.isInteger(h.vox_offset) && h.vox_offset >= 0))
    throw new ImageReadError(file, `invalid NIfTI vox_offset ${h.vox_offset} (the voxel data's byte offset)`);
  let bytes: Buffer = raw;
  if (isGzip(raw)) {
    try {
      // Inflate no more than header + voxels (+ slack for extensions): a gzip bomb stops here.
      bytes = gunzipSync(raw, { maxOutputLength: h.vox_offset + need + (1 << 20) });
    } catch (e) {
      throw new ImageReadError(file, `corrupt or truncated gzip stream: ${why(e)}`);
    }
  }
  const offset = h.vox_offset;
  if (offset + need > bytes.length)
    throw new ImageReadError(
      file,
      `truncated NIfTI: ${Math.max(0, bytes.length - offset)} of ${need} voxel bytes`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, need);
  const scale = Number.isFinite(h.scl_slope) && h.scl_slope !== 0;
  if (scale && !Number.isFinite(h.scl_inter)) throw new ImageReadError(file, `invalid NIfTI scl_inter ${h.scl_inter} (scl_slope ${h.scl_slope})`);
  const vol = new Float32Array(total);
  let nonFinite = 0;
  for (let i = 0; i < total; i++) {
    const v = read(view, i, h.littleEndian);
    vol[i] = scale ? v * h.scl_slope + h.scl_inter : v;
    if (!Number.isFinite(vol[i])) nonFinite++;
  }
  // NaN/Inf would poison the volume range and every model input built from it: refuse, saying how many.
  if (nonFinite > 0) throw new ImageReadError(file, `NIfTI has ${nonFinite} non-finite voxel value(s) (NaN or infinity), which medad cannot normalise`);

  // Normalisation range is the whole volume's (or the clip percentiles), never one slice's.
  const sorted = opts.clipPercentiles ? Float32Array.from(vol).sort() : undefined;
  let range: ValueRange;
  if (sorted && opts.clipPercentiles) {
    const [pl, ph] = opts.clipPercentiles;
    range = { min: percentile(sorted, pl), max: percentile(sorted, ph) };
    for (let i = 0; i < total; i++) vol[i] = Math.min(range.max, Math.max(range.min, vol[i]));
  } else {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < total; i++) {
      if (vol[i] < min) min = vol[i];
      if (vol[i] > max) max = vol[i];
    }
    range = { min, max };
  }

  const axis = opts.axis ?? 2;
  const dims = [nx, ny, nz];
  const strides = [1, nx, nx * ny];
  // The slice's columns/rows are the other two axes, lower storage axis first.
  const [ca, ra] = [0, 1, 2].filter((a) => a !== axis);
  const width = dims[ca];
  const height = dims[ra];
  let indices: number[];
  try {
    indices = sliceIndices(dims[axis], opts.range, opts.every);
  } catch (e) {
    throw new ImageReadError(file, why(e));
  }
  return indices.map((s) => {
    const data = new Float32Array(width * height);
    const base = s * strides[axis];
    for (let r = 0; r < height; r++)
      for (let c = 0; c < width; c++) data[r * width + c] = vol[base + r * strides[ra] + c * strides[ca]];
    return {
      file,
      id: `${file}#slice=${s}`,
      format: 'nifti',
      bitDepth: h.numBitsPerVoxel,
      width,
      height,
      originalWidth: width,
      originalHeight: height,
      data,
      valueRange: { ...range },
    };
  });
}
