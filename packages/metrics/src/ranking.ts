import { sortDescending } from './sort.js';
import { checkPair, type Labels, type Scores } from './validate.js';

/**
 * Cumulative counts at each distinct score, from the highest score down — the same arrays as
 * scikit-learn's private `_binary_clf_curve`: at `thresholds[i]`, predicting `score >= thresholds[i]`
 * positive yields `tps[i]` true and `fps[i]` false positives. Ties share one entry, which is what
 * makes every curve and area built on these counts exactly tie-aware.
 */
export interface RankCounts {
  /** Distinct scores, strictly decreasing. */
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
  /** Total positives / negatives (weighted totals when weights were given). */
  pos: number;
  neg: number;
}

/** Scores split by class, each sorted descending; the basis for all ranking metrics. */
export interface SplitSorted {
  pos: Float64Array;
  neg: Float64Array;
}

/** Validates and splits scores by label, each class sorted descending (native typed-array sort). */
export function splitSorted(scores: Scores, labels: Labels): SplitSorted {
  const { pos, neg } = checkPair(scores, labels);
  const p = new Float64Array(pos);
  const n = new Float64Array(neg);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) p[ip++] = scores[i];
    else n[ineg++] = scores[i];
  }
  return { pos: sortDescending(p), neg: sortDescending(n) };
}

/**
 * Merges two descending class arrays into {@link RankCounts}. Optional weights (one per element
 * of `s.pos` / `s.neg`, in their sorted order) serve the bootstrap, where they are resample
 * multiplicities; thresholds whose total weight is zero are skipped.
 */
export function countsFromSorted(s: SplitSorted, wPos?: Float64Array, wNeg?: Float64Array): RankCounts {
  if (!wPos && !wNeg) return unweightedCounts(s);
  const np = s.pos.length;
  const nn = s.neg.length;
  const cap = np + nn;
  const thresholds = new Float64Array(cap);
  const tps = new Float64Array(cap);
  const fps = new Float64Array(cap);
  let i = 0;
  let j = 0;
  let k = 0;
  let tp = 0;
  let fp = 0;
  while (i < np || j < nn) {
    // Next distinct score: the larger of the two heads.
    const v = j >= nn || (i < np && s.pos[i] >= s.neg[j]) ? s.pos[i] : s.neg[j];
    let added = 0;
    while (i < np && s.pos[i] === v) {
      const w = wPos ? wPos[i] : 1;
      tp += w;
      added += w;
      i++;
    }
    while (j < nn && s.neg[j] === v) {
      const w = wNeg ? wNeg[j] : 1;
      fp += w;
      added += w;
      j++;
    }
    if (added === 0) continue;
    thresholds[k] = v;
    tps[k] = tp;
    fps[k] = fp;
    k++;
  }
  return { thresholds: thresholds.slice(0, k), tps: tps.slice(0, k), fps: fps.slice(0, k), pos: tp, neg: fp };
}

/** The common unweighted case as a tight loop (10⁷ scores: no per-element weight lookups). */
function unweightedCounts(s: SplitSorted): RankCounts {
  const p = s.pos;
  const q = s.neg;
  const np = p.length;
  const nn = q.length;
  const thresholds = new Float64Array(np + nn);
  const tps = new Float64Array(np + nn);
  const fps = new Float64Array(np + nn);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < np || j < nn) {
    const v = j >= nn || (i < np && p[i] >= q[j]) ? p[i] : q[j];
    while (i < np && p[i] === v) i++;
    while (j < nn && q[j] === v) j++;
    thresholds[k] = v;
    tps[k] = i;
    fps[k] = j;
    k++;
  }
  // subarray, not slice: no second copy of up to n entries.
  return { thresholds: thresholds.subarray(0, k), tps: tps.subarray(0, k), fps: fps.subarray(0, k), pos: np, neg: nn };
}

/** Validated {@link RankCounts} for a scores/labels pair. */
export function rankCounts(scores: Scores, labels: Labels): RankCounts {
  return countsFromSorted(splitSorted(scores, labels));
}
