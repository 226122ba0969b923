import { readdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  decodeFile,
  ImageReadError,
  readGray16Png,
  writeGray16Png,
  writeGray8Png,
} from '../../src/io/index.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();

describe('grey PNG output', () => {
  it('16-bit round trip loses at most range/65535 (half a step, plus float error)', async () => {
    const range = { min: -3, max: 7 };
    const n = 37 * 23;
    const data = Float32Array.from(
      { length: n },
      (_, i) => range.min + (((i * 7919) % n) / (n - 1)) * (range.max - range.min),
    );
    const f = tmp.path('map16.png');
    await writeGray16Png(f, { width: 37, height: 23, data }, range);
    const back = await readGray16Png(f, range);
    expect([back.width, back.height]).toEqual([37, 23]);
    const tol = (range.max - range.min) / 65535;
    back.data.forEach((v, i) => expect(Math.abs(v - data[i])).toBeLessThanOrEqual(tol));
    // Written as a real 16-bit grey PNG.
    expect((await decodeFile(f))[0].bitDepth).toBe(16);
  });

  it('clips values outside the range', async () => {
    const f = tmp.path('clip16.png');
    await writeGray16Png(
      f,
      { width: 3, height: 1, data: Float32Array.from([-5, 0.5, 5]) },
      { min: 0, max: 1 },
    );
    expect(Array.from((await decodeFile(f))[0].data)).toEqual([0, 32768, 65535]);
  });

  it('writes 8-bit previews', async () => {
    const f = tmp.path('thumb.png');
    await writeGray8Png(f, { width: 3, height: 1, data: Float32Array.from([0, 0.5, 1]) }, { min: 0, max: 1 });
    const [img] = await decodeFile(f);
    expect(img.bitDepth).toBe(8);
    expect(Array.from(img.data)).toEqual([0, 128, 255]);
  });

  it('writes atomically: overwrites in place and leaves no temp files', async () => {
    const f = tmp.path('atomic.png');
    await writeFile(f, 'old');
    await writeGray16Png(f, { width: 1, height: 1, data: Float32Array.from([1]) }, { min: 0, max: 1 });
    const names = await readdir(tmp.path('.'));
    expect(names.filter((n) => n.includes('.tmp'))).toEqual([]);
    expect(Array.from((await decodeFile(f))[0].data)).toEqual([65535]);
  });

  it('readGray16Png refuses an 8-bit PNG', async () => {
    const f = tmp.path('eight.png');
    await writeGray8Png(f, { width: 1, height: 1, data: Float32Array.from([1]) }, { min: 0, max: 1 });
    await expect(readGray16Png(f, { min: 0, max: 1 })).rejects.toBeInstanceOf(ImageReadError);
  });
});
