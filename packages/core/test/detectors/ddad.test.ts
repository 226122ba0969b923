// DDAD on 16x16 blobs: tiny AE ensembles (K = 2), D_u = half planted squares, tiny refinement nets (the default local
// ASR-Net; the earlier U-Net / BCE / validation-epoch configuration in one smaller fit); wasm backend.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayTrainData, createDetector, loadDetector, type TrainData } from '../../src/detectors/index.js';
import { holdOut, readAll } from '../../src/detectors/ddad/data.js';
import type { DdadDetector, DdadFitResult } from '../../src/detectors/ddad/detector.js';
import { auroc, blobs, maxAbsDiff, planted, useWasm } from './fixtures.js';
import { DDAD_SCORES } from '../../src/detectors/ddad/params.js';

const SIZE = 16;
const PX = SIZE * SIZE;
const K = 2;
const TINY = { channels: [4, 8], latent: 8, ensemble: K, refineChannels: [4, 8], refineWidth: 8, memberLr: 3e-3, refineLr: 3e-3 };
const size = { height: SIZE, width: SIZE };
const normal = arrayTrainData(blobs(24, SIZE, 1), size);
const pool = arrayTrainData(planted(16, SIZE, 2).images, size);
const opts = { epochs: 30, batchSize: 8, lr: 3e-3, seed: 6, lossEvery: 2 };
let tmp: string;
let det: DdadDetector;
let fit: DdadFitResult;
let validationReads = 0;
let baseline: number;

/** TrainData that counts how often it is read. */
function spy(data: TrainData, onRead: () => void): TrainData {
  return { size: data.size, height: data.height, width: data.width, batches: (b, s, f) => (onRead(), data.batches(b, s, f)) };
}
const make = (params: Record<string, unknown> = {}) => createDetector('ddad', { ...TINY, ...params }, SIZE) as DdadDetector;

beforeAll(async () => {
  await useWasm();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-ddad-'));
  baseline = tf.memory().numTensors;
  det = make();
  const stages: string[] = [];
  const validation = spy(arrayTrainData(blobs(6, SIZE, 3), size), () => validationReads++);
  fit = await det.fit(normal, { ...opts, unlabelled: pool, validation, onProgress: (p) => p.stage !== stages[stages.length - 1] && stages.push(p.stage ?? '') });
  expect(stages).toEqual(['ndm0', 'ndm1', 'udm0', 'udm1', 'refine']);
  console.info(`ddad tiny: ${fit.steps} steps in ${(fit.durationMs / 1000).toFixed(1)} s; selected epochs ${JSON.stringify(fit.stages.refine.selectedEpoch)}`);
});
afterAll(async () => {
  det.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Reconstructions [K][n*H*W] of each ensemble, read straight from the member networks. */
async function recons(x: Float32Array, n: number): Promise<{ ndm: Float32Array[]; udm: Float32Array[] }> {
  const read = async (m: DdadDetector['ndm'][number]) => {
    const t = tf.tidy(() => m.recon(tf.tensor4d(x, [n, SIZE, SIZE, 1])));
    const v = (await t.data()) as Float32Array;
    t.dispose();
    return v;
  };
  return { ndm: await Promise.all(det.ndm.map(read)), udm: await Promise.all(det.udm.map(read)) };
}

describe('ddad', () => {
  it('needs the unlabelled pool, and says how to pass it', async () => {
    const d = make();
    await expect(d.fit(normal, opts)).rejects.toThrow(/FitOptions\.unlabelled/);
    d.dispose();
  });

  it('A_rec, A_intra, A_inter and their image scores equal a plain-JS computation from the reconstructions', async () => {
    const n = 3;
    const x = planted(n, SIZE, 5).images;
    const all = await det.scoreVariants(x, n);
    const { ndm, udm } = await recons(x, n);
    for (let p = 0; p < n * PX; p++) {
      const mn = ndm.reduce((s, r) => s + r[p], 0) / K;
      const mu = udm.reduce((s, r) => s + r[p], 0) / K;
      const sd = Math.sqrt(ndm.reduce((s, r) => s + (r[p] - mn) ** 2, 0) / (K - 1));
      expect(all.rec.maps[p]).toBeCloseTo((x[p] - mn) ** 2, 5);
      expect(all.intra.maps[p]).toBeCloseTo(sd, 5);
      expect(all.inter.maps[p]).toBeCloseTo(Math.abs(mu - mn), 5);
    }
    for (const key of ['rec', 'intra', 'inter', 'r-intra', 'r-dual'] as const) {
      for (let i = 0; i < n; i++) {
        const m = all[key].maps.subarray(i * PX, (i + 1) * PX);
        expect(all[key].scores[i]).toBeCloseTo(m.reduce((a, b) => a + b, 0) / PX, 5);
      }
    }
    // R maps are probabilities; score() gives the configured map (r-dual).
    expect(Array.from(all['r-dual'].maps).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(maxAbsDiff((await det.score(x, n)).maps, all['r-dual'].maps)).toBe(0);
  });

  it('refinement keeps the last epoch by default (official fixed budget); validation losses are still logged', () => {
    expect(validationReads).toBeGreaterThan(0);
    const r = fit.stages.refine;
    for (const k of ['intra', 'dual'] as const) {
      expect(r.validationLosses[k].map((e) => e.epoch)).toEqual(Array.from({ length: opts.epochs }, (_, i) => i + 1));
      expect(r.selectedEpoch[k]).toBe(opts.epochs);
    }
    expect(fit.counts).toEqual({ normal: 24, validation: 6, unlabelled: 16 });
  });

  it("refineSelect 'validation' (with the earlier U-Net, soft BCE, z-scored inputs) keeps the lowest-validation-loss epoch", async () => {
    const d = make({ refineArch: 'unet', refineLoss: 'bce', refineTargets: 'soft', refineInputs: 'zscore', refineSelect: 'validation' });
    const epochs = 6;
    const f = await d.fit(normal, { ...opts, epochs, unlabelled: pool, validation: arrayTrainData(blobs(6, SIZE, 3), size) });
    for (const k of ['intra', 'dual'] as const) {
      const v = f.stages.refine.validationLosses[k];
      expect(v.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
      const best = v.reduce((a, b) => (b.loss < a.loss ? b : a));
      expect(f.stages.refine.selectedEpoch[k]).toBe(best.epoch);
    }
    // The z-score statistics were fitted (not the 0/1 placeholders).
    expect(Array.from(d.refiners.stats.get('inter').dataSync())).not.toEqual([0, 1]);
    // A detector.json written before the published refinement became the default (no refineArch or other new
    // keys) still loads as what it is: the U-Net refinement, same maps.
    const dir = path.join(tmp, 'legacy');
    await d.save(dir);
    const file = path.join(dir, 'detector.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { params: Record<string, unknown> };
    const isNew = (k: string) => ['refineArch', 'refineWidth', 'refineLoss', 'focalGamma', 'refineTargets', 'refineInputs', 'aeuDivide', 'refineBatch', 'refineLr', 'refineBeta1', 'refineWeightDecay', 'refineSelect', 'memberBeta1', 'memberLr', 'hidden'].includes(k);
    json.params = Object.fromEntries(Object.entries(json.params).filter(([k]) => !isNew(k)));
    await fs.writeFile(file, JSON.stringify(json));
    const back = (await loadDetector(dir)) as DdadDetector;
    const x = planted(2, SIZE, 21).images;
    expect(maxAbsDiff((await back.scoreWith(x, 2, 'r-dual')).maps, (await d.scoreWith(x, 2, 'r-dual')).maps)).toBeLessThan(1e-6);
    back.dispose();
    d.dispose();
  }, 60_000);

  it('scoreVariants gives every map with its scores, each equal to scoreWith of that map', async () => {
    const x = planted(3, SIZE, 13).images;
    const all = await det.scoreVariants(x, 3);
    expect(Object.keys(all).sort()).toEqual([...DDAD_SCORES].sort());
    expect(det.mainVariant).toBe(det.config.score);
    for (const k of DDAD_SCORES) {
      const one = await det.scoreWith(x, 3, k);
      expect(maxAbsDiff(all[k].maps, one.maps)).toBeLessThan(1e-6);
      expect(maxAbsDiff(all[k].scores, one.scores)).toBeLessThan(1e-6);
    }
  });

  it('separates planted squares (logged for all five maps; A_rec, A_intra and A_inter above chance)', async () => {
    const test = planted(24, SIZE, 9);
    const all = await det.scoreVariants(test.images, 24);
    const a = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, auroc(v.scores, test.labels)]));
    console.info(`ddad AUROC: ${Object.entries(a).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
    expect(a.rec).toBeGreaterThan(0.6);
    expect(a.intra).toBeGreaterThan(0.6);
    expect(a.inter).toBeGreaterThan(0.6);
  });

  it('save/load round trip keeps every map and the refinement selection; no tensor leak', async () => {
    const x = planted(4, SIZE, 11).images;
    const dir = path.join(tmp, 'saved');
    await det.save(dir);
    const back = (await loadDetector(dir)) as DdadDetector;
    expect(back.trainedSteps).toBe(det.trainedSteps);
    expect(back.refinementSelection).toEqual(det.refinementSelection);
    const [a, b] = [await det.scoreVariants(x, 4), await back.scoreVariants(x, 4)];
    for (const k of Object.keys(a) as (keyof typeof a)[]) {
      expect(maxAbsDiff(a[k].maps, b[k].maps)).toBeLessThan(1e-6);
      expect(maxAbsDiff(a[k].scores, b[k].scores)).toBeLessThan(1e-6);
    }
    back.dispose();
    // Only the trained detector's own variables remain, with the batch-norm folds its members cache for inference.
    const own = [...det.ndm, ...det.udm].reduce((s, m) => s + m.params.heldTensors(), 0) + det.refiners.params.heldTensors() + det.refiners.stats.heldTensors();
    expect(tf.memory().numTensors - baseline).toBe(own);
  });

  it('without a validation set, holds out a seeded split of the normals: disjoint, and together the normals', async () => {
    const { train, validation } = await holdOut(normal, 0.25, 1);
    expect([train.size, validation.size]).toEqual([18, 6]);
    const rows = async (d: TrainData) => {
      const all = await readAll(d);
      return Array.from({ length: d.size }, (_, i) => Array.from(all.subarray(i * PX, (i + 1) * PX)).join(','));
    };
    const [t, v, n] = [await rows(train), await rows(validation), await rows(normal)];
    expect(t.filter((r) => v.includes(r))).toEqual([]);
    expect([...t, ...v].sort()).toEqual([...n].sort());
  });
});
