// The RLE decoder on hand-built frames (PS3.5 Annex G), where each byte of the expected output is worked out here.
import { describe, expect, it } from 'vitest';
import { decodeRleFrame, RleError } from '../../src/io/dicom-rle.js';

/** A frame: the segment count, their offsets (after the 64-byte header), then the segments. */
function frame(segments: number[][]): Uint8Array {
  const head = new Uint8Array(64);
  const view = new DataView(head.buffer);
  view.setUint32(0, segments.length, true);
  let at = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, at, true);
    at += s.length;
  });
  return Uint8Array.from([...head, ...segments.flat()]);
}

describe('RLE lossless', () => {
  it('decodes literal and repeat runs and skips the no-op header 128', () => {
    // 0x02 a b c: three literals; 0xfe 7: 257 - 254 = 3 repeats of 7; 128: no-op; 0x00 9: one literal.
    const out = decodeRleFrame(frame([[0x02, 1, 2, 3, 0xfe, 7, 128, 0x00, 9]]), 7, 1, 1);
    expect(Array.from(out)).toEqual([1, 2, 3, 7, 7, 7, 9]);
  });

  it('puts the high-byte segment first and writes native little endian', () => {
    // two 16-bit pixels 0x1234, 0xabcd: segment 0 = high bytes, segment 1 = low bytes
    const out = decodeRleFrame(frame([[0x01, 0x12, 0xab], [0x01, 0x34, 0xcd]]), 2, 1, 2);
    expect(Array.from(out)).toEqual([0x34, 0x12, 0xcd, 0xab]);
  });

  it('interleaves colour segments (R, G, B) into pixels', () => {
    const out = decodeRleFrame(frame([[0xff, 10], [0xff, 20], [0xff, 30]]), 2, 3, 1);
    expect(Array.from(out)).toEqual([10, 20, 30, 10, 20, 30]);
  });

  it('refuses a wrong segment count, runs past the end, and short segments', () => {
    expect(() => decodeRleFrame(frame([[0x00, 1]]), 1, 1, 2)).toThrow(/1 segments, expected 2/);
    expect(() => decodeRleFrame(frame([[0x05, 1, 2]]), 6, 1, 1)).toThrow(/literal run past its end/);
    expect(() => decodeRleFrame(frame([[0xfd, 4]]), 2, 1, 1)).toThrow(/decodes to more than 2 bytes/);
    expect(() => decodeRleFrame(frame([[0x00, 1]]), 3, 1, 1)).toThrow(/decodes to 1 of 3 bytes/);
    expect(() => decodeRleFrame(new Uint8Array(10), 1, 1, 1)).toThrow(RleError);
  });
});
