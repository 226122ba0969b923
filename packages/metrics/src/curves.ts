import { MetricError } from './errors.js';
import { rankCounts, type RankCounts } from './ranking.js';
import { requireBothClasses, type Labels, type Scores } from './validate.js';

/** ROC curve; points are ordered by decreasing threshold (increasing FPR). */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /**
   * `thresholds[0]` is `+Infinity` (the "predict nothing" point, as scikit-learn >= 1.3;
   * older versions used `max + 1`); then each distinct score, decreasing.
   */
  thresholds: Float64Array;
}

/** Precision-recall curve, ordered as scikit-learn: increasing threshold, decreasing recall. */
export interface PrCurve {
  /** One longer than `thresholds`: ends with precision 1 at recall 0 (scikit-learn's convention). */
  precision: Float64Array;
  /** One longer than `thresholds`: ends with 0. */
  recall: Float64Array;
  /** Distinct scores, increasing. */
  thresholds: Float64Array;
}

export interface RocOptions {
  /**
   * Drop collinear points as scikit-learn's `drop_intermediate=True` (its default). Default here
   * is `false`: every distinct score is a point, as `roc_curve(..., drop_intermediate=False)`.
   * AUROC is the same either way.
   */
  dropIntermediate?: boolean;
}

function keepCorners(c: RankCounts): number[] {
  const n = c.tps.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || i === n - 1) keep.push(i);
    else {
      const d2f = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1];
      const d2t = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
  }
  return keep;
}

/** ROC curve from precomputed counts. Throws SINGLE_CLASS unless both classes are present. */
export function rocFromCounts(c: RankCounts, opts: RocOptions = {}): RocCurve {
  requireBothClasses(c.pos, c.neg, 'ROC curve');
  const idx = opts.dropIntermediate && c.tps.length > 2 ? keepCorners(c) : [...c.tps.keys()];
  const m = idx.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thresholds = new Float64Array(m);
  thresholds[0] = Infinity;
  idx.forEach((i, k) => {
    fpr[k + 1] = c.fps[i] / c.neg;
    tpr[k + 1] = c.tps[i] / c.pos;
    thresholds[k + 1] = c.thresholds[i];
  });
  return { fpr, tpr, thresholds };
}

/**
 * ROC curve as scikit-learn's `roc_curve`. A case is positive when `score >= threshold`.
 * Throws MetricError SINGLE_CLASS when only one class is present (scikit-learn returns NaN rates).
 */
export function rocCurve(scores: Scores, labels: Labels, opts: RocOptions = {}): RocCurve {
  return rocFromCounts(rankCounts(scores, labels), opts);
}

/** Trapezoidal area under the ROC curve from counts, in integer arithmetic until the last divide. */
export function aurocFromCounts(c: RankCounts): number {
  requireBothClasses(c.pos, c.neg, 'AUROC');
  let area = 0;
  let pt = 0;
  let pf = 0;
  for (let i = 0; i < c.tps.length; i++) {
    area += (c.fps[i] - pf) * (c.tps[i] + pt);
    pt = c.tps[i];
    pf = c.fps[i];
  }
  return area / (2 * c.pos * c.neg);
}

/**
 * Area under the ROC curve, equal to scikit-learn's `roc_auc_score` and to the Mann-Whitney U
 * statistic / (P·N): tied positive/negative pairs count 1/2, so constant scores give exactly 0.5.
 * Throws MetricError SINGLE_CLASS when only one class is present (AUROC is undefined).
 */
export function auroc(scores: Scores, labels: Labels): number {
  return aurocFromCounts(rankCounts(scores, labels));
}

function requirePositives(c: RankCounts, metric: string): void {
  if (c.pos === 0) throw new MetricError('SINGLE_CLASS', `${metric} is undefined without positives`);
}

/** PR curve from counts. Needs at least one positive; with no negatives precision is 1 throughout. */
export function prFromCounts(c: RankCounts): PrCurve {
  requirePositives(c, 'PR curve');
  const k = c.tps.length;
  const precision = new Float64Array(k + 1);
  const recall = new Float64Array(k + 1);
  const thresholds = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const r = k - 1 - i; // reversed: increasing threshold
    const predicted = c.tps[r] + c.fps[r];
    precision[i] = predicted === 0 ? 0 : c.tps[r] / predicted;
    recall[i] = c.tps[r] / c.pos;
    thresholds[i] = c.thresholds[r];
  }
  precision[k] = 1;
  recall[k] = 0;
  return { precision, recall, thresholds };
}

/**
 * Precision-recall curve as scikit-learn's `precision_recall_curve` (no points dropped).
 * Throws MetricError SINGLE_CLASS when there are no positives.
 */
export function prCurve(scores: Scores, labels: Labels): PrCurve {
  return prFromCounts(rankCounts(scores, labels));
}

/** Step-wise average precision from counts (see {@link averagePrecision}). */
export function apFromCounts(c: RankCounts): number {
  requirePositives(c, 'Average precision');
  let ap = 0;
  let pt = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const dt = c.tps[i] - pt;
    if (dt > 0) ap += dt * (c.tps[i] / (c.tps[i] + c.fps[i]));
    pt = c.tps[i];
  }
  return ap / c.pos;
}

/**
 * **Average precision (AP)**, exactly scikit-learn's `average_precision_score`:
 * `AP = Σ_k (R_k − R_{k−1}) · P_k` over distinct thresholds — a step-wise sum with **no
 * interpolation**, tie-aware (tied cases enter together). This is the "AP" most anomaly-detection
 * tables report. Lower bound ≈ prevalence for random scores; 1 for a perfect ranking.
 * Throws MetricError SINGLE_CLASS without positives; with no negatives it is 1.
 */
export function averagePrecision(scores: Scores, labels: Labels): number {
  return apFromCounts(rankCounts(scores, labels));
}

/** Trapezoidal AUPRC from counts (see {@link auprcTrapezoid}). */
export function auprcTrapezoidFromCounts(c: RankCounts): number {
  const { precision, recall } = prFromCounts(c);
  let area = 0;
  for (let i = precision.length - 1; i > 0; i--) {
    area += (recall[i - 1] - recall[i]) * (precision[i - 1] + precision[i]);
  }
  return area / 2;
}

/**
 * **Trapezoidal AUPRC**: `sklearn.metrics.auc(recall, precision)` on the PR curve, including its
 * (recall 0, precision 1) end point. Linear interpolation between PR points is optimistic, so it
 * is usually ≥ {@link averagePrecision}; tables labelled "AUPRC" often mean this one, "AP" the
 * step-wise one — report which.
 */
export function auprcTrapezoid(scores: Scores, labels: Labels): number {
  return auprcTrapezoidFromCounts(rankCounts(scores, labels));
}
