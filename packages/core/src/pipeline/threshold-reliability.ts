// How much a quantile threshold chosen on validation normals can be trusted. The rule (documented in
// docs/thresholds.md): the `q` quantile of n normal scores is estimated only when n·(1−q) ≥ 1, i.e. n ≥ 1/(1−q);
// below that the threshold is simply "just above the largest validation normal" (normalQuantileThreshold) and
// one outlier decides it. Its uncertainty is the distribution-free order-statistic interval: with B ~ Binomial(n, q)
// the number of normals below the true quantile, [X_(l), X_(u)] covers it with probability P(l ≤ B < u).

export interface ThresholdReliability {
  /** Validation normals the threshold was chosen on. */
  n: number;
  /** The quantile asked for (1 − target FPR). */
  quantile: number;
  /** Normals needed for the quantile to be estimated at all: ⌈1/(1−q)⌉ (minus float noise). */
  minNormals: number;
  /** Normals needed for a 95% interval bounded above (q^n ≤ 0.025). */
  boundedNormals: number;
  /** n < minNormals: the threshold is just above the largest validation normal. */
  tooFew: boolean;
  /** 95% distribution-free interval for the true quantile; null ends are unbounded (beyond the data). */
  ci: [number | null, number | null];
  /** 1-based order statistics of the interval's ends (0 or n+1 when unbounded). */
  ranks: [number, number];
  /** Achieved coverage of the interval (≥ 0.95 unless an end is unbounded). */
  coverage: number;
  /** One line for the CLI, the report, the run panel and diagnostics; undefined when the threshold is sound. */
  warning?: string;
}

/** log C(n, k) by summing logs (n is a validation set: thousands at most). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(B = k) for B ~ Binomial(n, p), 0 ≤ p ≤ 1. */
function binomPmf(n: number, k: number, p: number): number {
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** Order-statistic ranks [l, u] (1-based; 0 / n+1 = unbounded) of a two-sided interval for the q quantile. */
export function quantileCiRanks(n: number, q: number, confidence = 0.95): { ranks: [number, number]; coverage: number } {
  const tail = (1 - confidence) / 2;
  const pmf = Array.from({ length: n + 1 }, (_, k) => binomPmf(n, k, q));
  // l: the largest rank with P(B < l) ≤ tail; u: the smallest with P(B ≥ u) ≤ tail
  let l = 0;
  let below = 0;
  for (let k = 0; k <= n; k++) {
    if (below + pmf[k] > tail) break;
    below += pmf[k];
    l = k + 1;
  }
  let u = n + 1;
  let above = 0;
  for (let k = n; k >= 0; k--) {
    if (above + pmf[k] > tail) break;
    above += pmf[k];
    u = k;
  }
  // l == 0 / u == n + 1 mean the interval runs past the data on that side
  // X_(l) ≤ ξ < X_(u) exactly when l ≤ B ≤ u − 1
  let coverage = 0;
  for (let k = l; k < u && k <= n; k++) coverage += pmf[k];
  return { ranks: [l, u], coverage: Math.min(1, coverage) };
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(3) : Number(v.toPrecision(4)).toString());

/** The reliability of the `quantile` threshold chosen on these validation-normal scores. */
export function thresholdReliability(normalScores: ArrayLike<number>, quantile: number): ThresholdReliability {
  const n = normalScores.length;
  const sorted = Float64Array.from(normalScores).sort();
  // 1e-9: 1/(1−0.95) is 19.999999999999996 in floating point
  const minNormals = Math.ceil(1 / (1 - quantile) - 1e-9);
  const boundedNormals = Math.ceil(Math.log(0.025) / Math.log(quantile) - 1e-9);
  const tooFew = n < minNormals;
  const { ranks, coverage } = quantileCiRanks(n, quantile);
  const ci: [number | null, number | null] = [ranks[0] >= 1 ? sorted[ranks[0] - 1] : null, ranks[1] <= n ? sorted[ranks[1] - 1] : null];
  const span = `95% interval for the true ${quantile} quantile: [${ci[0] === null ? '−∞' : fmt(ci[0])}, ${ci[1] === null ? `above the largest validation normal (${n ? fmt(sorted[n - 1]) : '—'})` : fmt(ci[1])}]`;
  let warning: string | undefined;
  if (tooFew) {
    warning = `only ${n} validation normal${n === 1 ? '' : 's'} for the ${quantile} quantile (needs ≥ ${minNormals}): the threshold is just above the largest validation normal, so one outlier sets it; ${span}. Add validation normals (≥ ${boundedNormals} for a bounded interval) or lower the quantile`;
  } else if (ci[1] === null) {
    warning = `${n} validation normals estimate the ${quantile} quantile loosely (≥ ${boundedNormals} for a bounded interval); ${span}`;
  }
  return { n, quantile, minNormals, boundedNormals, tooFew, ci, ranks, coverage, ...(warning ? { warning } : {}) };
}
