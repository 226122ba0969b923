// Each detector, trained on smooth blobs only, must rank images with a planted bright square above normal ones
// and put its pixel map on the square.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayTrainData, createDetector } from '../../src/detectors/index.js';
import { auroc, blobs, meanInsideOutside, planted, useWasm } from './fixtures.js';

const SIZE = 16;

beforeAll(useWasm);

describe.each(['ae', 'vae', 'memae', 'aeu', 'ctx-ae'])('%s on planted squares', (name) => {
  it('separates anomalous images (AUROC > 0.8) and localises the square', async () => {
    const train = arrayTrainData(blobs(96, SIZE, 1), { height: SIZE, width: SIZE });
    const test = planted(40, SIZE, 2);
    const det = createDetector(name, {}, SIZE);
    try {
      const fit = await det.fit(train, { epochs: 15, batchSize: 16, lr: 2e-3, seed: 3, lossEvery: 5 });
      expect(fit.finalLoss).toBeLessThan(fit.losses[0].loss * 0.5);
      const { scores, maps } = await det.score(test.images, 40);
      const a = auroc(scores, test.labels);
      expect(a).toBeGreaterThan(0.8);
      // Inside the square, the anomaly map is far above the rest of the same (anomalous) images.
      const { inside, outside } = meanInsideOutside(maps, test, SIZE);
      expect(inside).toBeGreaterThan(3 * outside);
      console.info(`${name}: AUROC ${a.toFixed(3)}, loss ${fit.losses[0].loss.toFixed(3)} -> ${fit.finalLoss.toFixed(3)}, backend ${tf.getBackend()}`);
    } finally {
      det.dispose();
    }
  });
});
