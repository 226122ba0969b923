// Leak checks for tensor code: run a function and report how many tensors / data buffers it left behind.
import * as tf from '@tensorflow/tfjs';

export interface TensorAudit<T> {
  result: T;
  /** Change in tf.memory().numTensors across the call (0 = no leak, besides tensors in `result`). */
  tensorDelta: number;
  /** Change in tf.memory().numDataBuffers: catches kernels that leak backing storage without a Tensor object. */
  bufferDelta: number;
}

/** Runs `fn` (sync or async) and measures the tensors it leaves alive. */
export async function withTensorAudit<T>(fn: () => T | Promise<T>): Promise<TensorAudit<T>> {
  const before = tf.memory();
  const result = await fn();
  const after = tf.memory();
  return { result, tensorDelta: after.numTensors - before.numTensors, bufferDelta: after.numDataBuffers - before.numDataBuffers };
}

/** Throws if `fn` leaves more than `allowed` tensors alive (e.g. allowed = tensors it returns). */
export async function assertNoTensorLeak<T>(label: string, fn: () => T | Promise<T>, allowed = 0): Promise<T> {
  const { result, tensorDelta, bufferDelta } = await withTensorAudit(fn);
  if (tensorDelta > allowed || bufferDelta > allowed) {
    throw new Error(`${label}: leaked ${tensorDelta - allowed} tensors / ${bufferDelta - allowed} data buffers`);
  }
  return result;
}
