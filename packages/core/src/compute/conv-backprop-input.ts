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
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++) {
      const yy = y + cy;
      const zRow = ((b * za + Math.floor(yy / sy)) * zb) * zc + (yy % sy) * sx * ci;
      let dst = ((b * h + y) * w) * ci;
      for (let x = 0; x < w; x++, dst += ci) {
        const xx = x + cx;
        const src = zRow + Math.floor(xx / sx) * zc + (xx % sx) * ci;
        if (ci === 1) out[dst] = z[src];
        else out.set(z.subarray(src, src + ci), dst);
      }
    }
}

/**
 * dx of conv2d(x, filter, strides, pad) given dy, as a wasm kernel body: the same numbers as tf's Conv2DBackpropInput
 * (NHWC, no dilation). Returns a heap-backed output of `backend`.
 */
export function conv2dBackpropInputViaPhases(
  backend: BackendWasm,
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: Shape4,
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode);
  const { strideHeight: sy, strideWidth: sx, filterHeight: kh, filterWidth: kw, outHeight, outWidth } = info;
  if (dy.shape[1] !== outHeight || dy.shape[2] !== outWidth) {
    throw new Error(`Conv2DBackpropInput (wasm, medad): dy is [${dy.shape}], expected spatial ${outHeight}x${outWidth}`);
  }
  const [n, h, w, ci] = inputShape;
  const py = axisPlan(h, outHeight, info.padInfo.top, sy, Math.ceil(kh / sy));
  const px = axisPlan(w, outWidth, info.padInfo.left, sx, Math.ceil(kw / sx));
  const wp = phaseFilterData(backend.typedArrayFromHeap(filter) as Float32Array, filter.shape, sy, sx);
  const z = tf.tidy(() => {
    // Negative padding means dy rows that reach no dx row: slice them off; positive padding goes to the conv itself.
    const cut = (p: { before: number; after: number }) => [Math.max(0, -p.before), Math.max(0, -p.after)];
    const [ct, cb] = cut(py);
    const [cl, cr] = cut(px);
    const sliced = ct || cb || cl || cr ? tf.slice(dy, [0, ct, cl, 0], [n, outHeight - ct - cb, outWidth - cl - cr, -1]) : dy;
    const convPad: tf.backend_util.ExplicitPadding = [[0, 0], [Math.max(0, py.before), Math.max(0, py.after)], [Math.max(0, px.before), Math.max(0, px.after)], [0, 0]];
    return tf.conv2d(sliced, tf.tensor4d(wp.data, wp.shape), 1, convPad); // [n, nq, nqx, sy*sx*ci]
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
