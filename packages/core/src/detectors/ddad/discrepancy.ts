// DDAD's raw anomaly maps of a batch x [n, H, W, 1], from the K reconstructions of each ensemble:
//   A_rec   = (x - mean_k NDM_k(x))^2                      reconstruction error of the NDM mean
//   A_intra = sqrt(mean_k (NDM_k(x) - mean_k NDM_k(x))^2)   population std across the NDM (intra-discrepancy)
//   A_inter = |mean_k UDM_k(x) - mean_k NDM_k(x)|           inter-discrepancy
// All [n, H, W]; run inside the caller's tidy.
import * as tf from '@tensorflow/tfjs';
import type { Member } from './members.js';

export interface RawMaps {
  rec: tf.Tensor3D;
  intra: tf.Tensor3D;
  inter: tf.Tensor3D;
}

export function rawMaps(ndm: Member[], udm: Member[], x: tf.Tensor4D): RawMaps {
  const rn = tf.stack(ndm.map((m) => m.recon(x)));
  const mn = tf.mean(rn, 0);
  const mu = tf.mean(tf.stack(udm.map((m) => m.recon(x))), 0);
  const sq = (t: tf.Tensor) => tf.squeeze(t, [3]) as tf.Tensor3D;
  return {
    rec: sq(tf.squaredDifference(x, mn)),
    intra: sq(tf.sqrt(tf.mean(tf.squaredDifference(rn, mn), 0))),
    inter: sq(tf.abs(tf.sub(mu, mn))),
  };
}
