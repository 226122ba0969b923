// Encapsulated pixel data (PS3.5 A.4): an item holding the basic offset table, then fragments. Splits the
// fragments into frames: by the extended offset table (dicom-eot.ts) or the basic one when there is one, one fragment per frame when the counts agree,
// else at the fragments that start a codestream (JPEG SOI, JPEG 2000 SOC). Every inconsistency is an error
// naming what is wrong, never a frame cut at a guessed place.
import type { ExtendedOffsets } from './dicom-eot.js';
import type { Codec } from './dicom-syntax.js';

export class FrameError extends Error {}

export interface Fragment {
  /** Offset from the first fragment item, as basic offset table entries count. */
  offset: number;
  /** Absolute position of the fragment's bytes in the file. */
  position: number;
  length: number;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Whether a fragment begins a codestream of this codec (RLE frames have no marker to find). */
function startsFrame(b: Uint8Array, codec: Codec): boolean {
  if (codec === 'jpeg-baseline' || codec === 'jpeg-lossless' || codec === 'jpeg-ls') return b[0] === 0xff && b[1] === 0xd8;
  if (codec === 'j2k' || codec === 'htj2k') return b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51;
  return false;
}

/** The bytes of each frame, checked against the file's length. */
export function encapsulatedFrames(
  bytes: Uint8Array,
  fragments: Fragment[] | undefined,
  offsets: number[] | undefined,
  frames: number,
  codec: Codec,
  extended?: ExtendedOffsets,
): Uint8Array[] {
  if (!fragments || fragments.length === 0) throw new FrameError('encapsulated pixel data has no fragments');
  const parts = fragments.map((f, i) => {
    if (f.position + f.length > bytes.length)
      throw new FrameError(
        `pixel data fragment ${i} is truncated: ${f.length} bytes at ${f.position}, file ends at ${bytes.length}`,
      );
    return bytes.subarray(f.position, f.position + f.length);
  });
  if (extended) return extendedFrames(parts, fragments, extended, frames);
  if (frames === 1) return [concat(parts)];
  const groups = frameStarts(parts, fragments, offsets, frames, codec);
  return groups.map((start, f) => concat(parts.slice(start, groups[f + 1] ?? parts.length)));
}

/** Index of the first fragment of each frame. */
function frameStarts(
  parts: Uint8Array[],
  fragments: Fragment[],
  offsets: number[] | undefined,
  frames: number,
  codec: Codec,
): number[] {
  if (offsets && offsets.length > 0) {
    if (offsets.length !== frames)
      throw new FrameError(`basic offset table has ${offsets.length} entries for ${frames} frames`);
    const at = new Map(fragments.map((f, i) => [f.offset, i]));
    return offsets.map((o, f) => {
      const i = at.get(o);
      if (i === undefined || (f > 0 && o <= offsets[f - 1]))
        throw new FrameError(`basic offset table entry ${f} (${o}) does not point at the start of a fragment`);
      return i;
    });
  }
  if (parts.length === frames) return parts.map((_, i) => i);
  if (parts.length < frames) throw new FrameError(`${parts.length} fragments cannot hold ${frames} frames`);
  const starts = parts.flatMap((p, i) => (startsFrame(p, codec) ? [i] : []));
  if (starts.length !== frames || starts[0] !== 0)
    throw new FrameError(
      `${parts.length} fragments for ${frames} frames, no basic offset table, and ${starts.length} fragments start a ${codec} codestream`,
    );
  return starts;
}

/**
 * Frames by the Extended Offset Table: one fragment each, at the offset given (counted like the basic table's), of
 * the length given (a fragment is padded to even length, so it may hold one byte more than its frame).
 */
function extendedFrames(parts: Uint8Array[], fragments: Fragment[], t: ExtendedOffsets, frames: number): Uint8Array[] {
  if (t.offsets.length !== frames) throw new FrameError(`extended offset table has ${t.offsets.length} entries for ${frames} frames`);
  const at = new Map(fragments.map((f, i) => [f.offset, i]));
  return t.offsets.map((o, f) => {
    const i = at.get(o);
    if (i === undefined || (f > 0 && o <= t.offsets[f - 1]))
      throw new FrameError(`extended offset table entry ${f} (${o}) does not point at the start of a fragment`);
    const n = t.lengths[f];
    if (n > parts[i].length || n < parts[i].length - 1)
      throw new FrameError(`extended offset table gives frame ${f} ${n} bytes, but its fragment holds ${parts[i].length}`);
    return parts[i].subarray(0, n);
  });
}
