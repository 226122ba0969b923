// Conv2DBackpropInput (the input gradient of a conv, and the forward pass of conv2dTranspose) as ordinary stride-1
// convolutions. tfjs-backend-wasm 4.22 runs this kernel as a naive loop nest (~10x slower than its XNNPACK
// Conv2D at the AE's shapes); XNNPACK runs the rewritten form.
//
// Sub-pixel ("phase") decomposition: with y' = y + padTop = s*q + r (0 <= r < s), the taps i of the forward conv that
// reach output row y are i = r + s*t, so dx[y] = sum_t dy[q - t] * W[r + s*t] for t < T = ceil(k/s). For a fixed
// residue r this is a stride-1 correlation over q with a T-tap filter; stacking the s*s residues (ry, rx) as output
// channels gives one conv2d [T, T, co, s*s*ci], whose output is interleaved back into rows/cols (a DepthToSpace plus a
// crop, done in one pass on the heap because wasm's DepthToSpace and Slice are slow). With 8+ channels one conv per row
// residue instead computes only its own rows, and each output row is then one contiguous copy (PhaseMode). No
// multiplications by the zeros that a dilate-then-convolve transposed conv would insert.
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

/**
 * The filter of one row residue with the column residues stacked as output channels (as phaseFilterData does):
 * F[u, v, co, rx*ci + c] = W[ry + sy*(Ty-1-u), rx + sx*(tx-1-v), c, co], 0 past the kernel.
 */
function rowResidueFilter(w: Float32Array, shape: Shape4, sy: number, sx: number, ry: Residue, tx: number): tf.Tensor4D {
  const [, kw, ci, co] = shape;
  const oc = sx * ci;
  const out = new Float32Array(ry.taps * tx * co * oc);
  for (let u = 0; u < ry.taps; u++)
    for (let v = 0; v < tx; v++)
      for (let rx = 0; rx < sx; rx++) {
        const j = rx + sx * (tx - 1 - v);
        if (j >= kw) continue;
        const src0 = ((ry.r + sy * (ry.taps - 1 - u)) * kw + j) * ci * co;
        const dst0 = (u * tx + v) * co * oc + rx * ci;
        for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) out[dst0 + o * oc + c] = w[src0 + c * co + o];
      }
  return tf.tensor4d(out, [ry.taps, tx, co, oc]);
}

/** Fused bias and activation of the transposed-conv forward (the input-gradient kernel uses neither). */
export interface BiasAct {
  bias?: tf.Tensor1D;
  activation?: 'linear' | 'relu';
}

/**
 * How the phases are computed. 'stacked': one conv for all residues over the union of their ranges, which recomputes
 * up to one extra row and column per residue ((n+1)^2 / n^2 of the work), then a per-pixel interleave. 'rows': one
 * conv per row residue over exactly its rows, column residues stacked, then whole-row copies. On the AE, rows cost
 * about as much conv time as exact per-residue convs with a third less copying; with 1 channel their 2-wide GEMMs lose.
 */
export type PhaseMode = 'auto' | 'rows' | 'stacked';

/** dx channels from which 'auto' takes the row-residue convs. */
const ROWS_MIN_CHANNELS = 8;

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
  // The column plan of the stacked phases; the row-residue convs stack their columns the same way.
  const px = axisPlan(w, outWidth, info.padInfo.left, sx, Math.ceil(kw / sx));
  const useRows = rows !== undefined && px.before >= 0 && px.after >= 0 && (mode === 'rows' || (mode === 'auto' && ci >= ROWS_MIN_CHANNELS));
  if (mode === 'rows' && !useRows) throw new Error('conv2dBackpropInputViaPhases: this shape needs the stacked phases');
  // A copy: the convs below allocate, and growing the heap detaches views into it.
  const wData = (backend.typedArrayFromHeap(filter) as Float32Array).slice();
  const conv = (x: tf.Tensor4D, f: tf.Tensor4D, convPad: tf.backend_util.ExplicitPadding, bias?: tf.Tensor1D) =>
    fused.bias || (fused.activation ?? 'linear') !== 'linear'
      ? tf.fused.conv2d({ x, filter: f, strides: 1, pad: convPad, bias, activation: fused.activation ?? 'linear' })
      : tf.conv2d(x, f, 1, convPad);
  if (useRows) {
    // One conv per row residue, the column residues stacked as channels: each conv output row, cropped, is one
    // whole contiguous dx row, so the interleave is a row copy (memcpy) instead of a per-pixel scatter.
    const tx = Math.ceil(kw / sx);
    const bias = fused.bias ? (tf.tile(fused.bias, [sx]) as tf.Tensor1D) : undefined;
    const zs: tf.Tensor4D[] = [];
    try {
      for (const ry of rows)
        zs.push(tf.tidy(() => conv(dy, rowResidueFilter(wData, filter.shape, sy, sx, ry, tx), [[0, 0], [ry.before, ry.after], [px.before, px.after], [0, 0]], bias)));
      const out = backend.makeOutput([n, h, w, ci], 'float32');
      // Heap views only after the last allocation (makeOutput): growing the heap detaches earlier views.
      const o = backend.typedArrayFromHeap(out) as Float32Array;
      const rowLen = w * ci;
      rows.forEach((ry, k) => {
        const z = backend.typedArrayFromHeap(zs[k]) as Float32Array;
        const zRow = zs[k].shape[2] * zs[k].shape[3];
        let src = px.crop * ci;
        for (let b = 0; b < n; b++)
          for (let i = 0; i < ry.m; i++, src += zRow) o.set(z.subarray(src, src + rowLen), ((b * h + ry.y0 + sy * i) * w) * ci);
      });
      return out;
    } finally {
      tf.dispose([...zs, ...(bias ? [bias] : [])]);
    }
  }
  const py = axisPlan(h, outHeight, info.padInfo.top, sy, Math.ceil(kh / sy));
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
    // Heap views only after the last allocation: growing the heap detaches earlier views.
    const zData = backend.typedArrayFromHeap(z) as Float32Array;
    interleavePhases(zData, z.shape as Shape4, sy, sx, backend.typedArrayFromHeap(out) as Float32Array, [n, h, w, ci], py.crop, px.crop);
    return out;
  } finally {
    z.dispose();
  }
}
