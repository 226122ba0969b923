import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/dataset/format.js';
import { resolveDataset } from '../../src/dataset/resolve.js';
import { summariseDataset } from '../../src/dataset/summary.js';
import { names, structuredPixels, tempDir, writePng, writeText, writeTree } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const root = path.join(dir, 'data');
  await writeTree(root, [
    ...names('train/normal/n', 5),
    ...names('test/normal/t', 2),
    ...names('test/tumour/a', 3),
    'test/masks/a0.png',
  ]);
  await writePng(path.join(root, 'test/tumour/wide.png'), structuredPixels(9, 30, 20), 30, 20);
  await writePng(path.join(root, 'test/masks/a1.png'), structuredPixels(9, 30, 20), 30, 20);
  await writeText(path.join(root, 'test/tumour/broken.png'), 'definitely not a png');
});
afterAll(() => cleanup());

describe('summariseDataset', () => {
  it('counts splits, classes, sizes, masks and unreadable files', async () => {
    const r = await resolveDataset(
      { medad: 'dataset', version: 1, sources: [{ layout: 'folder', root: 'data' }] },
      dir,
    );
    const progress: [number, number][] = [];
    const s = await summariseDataset(r, { onProgress: (d, t) => progress.push([d, t]) });
    expect(s.total).toBe(12);
    expect(s.counts).toEqual([
      { split: 'train', className: 'normal', label: 0, count: 5 },
      { split: 'test', className: 'normal', label: 0, count: 2 },
      { split: 'test', className: 'tumour', label: 1, count: 5 },
    ]);
    expect(s.sizes).toEqual([
      { width: 48, height: 48, count: 10 },
      { width: 30, height: 20, count: 1 },
    ]);
    expect(s.minSize).toEqual({ width: 30, height: 20 });
    expect(s.maxSize).toEqual({ width: 48, height: 48 });
    expect(s.formats).toEqual([{ format: 'png', count: 11 }]);
    expect(s.bitDepths).toEqual([{ bitDepth: 8, count: 11 }]);
    expect(s.unreadable.map((u) => path.basename(u.path))).toEqual(['broken.png']);
    expect(s.unreadable[0].reason.length).toBeGreaterThan(0);
    expect(s.masks.present).toBe(2);
    expect(s.masks.missing).toBe(3); // a2, wide, broken
    expect(s.masks.sizeMismatch.map((m) => [path.basename(m.image), m.imageSize, m.maskSize])).toEqual([
      ['a1.png', '48x48', '30x20'],
    ]);
    expect(progress.at(-1)).toEqual([14, 14]);
    const text = formatSummary(s, { baseDir: dir });
    expect(text).toContain('Dataset: 12 images');
    expect(text).toMatch(/test\s+tumour\s+1\s+5/);
    expect(text).toContain('data/test/tumour/broken.png');
  });
});
