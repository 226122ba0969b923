// DDAD's official refinement network, ASR-Net (caiyu6666/DDAD-ASR models/refine_net.py):
//   conv 3x3 (width) + BN + ReLU -> conv 3x3 (width) + BN + ReLU -> conv 3x3 -> 2 class logits
// All convs stride 1 'same' with bias (PyTorch's default). Three 3x3 layers give a 7x7 receptive field: the net can
// only recalibrate the discrepancy level around each pixel, not compare it with distant surroundings. The anomaly
// logit is l1 - l0: sigmoid(l1 - l0) equals softmax's class-1 probability, which the official code reads.
import * as tf from '@tensorflow/tfjs';
import { ParamStore, addBatchNorm, batchNorm, torchUniform } from '../layers.js';

function addConv3(ps: ParamStore, name: string, ci: number, co: number): void {
  ps.add(`${name}/kernel`, [3, 3, ci, co], torchUniform(ci * 9));
  ps.add(`${name}/bias`, [co], torchUniform(ci * 9));
}
function conv3(ps: ParamStore, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return tf.add(tf.conv2d(x, ps.get(`${name}/kernel`) as tf.Tensor4D, 1, 'same'), ps.get(`${name}/bias`));
}

export class LocalRefineNet {
  constructor(
    readonly inChannels: number,
    readonly width: number,
    readonly params: ParamStore,
    private readonly prefix = '',
  ) {
    addConv3(params, `${prefix}c0`, inChannels, width);
    addBatchNorm(params, `${prefix}c0/bn`, width);
    addConv3(params, `${prefix}c1`, width, width);
    addBatchNorm(params, `${prefix}c1/bn`, width);
    addConv3(params, `${prefix}out`, width, 2);
  }

  /** x [n, H, W, inChannels] -> anomaly logit [n, H, W, 1]; training: batch statistics (and running-stat update). */
  logits(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const p = this.prefix;
    let h = tf.relu(batchNorm(this.params, `${p}c0/bn`, conv3(this.params, `${p}c0`, x), training));
    h = tf.relu(batchNorm(this.params, `${p}c1/bn`, conv3(this.params, `${p}c1`, h), training));
    const [l0, l1] = tf.split(conv3(this.params, `${p}out`, h), 2, 3);
    return tf.sub(l1, l0) as tf.Tensor4D;
  }
}
