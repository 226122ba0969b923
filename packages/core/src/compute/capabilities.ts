// What each backend can do for training, as found by the tests in test/compute (wasm, cpu) and by
// tools/gpu-check (webgpu). probeSecondOrderGradients() checks the active backend at run time.
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './rungs.js';

export interface BackendCapabilities {
  /** Runs on a GPU. */
  gpu: boolean;
  /** Conv / conv-transpose / batch-norm / dense nets train (wasm: with registerWasmTrainingKernels). */
  trainConvNets: boolean;
  /**
   * Gradient of a loss built from an input gradient of a conv net (WGAN-GP style gradient penalty, input-gradient
   * regularisers). tfjs has no gradient for Conv2DBackpropFilter on any backend, so only penalties on d/dinput work,
   * not on d/dweights.
   */
  secondOrderGradients: boolean;
  /** Practical for training 64x64 AEs (cpu is ~100x slower than wasm). */
  practicalForTraining: boolean;
}

const TABLE: Record<BackendName, BackendCapabilities> = {
  tensorflow: { gpu: false, trainConvNets: true, secondOrderGradients: true, practicalForTraining: true },
  // webgpu has every conv gradient kernel natively; verified on the GPU machine by tools/gpu-check.
  webgpu: { gpu: true, trainConvNets: true, secondOrderGradients: true, practicalForTraining: true },
  wasm: { gpu: false, trainConvNets: true, secondOrderGradients: true, practicalForTraining: true },
  cpu: { gpu: false, trainConvNets: true, secondOrderGradients: true, practicalForTraining: false },
};

export function backendCapabilities(name: BackendName): BackendCapabilities {
  const caps = TABLE[name];
  if (!caps) throw new Error(`unknown backend "${String(name)}"`);
  return { ...caps };
}

/**
 * On the active backend: d/dW of mean(|d/dx f(x; W)|^2) for a conv net f. Returns the gradient norm (finite and
 * positive when it works); throws with the backend's message when a kernel or gradient is missing.
 */
export function probeSecondOrderGradients(): number {
  return tf.tidy(() => {
    const w1: tf.Variable<tf.Rank.R4> = tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.5, 'float32', 1), true, 'probe_w1');
    const w2: tf.Variable<tf.Rank.R4> = tf.variable(tf.randomNormal([4, 4, 2, 4], 0, 0.5, 'float32', 2), true, 'probe_w2');
    try {
      const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3);
      const f = (inp: tf.Tensor): tf.Scalar => {
        const h = tf.leakyRelu(tf.conv2d(inp as tf.Tensor4D, w1, 2, 'same'), 0.2);
        return tf.sum(tf.square(tf.conv2dTranspose(h, w2, [2, 8, 8, 2], 2, 'same')));
      };
      const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.grad(f)(x))) as tf.Scalar, [w1, w2]);
      const norm = tf.add(tf.sum(tf.square(grads.probe_w1)), tf.sum(tf.square(grads.probe_w2))).dataSync()[0];
      return Math.sqrt(norm);
    } finally {
      w1.dispose();
      w2.dispose();
    }
  });
}
