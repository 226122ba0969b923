// With medad's wasm kernels installed, training and scoring leave no tensors or data buffers behind: the counts
// return to their baseline across repeated training runs and across 2,000 tiny scoring requests.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEDAD_WASM_OVERRIDES } from '../../src/compute/index.js';
import { arrayTrainData, createDetector } from '../../src/detectors/index.js';
import { randArray, setupBackends } from './helpers.js';

beforeAll(async () => {
  await setupBackends();
  await tf.setBackend('wasm');
});

const SIZE = 16;
const counts = () => ({ tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers });

describe('no leaks on wasm with medad kernels', () => {
  it('the replaced kernels are the ones running', () => {
    for (const k of MEDAD_WASM_OVERRIDES) expect(tf.getKernel(k, 'wasm')).toBeDefined();
    expect(tf.getBackend()).toBe('wasm');
  });

  it('tensor and buffer counts are flat across repeated training runs', async () => {
    const det = createDetector('ae', { channels: [4, 8], latent: 4 }, SIZE);
    const data = arrayTrainData(randArray(12 * SIZE * SIZE, 3), { height: SIZE, width: SIZE });
    const fit = () => det.fit(data, { epochs: 2, batchSize: 4, lr: 1e-3, seed: 0, lossEvery: 1 });
    await fit(); // first run: lazily created state (optimizer slots come and go within a run)
    const base = counts();
    for (let i = 0; i < 3; i++) {
      const r = await fit();
      expect(r.steps).toBe(6);
      expect(Number.isFinite(r.finalLoss)).toBe(true);
      expect(counts()).toEqual(base);
    }
    det.dispose();
  });

  it('tensor and buffer counts are flat across 2,000 one-image scoring requests, and dispose frees everything', async () => {
    const empty = counts();
    const det = createDetector('ae', { channels: [4, 8], latent: 4 }, SIZE);
    const img = randArray(SIZE * SIZE, 9);
    const first = await det.score(img, 1);
    const base = counts();
    for (let i = 0; i < 2000; i++) {
      const r = await det.score(img, 1);
      if (i % 500 === 0) expect(r.scores[0]).toBeCloseTo(first.scores[0], 6); // same model, same answer
    }
    expect(counts()).toEqual(base);
    det.dispose(); // the weights and the batch-norm folds cached for inference
    expect(counts()).toEqual(empty);
  });
});
