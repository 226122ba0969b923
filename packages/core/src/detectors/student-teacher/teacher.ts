// The teacher's self-supervised objective (no ImageNet network here). Bergmann et al. distil a pretrained network into
// the teacher and add a decorrelation ("compactness") loss; without the pretrained network, the distillation target is
// replaced by the patch itself: a 1x1 head must predict, from each pixel's descriptor, the means of a 3x3 grid of
// c x c cells tiling the centre of its p x p window (c: the largest odd size with 3c <= p). That forces descriptors
// to encode the content of exactly their receptive field, and the decorrelation term (mean squared off-diagonal
// correlation of descriptor dimensions over the batch) spreads it over all d dimensions instead of a few, so the
// students' regression targets are informative in every dimension.
import * as tf from '@tensorflow/tfjs';
import { fileIOHandler } from '../../model/index.js';
import type { ParamStore } from '../layers.js';
import { torchUniform } from '../layers.js';
import { padForScale, type PatchNet } from './patch-net.js';
import type { Scale } from './params.js';

export const cellSize = (p: number) => {
  const c = Math.floor(p / 3);
  return c % 2 === 1 ? c : c - 1;
};

/** Targets [n, H, W, 9]: cell means of each pixel's window (zero padding outside the image, as the network sees it). */
export function patchTargets(x: tf.Tensor4D, p: Scale): tf.Tensor4D {
  const [, h, w] = x.shape;
  const c = cellSize(p);
  const r = (p - 1) / 2;
  const box = tf.avgPool(padForScale(x, p), c, 1, 'valid');
  const first = r - (c - 1) / 2;
  const cells: tf.Tensor4D[] = [];
  for (const oy of [-c, 0, c]) for (const ox of [-c, 0, c]) cells.push(tf.slice(box, [0, first + oy, first + ox, 0], [-1, h, w, 1]));
  return tf.concat(cells, 3);
}

export function addTeacherHead(ps: ParamStore, prefix: string, descriptor: number): void {
  ps.add(`${prefix}/head/kernel`, [1, 1, descriptor, 9], torchUniform(descriptor));
  ps.add(`${prefix}/head/bias`, [9], torchUniform(descriptor));
}

/** Mean squared off-diagonal correlation between descriptor dimensions, over all pixels of the batch. */
export function decorrelationLoss(desc: tf.Tensor4D): tf.Scalar {
  const d = desc.shape[3];
  const flat = tf.reshape(desc, [-1, d]);
  const { mean, variance } = tf.moments(flat, 0);
  const z = tf.div(tf.sub(flat, mean), tf.sqrt(tf.add(variance, 1e-6)));
  const corr = tf.div(tf.matMul(z, z, true, false), flat.shape[0]);
  const off = tf.mul(corr, tf.sub(1, tf.eye(d)));
  return tf.div(tf.sum(tf.square(off)), Math.max(d * (d - 1), 1)) as tf.Scalar;
}

export function teacherLoss(net: PatchNet, x: tf.Tensor4D, decorrelation: number): tf.Scalar {
  const desc = net.describe(x);
  const k = net.ps.get(`${net.prefix}/head/kernel`) as tf.Tensor4D;
  const pred = tf.add(tf.conv2d(desc, k, 1, 'valid'), net.ps.get(`${net.prefix}/head/bias`));
  const rec = tf.mean(tf.squaredDifference(pred, patchTargets(x, net.scale)));
  return tf.add(rec, tf.mul(decorrelationLoss(desc), decorrelation)) as tf.Scalar;
}

/** A descriptor function: images [n, H, W, 1] -> [n, H, W, d]. */
export type Describe = (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * Loads a user-supplied teacher (tfjs LayersModel folder) for scale p and checks it maps a p x p window to one
 * d-dimensional descriptor ('valid' convolutions with receptive field p).
 */
export async function loadPretrainedTeacher(dir: string, p: Scale, descriptor: number): Promise<{ model: tf.LayersModel; describe: Describe }> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(fileIOHandler(dir));
  } catch (err) {
    throw new Error(`${dir}: cannot load the teacherModel for p=${p}: ${(err as Error).message}`, { cause: err });
  }
  const probe = tf.tidy(() => model.predict(tf.zeros([1, p, p, 1])) as tf.Tensor);
  const shape = probe.shape;
  probe.dispose();
  if (shape.length !== 4 || shape[1] !== 1 || shape[2] !== 1 || shape[3] !== descriptor) {
    model.dispose();
    throw new Error(`${dir}/model.json: teacherModel for p=${p} must map [1, ${p}, ${p}, 1] to [1, 1, 1, ${descriptor}] ('valid' convs, receptive field ${p}, descriptor ${descriptor}); it gives [${shape.join(', ')}]`);
  }
  return { model, describe: (x) => model.predict(padForScale(x, p)) as tf.Tensor4D };
}
