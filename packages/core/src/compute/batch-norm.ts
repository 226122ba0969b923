// Fused training-mode batch norm (issue 9). Written with tf ops, one training batch norm is ~30 kernels forward and
// backward (moments, normalise, and the tape's gradients of each, with broadcasts and tiles over the activation);
// on wasm that element-wise work was ~150 ms of a ~420 ms AE step. Here it is one kernel forward (batch moments +
// normalise + scale/shift) and one backward (closed-form dx, dgamma, dbeta), each two passes over the activation.
// The kernels exist for cpu and wasm; on any other backend batchNormTrain falls back to the tf-op composite, so
// callers never branch on the backend.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { bnInference, bnTrainBackward, bnTrainForward } from './batch-norm-math.js';

export const BN_TRAIN_KERNEL = 'MedadBatchNormTrain';
export const BN_TRAIN_GRAD_KERNEL = 'MedadBatchNormTrainGrad';

export interface BatchNormTrainResult {
  y: tf.Tensor;
  /** Batch mean per channel. */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel (what normalises y). */
  variance: tf.Tensor1D;
}

/** The tf-op formulation (the reference the fused kernels are tested against, and the path for other backends). */
export function batchNormTrainComposite(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.batchNorm(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, eps);
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/**
 * Training batch norm over the last axis: y normalised with the batch mean and biased variance, then scaled by gamma
 * and shifted by beta; gradients flow to x, gamma and beta (and through mean/variance if the caller uses them).
 * Uses the fused kernels where the active backend has them (see registerBatchNormKernels).
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  const c = x.shape[x.rank - 1];
  const fused = x.rank >= 2 && x.dtype === 'float32' && gamma.size === c && beta.size === c && x.size > 0 && tf.getKernel(BN_TRAIN_KERNEL, tf.getBackend()) !== undefined;
  if (!fused) return batchNormTrainComposite(x, gamma, beta, eps);
  const attrs: tf.NamedAttrMap = { epsilon: eps };
  const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x, gamma, beta }, attrs) as tf.Tensor[];
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** How a kernel reads inputs and makes outputs on one backend, as flat float32 arrays. */
export type HostRun = (backend: unknown, inputs: tf.TensorInfo[], outShapes: number[][], body: (ins: Float32Array[], outs: Float32Array[]) => void) => tf.TensorInfo[];

interface CpuBackendLike {
  data: { get(dataId: tf.TensorInfo['dataId']): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export const cpuHostRun: HostRun = (backend, inputs, outShapes, body) => {
  const b = backend as CpuBackendLike;
  const ins = inputs.map((t) => {
    const v = b.data.get(t.dataId).values;
    if (!(v instanceof Float32Array)) throw new Error(`batch norm (cpu, medad): expected float32 data for an input of shape [${t.shape}]`);
    return v;
  });
  const outs = outShapes.map((s) => new Float32Array(size(s)));
  body(ins, outs);
  return outShapes.map((s, i) => b.makeTensorInfo(s, 'float32', outs[i]));
};

export const wasmHostRun: HostRun = (backend, inputs, outShapes, body) => {
  const b = backend as BackendWasm;
  const outs = outShapes.map((s) => b.makeOutput(s, 'float32'));
  // Heap views only after the last allocation: growing the heap detaches earlier views.
  body(
    inputs.map((t) => b.typedArrayFromHeap(t) as Float32Array),
    outs.map((t) => b.typedArrayFromHeap(t) as Float32Array),
  );
  return outs;
};

function trainForward(run: HostRun): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
    const eps = (attrs as { epsilon: number }).epsilon;
    const c = x.shape[x.shape.length - 1];
    return run(backend, [x, gamma, beta], [x.shape, [c], [c]], ([xv, g, bt], [y, m, v]) => bnTrainForward(xv, c, g, bt, eps, y, m, v));
  };
}

function trainBackward(run: HostRun): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { dy, x, gamma, mean, variance, dmean, dvar } = inputs as Record<string, tf.TensorInfo>;
    const eps = (attrs as { epsilon: number }).epsilon;
    const c = x.shape[x.shape.length - 1];
    return run(backend, [dy, x, gamma, mean, variance, dmean, dvar], [x.shape, [c], [c]], ([g, xv, gm, m, v, dm, dv], [dx, dg, db]) =>
      bnTrainBackward(g, xv, c, gm, m, v, dm, dv, eps, dx, dg, db),
    );
  };
}

/** Inference FusedBatchNorm with 1-D statistics over the last axis; anything else goes to the stock kernel. */
export function makeHostFusedBatchNorm(run: HostRun, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const eps = (args.attrs as unknown as tf.FusedBatchNormAttrs).varianceEpsilon;
    if (!x || !mean || !variance || x.dtype !== 'float32' || x.shape.length < 2) return fallback(args);
    const c = x.shape[x.shape.length - 1];
    const stats = [mean, variance, offset, scale].filter((t): t is tf.TensorInfo => t !== undefined);
    if (stats.some((t) => t.shape.length !== 1 || t.shape[0] !== c || t.dtype !== 'float32') || size(x.shape) === 0) return fallback(args);
    const [out] = run(args.backend, [x, ...stats], [x.shape], ([xv, m, v, ...rest], [y]) => {
      const b = offset ? rest.shift() ?? null : null;
      const g = scale ? rest.shift() ?? null : null;
      bnInference(xv, c, m, v, g, b, eps, y);
    });
    return out;
  };
}

let gradientRegistered = false;

function registerGradientOnce(): void {
  if (gradientRegistered || tf.getGradient(BN_TRAIN_KERNEL) !== undefined) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: BN_TRAIN_KERNEL,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dmean, dvar] = dys as tf.Tensor[];
      const [x, gamma, mean, variance] = saved;
      // One kernel gives all three gradients; run it now rather than once per input closure.
      const [dx, dgamma, dbeta] = tf.engine().runKernel(BN_TRAIN_GRAD_KERNEL, { dy, x, gamma, mean, variance, dmean, dvar }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

const HOST_RUNS: Record<string, HostRun> = { cpu: cpuHostRun, wasm: wasmHostRun };

/**
 * Registers the fused training batch-norm kernels (forward and backward) for `backends` (cpu and/or wasm) and their
 * gradient. Idempotent; returns the `backend/kernel` names it added.
 */
export function registerBatchNormKernels(backends: readonly ('cpu' | 'wasm')[] = ['cpu', 'wasm']): string[] {
  registerGradientOnce();
  const added: string[] = [];
  for (const backendName of backends) {
    const run = HOST_RUNS[backendName];
    for (const [kernelName, kernelFunc] of [
      [BN_TRAIN_KERNEL, trainForward(run)],
      [BN_TRAIN_GRAD_KERNEL, trainBackward(run)],
    ] as const) {
      if (tf.getKernel(kernelName, backendName) !== undefined) continue;
      tf.registerKernel({ kernelName, backendName, kernelFunc });
      added.push(`${backendName}/${kernelName}`);
    }
  }
  return added;
}

/** Removes the fused kernels from `backend` (A/B benchmarks): batchNormTrain then uses the tf-op composite there. */
export function unregisterBatchNormKernels(backendName: 'cpu' | 'wasm'): void {
  for (const kernelName of [BN_TRAIN_KERNEL, BN_TRAIN_GRAD_KERNEL]) {
    if (tf.getKernel(kernelName, backendName) !== undefined) tf.unregisterKernel(kernelName, backendName);
  }
}
