// The shared training loop on the cpu backend: exact resume, determinism, cancellation within one step,
// checkpoints, progress reports and tensor hygiene. Tiny networks so each fit takes a second or two.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  arrayTrainData,
  createDetector,
  loadCheckpoint,
  type FitOptions,
  type ReconstructionDetector,
  type TrainProgress,
} from '../../src/detectors/index.js';
import { blobs, maxAbsDiff } from './fixtures.js';
import { TimerAbort } from '../timer-abort.js';

const SIZE = 16;
const TINY = { channels: [4, 8, 8, 8], latent: 4 };
// 10 images in batches of 4: 4 + 4 + 2, so 3 steps per epoch.
const data = arrayTrainData(blobs(10, SIZE, 5), { height: SIZE, width: SIZE });
const base: FitOptions = { epochs: 2, batchSize: 4, lr: 1e-2, seed: 7, lossEvery: 1 };
let tmp: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-train-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

function make(name: string): ReconstructionDetector {
  return createDetector(name, TINY, SIZE) as ReconstructionDetector;
}

async function weights(det: ReconstructionDetector): Promise<Float32Array> {
  const parts = await Promise.all(det.params.named().map((p) => p.tensor.data()));
  const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    flat.set(p as Float32Array, off);
    off += p.length;
  }
  return flat;
}

async function straight(name: string, seed = base.seed): Promise<Float32Array> {
  const det = make(name);
  try {
    await det.fit(data, { ...base, seed });
    return await weights(det);
  } finally {
    det.dispose();
  }
}

describe('training loop', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await straight('ae');
    const b = await straight('ae');
    const c = await straight('ae', 8);
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(1e-3);
  });

  it('vae: abort mid-epoch, resume in a fresh detector = uninterrupted run (1e-6)', async () => {
    const expected = await straight('vae');
    const dir = path.join(tmp, 'vae-resume');
    const ctrl = new AbortController();
    const after: number[] = [];
    const first = make('vae');
    const err = await first
      .fit(data, {
        ...base,
        checkpoint: { dir, everySteps: 100 },
        signal: ctrl.signal,
        onProgress: (p) => {
          if (ctrl.signal.aborted) after.push(p.step);
          if (p.step === 4) ctrl.abort(); // epoch 1, second batch of three
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).name).toBe('AbortError');
    expect(after).toEqual([]); // no step ran after the abort
    expect(first.trainedSteps).toBe(4);
    first.dispose();
    const ck = await loadCheckpoint(dir);
    expect(ck?.state).toMatchObject({ step: 4, epoch: 1, stepInEpoch: 1, seed: 7 });
    tf.dispose(Object.values(ck!.tensors));

    const second = make('vae');
    const r = await second.fit(data, { ...base, checkpoint: { dir, everySteps: 100 }, resume: true });
    expect(r.resumedFromStep).toBe(4);
    expect(r.steps).toBe(2);
    expect(maxAbsDiff(await weights(second), expected)).toBeLessThan(1e-6);
    second.dispose();
  });

  it('ctx-ae: 1 epoch, then resume to 2 epochs = 2 epochs straight (1e-6)', async () => {
    const expected = await straight('ctx-ae');
    const dir = path.join(tmp, 'ctx-resume');
    const det = make('ctx-ae');
    await det.fit(data, { ...base, epochs: 1, checkpoint: { dir, everySteps: 2 } });
    const r = await det.fit(data, { ...base, checkpoint: { dir, everySteps: 2 }, resume: true });
    expect(r.resumedFromStep).toBe(3);
    expect(maxAbsDiff(await weights(det), expected)).toBeLessThan(1e-6);
    det.dispose();
  });

  it('refuses to resume a checkpoint made with another seed, naming the file', async () => {
    const dir = path.join(tmp, 'seed-mismatch');
    const det = make('ae');
    await det.fit(data, { ...base, epochs: 1, checkpoint: { dir, everySteps: 1 } });
    await expect(det.fit(data, { ...base, seed: 9, checkpoint: { dir, everySteps: 1 }, resume: true })).rejects.toThrow(
      /checkpoint\.json: cannot resume: checkpoint has seed 7, this run 9/,
    );
    det.dispose();
  });

  it('reports every step once, in order, with an ETA that reaches 0', async () => {
    const det = make('ae');
    const seen: TrainProgress[] = [];
    const r = await det.fit(data, { ...base, epochs: 3, lossEvery: 2, onProgress: (p) => seen.push(p) });
    det.dispose();
    expect(seen.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.map((p) => p.epoch)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    for (const p of seen) {
      expect(p).toMatchObject({ epochs: 3, stepsPerEpoch: 3, totalSteps: 9 });
      expect(Number.isFinite(p.etaMs) && p.etaMs >= 0).toBe(true);
      expect(Number.isFinite(p.loss)).toBe(true);
    }
    expect(seen[0].etaMs).toBeGreaterThan(0);
    expect(seen[8].etaMs).toBe(0);
    // Loss read back on the first step, every 2nd step and the last one only.
    expect(r.losses.map((l) => l.step)).toEqual([1, 2, 4, 6, 8, 9]);
  });

  it('returns tf.memory().numTensors to baseline after fit, score, abort and resume', async () => {
    const empty = tf.memory().numTensors;
    const det = make('memae');
    const baseline = tf.memory().numTensors;
    expect(baseline).toBe(empty + det.params.named().length);
    await det.fit(data, base);
    expect(tf.memory().numTensors).toBe(baseline);
    await det.score(blobs(3, SIZE, 9), 3);
    // Scoring leaves exactly the batch-norm folds it caches, a filter and a bias for each of the 4 encoder and 3
    // decoder layers, and nothing else.
    expect(det.params.heldTensors() - det.params.named().length).toBe(2 * 7);
    expect(tf.memory().numTensors).toBe(empty + det.params.heldTensors());
    const dir = path.join(tmp, 'mem');
    const ctrl = new AbortController();
    const opts = { ...base, checkpoint: { dir, everySteps: 1 }, signal: ctrl.signal, onProgress: (p: TrainProgress) => p.step === 2 && ctrl.abort() };
    await expect(det.fit(data, opts)).rejects.toThrow(AbortError);
    expect(tf.memory().numTensors).toBe(baseline); // training freed the folds of the old weights
    await det.fit(data, { ...base, checkpoint: { dir, everySteps: 1 }, resume: true });
    expect(tf.memory().numTensors).toBe(baseline);
    det.dispose();
    expect(tf.memory().numTensors).toBe(empty);
  });

  it('sees an abort from outside the loop (a timer, like SIGINT or a worker message) at the next step, checkpoints there', async () => {
    // The hook-driven tests above abort from inside the loop; a real cancel arrives as an event, which the loop
    // only sees when it yields to the event loop. Checkpoints are 1000 steps apart, so only the cancel writes one.
    const dir = path.join(tmp, 'timer-abort');
    const det = make('ae');
    const abort = new TimerAbort(3);
    try {
      const err = await det
        .fit(data, { ...base, epochs: 1000, lossEvery: 1000, checkpoint: { dir, everySteps: 1000 }, signal: abort.signal, onProgress: (p) => (abort.seen = p.step) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect(abort.atAbort).toBeGreaterThanOrEqual(3);
      // The interval fires between two steps: the loop stops before taking another one.
      expect((err as AbortError).step).toBe(abort.atAbort);
      expect(abort.seen).toBe(abort.atAbort);
      const ck = await loadCheckpoint(dir);
      expect(ck?.state.step).toBe(abort.atAbort);
      tf.dispose(Object.values(ck!.tensors));
    } finally {
      abort.stop();
      det.dispose();
    }
  });

  it('rejects training images of the wrong size and bad options', async () => {
    const det = make('ae');
    const small = arrayTrainData(blobs(4, 8, 1), { height: 8, width: 8 });
    await expect(det.fit(small, base)).rejects.toThrow(/training images are 8x8, the detector expects 16x16/);
    await expect(det.fit(data, { ...base, batchSize: 1 })).rejects.toThrow(/batchSize must be an integer >= 2/);
    det.dispose();
  });
});
