import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_METHODS, synthesize } from '../../src/synth/generate.js';
import { writeSynthExamples } from '../../src/synth/examples.js';
import { SynthRng } from '../../src/synth/rng.js';
import { phantom } from './fixtures.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medad-synth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const images = [
  { id: 'a.png', image: phantom(32, 32, 1) },
  { id: 'b,"quoted".png', image: phantom(32, 32, 2) },
  { id: 'c.png', image: phantom(32, 32, 3) },
];

async function grey(file: string): Promise<{ w: number; h: number; px: Buffer }> {
  expect((await sharp(file).metadata()).channels).toBe(1);
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { w: info.width, h: info.height, px: data };
}

describe('writeSynthExamples', () => {
  it.each(SYNTH_METHODS)('writes images, label masks and index.csv for %s', async (method) => {
    const out = join(dir, method);
    const rows = await writeSynthExamples(images, out, { method, count: 4, seed: 9 });
    expect(rows).toHaveLength(4);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['0000-image.png', '0000-label.png', '0001-image.png', '0001-label.png', '0002-image.png', '0002-label.png', '0003-image.png', '0003-label.png', 'index.csv']);
    const csv = (await readFile(join(out, 'index.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe('index,id,foreign_id,method,image,label,label_fraction,class,boxes_xywh');
    expect(csv).toHaveLength(5);
    expect(csv[2]).toContain('"b,""quoted"".png"'); // example 1 alters image 1: its id is CSV-quoted
    for (const r of rows) {
      const img = await grey(join(out, r.image));
      const lab = await grey(join(out, r.label));
      expect([img.w, img.h, lab.w, lab.h]).toEqual([32, 32, 32, 32]);
      const nz = lab.px.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
      // The mask PNG shows the label (tiny labels may round to 0 in 8 bits, so <=).
      expect(nz).toBeLessThanOrEqual(Math.round(r.labelFraction * 32 * 32));
      if (method !== 'fpi' && method !== 'pii' && method !== 'nsa') expect(r.foreignId).toBe('');
      else expect(r.foreignId).not.toBe(r.id);
    }
  });

  it('is reproducible from the seed', async () => {
    const a = await writeSynthExamples(images, join(dir, 'r1'), { method: 'nsa', count: 3, seed: 5 });
    const b = await writeSynthExamples(images, join(dir, 'r2'), { method: 'nsa', count: 3, seed: 5 });
    expect(a).toEqual(b);
    expect(await readFile(join(dir, 'r1', '0002-image.png'))).toEqual(await readFile(join(dir, 'r2', '0002-image.png')));
  });

  it('names the problem on bad input', async () => {
    await expect(writeSynthExamples(images, join(dir, 'x'), { method: 'nope' as 'fpi', count: 1, seed: 1 })).rejects.toThrow(/unknown method 'nope'/);
    const mixed = [images[0], { id: 'small.png', image: phantom(16, 16, 1) }];
    await expect(writeSynthExamples(mixed, join(dir, 'y'), { method: 'fpi', count: 1, seed: 1 })).rejects.toThrow(/small\.png is 16x16 but a\.png is 32x32/);
  });
});

describe('synthesize', () => {
  it('dispatches to every method and keeps label and image the same size', () => {
    for (const m of SYNTH_METHODS) {
      const res = synthesize(m, images[0].image, images[2].image, new SynthRng(3));
      expect(res.label).toHaveLength(32 * 32);
      expect(res.image.data).toHaveLength(32 * 32);
    }
  });
});
