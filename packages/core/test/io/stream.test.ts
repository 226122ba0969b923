import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageReadError, streamBatches, type DecodedImage, type LoadOptions } from '../../src/io/index.js';
import { useTempDir } from './fixtures/tmp.js';

const tmp = useTempDir();
const load: LoadOptions = { size: [2, 2], resize: 'area', normalise: 'unit' };
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A fake loader that counts concurrent decodes; each decode resolves after a few ticks. */
function countingLoader() {
  const state = { inFlight: 0, maxInFlight: 0, started: 0 };
  const loader = async (file: string): Promise<DecodedImage[]> => {
    state.started++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await tick();
    state.inFlight--;
    if (file.includes('bad')) throw new ImageReadError(file, 'corrupt');
    return [
      {
        file,
        id: file,
        format: 'png',
        bitDepth: 8,
        width: 1,
        height: 1,
        originalWidth: 1,
        originalHeight: 1,
        data: new Float32Array(1),
      },
    ];
  };
  return { state, loader };
}

describe('streamBatches', () => {
  it('never has more than (prefetch + 1) batches of decodes started ahead of the consumer', async () => {
    const files = Array.from({ length: 40 }, (_, i) => `f${i}`);
    const { state, loader } = countingLoader();
    const batchSize = 3;
    const prefetch = 2;
    let consumed = 0;
    for await (const b of streamBatches(files, { batchSize, prefetch, load, loader })) {
      consumed++;
      // A slow consumer: prefetching must not run away while it works.
      await tick();
      await tick();
      expect(state.started).toBeLessThanOrEqual(Math.min(files.length, (consumed + prefetch) * batchSize));
      expect(b.images.length).toBeLessThanOrEqual(batchSize);
    }
    expect(consumed).toBe(Math.ceil(40 / batchSize));
    expect(state.maxInFlight).toBeLessThanOrEqual((prefetch + 1) * batchSize);
  });

  it('decodes the next batches while the consumer works', async () => {
    const files = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const { state, loader } = countingLoader();
    const gen = streamBatches(files, { batchSize: 2, prefetch: 2, load, loader });
    await gen.next();
    await tick();
    await tick();
    // Batch 0 handed out; batches 1 and 2 were started without another next() call.
    expect(state.started).toBe(6);
    await gen.return(undefined);
  });

  it('skips and reports a bad file in the middle, in order, with real files', async () => {
    const names = ['a.png', 'b.png', 'bad.png', 'c.png', 'd.png'];
    for (const [i, n] of names.entries()) {
      const f = tmp.path(n);
      if (n === 'bad.png') await writeFile(f, Buffer.from('not an image at all'));
      else
        await sharp(Buffer.from([i, i, i, i]), { raw: { width: 2, height: 2, channels: 1 } })
          .toColourspace('b-w')
          .png()
          .toFile(f);
    }
    const reported: ImageReadError[] = [];
    const ids: string[] = [];
    const errorsPerBatch: number[] = [];
    for await (const b of streamBatches(names.map(tmp.path), {
      batchSize: 2,
      load,
      onError: (e) => reported.push(e),
    })) {
      ids.push(...b.images.map((i) => i.id));
      errorsPerBatch.push(b.errors.length);
    }
    expect(ids).toEqual(['a.png', 'b.png', 'c.png', 'd.png'].map(tmp.path));
    expect(errorsPerBatch).toEqual([0, 1, 0]);
    expect(reported).toHaveLength(1);
    expect(reported[0].file).toBe(tmp.path('bad.png'));
  });

  it('stops when aborted', async () => {
    const { loader } = countingLoader();
    const ac = new AbortController();
    const seen: number[] = [];
    const run = async () => {
      for await (const b of streamBatches(['a', 'b', 'c', 'd'], {
        batchSize: 1,
        load,
        loader,
        signal: ac.signal,
      })) {
        seen.push(b.images.length);
        ac.abort();
      }
    };
    await expect(run()).rejects.toThrow();
    expect(seen).toEqual([1]);
  });
});
