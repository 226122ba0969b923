// Deep SVDD's autoencoder pretraining (reference: lukasruff/Deep-SVDD-PyTorch src/deepSVDD.py:88-113): the loss
// falls, Deep SVDD and c start from the pretrained encoder, pretrain: false is the earlier detector, and cancelling
// or resuming mid-pretraining is exact. 16x16 blobs, tiny encoder, wasm backend.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  arrayTrainData,
  createDetector,
  loadDetector,
  type FitOptions,
  type TrainProgress,
} from '../../src/detectors/index.js';
import { DeepSvddAutoencoder, pretrainSeed } from '../../src/detectors/deep-svdd/autoencoder.js';
import type { DeepSvddDetector } from '../../src/detectors/deep-svdd/detector.js';
import { deepSvddParamsSchema } from '../../src/detectors/deep-svdd/params.js';
import { runTraining } from '../../src/detectors/train-loop.js';
import { blobs, maxAbsDiff, useWasm } from './fixtures.js';

const SIZE = 16;
const normals = blobs(32, SIZE, 1);
const data = arrayTrainData(normals, { height: SIZE, width: SIZE });
const base: FitOptions = { epochs: 3, batchSize: 8, lr: 1e-3, seed: 4, lossEvery: 1 };
const small = { channels: [8, 16], rep: 8 };
const make = (extra: Record<string, unknown> = {}) =>
  createDetector('deep-svdd', { ...small, ...extra }, SIZE) as DeepSvddDetector;
const weights = async (det: DeepSvddDetector) =>
  Promise.all(det.params.named().map(async (p) => ({ name: p.name, v: await p.tensor.data() })));
let tmp: string;

beforeAll(async () => {
  await useWasm();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-svdd-pre-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('deep-svdd autoencoder pretraining', () => {
  it('the autoencoder reconstructs at the input size and its summed squared error falls; pretraining reports its own stage first', async () => {
    const det = make({ pretrainEpochs: 20 });
    const stages: string[] = [];
    const r = await det.fit(data, { ...base, epochs: 1, onProgress: (p) => stages.push(p.stage ?? '') });
    const l = r.stages.pretrain!.losses.map((x) => x.loss);
    expect(l.length).toBe(80); // 20 epochs x 4 steps, every loss read back
    expect(l[l.length - 1]).toBeLessThan(0.5 * l[0]);
    expect(stages.slice(0, 80).every((s) => s === 'pretrain')).toBe(true);
    expect(stages.slice(80)).toEqual(['svdd', 'svdd', 'svdd', 'svdd']);
    expect(det.trainedSteps).toBe(84);
    det.dispose();
    const ae = new DeepSvddAutoencoder(deepSvddParamsSchema.parse(small), { height: SIZE, width: SIZE }, {});
    const y = tf.tidy(() => ae.reconstruct(tf.zeros([2, SIZE, SIZE, 1])));
    expect(y.shape).toEqual([2, SIZE, SIZE, 1]);
    y.dispose();
    ae.dispose();
  });

  it('Deep SVDD starts from the autoencoder encoder (not the random init) and c is computed from it', async () => {
    // epochs 0: the detector's weights after fit are its starting weights.
    const det = make({ pretrainEpochs: 3 });
    await det.fit(data, { ...base, epochs: 0 });
    const start = await weights(det);
    // The same autoencoder trained here on its own.
    const p = deepSvddParamsSchema.parse({ ...small, pretrainEpochs: 3 });
    const ae = new DeepSvddAutoencoder(p, { height: SIZE, width: SIZE }, {});
    await runTraining(ae, data, { ...base, epochs: 3, lr: p.pretrainLr, seed: pretrainSeed(base.seed) });
    const random = make({ pretrain: false });
    random.params.reinitialise(base.seed);
    const init = await weights(random);
    expect(start.map((w) => w.name)).toEqual(['conv0/kernel', 'conv1/kernel', 'proj/kernel']);
    for (const [i, w] of start.entries()) {
      expect(maxAbsDiff(w.v, await ae.params.get(w.name).data())).toBeLessThan(1e-7);
      expect(maxAbsDiff(w.v, init[i].v)).toBeGreaterThan(1e-2);
    }
    ae.dispose();
    // c = mean pretrained embedding, near-zero coordinates pushed to +-eps.
    const e = tf.tidy(() => det.embed(tf.tensor4d(normals, [32, SIZE, SIZE, 1])));
    const v = await e.data();
    e.dispose();
    const c = await det.centreStore.get('c').data();
    for (let j = 0; j < 8; j++) {
      let m = 0;
      for (let i = 0; i < 32; i++) m += v[i * 8 + j] / 32;
      expect(c[j]).toBeCloseTo(Math.abs(m) < 0.1 ? (m < 0 ? -0.1 : 0.1) : m, 5);
    }
    const cRandom = await random.computeCentre(data);
    expect(maxAbsDiff(c, cRandom)).toBeGreaterThan(1e-2);
    det.dispose();
    random.dispose();
  });

  it('pretrain: false gives the scores of the detector before pretraining existed (same seed)', async () => {
    // Recorded at commit 02178fd (before this change) with exactly this fit and these test images.
    const before = [0.07489950954914093, 0.05627414956688881, 0.04937286674976349, 0.047948382794857025];
    const det = make({ pretrain: false });
    const r = await det.fit(data, base);
    expect(r.stages.pretrain).toBeNull();
    expect(maxAbsDiff((await det.score(blobs(4, SIZE, 3), 4)).scores, before)).toBeLessThan(1e-5);
    det.dispose();
  });

  it('a model saved before pretraining existed loads as pretrain: false, with its scores', async () => {
    const det = make({ pretrain: false });
    await det.fit(data, { ...base, epochs: 1 });
    const dir = path.join(tmp, 'legacy');
    await det.save(dir);
    const x = blobs(4, SIZE, 3);
    const expected = (await det.score(x, 4)).scores;
    det.dispose();
    const file = path.join(dir, 'detector.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { params: Record<string, unknown> };
    for (const k of ['pretrain', 'pretrainLr']) delete json.params[k];
    await fs.writeFile(file, JSON.stringify(json));
    const back = await loadDetector(dir);
    expect(back.config.pretrain).toBe(false);
    expect(maxAbsDiff((await back.score(x, 4)).scores, expected)).toBeLessThan(1e-6);
    back.dispose();
  });

  it('cancelling mid-pretraining stops at that step with an AbortError; resuming (mid-pretraining or mid-Deep SVDD) equals a straight run', async () => {
    const x = blobs(4, SIZE, 3);
    const straight = make();
    await straight.fit(data, base);
    const expected = (await straight.score(x, 4)).scores;
    straight.dispose();
    for (const [stage, at] of [
      ['pretrain', 5],
      ['svdd', 6],
    ] as const) {
      const dir = path.join(tmp, `resume-${stage}`);
      const ctrl = new AbortController();
      const seen: TrainProgress[] = [];
      const first = make();
      const err = await first
        .fit(data, {
          ...base,
          checkpoint: { dir, everySteps: 1000 },
          signal: ctrl.signal,
          onProgress: (p) => (seen.push(p), p.stage === stage && p.step === at && ctrl.abort()),
        })
        .catch((e: unknown) => e);
      first.dispose();
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).step).toBe(at);
      expect((err as Error).message).toMatch(
        stage === 'pretrain'
          ? /deep-svdd\/pretrain.*cancelled after step 5/
          : /fit\(deep-svdd\) cancelled after step 6/,
      );
      // Nothing ran after the abort: the last progress is the step that fired it.
      expect(seen[seen.length - 1]).toMatchObject({ stage, step: at });
      const second = make();
      const r = await second.fit(data, { ...base, checkpoint: { dir, everySteps: 1000 }, resume: true });
      expect(r.resumedFromStep).toBe(stage === 'pretrain' ? 5 : 12 + 6);
      expect(r.stages.pretrain!.steps).toBe(stage === 'pretrain' ? 7 : 0);
      expect(maxAbsDiff((await second.score(x, 4)).scores, expected)).toBeLessThan(1e-5);
      second.dispose();
    }
  });

  it('a resume under another pretraining length is refused, naming the checkpoint', async () => {
    const dir = path.join(tmp, 'other-length');
    const ctrl = new AbortController();
    const first = make();
    await first
      .fit(data, {
        ...base,
        checkpoint: { dir, everySteps: 1000 },
        signal: ctrl.signal,
        onProgress: (p) => p.stage === 'svdd' && p.step === 2 && ctrl.abort(),
      })
      .catch(() => undefined);
    first.dispose();
    const second = make({ pretrainEpochs: 4 });
    await expect(
      second.fit(data, { ...base, checkpoint: { dir, everySteps: 1000 }, resume: true }),
    ).rejects.toThrow(/pretrain.*cannot resume: checkpoint has config/);
    second.dispose();
  });

  it('bad pretraining parameters give a clear error naming the field', () => {
    expect(() => make({ pretrainEpochs: 0 })).toThrow(/invalid parameters.*pretrainEpochs/);
    expect(() => make({ pretrainEpochs: 2.5 })).toThrow(/pretrainEpochs/);
    expect(() => make({ pretrainLr: -1e-3 })).toThrow(/pretrainLr/);
    expect(() => make({ pretrain: 'yes' })).toThrow(/pretrain/);
    expect(() => make({ pretrainEpoch: 3 })).toThrow(/pretrainEpoch/);
  });
});
