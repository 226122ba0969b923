// DDAD's self-supervised refinement (MIA 2023): small U-Nets map raw discrepancy maps to refined anomaly maps.
// R_intra reads the standardised A_intra; R_dual reads A_intra and A_inter. Both are trained together (one stage,
// the sum of their BCE losses) on FPI anomalies planted in normal *training* images, with the frozen ensembles
// computing the maps of the corrupted images; the target is the FPI label (soft: the blend factor).
// Epoch selection uses the validation normals only, with FPI anomalies planted by a fixed seed: after each epoch the
// validation BCE of each network is computed and the weights of its best epoch are kept. The stage is given nothing
// but the training and validation TrainData, so test images cannot reach it.
import * as tf from '@tensorflow/tfjs';
import type { FitOptions, FitResult, InputSize, TrainData } from '../api.js';
import { ParamStore } from '../layers.js';
import { mixSeed } from '../rng.js';
import { runTraining, type StepContext, type Trainable } from '../train-loop.js';
import { corruptBatch } from '../synthetic/corrupt.js';
import { UNet } from '../synthetic/unet.js';
import { readAll } from './data.js';
import { rawMaps, type RawMaps } from './discrepancy.js';
import type { Member } from './members.js';

const STATS_BATCH = 32;
const VALIDATION_SEED = 0x7a11d;

export type RefineKind = 'intra' | 'dual';

export class Refiners {
  readonly params = new ParamStore();
  /** Mean and std of A_intra and A_inter over the training normals' pixels (not trained; saved with the weights). */
  readonly stats = new ParamStore();
  readonly nets: Record<RefineKind, UNet>;

  constructor(inputSize: InputSize, channels: number[]) {
    this.nets = {
      intra: new UNet({ inputSize, inChannels: 1, channels }, this.params, 'intra/'),
      dual: new UNet({ inputSize, inChannels: 2, channels }, this.params, 'dual/'),
    };
    this.stats.add('intra', [2], (n) => Float32Array.from([0, 1].slice(0, n)), false);
    this.stats.add('inter', [2], (n) => Float32Array.from([0, 1].slice(0, n)), false);
  }

  private standardise(m: tf.Tensor3D, which: 'intra' | 'inter'): tf.Tensor4D {
    const [mean, std] = tf.unstack(this.stats.get(which));
    return tf.expandDims(tf.div(tf.sub(m, mean), std), 3) as tf.Tensor4D;
  }

  /** Refinement logits [n, H, W, 1] of one network from the raw maps. */
  logits(kind: RefineKind, maps: RawMaps): tf.Tensor4D {
    const intra = this.standardise(maps.intra, 'intra');
    if (kind === 'intra') return this.nets.intra.logits(intra);
    return this.nets.dual.logits(tf.concat([intra, this.standardise(maps.inter, 'inter')], 3));
  }

  /** Refined maps [n, H, W] (sigmoid of the logits). */
  refined(kind: RefineKind, maps: RawMaps): tf.Tensor3D {
    return tf.squeeze(tf.sigmoid(this.logits(kind, maps)), [3]);
  }

  /** One pass over the training normals for the standardisation statistics. */
  async fitStats(ndm: Member[], udm: Member[], data: TrainData): Promise<void> {
    const { height, width } = data;
    const acc = { intra: [0, 0, 0], inter: [0, 0, 0] };
    for await (const batch of data.batches(STATS_BATCH, 0)) {
      const [a, b] = tf.tidy(() => {
        const m = rawMaps(ndm, udm, tf.tensor4d(batch, [batch.length / (height * width), height, width, 1]));
        return [m.intra, m.inter];
      });
      for (const [key, t] of [['intra', a], ['inter', b]] as const) {
        for (const v of await t.data()) {
          acc[key][0]++;
          acc[key][1] += v;
          acc[key][2] += v * v;
        }
      }
      tf.dispose([a, b]);
    }
    tf.tidy(() => {
      for (const key of ['intra', 'inter'] as const) {
        const [n, s, s2] = acc[key];
        const mean = s / n;
        // A floor on the std: an ensemble that agrees everywhere must not blow the inputs up.
        const std = Math.max(Math.sqrt(Math.max(s2 / n - mean * mean, 0)), 1e-6);
        this.stats.get(key).assign(tf.tensor1d([mean, std]));
      }
    });
  }

  dispose(): void {
    this.params.dispose();
    this.stats.dispose();
  }
}

export interface RefineSetup {
  refiners: Refiners;
  ndm: Member[];
  udm: Member[];
  inputSize: InputSize;
  corruptFraction: number;
  config: Readonly<Record<string, unknown>>;
}

function bce(r: Refiners, kind: RefineKind, maps: RawMaps, labels: tf.Tensor4D): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(labels, r.logits(kind, maps)) as tf.Scalar;
}

class RefineStage implements Trainable {
  readonly name = 'ddad/refine';
  constructor(private readonly s: RefineSetup) {}
  get config() {
    return this.s.config;
  }
  get inputSize() {
    return this.s.inputSize;
  }
  get params() {
    return this.s.refiners.params;
  }
  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar {
    const [n, h, w] = x.shape;
    const c = corruptBatch(x.dataSync() as Float32Array, n, h, w, 'fpi', this.s.corruptFraction, mixSeed(ctx.seed, ctx.step, 0xf1));
    const maps = rawMaps(this.s.ndm, this.s.udm, tf.tensor4d(c.images, [n, h, w, 1]));
    const labels = tf.tensor4d(c.labels, [n, h, w, 1]);
    return tf.add(bce(this.s.refiners, 'intra', maps, labels), bce(this.s.refiners, 'dual', maps, labels));
  }
}

export interface RefineResult extends FitResult {
  step: number;
  /** Validation BCE of each network after each epoch (epochs trained in this call). */
  validationLosses: Record<RefineKind, { epoch: number; loss: number }[]>;
  /** 1-based epoch whose weights were kept (0: the weights it started from). */
  selectedEpoch: Record<RefineKind, number>;
}

/**
 * Trains both refiners on `train` and keeps, per network, the weights of the epoch with the lowest validation loss.
 * A resumed stage only compares the epochs run after the resume point (and the weights it resumed with).
 */
export async function trainRefiners(s: RefineSetup, train: TrainData, validation: TrainData, opts: FitOptions): Promise<RefineResult> {
  const { height, width } = s.inputSize;
  const nv = validation.size;
  const v = corruptBatch(await readAll(validation), nv, height, width, 'fpi', s.corruptFraction, VALIDATION_SEED);
  const [rec, intra, inter] = tf.tidy(() => {
    const m = rawMaps(s.ndm, s.udm, tf.tensor4d(v.images, [nv, height, width, 1]));
    return [m.rec, m.intra, m.inter];
  });
  const vMaps: RawMaps = { rec, intra, inter };
  const vLabels = tf.tensor4d(v.labels, [nv, height, width, 1]);
  const kinds: RefineKind[] = ['intra', 'dual'];
  const names = (k: RefineKind) => s.refiners.params.named().filter((p) => p.name.startsWith(`${k}/`));
  const best: Record<RefineKind, { loss: number; epoch: number; weights: tf.Tensor[] | null }> = {
    intra: { loss: Infinity, epoch: 0, weights: null },
    dual: { loss: Infinity, epoch: 0, weights: null },
  };
  const validationLosses: RefineResult['validationLosses'] = { intra: [], dual: [] };
  const evaluate = (epoch: number) => {
    for (const k of kinds) {
      const t = tf.tidy(() => bce(s.refiners, k, vMaps, vLabels));
      const loss = t.dataSync()[0];
      t.dispose();
      validationLosses[k].push({ epoch, loss });
      if (loss < best[k].loss) {
        tf.dispose(best[k].weights ?? []);
        best[k] = { loss, epoch, weights: names(k).map((p) => tf.clone(p.tensor)) };
      }
    }
  };
  try {
    const onProgress = opts.onProgress;
    const r = await runTraining(new RefineStage(s), train, {
      ...opts,
      onProgress: (p) => {
        if (p.step % p.stepsPerEpoch === 0 || p.step === p.totalSteps) evaluate(Math.ceil(p.step / p.stepsPerEpoch));
        onProgress?.({ ...p, stage: 'refine' });
      },
    });
    const selectedEpoch = { intra: 0, dual: 0 };
    for (const k of kinds) {
      const b = best[k];
      if (!b.weights) continue;
      names(k).forEach((p, i) => p.tensor.assign(b.weights![i]));
      selectedEpoch[k] = b.epoch;
    }
    return { ...r, validationLosses, selectedEpoch };
  } finally {
    for (const k of kinds) tf.dispose(best[k].weights ?? []);
    tf.dispose([vMaps.rec, vMaps.intra, vMaps.inter, vLabels]);
  }
}
