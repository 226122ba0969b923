// L2-penalised logistic regression (scikit-learn's LogisticRegression objective: 0.5·|w|² + C·Σ log-loss, intercept
// not penalised), solved by Newton's method (IRLS) on standardised columns, and stratified k-fold cross-validation.
// Small by design: a few dozen descriptors and a few thousand images, so a dense p×p solve per step is cheap.
import { auroc } from '@medad/metrics';
import { mulberry32 } from '../random.js';

export interface LogisticModel {
  /** Coefficients on the standardised columns. */
  coef: number[];
  intercept: number;
  /** Column means and standard deviations used to standardise (from the training rows only). */
  mean: number[];
  scale: number[];
  iterations: number;
}

export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn's C (default 1). */
  C?: number;
  maxIter?: number;
  /** Stop when the largest Newton step is below this (default 1e-10). */
  tol?: number;
}

/** Mean and population std per column (std 0 → 1, so a constant column standardises to 0), ignoring NaN. */
export function columnStats(rows: readonly number[][]): { mean: number[]; scale: number[] } {
  const p = rows[0]?.length ?? 0;
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(1);
  for (let j = 0; j < p; j++) {
    let s = 0;
    let n = 0;
    for (const r of rows)
      if (Number.isFinite(r[j])) {
        s += r[j];
        n++;
      }
    const m = n ? s / n : 0;
    let ss = 0;
    for (const r of rows) if (Number.isFinite(r[j])) ss += (r[j] - m) ** 2;
    const sd = n ? Math.sqrt(ss / n) : 0;
    mean[j] = m;
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

/** Standardises a row; a missing value (NaN) becomes the training mean, i.e. 0. */
function standardise(row: readonly number[], mean: number[], scale: number[]): number[] {
  return row.map((v, j) => (Number.isFinite(v) ? (v - mean[j]) / scale[j] : 0));
}

/** Solves A x = b for symmetric positive definite A (Cholesky); A is (p×p) row-major. */
function solveSpd(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      if (i === j) L[i * p + i] = Math.sqrt(Math.max(s, 1e-300));
      else L[i * p + j] = s / L[j * p + j];
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * y[k];
    y[i] = s / L[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return x;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Fits the model on rows x (raw descriptor values; NaN = missing) and labels y (0/1). */
export function fitLogistic(x: readonly number[][], y: readonly number[], opts: LogisticOptions = {}): LogisticModel {
  const C = opts.C ?? 1;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-10;
  const { mean, scale } = columnStats(x);
  const z = x.map((r) => standardise(r, mean, scale));
  const p = mean.length + 1; // last entry: intercept
  const w = new Float64Array(p);
  let it = 0;
  for (; it < maxIter; it++) {
    // Gradient and Hessian of 0.5·|w|² + C·Σ loss; the intercept (index p-1) is not penalised.
    const g = new Float64Array(p);
    const H = new Float64Array(p * p);
    for (let j = 0; j < p - 1; j++) {
      g[j] = w[j];
      H[j * p + j] = 1;
    }
    for (let i = 0; i < z.length; i++) {
      const r = z[i];
      let eta = w[p - 1];
      for (let j = 0; j < p - 1; j++) eta += w[j] * r[j];
      const mu = sigmoid(eta);
      const d = C * (mu - y[i]);
      const h = C * mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        const rj = j < p - 1 ? r[j] : 1;
        g[j] += d * rj;
        for (let k = 0; k <= j; k++) H[j * p + k] += h * rj * (k < p - 1 ? r[k] : 1);
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[k * p + j] = H[j * p + k];
    // Tiny ridge on the intercept keeps the system definite when every prediction saturates.
    H[p * p - 1] += 1e-12;
    const step = solveSpd(H, g, p);
    let big = 0;
    for (let j = 0; j < p; j++) {
      w[j] -= step[j];
      big = Math.max(big, Math.abs(step[j]));
    }
    if (big < tol) {
      it++;
      break;
    }
  }
  return { coef: Array.from(w.subarray(0, p - 1)), intercept: w[p - 1], mean, scale, iterations: it };
}

/** Probability of class 1 for each row. */
export function predictLogistic(model: LogisticModel, x: readonly number[][]): number[] {
  return x.map((row) => {
    const r = standardise(row, model.mean, model.scale);
    let eta = model.intercept;
    for (let j = 0; j < r.length; j++) eta += model.coef[j] * r[j];
    return sigmoid(eta);
  });
}

/**
 * Stratified k-fold assignment: each class is shuffled (seeded) and dealt round-robin to the folds, so every fold
 * gets ⌊n_c/k⌋ or ⌈n_c/k⌉ of class c. Returns the fold index of each row.
 */
export function stratifiedFolds(y: readonly number[], k: number, seed: number): number[] {
  const fold = new Array<number>(y.length).fill(0);
  const rand = mulberry32(seed);
  let offset = 0;
  for (const cls of [0, 1]) {
    const idx = y.flatMap((v, i) => (v === cls ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    // Continue dealing where the previous class stopped, so fold sizes stay balanced overall.
    idx.forEach((row, n) => (fold[row] = (n + offset) % k));
    offset = (offset + idx.length) % k;
  }
  return fold;
}

export interface CrossValidation {
  k: number;
  /** AUROC of each fold's held-out rows (NaN where a fold lacks a class). */
  foldAuroc: number[];
  /** Mean of the fold AUROCs (scikit-learn's cross_val_score convention). */
  meanAuroc: number;
  /** AUROC of all out-of-fold predictions pooled. */
  pooledAuroc: number;
  /** Out-of-fold probability of each row. */
  oof: number[];
  /** Coefficients per fold (on that fold's standardised columns). */
  models: LogisticModel[];
}

/** Cross-validated AUROC of the logistic model with the given fold assignment. */
export function crossValidateLogistic(
  x: readonly number[][],
  y: readonly number[],
  folds: readonly number[],
  opts: LogisticOptions = {},
): CrossValidation {
  const k = Math.max(...folds) + 1;
  const oof = new Array<number>(y.length).fill(NaN);
  const foldAuroc: number[] = [];
  const models: LogisticModel[] = [];
  for (let f = 0; f < k; f++) {
    const tr = folds.flatMap((v, i) => (v !== f ? [i] : []));
    const te = folds.flatMap((v, i) => (v === f ? [i] : []));
    const model = fitLogistic(
      tr.map((i) => x[i]),
      tr.map((i) => y[i]),
      opts,
    );
    models.push(model);
    const pred = predictLogistic(
      model,
      te.map((i) => x[i]),
    );
    te.forEach((i, n) => (oof[i] = pred[n]));
    const yt = te.map((i) => y[i]);
    foldAuroc.push(yt.includes(0) && yt.includes(1) ? auroc(pred, yt) : NaN);
  }
  const valid = foldAuroc.filter(Number.isFinite);
  return {
    k,
    foldAuroc,
    meanAuroc: valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length),
    pooledAuroc: auroc(oof, y),
    oof,
    models,
  };
}
