// Save/load round trips, inference-mode batch norm and loadDetector's errors (cpu backend, tiny networks).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayTrainData, createDetector, loadDetector, readDetectorJson } from '../../src/detectors/index.js';
import { blobs, maxAbsDiff } from './fixtures.js';

const SIZE = 16;
const TINY = { channels: [4, 8, 8, 8], latent: 4 };
const data = arrayTrainData(blobs(8, SIZE, 5), { height: SIZE, width: SIZE });
const test = blobs(5, SIZE, 6);
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-persist-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe.each([
  ['ae', TINY],
  ['vae', { ...TINY, klWeight: 0.01 }],
  ['memae', { ...TINY, memorySize: 10 }],
  ['aeu', TINY],
  ['ctx-ae', { ...TINY, maskFraction: 0.5 }],
])('%s', (name, params) => {
  it('save/load round-trips to identical scores, config and step count', async () => {
    const det = createDetector(name, params, SIZE);
    await det.fit(data, { epochs: 2, batchSize: 4, lr: 1e-2, seed: 1 });
    const before = await det.score(test, 5);
    const dir = path.join(tmp, name);
    await det.save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['detector.json', 'model.json', 'weights.bin']);
    const loaded = await loadDetector(dir);
    const after = await loaded.score(test, 5);
    expect(loaded.name).toBe(name);
    expect(loaded.config).toEqual(det.config);
    expect(loaded.trainedSteps).toBe(4);
    expect(maxAbsDiff(after.scores, before.scores)).toBe(0);
    expect(maxAbsDiff(after.maps, before.maps)).toBe(0);
    det.dispose();
    loaded.dispose();
  });
});

describe('scoring', () => {
  it('uses running batch-norm statistics: an image scores the same alone or in a batch', async () => {
    const det = createDetector('ae', TINY, SIZE);
    await det.fit(data, { epochs: 2, batchSize: 4, lr: 1e-2, seed: 1 });
    const all = await det.score(test, 5);
    const alone = await det.score(test.subarray(2 * SIZE * SIZE, 3 * SIZE * SIZE), 1);
    expect(Math.abs(alone.scores[0] - all.scores[2])).toBeLessThan(1e-6);
    // The score is the mean of the pixel map.
    const m = all.maps.subarray(0, SIZE * SIZE).reduce((a, b) => a + b, 0) / (SIZE * SIZE);
    expect(Math.abs(m - all.scores[0])).toBeLessThan(1e-5);
    await expect(det.score(test, 4)).rejects.toThrow(/expected 4 images of 16x16/);
    det.dispose();
  });
});

describe('loadDetector', () => {
  it('names the file and the problem', async () => {
    await expect(loadDetector(path.join(tmp, 'nope'))).rejects.toThrow(/nope: no such folder/);
    const dir = path.join(tmp, 'bad');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'detector.json'), '{"format":"medad-detector/1","detector":"zzz","params":{},"inputSize":{"height":16,"width":16},"step":0}');
    await expect(loadDetector(dir)).rejects.toThrow(/bad\/detector\.json: unknown detector 'zzz' \(known: [^)]*\bvae\b/);
    await fs.writeFile(path.join(dir, 'detector.json'), '{"detector":"ae"}');
    await expect(loadDetector(dir)).rejects.toThrow(/detector\.json: not a medad-detector\/1 file/);
  });

  it('rejects weights that do not fit the network described in detector.json', async () => {
    const det = createDetector('ae', TINY, SIZE);
    const dir = path.join(tmp, 'mismatch');
    await det.save(dir);
    det.dispose();
    const json = await readDetectorJson(dir);
    await fs.writeFile(path.join(dir, 'detector.json'), JSON.stringify({ ...json, params: { ...TINY, latent: 5 } }));
    await expect(loadDetector(dir)).rejects.toThrow(/weights\.bin: weight to_z\/kernel has shape \[8,4\], expected \[8,5\]/);
  });
});
