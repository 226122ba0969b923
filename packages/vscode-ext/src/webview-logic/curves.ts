// ROC and precision-recall points for drawing the run panel's curves (from the run's per-image scores).
// One point per distinct score, thresholds descending, like scikit-learn's roc_curve(drop_intermediate=False)
// and precision_recall_curve.

export interface CurvePoints {
  /** Threshold of each point (the first ROC point, at +Infinity, predicts nothing positive). */
  thresholds: number[];
  x: number[];
  y: number[];
}

interface Counts {
  thresholds: number[];
  tp: number[];
  fp: number[];
  pos: number;
  neg: number;
}

function cumulative(scores: readonly number[], labels: readonly number[]): Counts {
  if (scores.length !== labels.length) throw new Error(`${scores.length} scores but ${labels.length} labels`);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const c: Counts = { thresholds: [], tp: [], fp: [], pos: 0, neg: 0 };
  let tp = 0;
  let fp = 0;
  order.forEach((i, k) => {
    if (labels[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      c.thresholds.push(scores[i]);
      c.tp.push(tp);
      c.fp.push(fp);
    }
  });
  c.pos = tp;
  c.neg = fp;
  return c;
}

/** x = false-positive rate, y = true-positive rate, starting at (0, 0). */
export function rocPoints(scores: readonly number[], labels: readonly number[]): CurvePoints {
  const c = cumulative(scores, labels);
  if (c.pos === 0 || c.neg === 0) throw new Error('ROC needs both normal (0) and anomalous (1) labels');
  return {
    thresholds: [Infinity, ...c.thresholds],
    x: [0, ...c.fp.map((f) => f / c.neg)],
    y: [0, ...c.tp.map((t) => t / c.pos)],
  };
}

/** x = recall, y = precision, by ascending threshold, ending at (0, 1), in scikit-learn 1.2's order. */
export function prPoints(scores: readonly number[], labels: readonly number[]): CurvePoints {
  const c = cumulative(scores, labels);
  if (c.pos === 0) throw new Error('a precision-recall curve needs anomalous (1) labels');
  const idx = c.thresholds.map((_, i) => i).reverse();
  return {
    thresholds: idx.map((i) => c.thresholds[i]),
    x: [...idx.map((i) => c.tp[i] / c.pos), 0],
    y: [...idx.map((i) => c.tp[i] / (c.tp[i] + c.fp[i])), 1],
  };
}

/** Area under a curve by the trapezoid rule, points taken in x order (AUROC from `rocPoints`). */
export function areaUnder(p: Pick<CurvePoints, 'x' | 'y'>): number {
  let a = 0;
  for (let i = 1; i < p.x.length; i++) a += ((p.x[i] - p.x[i - 1]) * (p.y[i] + p.y[i - 1])) / 2;
  return Math.abs(a);
}

/** Average precision as scikit-learn defines it (step-wise, no interpolation): sum of (R_n - R_n+1) * P_n over the
 * points of `prPoints`, whose recall falls from the lowest threshold to 0. */
export function averagePrecision(p: Pick<CurvePoints, 'x' | 'y'>): number {
  let a = 0;
  for (let i = 0; i + 1 < p.x.length; i++) a += (p.x[i] - p.x[i + 1]) * p.y[i];
  return a;
}

export interface OperatingPoint {
  threshold: number;
  tp: number;
  fp: number;
  /** True-positive rate (recall) and false-positive rate; NaN when the class is absent. */
  tpr: number;
  fpr: number;
  /** NaN when nothing reaches the threshold. */
  precision: number;
}

/** What a threshold does on the scores: images scoring at or above it are called anomalous (as core's metrics do). */
export function operatingPoint(scores: readonly number[], labels: readonly number[], threshold: number): OperatingPoint {
  if (scores.length !== labels.length) throw new Error(`${scores.length} scores but ${labels.length} labels`);
  let tp = 0;
  let fp = 0;
  let pos = 0;
  scores.forEach((s, i) => {
    if (labels[i] === 1) pos++;
    if (s >= threshold && labels[i] === 1) tp++;
    else if (s >= threshold) fp++;
  });
  const neg = scores.length - pos;
  return { threshold, tp, fp, tpr: pos ? tp / pos : Number.NaN, fpr: neg ? fp / neg : Number.NaN, precision: tp + fp ? tp / (tp + fp) : Number.NaN };
}
