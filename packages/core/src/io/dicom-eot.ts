// The Extended Offset Table (PS3.5 A.4): (7FE0,0001) 64-bit offsets of each frame's fragment and (7FE0,0002) the
// frames' lengths, both VR OV, for encapsulated multi-frame objects too large for the 32-bit basic offset table
// (the basic table is then empty and each frame is one fragment). dicom-parser 1.8 does not know the OV VR (it
// reads a 2-byte length and loses its place), so before parsing, the two elements' VR is relabelled OB, which has
// the same layout (2 reserved bytes, a 4-byte length); their values are then read here as unsigned 64-bit integers.
import type { DataSet } from 'dicom-parser';
import { FrameError } from './dicom-frames.js';

export interface ExtendedOffsets {
  offsets: number[];
  lengths: number[];
}

export const EOT_TAG = 'x7fe00001';
export const EOT_LENGTHS_TAG = 'x7fe00002';

// explicit VR little endian element headers: tag, 'OV' / 'OB', 2 reserved bytes (the 4-byte length follows)
const OFFSETS = Buffer.from([0xe0, 0x7f, 0x01, 0x00, 0x4f, 0x56, 0, 0]);
const LENGTHS = Buffer.from([0xe0, 0x7f, 0x02, 0x00, 0x4f, 0x56, 0, 0]);
const PIXELS = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0]);

const at = (b: Buffer, pos: number, sig: Buffer): boolean => pos >= 0 && pos + 12 <= b.length && b.compare(sig, 0, 8, pos, pos + 8) === 0;

/**
 * Relabels (in place) the VR of an Extended Offset Table and its lengths from OV to OB. Only a chain that
 * reads as one (the table, then its lengths if present, then the pixel data element, each where the previous
 * length says) is touched, so bytes that merely look like the tag inside a value are left alone.
 */
export function relabelExtendedOffsetTable(raw: Uint8Array): void {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let pos = b.indexOf(OFFSETS); pos >= 0; pos = b.indexOf(OFFSETS, pos + 1)) {
    if (pos + 12 > b.length) return; // cut inside the element header: dicom-parser reports the truncation
    const next = pos + 12 + b.readUInt32LE(pos + 8);
    const lengths = at(b, next, LENGTHS) ? next : -1;
    const pixels = lengths >= 0 ? lengths + 12 + b.readUInt32LE(lengths + 8) : next;
    if (!at(b, pixels, PIXELS)) continue;
    b[pos + 5] = 0x42;
    if (lengths >= 0) b[lengths + 5] = 0x42;
    return;
  }
}

/** Unsigned 64-bit little-endian values of an element; an entry beyond 2^53 cannot be an offset into a file. */
function uint64s(ds: DataSet, tag: string, what: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el) return undefined;
  if (el.length % 8 !== 0) throw new FrameError(`${what} is ${el.length} bytes, not a multiple of 8`);
  if (el.dataOffset + el.length > ds.byteArray.length) throw new FrameError(`${what} is truncated`);
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
  return Array.from({ length: el.length / 8 }, (_, i) => {
    const v = view.getBigUint64(i * 8, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FrameError(`${what} entry ${i} (${v}) is beyond 2^53: no file is that large`);
    return Number(v);
  });
}

/** The Extended Offset Table and its lengths, when the data set has them (both, or it is an error). */
export function readExtendedOffsets(ds: DataSet): ExtendedOffsets | undefined {
  const offsets = uint64s(ds, EOT_TAG, 'extended offset table');
  const lengths = uint64s(ds, EOT_LENGTHS_TAG, 'extended offset table lengths');
  if (!offsets && !lengths) return undefined;
  if (!offsets || !lengths) throw new FrameError(`extended offset table ${offsets ? 'without its lengths (7FE0,0002)' : 'lengths without the table (7FE0,0001)'}`);
  if (offsets.length !== lengths.length)
    throw new FrameError(`extended offset table has ${offsets.length} offsets but ${lengths.length} lengths`);
  return { offsets, lengths };
}
