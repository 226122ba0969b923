import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLeakage } from '../../src/dataset/leakage.js';
import { formatLeakage } from '../../src/dataset/format.js';
import { resolveDataset } from '../../src/dataset/resolve.js';
import { mulberry32 } from '../../src/dataset/random.js';
import type { ResolvedDataset } from '../../src/dataset/types.js';
import { names, structuredPixels, tempDir, writePng } from './fixtures.js';

const S = 64;
let dir: string;
let cleanup: () => Promise<void>;
let resolved: ResolvedDataset;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const root = path.join(dir, 'data');
  const train = (i: number) => path.join(root, `train/normal/n${i}.png`);
  await Promise.all(
    names('train/normal/n', 12).map((rel, i) =>
      writePng(path.join(root, rel), structuredPixels(i, S, S), S, S),
    ),
  );
  // Distinct test images (different seeds) that must not pair with anything.
  await Promise.all(
    names('test/normal/t', 6).map((rel, i) =>
      writePng(path.join(root, rel), structuredPixels(100 + i, S, S), S, S),
    ),
  );
  await mkdir(path.join(root, 'test/lesion'), { recursive: true });
  // Planted leaks: a byte copy, a re-encode with identical pixels, noise, JPEG, a resize.
  await copyFile(train(0), path.join(root, 'test/lesion/copy.png'));
  await sharp(train(1)).png({ compressionLevel: 0 }).toFile(path.join(root, 'test/lesion/reencoded.png'));
  const rand = mulberry32(77);
  const noisy = structuredPixels(2, S, S).map((v) =>
    Math.max(0, Math.min(255, v + Math.round((rand() - 0.5) * 10))),
  );
  await writePng(path.join(root, 'test/lesion/noisy.png'), noisy, S, S);
  await sharp(train(3)).jpeg({ quality: 85 }).toFile(path.join(root, 'test/lesion/jpeg.jpg'));
  await sharp(train(4)).resize(48, 48).png().toFile(path.join(root, 'test/lesion/small.png'));
  // A duplicate within the test set only.
  await copyFile(path.join(root, 'test/normal/t0.png'), path.join(root, 'test/lesion/t0again.png'));
  resolved = await resolveDataset(
    { medad: 'dataset', version: 1, sources: [{ layout: 'folder', root }] },
    dir,
  );
});
afterAll(() => cleanup());

describe('checkLeakage', () => {
  it('finds every planted duplicate with the right kind and nothing else', async () => {
    const progress: number[] = [];
    const r = await checkLeakage(resolved, { onProgress: (done) => progress.push(done) });
    const found = r.pairs
      .map((p) => `${path.basename(p.a.path)}>${path.basename(p.b.path)}:${p.kind}`)
      .sort();
    expect(found).toEqual([
      'n0.png>copy.png:file',
      'n1.png>reencoded.png:pixels',
      'n2.png>noisy.png:near',
      'n3.png>jpeg.jpg:near',
      'n4.png>small.png:near',
    ]);
    expect(r.counts).toEqual({ file: 1, pixels: 1, near: 3 });
    expect(r.leakedTestImages).toBe(5);
    expect(r.groups).toHaveLength(5);
    expect(r.pairs.every((p) => p.a.split === 'train' && p.b.split === 'test')).toBe(true);
    expect(r.pairs.filter((p) => p.kind === 'near').every((p) => p.distance <= r.settings.maxHamming)).toBe(
      true,
    );
    expect(
      r.withinTest.pairs
        .map((p) => [path.basename(p.a.path), path.basename(p.b.path), p.kind].join(' '))
        .sort(),
    ).toEqual(['t0.png t0again.png file']);
    expect(progress.at(-1)).toBe(12 + 6 + 6);
    expect(r.checked).toEqual({ reference: 12, test: 12 });
    expect(formatLeakage(r)).toMatch(/LEAKAGE: 5 test image/);
  });

  it('groups a cluster of copies into one group', async () => {
    const extra: ResolvedDataset = {
      ...resolved,
      train: [
        ...resolved.train,
        { ...resolved.test.find((t) => t.path.endsWith('copy.png'))!, split: 'train' },
      ],
      test: resolved.test.filter((t) => !t.path.endsWith('copy.png')),
    };
    // Now n0 and copy.png are both training images; add n0 itself to the test side.
    extra.test.push({ ...resolved.train[0], split: 'test' });
    const r = await checkLeakage(extra);
    const g = r.groups.find((x) => x.members.some((m) => m.path.endsWith('copy.png')));
    expect(g?.members.map((m) => `${m.split}:${path.basename(m.path)}`)).toEqual([
      'test:n0.png',
      'train:copy.png',
      'train:n0.png',
    ]);
    expect(g?.kind).toBe('file');
  });

  it('reports unreadable files instead of failing', async () => {
    const bad: ResolvedDataset = {
      ...resolved,
      test: [...resolved.test, { ...resolved.test[0], path: path.join(dir, 'nope.png') }],
    };
    const r = await checkLeakage(bad);
    expect(r.unreadable.map((u) => u.path)).toEqual([path.join(dir, 'nope.png')]);
    expect(r.pairs).toHaveLength(5);
  });

  it('rejects bad settings', async () => {
    await expect(checkLeakage(resolved, { maxHamming: 64 })).rejects.toThrow(/maxHamming/);
    const ac = new AbortController();
    ac.abort();
    await expect(checkLeakage(resolved, { signal: ac.signal })).rejects.toThrow();
  });
});
