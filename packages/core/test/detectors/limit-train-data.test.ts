// limitTrainData: a per-epoch cap on training images (training.stepsPerEpoch), a fresh subset each epoch.
import { describe, expect, it } from 'vitest';
import { arrayTrainData, limitTrainData, stepsPerEpoch } from '../../src/detectors/api.js';

const N = 10;
const px = 4;
// Image i is filled with the value i, so a batch tells which images it holds.
const packed = Float32Array.from({ length: N * px }, (_, j) => Math.floor(j / px));
const data = arrayTrainData(packed, { height: 2, width: 2 });

async function ids(d: ReturnType<typeof arrayTrainData>, batch: number, seed: number, from = 0): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of d.batches(batch, seed, from)) out.push(Array.from({ length: b.length / px }, (_, i) => b[i * px]));
  return out;
}

describe('limitTrainData', () => {
  it('yields exactly maxImages images per epoch: the start of the full epoch order', async () => {
    const lim = limitTrainData(data, 6);
    expect(lim.size).toBe(6);
    expect(stepsPerEpoch(lim.size, 4)).toBe(2);
    const full = (await ids(data, 4, 7)).flat();
    const got = await ids(lim, 4, 7);
    expect(got.map((b) => b.length)).toEqual([4, 2]);
    expect(got.flat()).toEqual(full.slice(0, 6));
  });

  it('draws a different subset each epoch, and resumes mid-epoch', async () => {
    const lim = limitTrainData(data, 4);
    const e1 = (await ids(lim, 2, 1)).flat();
    const e2 = (await ids(lim, 2, 2)).flat();
    expect(e1).not.toEqual(e2);
    expect((await ids(lim, 2, 1, 1)).flat()).toEqual(e1.slice(2));
    expect(await ids(lim, 2, 1, 2)).toEqual([]);
  });

  it('is the data itself when the cap is not smaller', () => {
    expect(limitTrainData(data, N)).toBe(data);
    expect(limitTrainData(data, 100)).toBe(data);
  });
});
