// Reading stored bits: packed 1-bit frames, 32-bit and big-endian samples, HighBit below the top, signed values.
import { describe, expect, it } from 'vitest';
import { nativeSamples, storedValues, type PixelLayout } from '../../src/io/dicom-pixels.js';

const layout = (over: Partial<PixelLayout>): PixelLayout => ({
  rows: 1,
  cols: 4,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  highBit: 15,
  signed: false,
  photometric: 'MONOCHROME2',
  planar: 0,
  ...over,
});

describe('DICOM stored bits', () => {
  it('unpacks 1-bit pixels least significant bit first, frames back to back', () => {
    const l = layout({ cols: 6, bitsAllocated: 1, bitsStored: 1, highBit: 0 });
    const bytes = Uint8Array.from([0b10100101, 0b00001011]);
    expect(Array.from(nativeSamples(bytes, l, false))).toEqual([1, 0, 1, 0, 0, 1]);
    // the second frame starts at bit 6, inside the first byte
    expect(Array.from(nativeSamples(bytes, l, false, 6))).toEqual([0, 1, 1, 1, 0, 1]);
  });

  it('reads 16- and 32-bit samples in either byte order', () => {
    const be = Uint8Array.from([0x12, 0x34, 0xab, 0xcd]);
    expect(Array.from(nativeSamples(be, layout({ cols: 2 }), true))).toEqual([0x1234, 0xabcd]);
    expect(Array.from(nativeSamples(be, layout({ cols: 2 }), false))).toEqual([0x3412, 0xcdab]);
    const l32 = layout({ cols: 1, bitsAllocated: 32, bitsStored: 32, highBit: 31 });
    expect(Array.from(nativeSamples(Uint8Array.from([0xff, 0xff, 0xff, 0xff]), l32, false))).toEqual([4294967295]);
    expect(Array.from(storedValues(Float64Array.of(4294967295), { ...l32, signed: true }))).toEqual([-1]);
  });

  it('keeps the BitsStored bits ending at HighBit and sign-extends them', () => {
    // 12 bits stored at bits 13..2 (HighBit 13): 0xfffc >> 2 = 0x3fff, masked to 12 bits = 0xfff = -1 signed
    const l = layout({ bitsStored: 12, highBit: 13 });
    expect(Array.from(storedValues(Float64Array.of(0xfffc, 0x0004, 0xc000 | (0x7ff << 2)), { ...l, signed: true }))).toEqual([-1, 1, 2047]);
    expect(Array.from(storedValues(Float64Array.of(0xfffc, 0x0004), l))).toEqual([4095, 1]);
    // codec output sits in the low bits already: no shift, but the mask and sign still apply
    expect(Array.from(storedValues(Float64Array.of(-5, 0xf00a), { ...l, signed: true }, false))).toEqual([-5, 10]);
  });
});
