// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, each segment a PackBits
// stream of one byte plane (most significant byte first) of one sample. Small enough to own.

export class RleError extends Error {}

/**
 * Decodes one RLE frame into native little-endian, pixel-interleaved bytes (`n * spp * bytesPer` long): the layout
 * of uncompressed data with Planar Configuration 0, whatever the file's Planar Configuration says.
 */
export function decodeRleFrame(frame: Uint8Array, n: number, spp: number, bytesPer: number): Uint8Array {
  if (frame.length < 64) throw new RleError(`RLE frame of ${frame.length} bytes is shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== spp * bytesPer)
    throw new RleError(`RLE header has ${segments} segments, expected ${spp * bytesPer} (${spp} samples x ${bytesPer} bytes)`);
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  offsets.push(frame.length);
  const out = new Uint8Array(n * spp * bytesPer);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s];
    const end = offsets[s + 1];
    if (start < 64 || end < start || end > frame.length)
      throw new RleError(`RLE segment ${s} has offset ${start}..${end}, outside the ${frame.length}-byte frame`);
    const sample = Math.floor(s / bytesPer);
    // Segments run from the most significant byte down; native little endian puts that byte last.
    const byte = bytesPer - 1 - (s % bytesPer);
    const stride = spp * bytesPer;
    unpackBits(frame, start, end, out, sample * bytesPer + byte, stride, n, s);
  }
  return out;
}

/** PackBits: header h in 0..127 copies h+1 literal bytes, h in 129..255 repeats the next byte 257-h times, 128 is a no-op. */
function unpackBits(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  first: number,
  stride: number,
  n: number,
  segment: number,
): void {
  let i = start;
  let k = 0;
  while (k < n && i < end) {
    const h = src[i++];
    if (h < 128) {
      const count = h + 1;
      if (i + count > end) throw new RleError(`RLE segment ${segment} is truncated (literal run past its end)`);
      if (k + count > n) throw new RleError(`RLE segment ${segment} decodes to more than ${n} bytes`);
      for (let j = 0; j < count; j++) out[first + (k + j) * stride] = src[i + j];
      i += count;
      k += count;
    } else if (h > 128) {
      const count = 257 - h;
      if (i >= end) throw new RleError(`RLE segment ${segment} is truncated (repeat run past its end)`);
      if (k + count > n) throw new RleError(`RLE segment ${segment} decodes to more than ${n} bytes`);
      const v = src[i++];
      for (let j = 0; j < count; j++) out[first + (k + j) * stride] = v;
      k += count;
    }
  }
  if (k < n) throw new RleError(`RLE segment ${segment} decodes to ${k} of ${n} bytes (truncated)`);
}
