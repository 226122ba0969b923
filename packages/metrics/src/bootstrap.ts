import { apFromCounts, aurocFromCounts } from './curves.js';
import { MetricError } from './errors.js';
import { Rng } from './prng.js';
import { countsFromSorted, splitSorted, type RankCounts } from './ranking.js';
import { checkProbability, requireBothClasses, type Labels, type Scores } from './validate.js';

export type BootstrapMetric = 'auroc' | 'ap';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /** PRNG seed (default 0); the same seed gives the same interval. */
  seed?: number;
}

export interface BootstrapInterval {
  metric: BootstrapMetric;
  /** The metric on the full data. */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  resamples: number;
  seed: number;
  /** Standard deviation of the resampled values (bootstrap standard error). */
  standardError: number;
}

const metricFns: Record<BootstrapMetric, (c: RankCounts) => number> = { auroc: aurocFromCounts, ap: apFromCounts };

/** Resample multiplicities: `size` draws with replacement from `size` items. */
function drawWeights(rng: Rng, weights: Float64Array): void {
  weights.fill(0);
  for (let k = 0; k < weights.length; k++) weights[rng.nextInt(weights.length)]++;
}

/** Linear-interpolated quantile of sorted values (numpy's default method). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap confidence interval for AUROC or AP. Resampling is **stratified**:
 * positives are drawn from positives and negatives from negatives, so every resample keeps both
 * classes and the prevalence. Each resample costs O(n) (scores are sorted once; resamples are
 * multiplicity weights). Throws SINGLE_CLASS unless both classes are present.
 */
export function bootstrapCI(
  scores: Scores,
  labels: Labels,
  metric: BootstrapMetric,
  opts: BootstrapOptions = {},
): BootstrapInterval {
  const resamples = opts.resamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new MetricError('INVALID_ARGUMENT', `resamples must be a positive integer, got ${resamples}`);
  }
  checkProbability(confidence, 'confidence', true, true);
  const fn = metricFns[metric];
  if (!fn) throw new MetricError('INVALID_ARGUMENT', `unknown bootstrap metric ${String(metric)}`);
  const split = splitSorted(scores, labels);
  requireBothClasses(split.pos.length, split.neg.length, `bootstrap ${metric}`);
  const estimate = fn(countsFromSorted(split));
  const rng = new Rng(seed);
  const wPos = new Float64Array(split.pos.length);
  const wNeg = new Float64Array(split.neg.length);
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    drawWeights(rng, wPos);
    drawWeights(rng, wNeg);
    values[r] = fn(countsFromSorted(split, wPos, wNeg));
  }
  let mean = 0;
  for (const v of values) mean += v / resamples;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  values.sort();
  const alpha = (1 - confidence) / 2;
  return {
    metric,
    estimate,
    lower: quantileSorted(values, alpha),
    upper: quantileSorted(values, 1 - alpha),
    confidence,
    resamples,
    seed,
    standardError: resamples > 1 ? Math.sqrt(ss / (resamples - 1)) : 0,
  };
}
