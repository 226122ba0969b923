import { MetricError } from './errors.js';
import { twoSidedP } from './normal.js';
import { checkLabels, checkScores, type Labels, type Scores } from './validate.js';

export interface DeLongResult {
  auc1: number;
  auc2: number;
  var1: number;
  var2: number;
  /** Covariance of the two AUC estimates (they share cases). */
  covariance: number;
  /** (auc1 − auc2) / √Var(auc1 − auc2). */
  z: number;
  /** Two-sided p-value from the standard normal. */
  pValue: number;
}

/** Lower/upper bound in an ascending array: first index with a[i] >= v (or > v). */
function bound(a: Float64Array, v: number, strict: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? a[mid] <= v : a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** ψ-sums of each case against the other class: #other below + ½·#other equal, by binary search. */
function placements(own: Float64Array, otherSorted: Float64Array, out: Float64Array, below: boolean): void {
  for (let i = 0; i < own.length; i++) {
    const lo = bound(otherSorted, own[i], false);
    const hi = bound(otherSorted, own[i], true);
    const less = below ? lo : otherSorted.length - hi;
    out[i] = (less + 0.5 * (hi - lo)) / otherSorted.length;
  }
}

function covariance(a: Float64Array, b: Float64Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.length;
  mb /= b.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (a.length - 1);
}

interface Components {
  v10: Float64Array; // per positive: fraction of negatives it beats (ties ½)
  v01: Float64Array; // per negative: fraction of positives that beat it
  auc: number;
}

function components(scores: Scores, labels: Labels, m: number, n: number): Components {
  const pos = new Float64Array(m);
  const neg = new Float64Array(n);
  for (let i = 0, ip = 0, ineg = 0; i < scores.length; i++) {
    if (labels[i] === 1) pos[ip++] = scores[i];
    else neg[ineg++] = scores[i];
  }
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  placements(pos, Float64Array.from(neg).sort(), v10, true);
  placements(neg, Float64Array.from(pos).sort(), v01, false);
  let auc = 0;
  for (const v of v10) auc += v;
  return { v10, v01, auc: auc / m };
}

/**
 * DeLong's test for two correlated AUROCs on the same cases (DeLong et al. 1988), with the fast
 * O(n log n) placement/midrank computation of Sun & Xu (2014). Needs ≥ 2 positives and ≥ 2
 * negatives. When Var(auc1 − auc2) is 0 (e.g. identical score vectors) and the AUCs are equal,
 * returns z = 0 and p = 1; if the AUCs differ with zero variance, z = ±Infinity and p = 0.
 */
export function delongTest(scores1: Scores, scores2: Scores, labels: Labels): DeLongResult {
  if (scores1.length !== labels.length || scores2.length !== labels.length) {
    throw new MetricError(
      'LENGTH_MISMATCH',
      `scores1 (${scores1.length}), scores2 (${scores2.length}) and labels (${labels.length}) must have equal length`,
    );
  }
  checkScores(scores1, 'scores1');
  checkScores(scores2, 'scores2');
  const m = checkLabels(labels);
  const n = labels.length - m;
  if (m < 2 || n < 2) {
    throw new MetricError('SINGLE_CLASS', `DeLong's test needs >= 2 positives and >= 2 negatives (got ${m} and ${n})`);
  }
  const a = components(scores1, labels, m, n);
  const b = components(scores2, labels, m, n);
  const var1 = covariance(a.v10, a.v10) / m + covariance(a.v01, a.v01) / n;
  const var2 = covariance(b.v10, b.v10) / m + covariance(b.v01, b.v01) / n;
  const cov = covariance(a.v10, b.v10) / m + covariance(a.v01, b.v01) / n;
  const diff = a.auc - b.auc;
  const varDiff = Math.max(0, var1 + var2 - 2 * cov);
  let z: number;
  if (varDiff === 0) z = diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
  else z = diff / Math.sqrt(varDiff);
  return { auc1: a.auc, auc2: b.auc, var1, var2, covariance: cov, z, pValue: twoSidedP(z) };
}
