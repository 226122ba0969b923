// Synthetic-anomaly segmentation (synth-*) on 16x16 blobs, tiny U-Net, wasm backend.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, arrayTrainData, createDetector, loadDetector, type FitOptions } from '../../src/detectors/index.js';
import { corruptBatch } from '../../src/detectors/synthetic/corrupt.js';
import type { SyntheticDetector } from '../../src/detectors/synthetic/detector.js';
import { Rng } from '../../src/detectors/rng.js';
import { auroc, blobs, maxAbsDiff, useWasm } from './fixtures.js';

/** Blobs, every other one with a 6x6 square of uniform noise: a texture no normal image has. */
function noiseSquares(n: number, seed: number): { images: Float32Array; labels: number[] } {
  const images = blobs(n, SIZE, seed);
  const r = new Rng(seed ^ 0x77);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 1; i < n; i += 2) {
    const [t, l] = [r.int(SIZE - 5), r.int(SIZE - 5)];
    for (let y = t; y < t + 6; y++) for (let x = l; x < l + 6; x++) images[(i * SIZE + y) * SIZE + x] = 2 * r.next() - 1;
  }
  return { images, labels };
}

const SIZE = 16;
const TINY = { channels: [8, 16] };
const data = arrayTrainData(blobs(32, SIZE, 1), { height: SIZE, width: SIZE });
const base: FitOptions = { epochs: 12, batchSize: 8, lr: 3e-3, seed: 3, lossEvery: 1 };
let tmp: string;

const make = (name: string, params: Record<string, unknown> = {}) => createDetector(name, { ...TINY, ...params }, SIZE) as SyntheticDetector;
async function weightsOf(det: SyntheticDetector): Promise<Float32Array> {
  const parts = await Promise.all(det.params.named().map((p) => p.tensor.data()));
  return Float32Array.from(parts.flatMap((p) => Array.from(p as Float32Array)));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  await useWasm();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-synth-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('corruptBatch', () => {
  it('corrupts round(fraction * n) images, leaves the rest bitwise, and is a function of its seed', () => {
    const x = blobs(8, SIZE, 2);
    const a = corruptBatch(x, 8, SIZE, SIZE, 'fpi', 0.5, 42);
    const b = corruptBatch(x, 8, SIZE, SIZE, 'fpi', 0.5, 42);
    expect(a.corrupted.filter(Boolean).length).toBe(4);
    expect(maxAbsDiff(a.images, b.images)).toBe(0);
    expect(maxAbsDiff(a.labels, b.labels)).toBe(0);
    const px = SIZE * SIZE;
    a.corrupted.forEach((c, i) => {
      const lab = a.labels.subarray(i * px, (i + 1) * px);
      if (!c) {
        expect(maxAbsDiff(a.images.subarray(i * px, (i + 1) * px), x.subarray(i * px, (i + 1) * px))).toBe(0);
        expect(Math.max(...lab)).toBe(0);
      }
    });
    expect(maxAbsDiff(corruptBatch(x, 8, SIZE, SIZE, 'fpi', 0.5, 43).labels, a.labels)).toBeGreaterThan(0);
  });
});

describe('synth-* detectors', () => {
  it('synth-fpi: loss decreases, planted noise squares score above normals, no tensor leak', async () => {
    const det = make('synth-fpi', { imageScore: 'mean' });
    const before = tf.memory().numTensors;
    const r = await det.fit(data, { ...base, epochs: 60, lossEvery: 5 });
    const l = r.losses.map((x) => x.loss);
    expect(mean(l.slice(-5))).toBeLessThan(0.8 * mean(l.slice(0, 5)));
    const test = noiseSquares(24, 7);
    const { scores, maps } = await det.score(test.images, 24);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(maps).every((v) => v >= 0 && v <= 1)).toBe(true);
    const a = auroc(scores, test.labels);
    console.info(`synth-fpi: loss ${l[0].toFixed(3)} -> ${l[l.length - 1].toFixed(3)}, image AUROC ${a.toFixed(3)}, ${(r.durationMs / r.steps).toFixed(0)} ms/step`);
    expect(a).toBeGreaterThan(0.6);
    // Save/load round trip.
    const dir = path.join(tmp, 'fpi');
    await det.save(dir);
    const back = await loadDetector(dir);
    expect(back.trainedSteps).toBe(r.steps);
    const again = await back.score(test.images, 24);
    expect(maxAbsDiff(again.scores, scores)).toBeLessThan(1e-6);
    expect(maxAbsDiff(again.maps, maps)).toBeLessThan(1e-6);
    det.dispose();
    back.dispose();
  });

  it.each(['synth-pii', 'synth-nsa', 'synth-cutpaste'])('%s trains a few steps with finite losses and scores', async (name) => {
    const det = make(name, { imageScore: 'mean' });
    expect(det.config.generator).toBe(name.slice(6));
    const r = await det.fit(data, { ...base, epochs: 1 });
    expect(r.steps).toBe(4);
    expect(r.losses.every((x) => Number.isFinite(x.loss))).toBe(true);
    const x = blobs(3, SIZE, 5);
    const { scores, maps } = await det.score(x, 3);
    // imageScore 'mean': the score is the mean of the map.
    for (let i = 0; i < 3; i++) expect(scores[i]).toBeCloseTo(mean(Array.from(maps.subarray(i * 256, (i + 1) * 256))), 5);
    det.dispose();
  });

  it('top-k score is the mean of the top 1 % of map pixels', async () => {
    const det = make('synth-fpi', { topK: 0.01 });
    await det.fit(data, { ...base, epochs: 1 });
    const { scores, maps } = await det.score(blobs(2, SIZE, 8), 2);
    for (let i = 0; i < 2; i++) {
      const top = Array.from(maps.subarray(i * 256, (i + 1) * 256)).sort((a, b) => b - a).slice(0, 3); // ceil(2.56)
      expect(scores[i]).toBeCloseTo(mean(top), 5);
    }
    det.dispose();
  });

  it('abort then resume equals an uninterrupted run (the corruption is seeded by seed and step)', async () => {
    const opts = { ...base, epochs: 2 };
    const straight = make('synth-fpi');
    await straight.fit(data, opts);
    const expected = await weightsOf(straight);
    straight.dispose();
    const dir = path.join(tmp, 'resume');
    const ctrl = new AbortController();
    const first = make('synth-fpi');
    const err = await first.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, signal: ctrl.signal, onProgress: (p) => p.step === 3 && ctrl.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    first.dispose();
    const second = make('synth-fpi');
    const r = await second.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, resume: true });
    expect(r.resumedFromStep).toBe(3);
    expect(maxAbsDiff(await weightsOf(second), expected)).toBeLessThan(1e-6);
    second.dispose();
  });

  it('rejects a generator that does not match the name', () => {
    expect(() => createDetector('synth-fpi', { generator: 'pii' }, SIZE)).toThrow(/generator/);
  });
});

describe('synth-nsa generator settings (issue 16: the reference chest setting is configurable)', () => {
  it('passes `nsa` options to the generator: the same weights and step give another loss, explicit defaults the same', () => {
    const size = 32;
    const x = tf.tensor4d(blobs(8, size, 7), [8, size, size, 1]);
    const lossWith = (params: Record<string, unknown>) => {
      const d = createDetector('synth-nsa', { channels: [4, 8], ...params }, size) as SyntheticDetector;
      d.params.reinitialise(1);
      const t = tf.tidy(() => d.trainLoss(x, { seed: 3, step: 0 }));
      const v = t.dataSync()[0];
      t.dispose();
      d.dispose();
      return v;
    };
    const base = lossWith({});
    expect(lossWith({ nsa: { logistic: { k: 1 / 6, x0: 20, tol: 1 }, gamma: { shape: 2, scale: 0.03, lower: 0.05 } } })).toBe(base);
    // The chest setting's logistic (k 1/2, x0 4) labels faint changes as anomalous: other labels, other loss.
    expect(lossWith({ nsa: { logistic: { k: 0.5, x0: 4, tol: 1 } } })).not.toBe(base);
    x.dispose();
  });

  it('accepts `nsa` only for synth-nsa', () => {
    expect(() => createDetector('synth-fpi', { nsa: {} }, 32)).toThrow(/nsa/);
    expect(() => createDetector('synth-nsa', { nsa: { logistic: { k: -1, x0: 4, tol: 1 } } }, 32)).toThrow();
  });
});
