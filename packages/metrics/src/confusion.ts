import { MetricError } from './errors.js';
import { checkPair, type Labels, type Scores } from './validate.js';

/** Confusion counts at one threshold. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Threshold-dependent image-level metrics. */
export interface ThresholdMetrics extends Confusion {
  threshold: number;
  precision: number;
  /** Recall = sensitivity = true-positive rate. */
  recall: number;
  specificity: number;
  /** False-positive rate = 1 - specificity. */
  fpr: number;
  f1: number;
  accuracy: number;
  balancedAccuracy: number;
}

/**
 * What a ratio with a zero denominator evaluates to. Default 0, as scikit-learn's
 * `zero_division=0` (e.g. precision when nothing is predicted positive). Pass NaN to surface it.
 */
export interface ZeroDivision {
  zeroDivision?: number;
}

/** Counts at `threshold`; a case is predicted positive when `score >= threshold`. */
export function confusionAt(scores: Scores, labels: Labels, threshold: number): Confusion {
  checkPair(scores, labels);
  if (Number.isNaN(threshold)) throw new MetricError('INVALID_ARGUMENT', 'threshold is NaN');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

export function ratio(num: number, den: number, zeroDivision = 0): number {
  return den === 0 ? zeroDivision : num / den;
}

/** All threshold metrics derived from confusion counts. */
export function metricsFromConfusion(c: Confusion, threshold: number, opts: ZeroDivision = {}): ThresholdMetrics {
  const z = opts.zeroDivision ?? 0;
  const precision = ratio(c.tp, c.tp + c.fp, z);
  const recall = ratio(c.tp, c.tp + c.fn, z);
  const specificity = ratio(c.tn, c.tn + c.fp, z);
  // F1 from counts (2TP / (2TP+FP+FN)) equals the harmonic mean but avoids 0/0 when TP = 0 and P > 0.
  const f1 = ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn, z);
  return {
    ...c,
    threshold,
    precision,
    recall,
    specificity,
    fpr: ratio(c.fp, c.fp + c.tn, z),
    f1,
    accuracy: (c.tp + c.tn) / (c.tp + c.tn + c.fp + c.fn),
    balancedAccuracy: (recall + specificity) / 2,
  };
}

/** Precision, recall, specificity, F1, accuracy, balanced accuracy at `score >= threshold`. */
export function metricsAt(scores: Scores, labels: Labels, threshold: number, opts: ZeroDivision = {}): ThresholdMetrics {
  return metricsFromConfusion(confusionAt(scores, labels, threshold), threshold, opts);
}
