import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/load.js';
import { resolveDataset } from '../../src/dataset/resolve.js';
import type { DatasetConfig } from '../../src/dataset/schema.js';
import { names, tempDir, writeText, writeTree } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
const cfgDir = () => path.join(dir, 'configs');
const base = (extra: Partial<DatasetConfig> = {}): DatasetConfig => ({
  medad: 'dataset',
  version: 1,
  seed: 1,
  sources: [{ layout: 'folder', root: '../data' }],
  ...extra,
});

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const data = path.join(dir, 'data');
  await writeTree(data, [
    ...names('train/normal/n', 20),
    ...names('train/pneumonia/p', 6),
    ...names('test/normal/tn', 3),
    ...names('test/lesion/les', 3),
    'test/masks/les0.png',
    'test/masks/les1_mask.png',
    'test/masks/ghost.png',
  ]);
  await writeText(path.join(data, 'train/normal/notes.txt'), 'not an image');
  await writeTree(path.join(dir, 'extra'), [...names('normal/x', 4), ...names('odd/y', 4), 'loose.png'], 500);
});
afterAll(() => cleanup());

describe('resolveDataset: folder layout', () => {
  it('labels classes, attaches masks by stem and reports orphans', async () => {
    const r = await resolveDataset(base(), cfgDir());
    expect(r.train).toHaveLength(20);
    expect(r.train.every((it) => it.label === 0 && it.className === 'normal' && it.split === 'train')).toBe(
      true,
    );
    expect(r.train.every((it) => path.isAbsolute(it.path))).toBe(true);
    expect(r.test.map((it) => `${path.basename(it.path)}:${it.label}:${it.className}`)).toEqual([
      'les0.png:1:lesion',
      'les1.png:1:lesion',
      'les2.png:1:lesion',
      'tn0.png:0:normal',
      'tn1.png:0:normal',
      'tn2.png:0:normal',
    ]);
    const masks = Object.fromEntries(
      r.test.map((it) => [path.basename(it.path), it.mask && path.basename(it.mask)]),
    );
    expect(masks).toMatchObject({
      'les0.png': 'les0.png',
      'les1.png': 'les1_mask.png',
      'les2.png': undefined,
      'tn0.png': undefined,
    });
    const orphan = r.problems.find((p) => p.code === 'mask-unmatched');
    expect(orphan?.message).toContain('ghost.png');
    expect(orphan?.message).toMatch(/^1 mask/);
    expect(r.problems.find((p) => p.code === 'train-anomalies')?.message).toMatch(/^6 anomalous/);
    expect(r.validation).toEqual([]);
    expect(r.unlabelled).toEqual([]);
  });

  it('reports a missing root as an error on that key', async () => {
    const r = await resolveDataset(base({ sources: [{ layout: 'folder', root: 'nowhere' }] }), cfgDir());
    const p = r.problems.find((x) => x.severity === 'error');
    expect(p?.path).toEqual(['sources', 0, 'root']);
    expect(p?.message).toContain(path.join(cfgDir(), 'nowhere'));
  });
});

describe('validation split', () => {
  it('is deterministic for a seed, disjoint from train, and changes with the seed', async () => {
    const cfg = base({ validation: { fraction: 0.25 } });
    const a = await resolveDataset(cfg, cfgDir());
    const b = await resolveDataset(cfg, cfgDir());
    const c = await resolveDataset({ ...cfg, seed: 2 }, cfgDir());
    expect(a.validation).toHaveLength(5);
    expect(a.train).toHaveLength(15);
    expect(a.validation.map((x) => x.path)).toEqual(b.validation.map((x) => x.path));
    expect(a.validation.map((x) => x.path)).not.toEqual(c.validation.map((x) => x.path));
    const trainPaths = new Set(a.train.map((x) => x.path));
    expect(a.validation.some((x) => trainPaths.has(x.path))).toBe(false);
    expect(a.validation.every((x) => x.split === 'validation' && x.label === 0)).toBe(true);
  });

  it('can come from a folder', async () => {
    const r = await resolveDataset(base({ validation: { folder: '../extra/normal' } }), cfgDir());
    expect(r.validation.map((x) => path.basename(x.path))).toEqual(['x0.png', 'x1.png', 'x2.png', 'x3.png']);
    expect(r.train).toHaveLength(20);
  });
});

describe('unlabelled pool', () => {
  it('honours anomalyRate from train and removes drawn normals from training', async () => {
    const cfg = base({
      validation: { fraction: 0.1 },
      unlabelled: { from: 'train', size: 10, anomalyRate: 0.3 },
    });
    const r = await resolveDataset(cfg, cfgDir());
    expect(r.unlabelled).toHaveLength(10);
    expect(r.unlabelled.filter((x) => x.label === 1)).toHaveLength(3);
    expect(r.unlabelled.filter((x) => x.label === 1).every((x) => x.className === 'pneumonia')).toBe(true);
    const used = new Set([...r.train, ...r.validation].map((x) => x.path));
    expect(r.unlabelled.some((x) => used.has(x.path))).toBe(false);
    expect(r.train).toHaveLength(20 - 2 - 7);
    const again = await resolveDataset(cfg, cfgDir());
    expect(again.unlabelled.map((x) => x.path)).toEqual(r.unlabelled.map((x) => x.path));
  });

  it('shrinks to the largest pool that keeps the rate, with a warning', async () => {
    const r = await resolveDataset(
      base({ unlabelled: { from: 'train', size: 19, anomalyRate: 0.5 } }),
      cfgDir(),
    );
    expect(r.unlabelled).toHaveLength(12);
    expect(r.unlabelled.filter((x) => x.label === 1)).toHaveLength(6);
    expect(r.problems.some((p) => p.code === 'pool' && p.severity === 'warning')).toBe(true);
  });

  it('reads class folders of a pool folder and keeps unknown labels for loose images', async () => {
    const r = await resolveDataset(base({ unlabelled: { from: '../extra' } }), cfgDir());
    expect(r.unlabelled).toHaveLength(9);
    expect(r.unlabelled.filter((x) => x.labelKnown === false).map((x) => path.basename(x.path))).toEqual([
      'loose.png',
    ]);
    expect(r.unlabelled.filter((x) => x.label === 1 && x.labelKnown !== false)).toHaveLength(4);
    const rated = await resolveDataset(
      base({ unlabelled: { from: '../extra', anomalyRate: 0.5 } }),
      cfgDir(),
    );
    expect(rated.problems.find((p) => p.severity === 'error')?.path).toEqual(['unlabelled', 'anomalyRate']);
  });

  it('refuses the test split, train without size, and unknown sources', async () => {
    for (const [from, size, pattern] of [
      ['test', 5, /test split/],
      ['train', undefined, /size/],
      ['nope', 5, /neither a split/],
    ] as const) {
      const r = await resolveDataset(base({ unlabelled: { from, size } }), cfgDir());
      const err = r.problems.find((p) => p.severity === 'error');
      expect(err?.message).toMatch(pattern);
      expect(err?.path[0]).toBe('unlabelled');
      expect(r.unlabelled).toEqual([]);
    }
  });
});

describe('manifest layout', () => {
  it('reads rows relative to the CSV, maps splits and reports bad rows with line numbers', async () => {
    const csv = [
      'path,label,class,split,mask',
      '../data/train/normal/n0.png,0,normal,train,',
      '../data/train/normal/n1.png,0,normal,val,',
      '../data/train/pneumonia/p0.png,1,pneumonia,pool,',
      '../data/train/pneumonia/p1.png,1,pneumonia,pool,',
      '"../data/test/lesion/les0.png",1,lesion,test,../data/test/masks/les0.png',
      '../data/test/normal/tn0.png,,normal,test,',
      '../data/missing.png,0,normal,test,',
      '../data/test/normal/tn1.png,2,normal,test,',
      '../data/test/normal/tn2.png,0,normal,test,../data/test/masks/none.png',
    ].join('\n');
    await writeText(path.join(dir, 'lists/m.csv'), csv + '\n');
    const cfg = base({
      sources: [{ layout: 'manifest', file: '../lists/m.csv' }],
      unlabelled: { from: 'pool' },
    });
    const r = await resolveDataset(cfg, cfgDir());
    const rel = (xs: { path: string }[]) => xs.map((x) => path.relative(dir, x.path));
    expect(rel(r.train)).toEqual(['data/train/normal/n0.png']);
    expect(rel(r.validation)).toEqual(['data/train/normal/n1.png']);
    expect(rel(r.unlabelled).sort()).toEqual(['data/train/pneumonia/p0.png', 'data/train/pneumonia/p1.png']);
    expect(rel(r.test)).toEqual([
      'data/test/lesion/les0.png',
      'data/test/normal/tn0.png',
      'data/test/normal/tn2.png',
    ]);
    expect(r.test[0].mask).toBe(path.join(dir, 'data/test/masks/les0.png'));
    expect(r.test[1].label).toBe(0);
    expect(r.test[2].mask).toBeUndefined();
    const bad = r.problems.find((p) => p.code === 'manifest');
    expect(bad?.line).toBe(9);
    expect(bad?.message).toContain("got '2'");
    expect(r.problems.find((p) => p.code === 'path-missing')?.message).toContain('missing.png');
    expect(r.problems.some((p) => p.code === 'mask-missing' && p.message.includes('none.png'))).toBe(true);
  });
});

describe('loadDataset', () => {
  it('places resolution problems on the config text', async () => {
    const file = path.join(cfgDir(), 'bad.medad.yaml');
    await writeText(file, 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ../nowhere\n');
    const loaded = await loadDataset(file);
    const issue = loaded.issues.find((i) => i.severity === 'error');
    expect(issue?.path).toEqual(['sources', 0, 'root']);
    expect(issue?.start).toEqual({ line: 4, character: 10 });
  });
});
