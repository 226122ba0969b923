import { MetricError } from './errors.js';
import { rankCounts, type RankCounts } from './ranking.js';
import { checkLabels, checkProbability, checkScores, requireBothClasses, type Labels, type Scores } from './validate.js';

/**
 * A chosen decision threshold. Everywhere in this package a case is flagged anomalous when
 * `score >= threshold`; `+Infinity` means "flag nothing".
 */
export interface ThresholdChoice {
  threshold: number;
  /** Rates on the data the threshold was chosen from. */
  tpr: number;
  fpr: number;
  precision: number;
  f1: number;
}

function choice(c: RankCounts, i: number): ThresholdChoice {
  if (i < 0) return { threshold: Infinity, tpr: 0, fpr: 0, precision: 0, f1: 0 };
  const tp = c.tps[i];
  const fp = c.fps[i];
  return {
    threshold: c.thresholds[i],
    tpr: tp / c.pos,
    fpr: fp / c.neg,
    precision: tp / (tp + fp),
    f1: (2 * tp) / (tp + fp + c.pos),
  };
}

function labelled(scores: Scores, labels: Labels, what: string): RankCounts {
  const c = rankCounts(scores, labels);
  if (c.pos === 0) {
    throw new MetricError(
      'SINGLE_CLASS',
      `${what} needs anomalies in the validation set; with normal-only scores use normalQuantileThreshold`,
    );
  }
  requireBothClasses(c.pos, c.neg, what);
  return c;
}

/** Index maximising `score(i)`; ties go to the highest threshold (fewest flagged cases). */
function argmax(c: RankCounts, score: (i: number) => number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < c.tps.length; i++) {
    const v = score(i);
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Threshold maximising F1 on labelled validation scores. Throws SINGLE_CLASS without both classes. */
export function maxF1Threshold(scores: Scores, labels: Labels): ThresholdChoice {
  const c = labelled(scores, labels, 'maxF1Threshold');
  return choice(c, argmax(c, (i) => (2 * c.tps[i]) / (c.tps[i] + c.fps[i] + c.pos)));
}

/** Threshold maximising Youden's J = TPR − FPR. Throws SINGLE_CLASS without both classes. */
export function youdenThreshold(scores: Scores, labels: Labels): ThresholdChoice & { j: number } {
  const c = labelled(scores, labels, 'youdenThreshold');
  const t = choice(c, argmax(c, (i) => c.tps[i] / c.pos - c.fps[i] / c.neg));
  return { ...t, j: t.tpr - t.fpr };
}

/** Largest count ≤ rate·n, robust to rate·n landing a hair below an integer (0.1·10 = 0.99…). */
function allowedCount(rate: number, n: number): number {
  return Math.floor(rate * n * (1 + 1e-12) + 1e-9);
}

/**
 * Lowest threshold (highest TPR) whose validation FPR is ≤ `maxFpr`. If even the top score
 * exceeds it, returns `+Infinity` (flag nothing). Throws SINGLE_CLASS without both classes.
 */
export function thresholdAtFpr(scores: Scores, labels: Labels, maxFpr: number): ThresholdChoice {
  checkProbability(maxFpr, 'maxFpr');
  const c = labelled(scores, labels, 'thresholdAtFpr');
  const limit = allowedCount(maxFpr, c.neg);
  let best = -1;
  for (let i = 0; i < c.fps.length && c.fps[i] <= limit; i++) best = i;
  return choice(c, best);
}

/** {@link thresholdAtFpr} with `maxFpr = 1 − minSpecificity`. */
export function thresholdAtSpecificity(scores: Scores, labels: Labels, minSpecificity: number): ThresholdChoice {
  checkProbability(minSpecificity, 'minSpecificity');
  return thresholdAtFpr(scores, labels, 1 - minSpecificity);
}

/** Unsupervised threshold from normal-only validation scores. */
export interface QuantileThreshold {
  threshold: number;
  quantile: number;
  /** The target false-positive rate, 1 − quantile. */
  expectedFpr: number;
  /** Fraction of the validation normals at or above the threshold (≤ expectedFpr). */
  validationFpr: number;
  n: number;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** Smallest double greater than a finite `x`. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

/**
 * Threshold from **normal-only** validation scores: the smallest normal score value such that at
 * most ⌊(1 − quantile)·n⌋ validation normals are `>=` it, so the validation FPR never exceeds the
 * target and the expected FPR on new normals is ≈ 1 − quantile (quantile 0.99 → 1 %). When no
 * score qualifies (small n or ties at the maximum) the threshold is just above the maximum normal
 * score: nothing in validation is flagged, the opposite of tools that "flag everything" when the
 * validation set has no anomalies. Needs no labels; throws EMPTY_INPUT on an empty set.
 */
export function normalQuantileThreshold(normalScores: Scores, quantile = 0.99): QuantileThreshold {
  checkProbability(quantile, 'quantile');
  checkScores(normalScores, 'normalScores');
  const n = normalScores.length;
  const sorted = Float64Array.from(normalScores).sort();
  const allowed = allowedCount(1 - quantile, n);
  // Walk down distinct values from the top while the count at-or-above stays within `allowed`.
  let threshold = nextUp(sorted[n - 1]);
  let flagged = 0;
  let i = n - 1;
  while (i >= 0) {
    const v = sorted[i];
    let j = i;
    while (j >= 0 && sorted[j] === v) j--;
    const count = n - 1 - j;
    if (count > allowed) break;
    threshold = v;
    flagged = count;
    i = j;
  }
  return { threshold, quantile, expectedFpr: 1 - quantile, validationFpr: flagged / n, n };
}

/** Result of {@link adaptiveThreshold}: which rule was used. */
export type AdaptiveThreshold =
  | ({ method: 'max-f1' } & ThresholdChoice)
  | ({ method: 'normal-quantile' } & QuantileThreshold);

/**
 * Max-F1 when the validation set holds both classes; when it holds only normals, falls back to
 * {@link normalQuantileThreshold} instead of a degenerate threshold that flags everything.
 * Throws SINGLE_CLASS for anomalies-only validation sets.
 */
export function adaptiveThreshold(scores: Scores, labels: Labels, quantile = 0.99): AdaptiveThreshold {
  if (scores.length === labels.length && checkLabels(labels) === 0) {
    return { method: 'normal-quantile', ...normalQuantileThreshold(scores, quantile) };
  }
  return { method: 'max-f1', ...maxF1Threshold(scores, labels) };
}
