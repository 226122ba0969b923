// Building blocks on tf core variables (not tfjs-layers): full control of batch-norm statistics, PyTorch-style
// initialisation from our own seeded generator, and weights named stably for save/load and checkpoints.
import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from '../compute/batch-norm.js';
import { conv2dTransposeBiasAct } from '../compute/conv-transpose-fused.js';
import { mixSeed, uniformArray } from './rng.js';

type Init = (count: number, seed: number) => Float32Array;

/** PyTorch's default for conv/linear weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export const torchUniform =
  (fanIn: number): Init =>
  (count, seed) =>
    uniformArray(count, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), seed);
export const constant =
  (value: number): Init =>
  (count) =>
    new Float32Array(count).fill(value);

interface Param {
  variable: tf.Variable;
  init: Init;
  trainable: boolean;
}

/** The named variables of one network. Names are logical ('enc0/kernel'); tf's global variable names stay unique. */
export class ParamStore {
  private readonly params = new Map<string, Param>();
  private readonly derivedCache = new Map<string, { ids: object[]; tensors: tf.Tensor[] }>();

  add(name: string, shape: number[], init: Init, trainable = true): tf.Variable {
    if (this.params.has(name)) throw new Error(`duplicate parameter ${name}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const values = init(count, mixSeed(0, this.params.size));
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable));
    this.params.set(name, { variable, init, trainable });
    return variable;
  }

  get(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`unknown parameter ${name}`);
    return p.variable;
  }

  /** Re-draws every parameter from its initialiser: the same seed gives the same network. */
  reinitialise(seed: number): void {
    let i = 0;
    for (const p of this.params.values()) {
      const values = p.init(p.variable.size, mixSeed(seed, i++));
      tf.tidy(() => p.variable.assign(tf.tensor(values, p.variable.shape)));
    }
  }

  trainable(): tf.Variable[] {
    return [...this.params.values()].filter((p) => p.trainable).map((p) => p.variable);
  }

  /** Every parameter, batch-norm running statistics included, in creation order. */
  named(): { name: string; tensor: tf.Variable }[] {
    return [...this.params.entries()].map(([name, p]) => ({ name, tensor: p.variable }));
  }

  /** Assigns saved values; every parameter must be present with its shape. `source` names the file in errors. */
  assign(values: tf.NamedTensorMap, source: string): void {
    for (const [name, p] of this.params) {
      const t = values[name];
      if (!t) throw new Error(`${source}: missing weight ${name}`);
      if (!tf.util.arraysEqual(t.shape, p.variable.shape)) {
        throw new Error(`${source}: weight ${name} has shape [${t.shape}], expected [${p.variable.shape}]`);
      }
      p.variable.assign(t);
    }
  }

  /**
   * Tensors computed from parameters (`make`), kept until one of `deps` changes. Assigning a variable (optimizer step,
   * load, reinitialise, running statistics) gives it a new dataId, which is what is compared. For inference only:
   * gradients do not reach the parameters through a cached value.
   */
  derived(key: string, deps: string[], make: () => tf.Tensor[]): tf.Tensor[] {
    const ids = deps.map((d) => this.get(d).dataId);
    const hit = this.derivedCache.get(key);
    if (hit && hit.ids.every((id, i) => id === ids[i])) return hit.tensors;
    if (hit) tf.dispose(hit.tensors);
    const tensors = tf.tidy(make).map((t) => tf.keep(t));
    this.derivedCache.set(key, { ids, tensors });
    return tensors;
  }

  /** Frees the cached derived tensors (they are recomputed on the next use). */
  clearDerived(): void {
    for (const d of this.derivedCache.values()) tf.dispose(d.tensors);
    this.derivedCache.clear();
  }

  /** Tensors this store holds: its parameters plus the derived values cached for inference (for leak accounting). */
  heldTensors(): number {
    let n = this.params.size;
    for (const d of this.derivedCache.values()) n += d.tensors.length;
    return n;
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
    this.clearDerived();
  }
}

const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

/** Conv 4x4 stride 2 'same' without bias (PyTorch Conv2d(ci, co, 4, 2, 1, bias=False): same padding for even sizes). */
export function addConv(ps: ParamStore, name: string, ci: number, co: number): void {
  ps.add(`${name}/kernel`, [4, 4, ci, co], torchUniform(ci * 16));
}
export function conv(ps: ParamStore, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return tf.conv2d(x, ps.get(`${name}/kernel`) as tf.Tensor4D, 2, 'same');
}

/** Transposed conv 4x4 stride 2 doubling the size (ConvTranspose2d(ci, co, 4, 2, 1)); torch's fan-in is co*16. */
export function addConvT(ps: ParamStore, name: string, ci: number, co: number, bias: boolean): void {
  ps.add(`${name}/kernel`, [4, 4, co, ci], torchUniform(co * 16));
  if (bias) ps.add(`${name}/bias`, [co], torchUniform(co * 16));
}
export function convT(ps: ParamStore, name: string, x: tf.Tensor4D, co: number, bias: boolean): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const y = tf.conv2dTranspose(x, ps.get(`${name}/kernel`) as tf.Tensor4D, [n, h * 2, w * 2, co], 2, 'same');
  return bias ? tf.add(y, ps.get(`${name}/bias`)) : y;
}

export function addDense(ps: ParamStore, name: string, din: number, dout: number): void {
  ps.add(`${name}/kernel`, [din, dout], torchUniform(din));
  ps.add(`${name}/bias`, [dout], torchUniform(din));
}
export function dense(ps: ParamStore, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, ps.get(`${name}/kernel`) as tf.Tensor2D), ps.get(`${name}/bias`));
}

export function addBatchNorm(ps: ParamStore, name: string, c: number): void {
  ps.add(`${name}/gamma`, [c], constant(1));
  ps.add(`${name}/beta`, [c], constant(0));
  ps.add(`${name}/moving_mean`, [c], constant(0), false);
  ps.add(`${name}/moving_var`, [c], constant(1), false);
}

/**
 * Batch norm as PyTorch's BatchNorm2d: training normalises with the biased batch variance and moves the running
 * statistics (momentum 0.1, unbiased variance); inference uses the running statistics.
 */
export function batchNorm(ps: ParamStore, name: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  const gamma = ps.get(`${name}/gamma`) as tf.Tensor1D;
  const beta = ps.get(`${name}/beta`) as tf.Tensor1D;
  const mm = ps.get(`${name}/moving_mean`);
  const mv = ps.get(`${name}/moving_var`);
  if (!training) return tf.batchNorm(x, mm as tf.Tensor1D, mv as tf.Tensor1D, beta, gamma, BN_EPS);
  // One fused kernel pair on cpu/wasm (forward and closed-form backward), tf ops elsewhere; same numbers either way.
  const { y, mean, variance } = batchNormTrain(x, gamma, beta, BN_EPS);
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  tf.tidy(() => {
    // Ops off the loss path: backprop ignores them, so the running statistics never receive gradients.
    const v = tf.mul(variance, count / Math.max(count - 1, 1));
    mm.assign(tf.add(tf.mul(mm, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    mv.assign(tf.add(tf.mul(mv, 1 - BN_MOMENTUM), tf.mul(v, BN_MOMENTUM)));
  });
  return y as tf.Tensor4D;
}

/**
 * Inference-mode batch norm folded into the layer before it (same numbers up to rounding): y = x*scale + shift per
 * channel with scale = gamma/sqrt(var + eps), shift = beta - mean*scale. A scaled filter and a bias let the conv
 * kernel apply it, with the ReLU, instead of two more passes over the activation.
 */
function foldBatchNorm(ps: ParamStore, name: string): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const scale = tf.div(ps.get(`${name}/gamma`), tf.sqrt(tf.add(ps.get(`${name}/moving_var`), BN_EPS))) as tf.Tensor1D;
  const shift = tf.sub(ps.get(`${name}/beta`), tf.mul(ps.get(`${name}/moving_mean`), scale)) as tf.Tensor1D;
  return { scale, shift };
}

/** The folded filter and bias of layer `name` (conv kernel [kh, kw, ci, co], or convT [kh, kw, co, ci] when transposed). */
function foldedLayer(ps: ParamStore, name: string, transposed: boolean): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  const bn = `${name}/bn`;
  const deps = [`${name}/kernel`, `${bn}/gamma`, `${bn}/beta`, `${bn}/moving_mean`, `${bn}/moving_var`];
  // Cached per weights version: folding is ~7 small kernels per layer, 1 ms of a one-image heatmap otherwise.
  const [filter, bias] = ps.derived(`folded:${name}`, deps, () => {
    const { scale, shift } = foldBatchNorm(ps, bn);
    const k = ps.get(`${name}/kernel`);
    return [tf.mul(k, transposed ? tf.reshape(scale, [1, 1, -1, 1]) : scale), shift];
  });
  return { filter: filter as tf.Tensor4D, bias: bias as tf.Tensor1D };
}

/** relu(batchNorm(conv(x))) in inference, as one fused conv: the `${name}/bn` statistics fold into the filter. */
export function convBnReluInference(ps: ParamStore, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const { filter, bias } = foldedLayer(ps, name, false);
  return tf.fused.conv2d({ x, filter, strides: 2, pad: 'same', bias, activation: 'relu' });
}

/** relu(batchNorm(convT(x))) in inference, as one fused transposed conv (see conv2dTransposeBiasAct). */
export function convTBnReluInference(ps: ParamStore, name: string, x: tf.Tensor4D, co: number): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const { filter, bias } = foldedLayer(ps, name, true);
  return conv2dTransposeBiasAct(x, filter, [n, h * 2, w * 2, co], 2, 'same', bias, 'relu');
}

/** convT with its bias (and no activation) as one fused transposed conv: the output layer in inference. */
export function convTBiasInference(ps: ParamStore, name: string, x: tf.Tensor4D, co: number): tf.Tensor4D {
  const [n, h, w] = x.shape;
  return conv2dTransposeBiasAct(x, ps.get(`${name}/kernel`) as tf.Tensor4D, [n, h * 2, w * 2, co], 2, 'same', ps.get(`${name}/bias`) as tf.Tensor1D, 'linear');
}
