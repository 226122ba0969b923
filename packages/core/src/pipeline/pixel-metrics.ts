// Pixel-level results on the test split: masks loaded at the input size, then Dice (at a threshold chosen on
// validation normals, plus the oracle best Dice), pixel AUROC/AP and AUPRO through the metrics accumulator.
import { PixelMetricsAccumulator } from '@medad/metrics';
import { loadImage } from '../io/load.js';
import type { ExperimentConfig } from '../experiment/schema.js';
import type { SplitImage } from './images.js';
import { loadOptionsFor } from './images.js';
import type { MetricEntry } from './image-metrics.js';

/** Quantile of validation-normal pixel values used as the pixel threshold for Dice. */
export const PIXEL_THRESHOLD_QUANTILE = 0.995;
/** Above this many pixels the accumulator bins scores (bounded memory, reported error bound). */
const EXACT_PIXEL_LIMIT = 2 ** 22;

/** The q-quantile of all pixels of the maps, from a strided sample of at most ~1e6 values. */
export function pixelQuantile(maps: Float32Array[], q: number): number {
  const total = maps.reduce((n, m) => n + m.length, 0);
  if (total === 0) return NaN;
  const stride = Math.max(1, Math.floor(total / 1e6));
  const sample: number[] = [];
  let k = 0;
  for (const m of maps) for (let i = 0; i < m.length; i++, k++) if (k % stride === 0) sample.push(m[i]);
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.floor(q * (sample.length - 1)))];
}

/** Binary masks at the input size for the images that have one; normal images without a mask get an empty one. */
export async function loadMasks(images: SplitImage[], input: ExperimentConfig['input']): Promise<(Uint8Array | undefined)[]> {
  const [h, w] = input.size;
  const anyMask = images.some((im) => im.item.mask);
  return Promise.all(
    images.map(async (im) => {
      if (im.item.mask) {
        const frames = await loadImage(im.item.mask, { ...loadOptionsFor(input), resize: 'bilinear', normalise: 'unit' });
        const f = frames[Math.min(im.frame, frames.length - 1)];
        // Masks may be 0/1 or 0/255: 'unit' scales by the file's bit depth, so anything above half is lesion.
        return Uint8Array.from(f.data, (v) => (v > 0.5 ? 1 : 0));
      }
      return anyMask && im.item.label === 0 ? new Uint8Array(h * w) : undefined;
    }),
  );
}

export interface PixelResult {
  metrics: Record<string, MetricEntry>;
  threshold: number;
  bestDiceThreshold: number;
  aurocErrorBound: number;
  images: number;
}

export function pixelMetrics(maps: Float32Array[], masks: (Uint8Array | undefined)[], input: ExperimentConfig['input'], threshold: number): PixelResult {
  const [h, w] = input.size;
  const used = maps.map((m, i) => ({ m, mask: masks[i] })).filter((x): x is { m: Float32Array; mask: Uint8Array } => x.mask !== undefined);
  const total = used.length * h * w;
  let min = Infinity;
  let max = -Infinity;
  for (const { m } of used) for (const v of m) { if (v < min) min = v; if (v > max) max = v; }
  const acc = new PixelMetricsAccumulator(
    total <= EXACT_PIXEL_LIMIT ? { mode: 'exact', thresholds: [threshold] } : { mode: 'binned', range: { min, max: max > min ? max : min + 1 }, thresholds: [threshold] },
  );
  for (const { m, mask } of used) acc.add(m, mask, w, h);
  const r = acc.compute();
  return {
    metrics: {
      dice: { value: r.atThresholds[0].dice },
      bestDice: { value: r.bestDice.dice },
      pixelAuroc: { value: r.auroc },
      pixelAp: { value: r.ap },
      aupro: { value: r.aupro },
    },
    threshold,
    bestDiceThreshold: r.bestDice.threshold,
    aurocErrorBound: r.aurocErrorBound,
    images: used.length,
  };
}
