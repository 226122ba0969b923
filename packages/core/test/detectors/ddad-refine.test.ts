// DDAD's published refinement pieces (caiyu6666/DDAD-ASR): the focal loss, hard FPI targets, the local ASR-Net's 7x7
// receptive field, the AE-U variance division of the discrepancy maps, and the optimiser's weight decay.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayTrainData } from '../../src/detectors/api.js';
import { rawMaps } from '../../src/detectors/ddad/discrepancy.js';
import { LocalRefineNet } from '../../src/detectors/ddad/local-net.js';
import type { Member } from '../../src/detectors/ddad/members.js';
import { bceLoss, focalLoss, hardTargets } from '../../src/detectors/ddad/refine-loss.js';
import { ParamStore, constant } from '../../src/detectors/layers.js';
import { runTraining } from '../../src/detectors/train-loop.js';
import { useWasm } from './fixtures.js';

beforeAll(useWasm);

const scalar = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('ddad refinement loss', () => {
  it('focal loss (gamma 2, smooth 1e-5) equals the hand-computed value of the official FocalLoss', () => {
    // Pixel 1: z = 0 (p = 0.5), target 1: pt = (1-s)*0.5 + s*0.5 + s = 0.50001; (1-pt)^2 * -ln(pt) = 0.1732748640.
    // Pixel 2: z = ln 3 (p = 0.75), target 0: pt = s*0.75 + (1-s)*0.25 + s = 0.250015; (0.749985)^2 * -ln(0.250015)
    // = 0.7797256392. Mean: 0.4765002516.
    const z = tf.tensor4d([0, Math.log(3)], [1, 1, 2, 1]);
    const t = tf.tensor4d([1, 0], [1, 1, 2, 1]);
    expect(scalar(focalLoss(z, t, 2))).toBeCloseTo(0.4765002516, 5);
    // gamma 0 is cross-entropy (up to the smoothing): -(ln 0.5 + ln 0.25) / 2.
    expect(scalar(focalLoss(z, t, 0))).toBeCloseTo(-(Math.log(0.5) + Math.log(0.25)) / 2, 4);
    expect(scalar(bceLoss(z, t))).toBeCloseTo(-(Math.log(0.5) + Math.log(0.25)) / 2, 5);
    tf.dispose([z, t]);
  });

  it('focal loss down-weights well-classified pixels relative to cross-entropy', () => {
    const z = tf.tensor4d([4], [1, 1, 1, 1]);
    const t = tf.tensor4d([1], [1, 1, 1, 1]);
    expect(scalar(focalLoss(z, t, 2))).toBeLessThan(scalar(bceLoss(z, t)) * 0.01);
    tf.dispose([z, t]);
  });

  it('hard targets mark every pixel the anomaly touches (official: mask > 0)', () => {
    expect(Array.from(hardTargets(Float32Array.from([0, 0.3, 1, 1e-6, 0])))).toEqual([0, 1, 1, 1, 0]);
  });
});

describe('local ASR-Net', () => {
  it('has a 7x7 receptive field: one input pixel changes only outputs within 3 pixels of it', () => {
    const ps = new ParamStore();
    const net = new LocalRefineNet(2, 16, ps);
    ps.reinitialise(3);
    const [h, w, cy, cx] = [15, 15, 7, 7];
    const base = tf.randomUniform([1, h, w, 2], 0, 1, 'float32', 1);
    const bumped = tf.tidy(() => tf.add(base, tf.scatterND([[0, cy, cx, 0]], [5], [1, h, w, 2])));
    const diff = tf.tidy(() => tf.abs(tf.sub(net.logits(bumped as tf.Tensor4D, false), net.logits(base as tf.Tensor4D, false))).dataSync());
    let changedAt3 = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = Math.max(Math.abs(y - cy), Math.abs(x - cx));
        if (d > 3) expect(diff[y * w + x]).toBe(0);
        else if (d === 3 && diff[y * w + x] > 0) changedAt3++;
      }
    }
    expect(diff[cy * w + cx]).toBeGreaterThan(0);
    expect(changedAt3).toBeGreaterThan(0); // the field really reaches 3 pixels out
    tf.dispose([base, bumped]);
    ps.dispose();
  });
});

/** A stand-in ensemble member with fixed reconstruction and variance. */
function member(rec: number, variance?: number): Member {
  return {
    params: new ParamStore(),
    trainLoss: () => tf.scalar(0),
    recon: (x) => tf.fill(x.shape, rec) as tf.Tensor4D,
    variance: variance === undefined ? undefined : (x) => tf.fill(x.shape, variance) as tf.Tensor4D,
    dispose: () => undefined,
  };
}

describe('ddad discrepancy maps', () => {
  it('A_intra is the sample std across the NDM; with aeu division both maps are divided by sqrt(mean NDM variance)', () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const ndm = [member(1, 1), member(2, 4), member(3, 7)]; // std 1 (n-1), mean variance 4 -> divisor 2
    const udm = [member(4), member(4), member(4)]; // |4 - 2| = 2
    const read = (divide: boolean) => {
      const t = tf.tidy(() => {
        const m = rawMaps(ndm, udm, x, divide);
        return tf.stack([tf.reshape(m.intra, [-1]), tf.reshape(m.inter, [-1])]);
      });
      const v = t.arraySync() as number[][];
      t.dispose();
      return [v[0][0], v[1][0]];
    };
    expect(read(false)[0]).toBeCloseTo(1, 6);
    expect(read(false)[1]).toBeCloseTo(2, 6);
    expect(read(true)[0]).toBeCloseTo(0.5, 6);
    expect(read(true)[1]).toBeCloseTo(1, 6);
    expect(() => tf.tidy(() => rawMaps([member(1), member(2)], udm, x, true).intra)).toThrow(/backbone aeu/);
    x.dispose();
  });
});

describe('train loop Adam options', () => {
  it("weight decay adds wd * w to the gradient (PyTorch Adam's L2): a zero loss still shrinks the weights", async () => {
    const run = async (weightDecay: number) => {
      const params = new ParamStore();
      const w = params.add('w', [1], constant(1));
      const model = { name: 'wd', config: {}, inputSize: { height: 2, width: 2 }, params, adam: { beta1: 0.5, weightDecay }, trainLoss: () => tf.mul(w, 0).sum() as tf.Scalar };
      params.reinitialise = () => undefined; // keep w = 1
      await runTraining(model, arrayTrainData(new Float32Array(8), { height: 2, width: 2 }), { epochs: 1, batchSize: 2, lr: 0.1, seed: 0 });
      const v = w.dataSync()[0];
      params.dispose();
      return v;
    };
    expect(await run(0)).toBe(1);
    // Two 2x2 images, batch 2: one step. Adam's first step moves by lr * m_hat / (sqrt(v_hat) + eps) = lr for any
    // gradient well above eps: here wd * w = 1e-4.
    expect(await run(1e-4)).toBeCloseTo(1 - 0.1, 4);
  });
});
