// Conv2DBackpropInput (the input gradient of a conv, and the forward pass of conv2dTranspose) as ONE ordinary
// stride-1 convolution. tfjs-backend-wasm 4.22 runs this kernel as a naive loop nest (~10x slower than its XNNPACK
// Conv2D at the AE's shapes); XNNPACK runs the rewritten form.
//
// Sub-pixel ("phase") decomposition: with y' = y + padTop = s*q + r (0 <= r < s), the taps i of the forward conv that
// reach output row y are i = r + s*t, so dx[y] = sum_t dy[q - t] * W[r + s*t] for t < T = ceil(k/s). For a fixed
// residue r this is a stride-1 correlation over q with a T-tap filter; stacking the s*s residues (ry, rx) as output
// channels gives one conv2d [T, T, co, s*s*ci], whose output is interleaved back into rows/cols (a DepthToSpace plus a
// crop, done in one pass on the heap because wasm's DepthToSpace and Slice are slow). No multiplications by the zeros
// that a dilate-then-convolve transposed conv would insert.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Shape4 = [number, number, number, number];

/** The stacked phase filter: Wp[u, v, co, (ry*sx + rx)*ci + c] = W[ry + sy*(Ty-1-u), rx + sx*(Tx-1-v), c, co] (0 past k). */
export function phaseFilterData(w: Float32Array, shape: Shape4, sy: number, sx: number): { data: Float32Array; shape: Shape4 } {
  const [kh, kw, ci, co] = shape;
  const ty = Math.ceil(kh / sy);
  const tx = Math.ceil(kw / sx);
  const oc = sy * sx * ci;
  const out = new Float32Array(ty * tx * co * oc);
  for (let u = 0; u < ty; u++)
    for (let v = 0; v < tx; v++)
      for (let ry = 0; ry < sy; ry++) {
        const i = ry + sy * (ty - 1 - u);
        if (i >= kh) continue;
        for (let rx = 0; rx < sx; rx++) {
          const j = rx + sx * (tx - 1 - v);
          if (j >= kw) continue;
          for (let c = 0; c < ci; c++) {
            const src = ((i * kw + j) * ci + c) * co;
            let dst = (u * tx + v) * co * oc + (ry * sx + rx) * ci + c;
            for (let o = 0; o < co; o++, dst += oc) out[dst] = w[src + o];
          }
        }
      }
  return { data: out, shape: [ty, tx, co, oc] };
}

/** Range of q = floor((y + pad) / s) over the n output rows, and the padding of dy the correlation needs. */
function axisPlan(n: number, outN: number, pad: number, s: number, t: number) {
  const q0 = Math.floor(pad / s);
  const q1 = Math.floor((n - 1 + pad) / s);
  return { nq: q1 - q0 + 1, before: t - 1 - q0, after: q1 - (outN - 1), crop: pad - s * q0 };
}

/** out[b, y, x, c] = z[b, (y+cy) div sy, (x+cx) div sx, (((y+cy) mod sy)*sx + (x+cx) mod sx)*ci + c]. */
export function interleavePhases(z: Float32Array, zShape: Shape4, sy: number, sx: number, out: Float32Array, outShape: Shape4, cy: number, cx: number): void {
  const [n, za, zb, zc] = zShape;
  const [, h, w, ci] = outShape;
  // Plain index loops with the column offsets computed once: a subarray + set per pixel, or a division per pixel,
  // cost more than the copy itself at these channel counts.
  const colOffset = new Int32Array(w);
  for (let x = 0; x < w; x++) colOffset[x] = Math.floor((x + cx) / sx) * zc + ((x + cx) % sx) * ci;
  let dst = 0;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++) {
      const yy = y + cy;
      const zRow = (b * za + Math.floor(yy / sy)) * zb * zc + (yy % sy) * sx * ci;
      if (ci === 1) for (let x = 0; x < w; x++) out[dst++] = z[zRow + colOffset[x]];
      else
        for (let x = 0; x < w; x++) {
          let src = zRow + colOffset[x];
          for (let c = 0; c < ci; c++) out[dst++] = z[src++];
        }
    }
}

/** Copies runs of `ci` floats from consecutive z to every `step`-th pixel of o starting at `dst` (one residue row). */
function scatterRow(z: Float32Array, src: number, o: Float32Array, dst: number, count: number, step: number, ci: number): void {
  if (ci % 4 === 0) {
    // Unrolled by four: twice as fast as the plain loop for 16-64 channels.
    for (let j = 0; j < count; j++, dst += step) {
      for (let c = 0; c < ci; c += 4) {
        o[dst + c] = z[src + c];
        o[dst + c + 1] = z[src + c + 1];
        o[dst + c + 2] = z[src + c + 2];
        o[dst + c + 3] = z[src + c + 3];
      }
      src += ci;
    }
  } else {
    for (let j = 0; j < count; j++, dst += step) for (let c = 0; c < ci; c++) o[dst + c] = z[src++];
  }
}

/** One residue class of an axis: its outputs y = y0 + s*j (j < m) and the correlation over dy that gives them. */
interface Residue {
  r: number;
  y0: number;
  m: number;
  taps: number;
  before: number;
  after: number;
}

/**
 * For y + pad = s*q + r, the outputs of residue r read dy[q - t] with filter tap r + s*t (t < taps). Returns the
 * residues if each one's correlation covers all of dy with padding only (no rows to cut), else undefined.
 */
export function residuePlan(n: number, outN: number, pad: number, s: number, k: number): Residue[] | undefined {
  const out: Residue[] = [];
  for (let r = 0; r < s; r++) {
    const y0 = (((r - pad) % s) + s) % s;
    const m = y0 < n ? Math.ceil((n - y0) / s) : 0;
    const taps = r < k ? Math.ceil((k - r) / s) : 0;
    if (m === 0 || taps === 0) return undefined;
    const start = (y0 + pad - r) / s - taps + 1; // first dy row the correlation reads
    const end = start + m + taps - 2; // last
    if (start > 0 || end < outN - 1) return undefined;
    out.push({ r, y0, m, taps, before: Math.max(0, -start), after: end - (outN - 1) });
  }
  return out;
}

/** The filter of one residue pair: F[u, v, co, c] = W[ry + sy*(Ty-1-u), rx + sx*(Tx-1-v), c, co]. */
function residueFilter(w: Float32Array, shape: Shape4, sy: number, sx: number, ry: Residue, rx: Residue): tf.Tensor4D {
  const [, kw, ci, co] = shape;
  const out = new Float32Array(ry.taps * rx.taps * co * ci);
  for (let u = 0; u < ry.taps; u++)
    for (let v = 0; v < rx.taps; v++) {
      const src0 = ((ry.r + sy * (ry.taps - 1 - u)) * kw + rx.r + sx * (rx.taps - 1 - v)) * ci * co;
      const dst0 = (u * rx.taps + v) * co * ci;
      for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) out[dst0 + o * ci + c] = w[src0 + c * co + o];
    }
  return tf.tensor4d(out, [ry.taps, rx.taps, co, ci]);
}

/** Fused bias and activation of the transposed-conv forward (the input-gradient kernel uses neither). */
export interface BiasAct {
  bias?: tf.Tensor1D;
  activation?: 'linear' | 'relu';
}

/**
 * How the phases are computed. 'residues': one conv per (row, col) residue over exactly its outputs; 'stacked': one
 * conv for all residues over the union of their ranges, which recomputes up to one extra row and column per residue
 * ((n+1)^2 / n^2 of the work) but suits few channels, where per-residue GEMMs would be too narrow.
 */
export type PhaseMode = 'auto' | 'residues' | 'stacked';

/** dx channels from which 'auto' takes the per-residue convs (measured on the AE: 16 and up win, 1 loses). */
const RESIDUE_MIN_CHANNELS = 8;

/**
 * dx of conv2d(x, filter, strides, pad) given dy, as a wasm kernel body: the same numbers as tf's Conv2DBackpropInput
 * (NHWC, no dilation), optionally with a bias and ReLU fused in (the transposed conv's forward in inference).
 * Returns a heap-backed output of `backend`.
 */
export function conv2dBackpropInputViaPhases(
  backend: BackendWasm,
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: Shape4,
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  fused: BiasAct = {},
  mode: PhaseMode = 'auto',
): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode);
  const { strideHeight: sy, strideWidth: sx, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
  if (dy.shape[1] !== outHeight || dy.shape[2] !== outWidth) {
    throw new Error(`Conv2DBackpropInput (wasm, medad): dy is [${dy.shape}], expected spatial ${outHeight}x${outWidth}`);
  }
  const [n, h, w, ci] = inputShape;
  const rows = residuePlan(h, outHeight, info.padInfo.top, sy, kh);
  const cols = residuePlan(w, outWidth, info.padInfo.left, sx, kw);
  const useResidues = rows !== undefined && cols !== undefined && (mode === 'residues' || (mode === 'auto' && ci >= RESIDUE_MIN_CHANNELS));
  if (mode === 'residues' && !useResidues) throw new Error('conv2dBackpropInputViaPhases: this shape needs the stacked phases');
  // A copy: the convs below allocate, and growing the heap detaches views into it.
  const wData = (backend.typedArrayFromHeap(filter) as Float32Array).slice();
  const conv = (x: tf.Tensor4D, f: tf.Tensor4D, convPad: tf.backend_util.ExplicitPadding, bias?: tf.Tensor1D) =>
    fused.bias || (fused.activation ?? 'linear') !== 'linear'
      ? tf.fused.conv2d({ x, filter: f, strides: 1, pad: convPad, bias, activation: fused.activation ?? 'linear' })
      : tf.conv2d(x, f, 1, convPad);
  if (useResidues) {
    const zs: tf.Tensor4D[] = [];
    try {
      for (const ry of rows)
        for (const rx of cols)
          zs.push(
            tf.tidy(() => conv(dy, residueFilter(wData, filter.shape, sy, sx, ry, rx), [[0, 0], [ry.before, ry.after], [rx.before, rx.after], [0, 0]], fused.bias)),
          );
      const out = backend.makeOutput([n, h, w, ci], 'float32');
      // Heap views only after the last allocation: growing the heap detaches earlier views.
      const o = backend.typedArrayFromHeap(out) as Float32Array;
      let k = 0;
      for (const ry of rows)
        for (const rx of cols) {
          const z = backend.typedArrayFromHeap(zs[k++]) as Float32Array;
          let src = 0;
          for (let b = 0; b < n; b++)
            for (let i = 0; i < ry.m; i++, src += rx.m * ci) scatterRow(z, src, o, ((b * h + ry.y0 + sy * i) * w + rx.y0) * ci, rx.m, sx * ci, ci);
        }
      return out;
    } finally {
      tf.dispose(zs);
    }
  }
  const py = axisPlan(h, outHeight, info.padInfo.top, sy, Math.ceil(kh / sy));
  const px = axisPlan(w, outWidth, info.padInfo.left, sx, Math.ceil(kw / sx));
  const wp = phaseFilterData(wData, filter.shape, sy, sx);
  const z = tf.tidy(() => {
    // Negative padding means dy rows that reach no dx row: slice them off; positive padding goes to the conv itself.
    const cut = (p: { before: number; after: number }) => [Math.max(0, -p.before), Math.max(0, -p.after)];
    const [ct, cb] = cut(py);
    const [cl, cr] = cut(px);
    const sliced = ct || cb || cl || cr ? tf.slice(dy, [0, ct, cl, 0], [n, outHeight - ct - cb, outWidth - cl - cr, -1]) : dy;
    const convPad: tf.backend_util.ExplicitPadding = [[0, 0], [Math.max(0, py.before), Math.max(0, py.after)], [Math.max(0, px.before), Math.max(0, px.after)], [0, 0]];
    const bias = fused.bias ? (tf.tile(fused.bias, [sy * sx]) as tf.Tensor1D) : undefined;
    return conv(sliced, tf.tensor4d(wp.data, wp.shape), convPad, bias); // [n, nq, nqx, sy*sx*ci]
  });
  try {
    const out = backend.makeOutput([n, h, w, ci], 'float32');
    const zData = backend.typedArrayFromHeap(z) as Float32Array;
    interleavePhases(zData, z.shape as Shape4, sy, sx, backend.typedArrayFromHeap(out) as Float32Array, [n, h, w, ci], py.crop, px.crop);
    return out;
  } finally {
    z.dispose();
  }
}
