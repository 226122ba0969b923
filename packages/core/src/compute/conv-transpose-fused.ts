// Transposed conv + bias + activation in one kernel (issue 9): the decoder layers of an autoencoder in inference,
// where batch norm folds into the filter and a bias. On wasm the phase convs (conv-backprop-input.ts) take the bias
// and ReLU inside XNNPACK's conv, saving two passes over the largest activations; elsewhere it is the tf-op composite.
// Its gradients equal the composite's (tested), so the fused form can stand anywhere the composite could.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropInputViaPhases } from './conv-backprop-input.js';

export const CONV_T_BIAS_ACT_KERNEL = 'MedadConv2DTransposeBiasAct';

export type FusedActivation = 'linear' | 'relu';

type Shape4 = [number, number, number, number];

/** The reference formulation: conv2dTranspose, then the bias, then the activation. */
export function conv2dTransposeBiasActComposite(x: tf.Tensor4D, filter: tf.Tensor4D, outShape: Shape4, strides: number | [number, number], pad: 'same' | 'valid', bias: tf.Tensor1D, activation: FusedActivation): tf.Tensor4D {
  const y = tf.add(tf.conv2dTranspose(x, filter, outShape, strides, pad), bias) as tf.Tensor4D;
  return activation === 'relu' ? tf.relu(y) : y;
}

/**
 * activation(conv2dTranspose(x, filter, outShape, strides, pad) + bias); filter [kh, kw, outChannels, inChannels]
 * as tf.conv2dTranspose. Uses the fused kernel where the active backend has one.
 */
export function conv2dTransposeBiasAct(x: tf.Tensor4D, filter: tf.Tensor4D, outShape: Shape4, strides: number | [number, number], pad: 'same' | 'valid', bias: tf.Tensor1D, activation: FusedActivation): tf.Tensor4D {
  const fused = x.dtype === 'float32' && tf.getKernel(CONV_T_BIAS_ACT_KERNEL, tf.getBackend()) !== undefined;
  if (!fused) return conv2dTransposeBiasActComposite(x, filter, outShape, strides, pad, bias, activation);
  const attrs: tf.NamedAttrMap = { outShape, strides, pad, activation };
  return tf.engine().runKernel(CONV_T_BIAS_ACT_KERNEL, { x, filter, bias }, attrs) as tf.Tensor4D;
}

/**
 * The composite's gradients, written out (tf.grads cannot nest inside a gradient function): with g = dy masked
 * where the ReLU clamped, dx = conv2d(g, filter) (a transposed conv's input gradient is the forward conv), dFilter =
 * Conv2DBackpropFilter with g in the role of the conv input and x in the role of its output gradient, dBias = sum g.
 */
function registerConvTransposeFusedGradient(): void {
  if (tf.getGradient(CONV_T_BIAS_ACT_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: CONV_T_BIAS_ACT_KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as { strides: number | [number, number]; pad: 'same' | 'valid'; activation: FusedActivation };
      const g = (a.activation === 'relu' ? tf.mul(dy as tf.Tensor, tf.step(y)) : dy) as tf.Tensor4D;
      return {
        x: () => tf.conv2d(g, filter, a.strides, a.pad),
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x: g, dy: x }, { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', filterShape: filter.shape }) as tf.Tensor4D,
        bias: () => tf.sum(g, [0, 1, 2]),
      };
    },
  });
}

/** Registers the wasm kernel (idempotent); returns its name if this call added it. */
export function registerConvTransposeFusedKernel(): string[] {
  registerConvTransposeFusedGradient();
  if (tf.getKernel(CONV_T_BIAS_ACT_KERNEL, 'wasm') !== undefined) return [];
  tf.registerKernel({
    kernelName: CONV_T_BIAS_ACT_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, filter, bias } = inputs as { x: tf.Tensor4D; filter: tf.Tensor4D; bias: tf.Tensor1D };
      const a = attrs as unknown as { outShape: Shape4; strides: number | [number, number]; pad: 'same' | 'valid'; activation: FusedActivation };
      return conv2dBackpropInputViaPhases(backend as BackendWasm, x, filter, a.outShape, a.strides, a.pad, undefined, { bias, activation: a.activation });
    },
  });
  return [CONV_T_BIAS_ACT_KERNEL];
}

export function unregisterConvTransposeFusedKernel(): void {
  if (tf.getKernel(CONV_T_BIAS_ACT_KERNEL, 'wasm') !== undefined) tf.unregisterKernel(CONV_T_BIAS_ACT_KERNEL, 'wasm');
}
