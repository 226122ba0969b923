// Deep SVDD on 16x16 blobs with a tiny bias-free encoder, wasm backend.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, arrayTrainData, createDetector, loadDetector, type FitOptions } from '../../src/detectors/index.js';
import type { DeepSvddDetector } from '../../src/detectors/deep-svdd/detector.js';
import { auroc, blobs, maxAbsDiff, planted, useWasm } from './fixtures.js';

const SIZE = 16;
const normals = blobs(32, SIZE, 1);
const data = arrayTrainData(normals, { height: SIZE, width: SIZE });
const base: FitOptions = { epochs: 30, batchSize: 8, lr: 1e-3, seed: 4, lossEvery: 4 };
const make = () => createDetector('deep-svdd', { channels: [8, 16], rep: 8 }, SIZE) as DeepSvddDetector;
let tmp: string;

beforeAll(async () => {
  await useWasm();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-svdd-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('deep-svdd', () => {
  it('has no bias parameter anywhere', () => {
    const det = make();
    expect(det.params.named().map((p) => p.name).filter((n) => /bias|beta/.test(n))).toEqual([]);
    det.dispose();
  });

  it('c = mean initial embedding with near-zero coordinates pushed to +-eps', async () => {
    const det = make();
    det.params.reinitialise(1);
    const e = tf.tidy(() => det.embed(tf.tensor4d(normals, [32, SIZE, SIZE, 1])));
    const v = await e.data();
    e.dispose();
    const c = await det.computeCentre(data);
    for (let j = 0; j < 8; j++) {
      let m = 0;
      for (let i = 0; i < 32; i++) m += v[i * 8 + j] / 32;
      const want = Math.abs(m) < 0.1 ? (m < 0 ? -0.1 : 0.1) : m;
      expect(c[j]).toBeCloseTo(want, 5);
    }
    det.dispose();
  });

  it('loss decreases, planted squares score above normals, scores are distances, no leak, save/load', async () => {
    const det = make();
    const before = tf.memory().numTensors;
    const r = await det.fit(data, base);
    const l = r.losses.map((x) => x.loss);
    expect(l[l.length - 1]).toBeLessThan(0.5 * l[0]);
    const test = planted(24, SIZE, 7);
    const { scores, maps } = await det.score(test.images, 24);
    expect(tf.memory().numTensors).toBe(before);
    const a = auroc(scores, test.labels);
    console.info(`deep-svdd: loss ${l[0].toFixed(4)} -> ${l[l.length - 1].toFixed(4)}, planted AUROC ${a.toFixed(3)}, ${(r.durationMs / r.steps).toFixed(0)} ms/step`);
    expect(a).toBeGreaterThan(0.6);
    // score = ||f(x) - c|| in plain JS; the map is the constant fallback.
    const e = tf.tidy(() => det.embed(tf.tensor4d(test.images.subarray(0, 256), [1, SIZE, SIZE, 1])));
    const f = await e.data();
    e.dispose();
    const c = await det.centreStore.get('c').data();
    expect(scores[0]).toBeCloseTo(Math.sqrt(Array.from(f).reduce((s, v, j) => s + (v - c[j]) ** 2, 0)), 4);
    expect(maps[17]).toBe(scores[0]);
    const dir = path.join(tmp, 'saved');
    await det.save(dir);
    const back = await loadDetector(dir);
    expect(maxAbsDiff((await back.score(test.images, 24)).scores, scores)).toBeLessThan(1e-6);
    det.dispose();
    back.dispose();
  });

  it('abort then resume equals an uninterrupted run (same centre, same weights)', async () => {
    const opts = { ...base, epochs: 2 };
    const straight = make();
    await straight.fit(data, opts);
    const x = blobs(4, SIZE, 3);
    const expected = (await straight.score(x, 4)).scores;
    straight.dispose();
    const dir = path.join(tmp, 'resume');
    const ctrl = new AbortController();
    const first = make();
    const err = await first.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, signal: ctrl.signal, onProgress: (p) => p.step === 3 && ctrl.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    first.dispose();
    const second = make();
    const r = await second.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, resume: true });
    expect(r.resumedFromStep).toBe(3);
    expect(maxAbsDiff((await second.score(x, 4)).scores, expected)).toBeLessThan(1e-5);
    second.dispose();
  });
});
