// A cache of DDAD's raw maps over fixed FPI draws, for the refinement ablation (issue 16): the frozen ensembles'
// A_inter / A_intra of each training normal under `draws` seeded FPI corruptions are computed once, so refiners of
// every configuration train from the same inputs in minutes instead of re-running six AEs per step. Each draw
// corrupts batches of `batch` images exactly as the refinement stage does (corruptBatch, 'fpi', corruptFraction of
// the batch, the source image from the same batch); draw d of batch b is seeded mixSeed(seed, d, b), so the cache is a
// function of (images, members, seed).
import * as tf from '@tensorflow/tfjs';
import { arrayTrainData, type TrainData } from '../api.js';
import { mixSeed } from '../rng.js';
import { corruptBatch } from '../synthetic/corrupt.js';
import { rawMaps, type RawMaps } from './discrepancy.js';
import { DDAD_FPI } from './params.js';
import type { Member } from './members.js';

export interface MapCache {
  /** Cached samples: images × draws, draw-major (sample d·nImages + i is image i under draw d). */
  n: number;
  height: number;
  width: number;
  inter: Float32Array;
  intra: Float32Array;
  /** FPI labels (the foreign fraction α inside the patch, 0 elsewhere); hard targets are labels > 0. */
  labels: Float32Array;
}

export interface MapCacheOptions {
  draws: number;
  seed: number;
  corruptFraction: number;
  /** Images per corruptBatch call (the refinement's batch: FPI sources come from the same batch). */
  batch: number;
  /** Divide by the NDM's predicted std (backbone aeu). */
  divide?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Raw maps of n images [n*H*W] in chunks of `chunk` (inference mode), as host arrays. */
export async function mapsOf(ndm: Member[], udm: Member[], images: Float32Array, n: number, height: number, width: number, chunk = 16, divide = false) {
  const px = height * width;
  const out = { rec: new Float32Array(n * px), inter: new Float32Array(n * px), intra: new Float32Array(n * px) };
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const t = tf.tidy(() => {
      const r = rawMaps(ndm, udm, tf.tensor4d(images.subarray(s * px, (s + m) * px), [m, height, width, 1]), divide);
      return [r.rec, r.inter, r.intra];
    });
    const [rec, inter, intra] = await Promise.all(t.map((x) => x.data() as Promise<Float32Array>));
    tf.dispose(t);
    out.rec.set(rec, s * px);
    out.inter.set(inter, s * px);
    out.intra.set(intra, s * px);
  }
  return out;
}

export async function buildMapCache(ndm: Member[], udm: Member[], images: Float32Array, height: number, width: number, o: MapCacheOptions): Promise<MapCache> {
  const px = height * width;
  if (images.length % px !== 0) throw new Error(`buildMapCache: ${images.length} values is not a whole number of ${width}x${height} images`);
  if (!(Number.isInteger(o.draws) && o.draws >= 1)) throw new Error(`buildMapCache: draws must be a whole number >= 1, got ${o.draws}`);
  const nImages = images.length / px;
  const n = nImages * o.draws;
  const cache: MapCache = { n, height, width, inter: new Float32Array(n * px), intra: new Float32Array(n * px), labels: new Float32Array(n * px) };
  for (let d = 0; d < o.draws; d++) {
    for (let b = 0, s = 0; s < nImages; b++, s += o.batch) {
      const m = Math.min(o.batch, nImages - s);
      const c = corruptBatch(images.subarray(s * px, (s + m) * px), m, height, width, 'fpi', o.corruptFraction, mixSeed(o.seed, d, b), DDAD_FPI);
      const maps = await mapsOf(ndm, udm, c.images, m, height, width, m, o.divide);
      const at = (d * nImages + s) * px;
      cache.inter.set(maps.inter, at);
      cache.intra.set(maps.intra, at);
      cache.labels.set(c.labels, at);
      o.onProgress?.(d * nImages + s + m, n);
    }
  }
  return cache;
}

/**
 * The cache as TrainData for the shared training loop: sample i is one "image" of 3H×W, rows [A_inter; A_intra;
 * labels], so runTraining's seeded shuffling, Adam and checkpoints apply unchanged. unpackSamples splits a batch back.
 */
export function cacheTrainData(c: MapCache): TrainData {
  const px = c.height * c.width;
  const packed = new Float32Array(c.n * 3 * px);
  for (let i = 0; i < c.n; i++) {
    packed.set(c.inter.subarray(i * px, (i + 1) * px), 3 * i * px);
    packed.set(c.intra.subarray(i * px, (i + 1) * px), (3 * i + 1) * px);
    packed.set(c.labels.subarray(i * px, (i + 1) * px), (3 * i + 2) * px);
  }
  return arrayTrainData(packed, { height: 3 * c.height, width: c.width });
}

/** A batch of cacheTrainData [n, 3H, W, 1] → raw maps (rec left empty) and the labels [n, H, W, 1]. */
export function unpackSamples(x: tf.Tensor4D, height: number): { maps: RawMaps; labels: tf.Tensor4D } {
  const [inter, intra, labels] = tf.split(x, [height, height, height], 1) as tf.Tensor4D[];
  const sq = (t: tf.Tensor4D) => tf.squeeze(t, [3]) as tf.Tensor3D;
  return { maps: { rec: tf.zerosLike(sq(inter)), inter: sq(inter), intra: sq(intra) }, labels };
}
