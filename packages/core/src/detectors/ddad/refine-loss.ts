// Losses of DDAD's refinement on per-pixel anomaly logits z (p = sigmoid(z)) against targets t in [0, 1].
// focal (official, models/losses.py FocalLoss with its defaults: 2 classes, alpha 1, gamma 2, smooth 1e-5):
//   the one-hot target is clamped to [s, 1-s], pt = sum(onehot * softmax) + s, loss = mean(-(1 - pt)^gamma log pt).
//   For 2 classes and hard t that is pt = (1-s) p_t + s (1 - p_t) + s with p_t = p if t = 1 else 1 - p. Written with
//   a soft t the same way (the one-hot replaced by [1-t, t] clamped), so soft targets also have a defined loss.
// bce: mean binary cross-entropy of sigmoid(z) against t (medad's earlier refinement).
import * as tf from '@tensorflow/tfjs';

export const FOCAL_SMOOTH = 1e-5;

export function focalLoss(logits: tf.Tensor, targets: tf.Tensor, gamma: number): tf.Scalar {
  return tf.tidy(() => {
    const p1 = tf.sigmoid(logits);
    const p0 = tf.sub(1, p1);
    const t1 = tf.clipByValue(targets, FOCAL_SMOOTH, 1 - FOCAL_SMOOTH);
    const t0 = tf.clipByValue(tf.sub(1, targets), FOCAL_SMOOTH, 1 - FOCAL_SMOOTH);
    const pt = tf.add(tf.add(tf.mul(t1, p1), tf.mul(t0, p0)), FOCAL_SMOOTH);
    const w = gamma === 0 ? tf.onesLike(pt) : tf.pow(tf.relu(tf.sub(1, pt)), gamma);
    return tf.mean(tf.neg(tf.mul(w, tf.log(pt)))) as tf.Scalar;
  });
}

export function bceLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(targets, logits) as tf.Scalar;
}

/** Hard targets: 1 wherever the synthetic anomaly touches the pixel at all (official: (mask > 0).long()). */
export function hardTargets(labels: Float32Array): Float32Array {
  return labels.map((v) => (v > 0 ? 1 : 0));
}
