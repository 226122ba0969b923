// DDAD's raw anomaly maps of a batch x [n, H, W, 1], from the K reconstructions of each ensemble:
//   A_rec   = (x - mean_k NDM_k(x))^2                      reconstruction error of the NDM mean
//   A_intra = sqrt(sum_k (NDM_k(x) - mean_k NDM_k(x))^2 / (K-1))   sample std across the NDM (intra-discrepancy;
//             torch.std's default, as the official trainer.py:168)
//   A_inter = |mean_k UDM_k(x) - mean_k NDM_k(x)|           inter-discrepancy
// With `divide` (backbone aeu, official test.py:162-166 and trainer.py:169-171) A_intra and A_inter are divided by
// sqrt(mean_k sigma^2_k), the NDM's mean predicted variance. All [n, H, W]; run inside the caller's tidy.
import * as tf from '@tensorflow/tfjs';
import type { Member } from './members.js';

export interface RawMaps {
  rec: tf.Tensor3D;
  intra: tf.Tensor3D;
  inter: tf.Tensor3D;
}

export function rawMaps(ndm: Member[], udm: Member[], x: tf.Tensor4D, divide = false): RawMaps {
  const k = ndm.length;
  const rn = tf.stack(ndm.map((m) => m.recon(x)));
  const mn = tf.mean(rn, 0);
  const mu = tf.mean(tf.stack(udm.map((m) => m.recon(x))), 0);
  const sq = (t: tf.Tensor) => tf.squeeze(t, [3]) as tf.Tensor3D;
  let intra: tf.Tensor = tf.sqrt(tf.div(tf.sum(tf.squaredDifference(rn, mn), 0), Math.max(k - 1, 1)));
  let inter: tf.Tensor = tf.abs(tf.sub(mu, mn));
  if (divide) {
    const variances = ndm.map((m) => {
      if (!m.variance) throw new Error('ddad: aeuDivide needs members that predict a variance (backbone aeu)');
      return m.variance(x);
    });
    const sd = tf.sqrt(tf.mean(tf.stack(variances), 0));
    intra = tf.div(intra, sd);
    inter = tf.div(inter, sd);
  }
  return { rec: sq(tf.squaredDifference(x, mn)), intra: sq(intra), inter: sq(inter) };
}
