// Gaussian density of embeddings with Ledoit-Wolf shrinkage (as sklearn.covariance.LedoitWolf, assume_centered=False):
//   S = X_c^T X_c / n,  mu = tr(S) / p,  shrunk = (1 - s) S + s mu I
// with s from Ledoit & Wolf (2004), clipped to [0, 1]. All sums in float64.

export interface Gaussian {
  dim: number;
  mean: Float64Array;
  /** Shrunk covariance, dim x dim row-major. */
  covariance: Float64Array;
  shrinkage: number;
}

/** `x`: n rows of `dim` values (row-major). */
export function ledoitWolf(x: ArrayLike<number>, n: number, dim: number): Gaussian {
  if (n < 1 || x.length !== n * dim) throw new Error(`ledoitWolf: ${x.length} values is not ${n} rows of ${dim}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j] / n;
  const xc = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) xc[i * dim + j] = x[i * dim + j] - mean[j];
  const s = new Float64Array(dim * dim);
  // beta_ = sum((X^2)^T X^2), needed for the shrinkage intensity.
  let beta = 0;
  for (let a = 0; a < dim; a++)
    for (let b = a; b < dim; b++) {
      let acc = 0;
      let acc2 = 0;
      for (let i = 0; i < n; i++) {
        const u = xc[i * dim + a];
        const v = xc[i * dim + b];
        acc += u * v;
        acc2 += u * u * v * v;
      }
      s[a * dim + b] = s[b * dim + a] = acc / n;
      beta += a === b ? acc2 : 2 * acc2;
    }
  let trace = 0;
  for (let j = 0; j < dim; j++) trace += s[j * dim + j];
  const mu = trace / dim;
  // delta_ = ||S||_F^2 (sklearn: sum((X^T X)^2) / n^2).
  let frob = 0;
  for (const v of s) frob += v * v;
  let b2 = (beta / n - frob) / (dim * n);
  const delta = (frob - 2 * mu * trace + dim * mu * mu) / dim;
  b2 = Math.min(b2, delta);
  const shrinkage = b2 === 0 || delta === 0 ? 0 : b2 / delta;
  const covariance = new Float64Array(dim * dim);
  for (let i = 0; i < dim * dim; i++) covariance[i] = (1 - shrinkage) * s[i];
  for (let j = 0; j < dim; j++) covariance[j * dim + j] += shrinkage * mu;
  return { dim, mean, covariance, shrinkage };
}

/** Inverse of a symmetric positive-definite matrix by Gauss-Jordan with partial pivoting; throws when singular. */
export function invert(a: Float64Array, dim: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) inv[i * dim + i] = 1;
  for (let c = 0; c < dim; c++) {
    let piv = c;
    for (let r = c + 1; r < dim; r++) if (Math.abs(m[r * dim + c]) > Math.abs(m[piv * dim + c])) piv = r;
    const p = m[piv * dim + c];
    if (!(Math.abs(p) > 1e-300)) throw new Error('invert: the covariance is singular (all embeddings identical?)');
    if (piv !== c)
      for (let k = 0; k < dim; k++) {
        [m[c * dim + k], m[piv * dim + k]] = [m[piv * dim + k], m[c * dim + k]];
        [inv[c * dim + k], inv[piv * dim + k]] = [inv[piv * dim + k], inv[c * dim + k]];
      }
    for (let k = 0; k < dim; k++) {
      m[c * dim + k] /= p;
      inv[c * dim + k] /= p;
    }
    for (let r = 0; r < dim; r++) {
      if (r === c) continue;
      const f = m[r * dim + c];
      if (f === 0) continue;
      for (let k = 0; k < dim; k++) {
        m[r * dim + k] -= f * m[c * dim + k];
        inv[r * dim + k] -= f * inv[c * dim + k];
      }
    }
  }
  return inv;
}
