import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { createRng, renderPhantom, samplePhantomParams } from '../../src/demo/phantoms.js';

const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function listBytes(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out.set(path.relative(root, abs), await fs.readFile(abs));
  }
  return out;
}

describe('phantoms', () => {
  it('the same seed gives the same bytes; another seed differs', async () => {
    const opts = { size: 32, train: 3, testNormal: 2, testLesion: 2 };
    const dirs = await Promise.all([0, 1, 2].map(() => fs.mkdtemp(path.join(os.tmpdir(), 'medad-demo-'))));
    tmp.push(...dirs);
    await writeDemoDataset(dirs[0], { ...opts, seed: 3 });
    await writeDemoDataset(dirs[1], { ...opts, seed: 3 });
    await writeDemoDataset(dirs[2], { ...opts, seed: 4 });
    const [a, b, c] = await Promise.all(dirs.map(listBytes));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBe(3 + 2 + 2 + 2 + 4); // images, masks, two configs, DATASET.md, completion marker
    for (const [k, v] of a) expect(v.equals(b.get(k) as Buffer), k).toBe(true);
    expect((a.get('train/normal/normal_0000.png') as Buffer).equals(c.get('train/normal/normal_0000.png') as Buffer)).toBe(false);
    expect(a.get('DATASET.md')?.toString()).toMatch(/synthetic/i);
  });

  it('a mask is exactly the set of pixels its lesions changed', () => {
    const rng = createRng(11);
    for (let k = 0; k < 20; k++) {
      const params = samplePhantomParams(rng, 1 + (k % 2));
      const withLesion = renderPhantom(params, 48);
      const without = renderPhantom({ ...params, lesions: [] }, 48);
      let maskPixels = 0;
      for (let i = 0; i < withLesion.image.length; i++) {
        const changed = withLesion.image[i] !== without.image[i];
        expect(changed, `pixel ${i} of phantom ${k}`).toBe(withLesion.mask[i] === 1);
        maskPixels += withLesion.mask[i];
      }
      expect(maskPixels).toBeGreaterThan(0);
      expect(without.mask.every((m) => m === 0)).toBe(true);
    }
  });

  it('written masks are binary, non-empty and named like their lesion images', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-demo-'));
    tmp.push(dir);
    await writeDemoDataset(dir, { size: 32, train: 1, testNormal: 1, testLesion: 4 });
    const masks = await fs.readdir(path.join(dir, 'test/masks'));
    expect(masks.sort()).toEqual((await fs.readdir(path.join(dir, 'test/lesion'))).sort());
    for (const m of masks) {
      const { data } = await sharp(path.join(dir, 'test/masks', m)).raw().toBuffer({ resolveWithObject: true });
      expect([...new Set(data)].sort()).toEqual([0, 255]);
    }
  });
});
