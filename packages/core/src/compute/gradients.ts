// Gradients tfjs 4.22 lacks for second-order training (gradient penalties). LeakyRelu's gradient is written with
// Greater + Select; differentiating it again reaches Greater, which has no gradient, so tf.grad-of-tf.grad through a
// leakyRelu net throws "gradient function not found for Greater" on every backend. Comparisons are piecewise
// constant: their gradient is zero almost everywhere.
import * as tf from '@tensorflow/tfjs';

const COMPARISONS = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'GreaterEqual'] as const;

/** Registers zero gradients for comparison kernels that have none. Idempotent; returns the kernels it added. */
export function registerMissingGradients(): string[] {
  const added: string[] = [];
  for (const kernelName of COMPARISONS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved;
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
    added.push(kernelName);
  }
  return added;
}
