// Times the `ae` detector exactly as the pipeline runs it: detector.fit (the shared training loop with Adam) on
// in-memory batches of 64, and detector.score (image score + anomaly map, both read back).
import { createDetector, arrayTrainData, type Detector } from '../../src/detectors/index.js';
import { scoreBatchFor } from '../../src/detectors/reconstruction-detector.js';
import { median, quantile, round } from './stats.js';

export interface TrainTiming {
  batch: number;
  warmupSteps: number;
  timedSteps: number;
  /** Median of the per-step wall times after warm-up. */
  msPerStep: number;
  p10: number;
  p90: number;
}

export interface ScoreTiming {
  batch: number;
  images: number;
  imagesPerS: number;
}

/** Uniform noise in [-1, 1] (the normalised input range); deterministic so runs compare. */
function noiseImages(n: number, px: number): Float32Array {
  const out = new Float32Array(n * px);
  let s = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

export function makeAe(size = 64): Detector {
  return createDetector('ae', {}, size);
}

/**
 * Trains for warmup + steps steps in one epoch, reading the loss back every `lossEvery` steps (default every step,
 * as torch_ae.py does), and returns the median step time of the timed steps. Per-step times come from the loop's
 * progress callback.
 */
export async function timeTraining(det: Detector, steps: number, warmup: number, batch = 64, lossEvery = 1): Promise<TrainTiming> {
  const { height, width } = det.inputSize;
  const total = steps + warmup;
  const data = arrayTrainData(noiseImages(total * batch, height * width), { height, width });
  const stamps: number[] = [];
  await det.fit(data, { epochs: 1, batchSize: batch, lr: 1e-3, seed: 0, lossEvery, onProgress: () => stamps.push(performance.now()) });
  // stamps[i] closes step i+1; step i's time is stamps[i] - stamps[i-1]. Drop the warm-up steps.
  const dts = stamps.slice(warmup).map((t, i) => t - stamps[warmup + i - 1]);
  if (dts.length !== steps) throw new Error(`expected ${steps} timed steps, got ${dts.length}`);
  return { batch, warmupSteps: warmup, timedSteps: steps, msPerStep: round(median(dts), 1), p10: round(quantile(dts, 0.1), 1), p90: round(quantile(dts, 0.9), 1) };
}

/** Scores `images` noise images (the detector picks its batch, see scoreBatchFor) after one warm-up call; images per second. */
export async function timeScoring(det: Detector, images: number): Promise<ScoreTiming> {
  const { height, width } = det.inputSize;
  const x = noiseImages(images, height * width);
  const warm = Math.min(images, 256);
  await det.score(x.subarray(0, warm * height * width), warm);
  const t0 = performance.now();
  const r = await det.score(x, images);
  const ms = performance.now() - t0;
  if (r.scores.length !== images || r.maps.length !== images * height * width) throw new Error('score() returned the wrong number of results');
  return { batch: scoreBatchFor(det.inputSize), images, imagesPerS: round((images / ms) * 1000, 1) };
}
