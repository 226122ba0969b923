// The Extended Offset Table (7FE0,0001) + lengths (7FE0,0002), as large multi-frame objects carry it: the fixtures are
// multiframe-rle.dcm / multiframe-j2k.dcm re-encapsulated by pydicom's encapsulate_extended (make_fixtures.py
// extended: an empty basic offset table, one fragment per frame); the lying tables in bad/eot-*.dcm
// (make_fixtures.py bad) are refused naming the entry, never a frame cut at a guessed place.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { relabelExtendedOffsetTable } from '../../src/io/dicom-eot.js';
import { decodeFile, ImageReadError, probeFile } from '../../src/io/index.js';
import { useTempDir } from './fixtures/tmp.js';

const dir = fileURLToPath(new URL('./fixtures/dicom/', import.meta.url));
const tmp = useTempDir();
const pixels = async (name: string) => (await decodeFile(dir + name, { dicom: { window: 'none' } })).map((img) => Array.from(img.data));

async function reason(file: string): Promise<string> {
  const e = await decodeFile(file).then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ImageReadError);
  expect((e as ImageReadError).file).toBe(file);
  return (e as ImageReadError).reason;
}

describe('the extended offset table', () => {
  it.each(['multiframe-rle-eot.dcm', 'multiframe-j2k-eot.dcm'])('%s: three frames bit-exact against the uncompressed source', async (name) => {
    const raw = readFileSync(dir + name);
    // the fixture really has the table (VR OV) and an empty basic offset table
    expect(raw.includes(Buffer.from([0xe0, 0x7f, 0x01, 0x00, 0x4f, 0x56]))).toBe(true);
    expect(raw.includes(Buffer.from([0xe0, 0x7f, 0x02, 0x00, 0x4f, 0x56]))).toBe(true);
    const want = await pixels('multiframe.dcm');
    const got = await pixels(name);
    expect(got).toHaveLength(3);
    got.forEach((frame, f) => expect(frame).toEqual(want[f]));
    expect(new Set(want[1]).size).toBeGreaterThan(100);
    expect(await probeFile(dir + name)).toEqual({ format: 'dicom', width: 48, height: 32, bitDepth: 16, frames: 3 });
  });

  it.each([
    ['eot-wrong-offset.dcm', /RLE lossless: extended offset table entry 1 \(2622\) does not point at the start of a fragment/],
    ['eot-wrong-length.dcm', /extended offset table gives frame 1 2712 bytes, but its fragment holds 2612/],
    ['eot-overflow.dcm', /extended offset table entry 2 \(9223372036854775816\) is beyond 2\^53/],
    ['eot-count.dcm', /extended offset table has 2 entries for 3 frames/],
  ])('bad/%s is refused: %s', async (name, why) => {
    expect(await reason(dir + 'bad/' + name)).toMatch(why);
  });

  it('a file cut anywhere in the table chain is refused with a named error, never a RangeError', async () => {
    const raw = readFileSync(dir + 'multiframe-rle-eot.dcm');
    const start = raw.indexOf(Buffer.from([0xe0, 0x7f, 0x01, 0x00, 0x4f, 0x56]));
    const pixels = raw.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42]));
    const cuts = [...Array.from({ length: 14 }, (_, k) => start + k), pixels - 13, pixels - 4, pixels + 6, pixels + 12];
    for (const cut of cuts) {
      const file = tmp.path(`eot-cut-${cut}.dcm`);
      writeFileSync(file, raw.subarray(0, cut));
      const r = await reason(file);
      expect(r, `cut at ${cut}`).toMatch(/corrupt or truncated DICOM|no pixel data|truncated/);
      expect(r, `cut at ${cut}`).not.toMatch(/RangeError|out of range|offset/i);
    }
  });

  it('relabels only a chain that reads as table, lengths, pixel data; bytes that merely look like the tag stay', () => {
    const el = (tag: number[], vr: string, value: number[]) => [...tag, ...Buffer.from(vr), 0, 0, ...u32(value.length), ...value];
    const u32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];
    const eot = el([0xe0, 0x7f, 0x01, 0x00], 'OV', new Array(8).fill(0));
    const lengths = el([0xe0, 0x7f, 0x02, 0x00], 'OV', [8, 0, 0, 0, 0, 0, 0, 0]);
    const pixelData = [0xe0, 0x7f, 0x10, 0x00, ...Buffer.from('OB'), 0, 0, 0xff, 0xff, 0xff, 0xff];
    // a private OB value holding the table's bytes, then the real chain
    const decoy = el([0x09, 0x00, 0x10, 0x10], 'OB', eot);
    const buf = Uint8Array.from([...decoy, ...eot, ...lengths, ...pixelData]);
    relabelExtendedOffsetTable(buf);
    const text = Buffer.from(buf).toString('latin1');
    expect(text.slice(decoy.length + 4, decoy.length + 6)).toBe('OB');
    expect(text.slice(decoy.length + eot.length + 4, decoy.length + eot.length + 6)).toBe('OB');
    // the decoy's copy inside the private value is untouched
    expect(text.slice(12 + 4, 12 + 6)).toBe('OV');
    // no chain (lengths not followed by pixel data): nothing changes
    const lone = Uint8Array.from([...eot, ...lengths]);
    relabelExtendedOffsetTable(lone);
    expect(Buffer.from(lone).includes(Buffer.from('OB'))).toBe(false);
  });
});
