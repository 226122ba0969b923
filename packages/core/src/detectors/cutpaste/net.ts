// CutPaste classifier: conv stack (4x4 s2, BN, ReLU) -> global average pool -> dense + ReLU (the embedding, the
// penultimate layer) -> dense to 3 logits (normal / cutpaste / scar).
import * as tf from '@tensorflow/tfjs';
import { ParamStore, addBatchNorm, addConv, addDense, batchNorm, conv, dense } from '../layers.js';
import type { InputSize } from '../api.js';

export const CLASSES = 3;

export class CutPasteNet {
  readonly params = new ParamStore();

  constructor(
    readonly inputSize: InputSize,
    private readonly channels: number[],
    readonly embedding: number,
  ) {
    const f = 2 ** channels.length;
    if (inputSize.height % f !== 0 || inputSize.width % f !== 0) {
      throw new Error(`input size ${inputSize.width}x${inputSize.height} must be a multiple of ${f} (2^${channels.length} levels)`);
    }
    let ci = 1;
    channels.forEach((c, i) => {
      addConv(this.params, `conv${i}`, ci, c);
      addBatchNorm(this.params, `conv${i}/bn`, c);
      ci = c;
    });
    addDense(this.params, 'embed', ci, embedding);
    addDense(this.params, 'head', embedding, CLASSES);
  }

  /** [n, H, W, 1] -> [n, embedding]. */
  embed(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    let h = x;
    this.channels.forEach((_, i) => {
      h = tf.relu(batchNorm(this.params, `conv${i}/bn`, conv(this.params, `conv${i}`, h), training));
    });
    return tf.relu(dense(this.params, 'embed', tf.mean(h, [1, 2]) as tf.Tensor2D));
  }

  logits(emb: tf.Tensor2D): tf.Tensor2D {
    return dense(this.params, 'head', emb);
  }

  dispose(): void {
    this.params.dispose();
  }
}
