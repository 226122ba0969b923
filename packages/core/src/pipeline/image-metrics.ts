// Image-level results: the threshold chosen on the validation split, threshold-free metrics (AUROC, AP) and the
// metrics at that threshold on the test split, each with a stratified percentile-bootstrap 95% interval.
import {
  MetricError,
  Rng,
  auroc,
  averagePrecision,
  bootstrapCI,
  maxF1Threshold,
  metricsAt,
  normalQuantileThreshold,
  thresholdAtFpr,
  youdenThreshold,
} from '@medad/metrics';
import type { ThresholdConfig } from '../experiment/schema.js';

export interface MetricEntry {
  value: number;
  ci?: [number, number];
}

export interface ThresholdResult {
  policy: ThresholdConfig['policy'];
  value?: number;
  threshold: number;
  chosenOn: 'validation';
  validation: { normal: number; abnormal: number };
}

/** Picks the operating threshold from validation scores only; policies needing anomalies say so clearly. */
export function chooseThreshold(policy: ThresholdConfig, scores: ArrayLike<number>, labels: ArrayLike<number>): ThresholdResult {
  const abnormal = Array.from(labels).filter((l) => l === 1).length;
  const normal = labels.length - abnormal;
  const base = { policy: policy.policy, chosenOn: 'validation' as const, validation: { normal, abnormal } };
  if (normal === 0) throw new Error('the validation split has no normal images: cannot choose a threshold (add `validation:` to the dataset config)');
  const normals = Array.from(scores).filter((_, i) => labels[i] === 0);
  switch (policy.policy) {
    case 'normal-quantile':
      return { ...base, value: policy.value, threshold: normalQuantileThreshold(normals, policy.value).threshold };
    case 'target-fpr':
      // With normals only, "FPR <= f" is exactly the (1 - f) quantile of the normal scores.
      return { ...base, value: policy.value, threshold: abnormal > 0 ? thresholdAtFpr(scores, labels, policy.value).threshold : normalQuantileThreshold(normals, 1 - policy.value).threshold };
    case 'max-f1':
    case 'youden':
      if (abnormal === 0) {
        throw new Error(`threshold policy '${policy.policy}' needs anomalous images in the validation split, which has only normals; use 'normal-quantile' or 'target-fpr'`);
      }
      return { ...base, threshold: (policy.policy === 'max-f1' ? maxF1Threshold(scores, labels) : youdenThreshold(scores, labels)).threshold };
  }
}

const THRESHOLD_KEYS = ['f1', 'precision', 'recall', 'specificity', 'accuracy', 'balancedAccuracy'] as const;

function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Stratified bootstrap of the metrics at a fixed threshold (positives resampled among positives, etc.). */
function bootstrapAtThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, samples: number, seed: number): Record<string, [number, number]> {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? pos : neg).push(scores[i] >= threshold ? 1 : 0);
  const rng = new Rng(seed);
  const values: Record<string, Float64Array> = Object.fromEntries(THRESHOLD_KEYS.map((k) => [k, new Float64Array(samples)]));
  for (let r = 0; r < samples; r++) {
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < pos.length; k++) tp += pos[rng.nextInt(pos.length)];
    for (let k = 0; k < neg.length; k++) fp += neg[rng.nextInt(neg.length)];
    const fn = pos.length - tp;
    const tn = neg.length - fp;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp / pos.length;
    const specificity = tn / neg.length;
    values.f1[r] = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    values.precision[r] = precision;
    values.recall[r] = recall;
    values.specificity[r] = specificity;
    values.accuracy[r] = (tp + tn) / (pos.length + neg.length);
    values.balancedAccuracy[r] = (recall + specificity) / 2;
  }
  return Object.fromEntries(Object.entries(values).map(([k, v]) => { v.sort(); return [k, [quantile(v, 0.025), quantile(v, 0.975)]]; }));
}

export interface ImageMetricsResult {
  metrics: Record<string, MetricEntry>;
  notes: string[];
}

/** Image-level metrics on the test split at `threshold`; with a single class present only what is defined. */
export function imageMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, bootstrap: { samples: number; seed: number }): ImageMetricsResult {
  const notes: string[] = [];
  const metrics: Record<string, MetricEntry> = {};
  const pos = Array.from(labels).filter((l) => l === 1).length;
  const both = pos > 0 && pos < labels.length;
  if (both) {
    metrics.auroc = { value: auroc(scores, labels) };
    metrics.ap = { value: averagePrecision(scores, labels) };
    if (bootstrap.samples > 0) {
      for (const m of ['auroc', 'ap'] as const) {
        try {
          const ci = bootstrapCI(scores, labels, m, { resamples: bootstrap.samples, seed: bootstrap.seed });
          metrics[m].ci = [ci.lower, ci.upper];
        } catch (err) {
          if (!(err instanceof MetricError)) throw err;
          notes.push(`no CI for ${m}: ${err.message}`);
        }
      }
    }
  } else {
    notes.push('the test split holds a single class: AUROC and AP are undefined');
  }
  const at = metricsAt(scores, labels, threshold);
  for (const k of THRESHOLD_KEYS) metrics[k] = { value: at[k] };
  if (both && bootstrap.samples > 0) {
    const cis = bootstrapAtThreshold(scores, labels, threshold, bootstrap.samples, bootstrap.seed);
    for (const k of THRESHOLD_KEYS) metrics[k].ci = cis[k];
  }
  return { metrics, notes };
}
