// Kernels that tfjs-backend-wasm 4.22 lacks for training conv nets, registered in terms of kernels it has.
// Found by training small AEs / GAN parts on wasm (see test/compute/wasm-training.test.ts): the only missing
// training kernel for conv, conv2dTranspose, batchNorm, relu/leakyRelu/elu, pooling, upsampling, dense and Adam is
// Conv2DBackpropFilter (the conv weight gradient, also used by conv2dTranspose's weight gradient). Depthwise conv
// gradients are missing too and are registered here for separable convs.
// Speed (issue 9): stock kernels that profiling showed to dominate an AE training step are replaced by faster
// equivalents (see MEDAD_WASM_OVERRIDES); each keeps the stock kernel as its fallback for cases it does not cover.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL, makeHostFusedBatchNorm, registerBatchNormKernels, unregisterBatchNormKernels, wasmHostRun } from './batch-norm.js';
import { conv2dBackpropInputViaPhases } from './conv-backprop-input.js';
import { CONV_T_BIAS_ACT_KERNEL, registerConvTransposeFusedKernel, unregisterConvTransposeFusedKernel } from './conv-transpose-fused.js';
import { makeWasmIdentity, makeWasmLeadingReduce } from './wasm-reduce.js';
import { makeWasmTile } from './wasm-tile.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

function pair(v: number | [number, number]): [number, number] {
  return Array.isArray(v) ? v : [v, v];
}

/**
 * dW[i,j,ci,co] = sum_{b,oh,ow} xpad[b, oh*s+i, ow*s+j, ci] * dy[b,oh,ow,co]. Swapping the roles of batch and channels
 * turns this into one ordinary convolution that XNNPACK runs fast: input xpad^T [ci, H, W, B], filter dy^T
 * [OH, OW, B, co], dilation = the forward stride, output [ci, kh, kw, co] -> transposed to [kh, kw, ci, co].
 */
export function conv2dBackpropFilterViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const [kh, kw] = filterShape;
  const s = pair(strides);
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, s, 1, pad, dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const [, oh, ow] = dy.shape;
  return tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]);
    const xp = top || bottom || left || right ? tf.pad(xt, [[0, 0], [top, bottom], [left, right], [0, 0]]) : xt;
    // Rows/cols past (O-1)*s + k never meet a filter tap; dropping them makes a 'valid' conv give exactly k x k.
    const nh = (oh - 1) * s[0] + kh;
    const nw = (ow - 1) * s[1] + kw;
    const xs = xp.shape[1] === nh && xp.shape[2] === nw ? xp : tf.slice(xp, [0, 0, 0, 0], [-1, nh, nw, -1]);
    const out = tf.conv2d(xs, dyt, 1, 'valid', 'NHWC', s);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** Depthwise weight gradient: each channel c (x multiplier m) is a 1-channel conv; folded into one grouped conv. */
function depthwiseBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const [kh, kw, c, m] = filterShape;
  return tf.tidy(() => {
    // Per channel: x[..., c] with batch as channels, dy[..., c*m:(c+1)*m]; computed with the full conv and its
    // diagonal blocks kept, which is cheap for the small channel counts depthwise layers have here.
    const full = conv2dBackpropFilterViaConv(x, dy, [kh, kw, c, c * m], strides, pad, dimRoundingMode); // [kh,kw,c,c*m]
    const blocks = tf.reshape(full, [kh, kw, c, c, m]);
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
    return tf.sum(tf.mul(blocks, eye), 3) as tf.Tensor4D;
  });
}

/** Depthwise input gradient: conv2dTranspose of each channel group, as a dense transposed conv with a block-diagonal filter. */
function depthwiseBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  return tf.tidy(() => {
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
    const dense = tf.reshape(tf.mul(tf.reshape(filter, [kh, kw, c, 1, m]), eye), [kh, kw, c, c * m]) as tf.Tensor4D;
    return tf.conv2dTranspose(dy, dense, inputShape, strides, pad as 'same' | 'valid' | number, dimRoundingMode);
  });
}

function checkNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} (wasm, medad): only NHWC is supported, got dataFormat=${String(dataFormat)}`);
  }
}

function checkNoDilation(kernel: string, dilations: unknown): void {
  if (dilations !== undefined && !pair(dilations as number | [number, number]).every((d) => d === 1)) {
    throw new Error(`${kernel} (wasm, medad): dilations > 1 are not supported`);
  }
}

/** The kernels this module adds, for reports and tests. */
export const MEDAD_WASM_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** Stock wasm kernels this module replaces with faster ones (the stock one stays as the fallback). */
export const MEDAD_WASM_OVERRIDES = ['Conv2DBackpropInput', 'Tile', 'Sum', 'Mean', 'Identity', 'FusedBatchNorm'] as const;

/** Kernels with no stock counterpart that the speed-ups add (removed again by restoreStockWasmKernels). */
export const MEDAD_WASM_SPEEDUP_KERNELS = [BN_TRAIN_KERNEL, BN_TRAIN_GRAD_KERNEL, CONV_T_BIAS_ACT_KERNEL] as const;

/** Kernel functions installed by override(), so a second registration call leaves them alone. */
const installed = new WeakSet<tf.KernelFunc>();
/** The stock configs that override() replaced, for restoreStockWasmKernels(). */
const stockConfigs = new Map<string, tf.KernelConfig>();

/**
 * Replaces a stock wasm kernel, keeping its setupFunc (the C++ binding the fallback needs, run when the backend
 * initialises) and handing the stock kernelFunc to `make` as the fallback. Returns false if already replaced.
 */
function override(kernelName: string, make: (stock: tf.KernelFunc) => tf.KernelFunc): boolean {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock === undefined || installed.has(stock.kernelFunc)) return false;
  const kernelFunc = make(stock.kernelFunc);
  installed.add(kernelFunc);
  stockConfigs.set(kernelName, stock);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc });
  return true;
}

/**
 * Registers the missing training kernels for the wasm backend and the faster replacements of slow stock ones.
 * Idempotent; never replaces a missing kernel that a future tfjs-backend-wasm provides itself. Returns the names it
 * registered or replaced in this call.
 */
export function registerWasmTrainingKernels(opts: { speedups?: boolean } = {}): string[] {
  const speedups = opts.speedups ?? process.env.MEDAD_WASM_SPEEDUPS !== '0';
  const added: string[] = [];
  const add = (kernelName: string, kernelFunc: tf.KernelFunc): void => {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) return;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    added.push(kernelName);
  };
  const replaced = (kernelName: string, make: (stock: tf.KernelFunc) => tf.KernelFunc): void => {
    if (speedups && override(kernelName, make)) added.push(kernelName);
  };
  replaced('Conv2DBackpropInput', (stock) => (args) => {
    const { dy, filter } = args.inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if ((a.dataFormat !== undefined && a.dataFormat !== 'NHWC') || dy.dtype !== 'float32' || filter.dtype !== 'float32') return stock(args);
    return conv2dBackpropInputViaPhases(args.backend as BackendWasm, dy, filter, a.inputShape, a.strides, a.pad, a.dimRoundingMode);
  });
  replaced('Tile', makeWasmTile);
  replaced('Sum', (stock) => makeWasmLeadingReduce(stock, false));
  replaced('Mean', (stock) => makeWasmLeadingReduce(stock, true));
  replaced('Identity', makeWasmIdentity);
  replaced('FusedBatchNorm', (stock) => makeHostFusedBatchNorm(wasmHostRun, stock));
  // The fused training batch norm (batch-norm.ts) is a speed-up too: without it batchNormTrain uses tf ops.
  if (speedups) added.push(...registerBatchNormKernels(['wasm']).map((k) => k.slice('wasm/'.length)));
  // So is the fused transposed conv + bias + activation of decoders in inference: without it, the tf-op composite.
  if (speedups) added.push(...registerConvTransposeFusedKernel());
  add('Conv2DBackpropFilter', ({ inputs, attrs }) => {
    const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    checkNhwc('Conv2DBackpropFilter', a.dataFormat);
    return conv2dBackpropFilterViaConv(x, dy, a.filterShape, a.strides, a.pad, a.dimRoundingMode);
  });
  add('DepthwiseConv2dNativeBackpropFilter', ({ inputs, attrs }) => {
    const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    checkNoDilation('DepthwiseConv2dNativeBackpropFilter', a.dilations);
    return depthwiseBackpropFilter(x, dy, a.filterShape, a.strides, a.pad, a.dimRoundingMode);
  });
  add('DepthwiseConv2dNativeBackpropInput', ({ inputs, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    checkNoDilation('DepthwiseConv2dNativeBackpropInput', a.dilations);
    return depthwiseBackpropInput(dy, filter, a.inputShape, a.strides, a.pad, a.dimRoundingMode);
  });
  return added;
}

/**
 * Puts back the stock wasm kernels that registerWasmTrainingKernels replaced and removes the fused batch norm (A/B
 * benchmarks in one process, or an escape hatch; MEDAD_WASM_SPEEDUPS=0 keeps them from being installed at all).
 * Returns the stock kernels it restored.
 */
export function restoreStockWasmKernels(): string[] {
  const restored: string[] = [];
  for (const [kernelName, stock] of stockConfigs) {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(stock);
    restored.push(kernelName);
  }
  stockConfigs.clear();
  unregisterBatchNormKernels('wasm');
  unregisterConvTransposeFusedKernel();
  return restored;
}
