// A minimal NIfTI-1 writer for tests: uint8 voxels (x fastest, then y, then z), the 348-byte header with only
// the fields readers need (dims at 40, datatype 70, bitpix 72, pixdim 76, vox_offset 108, magic 344).
import { writeFileSync } from 'node:fs';

export function writeNiftiU8(file: string, dims: [number, number, number], voxels: ArrayLike<number>): void {
  if (voxels.length !== dims[0] * dims[1] * dims[2]) throw new Error(`${file}: ${voxels.length} voxels for dims ${dims.join('x')}`);
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  [3, ...dims, 1, 1, 1, 1].forEach((v, i) => h.writeInt16LE(v, 40 + 2 * i));
  h.writeInt16LE(2, 70);
  h.writeInt16LE(8, 72);
  for (let i = 0; i < 8; i++) h.writeFloatLE(1, 76 + 4 * i);
  h.writeFloatLE(352, 108);
  h.write('n+1\0', 344, 'latin1');
  writeFileSync(file, Buffer.concat([h, Buffer.from(Array.from(voxels, (v) => Math.round(v)))]));
}
