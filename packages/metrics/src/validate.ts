import { MetricError } from './errors.js';

/** Scores accepted by every image-level metric. */
export type Scores = ArrayLike<number>;
/** Binary ground truth: 1 = anomalous (positive), 0 = normal. */
export type Labels = ArrayLike<number>;

/** Throws unless every score is finite (NaN and ±Infinity would make ranks meaningless). */
export function checkScores(scores: Scores, what = 'scores'): void {
  if (scores.length === 0) throw new MetricError('EMPTY_INPUT', `${what} is empty`);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new MetricError('NON_FINITE', `${what}[${i}] is ${scores[i]}; scores must be finite`);
    }
  }
}

/** Throws unless every label is exactly 0 or 1. Returns the number of positives. */
export function checkLabels(labels: Labels, what = 'labels'): number {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 1) pos++;
    else if (v !== 0) throw new MetricError('INVALID_LABEL', `${what}[${i}] is ${v}; labels must be 0 or 1`);
  }
  return pos;
}

/** Validates a scores/labels pair and returns class counts. */
export function checkPair(scores: Scores, labels: Labels): { pos: number; neg: number } {
  if (scores.length !== labels.length) {
    throw new MetricError('LENGTH_MISMATCH', `scores has ${scores.length} entries but labels has ${labels.length}`);
  }
  checkScores(scores);
  const pos = checkLabels(labels);
  return { pos, neg: labels.length - pos };
}

/** Throws SINGLE_CLASS unless both classes are present (needed by AUROC and friends). */
export function requireBothClasses(pos: number, neg: number, metric: string): void {
  if (pos === 0 || neg === 0) {
    throw new MetricError(
      'SINGLE_CLASS',
      `${metric} is undefined with only one class (${pos} positives, ${neg} negatives)`,
    );
  }
}

export function checkProbability(value: number, name: string, openLow = false, openHigh = false): void {
  const lowOk = openLow ? value > 0 : value >= 0;
  const highOk = openHigh ? value < 1 : value <= 1;
  if (!Number.isFinite(value) || !lowOk || !highOk) {
    throw new MetricError('INVALID_ARGUMENT', `${name} must lie in ${openLow ? '(' : '['}0, 1${openHigh ? ')' : ']'}, got ${value}`);
  }
}
