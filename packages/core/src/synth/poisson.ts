// Discrete Poisson equation with Dirichlet boundary on an arbitrary pixel mask, solved by Jacobi-preconditioned
// conjugate gradient. This is the engine of gradient-domain blending (PII, NSA): inside the mask the result's
// 5-point Laplacian equals a prescribed divergence, outside it the result is the given boundary image.
//
// For a masked pixel p with in-image 4-neighbours N(p) the equation is
//   sum_{q in N(p)} (f_q - f_p) = rhs_p,   f_q = boundary_q for q outside the mask,
// i.e. the 5-point Laplacian (exact for quadratics). Neighbours beyond the image edge are simply absent (a
// Neumann edge), so a mask may touch the image border as long as each connected part of it also touches at least
// one unmasked pixel; otherwise the system is singular and we refuse it.

export interface PoissonOptions {
  /** Stop when ||b - Ax|| <= tol * ||b|| (absolute when b = 0). Default 1e-7. */
  tol?: number;
  /** Default 10_000. */
  maxIter?: number;
  /** Starting guess inside the mask: 'boundary' (the boundary image's own values there; default), 'zero', or values. */
  initial?: 'boundary' | 'zero' | ArrayLike<number>;
}

export interface PoissonResult {
  /** Full w*h image: solved values inside the mask, boundary values outside. */
  values: Float64Array;
  iterations: number;
  relResidual: number;
  converged: boolean;
}

const NEIGHBOURS: [number, number][] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

function checkInputs(rhs: ArrayLike<number>, boundary: ArrayLike<number>, mask: ArrayLike<number>, w: number, h: number): void {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new Error(`solvePoissonDirichlet: bad size ${w}x${h}`);
  const n = w * h;
  for (const [name, a] of [['guidanceDivergence', rhs], ['boundary', boundary], ['mask', mask]] as const)
    if (a.length !== n) throw new Error(`solvePoissonDirichlet: ${name} has length ${a.length}, expected ${w}x${h}=${n}`);
}

/** Throws if some 4-connected part of the mask has no unmasked in-image neighbour (no Dirichlet data). */
function checkAnchored(index: Int32Array, unknowns: Int32Array, w: number, h: number): void {
  const seen = new Uint8Array(unknowns.length);
  const stack: number[] = [];
  for (let s = 0; s < unknowns.length; s++) {
    if (seen[s]) continue;
    let anchored = false;
    seen[s] = 1;
    stack.push(s);
    while (stack.length) {
      const p = unknowns[stack.pop() as number];
      const x = p % w;
      const y = (p - x) / w;
      for (const [dx, dy] of NEIGHBOURS) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const k = index[ny * w + nx];
        if (k < 0) anchored = true;
        else if (!seen[k]) {
          seen[k] = 1;
          stack.push(k);
        }
      }
    }
    if (!anchored) {
      const p = unknowns[s];
      throw new Error(`solvePoissonDirichlet: the masked region containing pixel (${p % w}, ${Math.floor(p / w)}) touches no unmasked pixel, so it has no Dirichlet boundary`);
    }
  }
}

export function solvePoissonDirichlet(
  guidanceDivergence: ArrayLike<number>,
  boundary: ArrayLike<number>,
  mask: ArrayLike<number>,
  w: number,
  h: number,
  opts: PoissonOptions = {},
): PoissonResult {
  checkInputs(guidanceDivergence, boundary, mask, w, h);
  const tol = opts.tol ?? 1e-7;
  const maxIter = opts.maxIter ?? 10_000;
  const values = Float64Array.from(boundary);
  const index = new Int32Array(w * h).fill(-1);
  let m = 0;
  for (let p = 0; p < w * h; p++) if (mask[p]) index[p] = m++;
  if (m === 0) return { values, iterations: 0, relResidual: 0, converged: true };
  const unknowns = new Int32Array(m);
  for (let p = 0; p < w * h; p++) if (index[p] >= 0) unknowns[index[p]] = p;
  checkAnchored(index, unknowns, w, h);

  // Sparse rows: diag = in-image neighbour count, off-diagonals -1 to masked neighbours (up to 4 per row).
  const diag = new Float64Array(m);
  const nbr = new Int32Array(4 * m).fill(-1);
  const b = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const p = unknowns[k];
    const x = p % w;
    const y = (p - x) / w;
    let acc = -guidanceDivergence[p];
    let d = 0;
    for (let j = 0; j < 4; j++) {
      const nx = x + NEIGHBOURS[j][0];
      const ny = y + NEIGHBOURS[j][1];
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      d++;
      const q = ny * w + nx;
      if (index[q] >= 0) nbr[4 * k + j] = index[q];
      else acc += boundary[q];
    }
    diag[k] = d;
    b[k] = acc;
  }
  const apply = (v: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < m; k++) {
      let s = diag[k] * v[k];
      for (let j = 4 * k; j < 4 * k + 4; j++) if (nbr[j] >= 0) s -= v[nbr[j]];
      out[k] = s;
    }
  };

  const x = new Float64Array(m);
  const init = opts.initial ?? 'boundary';
  if (init !== 'zero') {
    const src: ArrayLike<number> = init === 'boundary' ? boundary : init;
    if (init !== 'boundary' && src.length !== w * h)
      throw new Error(`solvePoissonDirichlet: initial has length ${src.length}, expected ${w * h}`);
    for (let k = 0; k < m; k++) x[k] = src[unknowns[k]];
  }
  const r = new Float64Array(m);
  const z = new Float64Array(m);
  const dir = new Float64Array(m);
  const ad = new Float64Array(m);
  apply(x, ad);
  let bNorm = 0;
  for (let k = 0; k < m; k++) {
    r[k] = b[k] - ad[k];
    bNorm += b[k] * b[k];
  }
  bNorm = Math.sqrt(bNorm);
  const scale = bNorm > 0 ? bNorm : 1;
  const norm = (v: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < m; k++) s += v[k] * v[k];
    return Math.sqrt(s);
  };
  let rel = norm(r) / scale;
  let rz = 0;
  for (let k = 0; k < m; k++) {
    z[k] = r[k] / diag[k];
    dir[k] = z[k];
    rz += r[k] * z[k];
  }
  let it = 0;
  while (rel > tol && it < maxIter) {
    apply(dir, ad);
    let dAd = 0;
    for (let k = 0; k < m; k++) dAd += dir[k] * ad[k];
    if (!(dAd > 0)) break; // exact solution reached (dir = 0) or lost positivity to round-off
    const step = rz / dAd;
    for (let k = 0; k < m; k++) {
      x[k] += step * dir[k];
      r[k] -= step * ad[k];
    }
    it++;
    rel = norm(r) / scale;
    let rzNew = 0;
    for (let k = 0; k < m; k++) {
      z[k] = r[k] / diag[k];
      rzNew += r[k] * z[k];
    }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let k = 0; k < m; k++) dir[k] = z[k] + beta * dir[k];
  }
  for (let k = 0; k < m; k++) values[unknowns[k]] = x[k];
  return { values, iterations: it, relResidual: rel, converged: rel <= tol };
}

/** 5-point Laplacian of a full image over in-image neighbours (the operator the solver inverts). */
export function laplacian(f: ArrayLike<number>, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      let s = 0;
      for (const [dx, dy] of NEIGHBOURS) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h) s += f[ny * w + nx] - f[p];
      }
      out[p] = s;
    }
  return out;
}

/**
 * Divergence of a guidance field given per directed edge by `edge(p, q)` (the desired f_q - f_p), summed over
 * the in-image neighbours of each masked pixel; 0 elsewhere. This is the solver's right-hand side.
 */
export function guidanceDivergence(mask: ArrayLike<number>, w: number, h: number, edge: (p: number, q: number) => number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (!mask[p]) continue;
      let s = 0;
      for (const [dx, dy] of NEIGHBOURS) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h) s += edge(p, ny * w + nx);
      }
      out[p] = s;
    }
  return out;
}
