// The DDAD ablation's map cache (src/detectors/ddad/map-cache.ts): seeded FPI draws, maps of the corrupted images,
// and the packing the training loop reads.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMapCache, cacheTrainData, unpackSamples } from '../../src/detectors/ddad/map-cache.js';
import type { Member } from '../../src/detectors/ddad/members.js';
import { ParamStore } from '../../src/detectors/layers.js';
import { blobs, useWasm } from './fixtures.js';

beforeAll(useWasm);

/** A member whose reconstruction is c·x: A_inter = |mean(UDM c) − mean(NDM c)|·|x|, A_intra ∝ |x|. */
const scaled = (c: number): Member => ({
  params: new ParamStore(),
  trainLoss: () => tf.scalar(0),
  recon: (x) => tf.mul(x, c) as tf.Tensor4D,
  dispose: () => undefined,
});
const ndm = [scaled(0.9), scaled(1), scaled(1.1)];
const udm = [scaled(0.5), scaled(0.6), scaled(0.7)];
const S = 16;
const PX = S * S;
const N = 12;
const images = blobs(N, S, 5);
const opts = { draws: 3, seed: 42, corruptFraction: 0.5, batch: 4 };

describe('ddad map cache', () => {
  it('is a function of the seed: the same seed gives the same draws, another seed other draws', async () => {
    const a = await buildMapCache(ndm, udm, images, S, S, opts);
    const b = await buildMapCache(ndm, udm, images, S, S, opts);
    const c = await buildMapCache(ndm, udm, images, S, S, { ...opts, seed: 43 });
    expect(a.n).toBe(N * 3);
    expect(Buffer.from(a.labels.buffer).equals(Buffer.from(b.labels.buffer))).toBe(true);
    expect(Buffer.from(a.inter.buffer).equals(Buffer.from(b.inter.buffer))).toBe(true);
    expect(Buffer.from(a.intra.buffer).equals(Buffer.from(b.intra.buffer))).toBe(true);
    expect(Buffer.from(a.labels.buffer).equals(Buffer.from(c.labels.buffer))).toBe(false);
    // The draws differ from one another too (each draw has its own seed).
    const [d0, d1] = [a.labels.subarray(0, N * PX), a.labels.subarray(N * PX, 2 * N * PX)];
    expect(d0.some((v, i) => v !== d1[i])).toBe(true);
  });

  it('corrupts the configured fraction of each batch and maps the corrupted images', async () => {
    const cache = await buildMapCache(ndm, udm, images, S, S, opts);
    const delta = Math.abs(0.6 - 1); // |mean UDM c − mean NDM c|
    for (let d = 0; d < opts.draws; d++) {
      for (let b = 0; b < N / opts.batch; b++) {
        let corrupted = 0;
        for (let j = 0; j < opts.batch; j++) {
          const s = d * N + b * opts.batch + j;
          const lab = cache.labels.subarray(s * PX, (s + 1) * PX);
          const hit = lab.some((v) => v > 0);
          corrupted += hit ? 1 : 0;
          if (!hit) {
            // An untouched sample carries the clean image's maps.
            const i = b * opts.batch + j;
            for (let p = 0; p < PX; p += 17) expect(cache.inter[s * PX + p]).toBeCloseTo(delta * Math.abs(images[i * PX + p]), 5);
          }
        }
        expect(corrupted).toBe(2);
      }
    }
  });

  it('packs samples for the training loop and unpacks a batch into the same maps and labels', async () => {
    const cache = await buildMapCache(ndm, udm, images, S, S, { ...opts, draws: 1 });
    const data = cacheTrainData(cache);
    expect([data.size, data.height, data.width]).toEqual([N, 3 * S, S]);
    // Epoch seed 0's order is a permutation: find each unpacked sample in the cache by its labels and maps.
    for await (const batch of data.batches(N, 0)) {
      const x = tf.tensor4d(batch, [N, 3 * S, S, 1]);
      const { maps, labels } = unpackSamples(x, S);
      const [inter, intra, lab] = [maps.inter.dataSync(), maps.intra.dataSync(), labels.dataSync()];
      let matched = 0;
      for (let j = 0; j < N; j++) {
        for (let i = 0; i < N; i++) {
          const same = (a: ArrayLike<number>, b: Float32Array) => Array.from(b.subarray(i * PX, (i + 1) * PX)).every((v, p) => v === a[j * PX + p]);
          if (same(inter, cache.inter) && same(intra, cache.intra) && same(lab, cache.labels)) {
            matched++;
            break;
          }
        }
      }
      expect(matched).toBe(N);
      tf.dispose([x, maps.rec, maps.inter, maps.intra, labels]);
    }
  });
});
