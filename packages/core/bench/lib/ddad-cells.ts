// One cell of the DDAD refinement ablation: the detector's own Refiners (its ASR-Net or U-Net, focal or BCE loss,
// hard or soft targets, raw or z-scored inputs) trained by the shared loop (Adam, L2, seeded shuffling) on a map
// cache (src/detectors/ddad/map-cache.ts) for a fixed number of epochs, the last epoch kept. Only R_dual is trained
// (the ablation compares R_dual with A_inter); its inputs are exactly those of the detector's refinement stage.
import * as tf from '@tensorflow/tfjs';
import { auroc, bootstrapCI } from '@medad/metrics';
import { limitTrainData, type InputSize } from '../../src/detectors/api.js';
import type { MapCache } from '../../src/detectors/ddad/map-cache.js';
import { cacheTrainData, unpackSamples } from '../../src/detectors/ddad/map-cache.js';
import type { DdadParams } from '../../src/detectors/ddad/params.js';
import { Refiners } from '../../src/detectors/ddad/refine.js';
import { runTraining, type Trainable } from '../../src/detectors/train-loop.js';

export interface Cell {
  arch: DdadParams['refineArch'];
  loss: DdadParams['refineLoss'];
  targets: DdadParams['refineTargets'];
  inputs: DdadParams['refineInputs'];
}
export const cellName = (c: Cell) => `${c.arch}+${c.targets}-${c.loss}+${c.inputs}`;

export interface CellTraining {
  epochs: number;
  /** Cap on steps per epoch (a fresh seeded subset of the cache each epoch); 0: the whole cache. */
  stepsPerEpoch: number;
  batch: number;
  lr: number;
  beta1: number;
  weightDecay: number;
  seed: number;
  width: number;
  channels: number[];
  focalGamma: number;
}

/** Host maps of a set of images: what the refiners read (rec unused). */
export interface HostMaps {
  n: number;
  inter: Float32Array;
  intra: Float32Array;
}

export function makeRefiners(cell: Cell, t: CellTraining, size: InputSize, zstats?: Refiners): Refiners {
  const r = new Refiners(size, {
    refineArch: cell.arch,
    refineWidth: t.width,
    refineChannels: t.channels,
    refineInputs: cell.inputs,
    refineLoss: cell.loss,
    focalGamma: t.focalGamma,
    refineTargets: cell.targets,
  });
  if (zstats) for (const k of ['intra', 'inter']) r.stats.get(k).assign(zstats.stats.get(k));
  return r;
}

export async function trainCell(r: Refiners, cell: Cell, t: CellTraining, cache: MapCache, log: (s: string) => void) {
  const h = cache.height;
  const stage: Trainable = {
    name: 'ddad-ablation/refine-dual',
    config: { ...cell, width: t.width, channels: t.channels },
    inputSize: { height: 3 * h, width: cache.width },
    params: r.params,
    adam: { beta1: t.beta1, weightDecay: t.weightDecay },
    trainLoss: (x) => {
      const { maps, labels } = unpackSamples(x, h);
      const targets = tf.tensor4d(r.targets(labels.dataSync() as Float32Array), labels.shape);
      return r.loss('dual', maps, targets, true);
    },
  };
  const data = cacheTrainData(cache);
  return runTraining(stage, t.stepsPerEpoch > 0 ? limitTrainData(data, t.stepsPerEpoch * t.batch) : data, {
    epochs: t.epochs,
    batchSize: t.batch,
    lr: t.lr,
    seed: t.seed,
    lossEvery: 25,
    onProgress: (p) => p.step % 100 === 0 && log(`  ${cellName(cell)} step ${p.step}/${p.totalSteps} loss ${p.loss.toPrecision(4)} eta ${(p.etaMs / 1000).toFixed(0)} s`),
  });
}

/** R_dual maps of host maps, in chunks; returns image scores (map means) and the maps. */
export async function refinedDual(r: Refiners, m: HostMaps, h: number, w: number, chunk = 32): Promise<{ scores: Float32Array; maps: Float32Array }> {
  const px = h * w;
  const scores = new Float32Array(m.n);
  const maps = new Float32Array(m.n * px);
  for (let s = 0; s < m.n; s += chunk) {
    const k = Math.min(chunk, m.n - s);
    const out = tf.tidy(() => {
      const t3 = (a: Float32Array) => tf.tensor3d(a.subarray(s * px, (s + k) * px), [k, h, w]);
      const map = r.refined('dual', { rec: t3(m.inter), inter: t3(m.inter), intra: t3(m.intra) });
      return [map, tf.mean(map, [1, 2])];
    });
    maps.set(await out[0].data(), s * px);
    scores.set(await out[1].data(), s);
    tf.dispose(out);
  }
  return { scores, maps };
}

export function meanPerImage(a: Float32Array, n: number): Float32Array {
  const px = a.length / n;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * px; j < (i + 1) * px; j++) s += a[j];
    out[i] = s / px;
  }
  return out;
}

export function imageAuroc(scores: Float32Array, labels: ArrayLike<number>) {
  const ci = bootstrapCI(scores, labels, 'auroc', { resamples: 1000, seed: 0 });
  return { auroc: ci.estimate, lower: ci.lower, upper: ci.upper };
}

/** Pixel AUROC of a map against hard FPI targets (label > 0). */
export function pixelAuroc(scores: Float32Array, labels: Float32Array): number {
  return auroc(scores, Uint8Array.from(labels, (v) => (v > 0 ? 1 : 0)));
}
