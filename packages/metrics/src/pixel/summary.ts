import { apFromCounts, aurocFromCounts } from '../curves.js';
import { MetricError } from '../errors.js';
import type { RankCounts } from '../ranking.js';
import { requireBothClasses } from '../validate.js';
import { auproFromCounts } from './pro.js';

/** Ranking counts over pixels plus the per-region-overlap mass (see {@link auproFromCounts}). */
export interface PixelCounts extends RankCounts {
  proSum: Float64Array;
  regions: number;
}

export interface PixelRankingMetrics {
  auroc: number;
  /** Step-wise AP over pixels, as `average_precision_score` on all pixels of the dataset. */
  ap: number;
  /** Mean per-region overlap integrated to maxFpr, normalised (1 = perfect). */
  aupro: number;
  /** Best dataset-level Dice over all candidate thresholds (every distinct score, or bin edge). */
  bestDice: { dice: number; threshold: number };
  /** |reported − exact| ≤ these bounds (0 in exact mode); see README. */
  aurocErrorBound: number;
  apErrorBound: number;
}

/**
 * Rigorous data-dependent binning error bounds. Binning only reorders pixels *inside* a bin.
 * AUROC: each bin's positive×negative pairs count ½ instead of 0 or 1, so the error is at most
 * Σ_b p_b·n_b / (2·P·N). AP: every positive of bin b gets a precision between
 * (T+1)/(A+n_b+1) and (T+p_b)/(A+p_b) whatever the order within the bin (T, A = positives and
 * all pixels in higher bins), and so does the binned value; the error is at most
 * Σ_b p_b/P · (hi_b − lo_b).
 */
export function binningErrorBounds(c: RankCounts): { auroc: number; ap: number } {
  let aurocPairs = 0;
  let ap = 0;
  let t = 0;
  let a = 0;
  for (let i = 0; i < c.tps.length; i++) {
    const p = c.tps[i] - t;
    const n = c.fps[i] - (a - t);
    aurocPairs += p * n;
    if (p > 0) ap += (p / c.pos) * ((t + p) / (a + p) - (t + 1) / (a + n + 1));
    t = c.tps[i];
    a = c.tps[i] + c.fps[i];
  }
  return { auroc: aurocPairs / (2 * c.pos * c.neg), ap };
}

export function summarise(c: PixelCounts, maxFpr: number, binned: boolean): PixelRankingMetrics {
  requireBothClasses(c.pos, c.neg, 'pixel-level AUROC/AP');
  if (!(maxFpr > 0 && maxFpr <= 1)) throw new MetricError('INVALID_ARGUMENT', `maxFpr must lie in (0, 1], got ${maxFpr}`);
  let best = 0;
  let bestThreshold = Infinity;
  for (let i = 0; i < c.tps.length; i++) {
    const dice = (2 * c.tps[i]) / (c.tps[i] + c.fps[i] + c.pos);
    if (dice > best) {
      best = dice;
      bestThreshold = c.thresholds[i];
    }
  }
  const bounds = binned ? binningErrorBounds(c) : { auroc: 0, ap: 0 };
  return {
    auroc: aurocFromCounts(c),
    ap: apFromCounts(c),
    aupro: c.regions === 0 ? NaN : auproFromCounts(c.fps, c.proSum, c.neg, c.regions, maxFpr),
    bestDice: { dice: best, threshold: bestThreshold },
    aurocErrorBound: bounds.auroc,
    apErrorBound: bounds.ap,
  };
}
