// The audit on generated images: a planted brightness difference is flagged on brightness and not on sharpness or
// noise; with no planted difference nothing is flagged, over several seeds.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDataset, auditSplit, NUMERIC_DESCRIPTORS, type AuditedImage } from '../../../src/dataset/audit/index.js';
import type { DatasetItem, ResolvedDataset } from '../../../src/dataset/types.js';
import { mulberry32 } from '../../../src/random.js';
import { useTempDir } from '../../io/fixtures/tmp.js';
import { writePng } from '../fixtures.js';

const tmp = useTempDir();
const W = 32;

/** A smooth random field (a few random sinusoids) plus pixel noise, values around 100 of 255, plus `offset`. */
function image(seed: number, offset: number): Uint8Array {
  const rand = mulberry32(seed * 104729 + 7);
  const waves = Array.from({ length: 3 }, () => ({ fx: rand() * 0.4, fy: rand() * 0.4, ph: rand() * 6.28, a: 10 + rand() * 20 }));
  const base = 80 + rand() * 30;
  const px = new Uint8Array(W * W);
  for (let y = 0; y < W; y++)
    for (let x = 0; x < W; x++) {
      let v = base + offset + (rand() - 0.5) * 16;
      for (const w of waves) v += w.a * Math.sin(w.fx * x + w.fy * y + w.ph);
      px[y * W + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  return px;
}

async function dataset(name: string, seed: number, n: number, offset: number): Promise<ResolvedDataset> {
  const test: DatasetItem[] = [];
  for (let i = 0; i < 2 * n; i++) {
    const label = i < n ? 0 : 1;
    const file = tmp.path(path.join(name, `${label}-${i}.png`));
    await writePng(file, image(seed * 1000 + i, label ? offset : 0), W, W);
    test.push({ path: file, label, className: label ? 'anomalous' : 'normal', split: 'test', source: 0 });
  }
  return { train: [], validation: [], test, unlabelled: [], problems: [] };
}

describe('shortcut audit on generated images', () => {
  it('classes that differ only in brightness are flagged on brightness, not on sharpness or noise', async () => {
    const audit = await auditDataset(await dataset('bright', 1, 30, 25), { size: [W, W] });
    const s = audit.splits[0];
    expect(s.split).toBe('test');
    const by = Object.fromEntries(s.descriptors.map((d) => [d.descriptor, d]));
    expect(by.mean.flagged).toBe(true);
    expect(by.mean.direction).toBe('higher');
    expect(by.mean.auroc).toBeGreaterThan(0.9);
    for (const d of ['gradientMean', 'laplacianVar', 'noiseSigma', 'width', 'aspect']) expect(by[d].flagged, d).toBe(false);
    expect(s.combined!.cvAuroc).toBeGreaterThan(0.85);
    expect(s.examples.find((e) => e.descriptor === 'mean')!.anomalous).toHaveLength(2);
  });

  it('no planted difference: nothing flagged on any of 4 seeds, combined CV AUROC below the flag level', async () => {
    for (const seed of [11, 12, 13, 14]) {
      const audit = await auditDataset(await dataset(`null${seed}`, seed, 20, 0), { size: [W, W], seed });
      const s = audit.splits[0];
      expect(s.descriptors.filter((d) => d.flagged).map((d) => d.descriptor), `seed ${seed}`).toEqual([]);
      expect(s.combined!.cvAuroc, `seed ${seed}`).toBeLessThan(0.75);
    }
  });

  it('cancels promptly when aborted mid-pass', async () => {
    const resolved = await dataset('cancel', 2, 10, 0);
    const ac = new AbortController();
    let seen = 0;
    const run = auditDataset(resolved, {
      signal: ac.signal,
      onProgress: (d) => {
        seen = d;
        if (d === 3) ac.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(seen).toBeLessThan(20);
  });
});

describe('false-alarm rate of the flag rule (descriptor values with no class difference)', () => {
  it('flags at most 1 of 30 null splits of 25 + 25 images', () => {
    let flaggedSplits = 0;
    for (let seed = 0; seed < 30; seed++) {
      const rand = mulberry32(seed + 500);
      const images: AuditedImage[] = Array.from({ length: 50 }, (_, i) => ({
        path: `/x/${i}.png`,
        split: 'test',
        label: i < 25 ? 0 : 1,
        numeric: Object.fromEntries(NUMERIC_DESCRIPTORS.map((d) => [d, rand()])) as AuditedImage['numeric'],
        categorical: { format: rand() < 0.5 ? 'png' : 'jpeg' },
      }));
      if (auditSplit('test', images, seed).descriptors.some((d) => d.flagged)) flaggedSplits++;
    }
    expect(flaggedSplits).toBeLessThanOrEqual(1);
  });
});
