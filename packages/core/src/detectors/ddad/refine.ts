// DDAD's self-supervised refinement (MIA 2023): small networks map raw discrepancy maps to refined anomaly maps.
// R_intra reads A_intra; R_dual reads A_inter and A_intra. Both are trained together (one stage, the sum of their
// losses) on FPI anomalies planted in normal *training* images, the frozen ensembles computing the maps of the
// corrupted images. Defaults follow the official code (caiyu6666/DDAD-ASR trainer.py train_refine): the local ASR-Net
// (local-net.ts), raw [A_inter, A_intra] inputs, hard FPI masks, focal loss, Adam(1e-4, beta1 0.5, wd 1e-4), batch 8,
// a fixed epoch budget keeping the last epoch. Switches (params.ts) give back medad's earlier U-Net / z-scored inputs /
// soft BCE / validation-chosen epoch for the ablation. Validation losses (FPI anomalies planted by a fixed seed in the
// validation normals) are computed after each epoch either way; the stage never sees test images.
import * as tf from '@tensorflow/tfjs';
import type { FitOptions, FitResult, InputSize, TrainData } from '../api.js';
import { ParamStore } from '../layers.js';
import { mixSeed } from '../rng.js';
import { runTraining, type StepContext, type Trainable } from '../train-loop.js';
import { corruptBatch } from '../synthetic/corrupt.js';
import { UNet } from '../synthetic/unet.js';
import { readAll } from './data.js';
import { rawMaps, type RawMaps } from './discrepancy.js';
import { LocalRefineNet } from './local-net.js';
import type { Member } from './members.js';
import { DDAD_FPI, type DdadParams } from './params.js';
import { bceLoss, focalLoss, hardTargets } from './refine-loss.js';

const STATS_BATCH = 32;
const VALIDATION_SEED = 0x7a11d;

export type RefineKind = 'intra' | 'dual';
type RefineConfig = Pick<DdadParams, 'refineArch' | 'refineWidth' | 'refineChannels' | 'refineInputs' | 'refineLoss' | 'focalGamma' | 'refineTargets'>;

interface RefineNet {
  logits(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
}

export class Refiners {
  readonly params = new ParamStore();
  /** Mean and std of A_intra and A_inter over the training normals' pixels ('zscore' inputs; saved with the weights). */
  readonly stats = new ParamStore();
  readonly nets: Record<RefineKind, RefineNet>;

  constructor(
    inputSize: InputSize,
    readonly cfg: RefineConfig,
  ) {
    const make = (inChannels: number, prefix: string): RefineNet => {
      if (cfg.refineArch === 'local') return new LocalRefineNet(inChannels, cfg.refineWidth, this.params, prefix);
      const u = new UNet({ inputSize, inChannels, channels: cfg.refineChannels }, this.params, prefix);
      return { logits: (x) => u.logits(x) };
    };
    this.nets = { intra: make(1, 'intra/'), dual: make(2, 'dual/') };
    this.stats.add('intra', [2], (n) => Float32Array.from([0, 1].slice(0, n)), false);
    this.stats.add('inter', [2], (n) => Float32Array.from([0, 1].slice(0, n)), false);
  }

  private input(m: tf.Tensor3D, which: 'intra' | 'inter'): tf.Tensor4D {
    if (this.cfg.refineInputs === 'raw') return tf.expandDims(m, 3) as tf.Tensor4D;
    const [mean, std] = tf.unstack(this.stats.get(which));
    return tf.expandDims(tf.div(tf.sub(m, mean), std), 3) as tf.Tensor4D;
  }

  /** Refinement logits [n, H, W, 1] of one network from the raw maps ('raw': [A_inter, A_intra], the official order). */
  logits(kind: RefineKind, maps: RawMaps, training = false): tf.Tensor4D {
    const intra = this.input(maps.intra, 'intra');
    if (kind === 'intra') return this.nets.intra.logits(intra, training);
    const inter = this.input(maps.inter, 'inter');
    const x = this.cfg.refineInputs === 'raw' ? [inter, intra] : [intra, inter];
    return this.nets.dual.logits(tf.concat(x, 3), training);
  }

  /** Refined maps [n, H, W] (the anomaly probability), inference mode. */
  refined(kind: RefineKind, maps: RawMaps): tf.Tensor3D {
    return tf.squeeze(tf.sigmoid(this.logits(kind, maps)), [3]);
  }

  /** The configured loss of one network against FPI labels (made hard first when configured). */
  loss(kind: RefineKind, maps: RawMaps, targets: tf.Tensor4D, training: boolean): tf.Scalar {
    const z = this.logits(kind, maps, training);
    return this.cfg.refineLoss === 'focal' ? focalLoss(z, targets, this.cfg.focalGamma) : bceLoss(z, targets);
  }

  targets(labels: Float32Array): Float32Array {
    return this.cfg.refineTargets === 'hard' ? hardTargets(labels) : labels;
  }

  /** One pass over the training normals for the standardisation statistics ('zscore' inputs only). */
  async fitStats(ndm: Member[], udm: Member[], data: TrainData, divide: boolean): Promise<void> {
    if (this.cfg.refineInputs !== 'zscore') return;
    const { height, width } = data;
    const acc = { intra: [0, 0, 0], inter: [0, 0, 0] };
    for await (const batch of data.batches(STATS_BATCH, 0)) {
      const [a, b] = tf.tidy(() => {
        const m = rawMaps(ndm, udm, tf.tensor4d(batch, [batch.length / (height * width), height, width, 1]), divide);
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
  /** Divide A_intra/A_inter by the NDM's predicted std (aeu). */
  divide: boolean;
  select: 'last' | 'validation';
  adam: { beta1: number; weightDecay: number };
  config: Readonly<Record<string, unknown>>;
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
  get adam() {
    return this.s.adam;
  }
  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar {
    const [n, h, w] = x.shape;
    const c = corruptBatch(x.dataSync() as Float32Array, n, h, w, 'fpi', this.s.corruptFraction, mixSeed(ctx.seed, ctx.step, 0xf1), DDAD_FPI);
    const r = this.s.refiners;
    const maps = rawMaps(this.s.ndm, this.s.udm, tf.tensor4d(c.images, [n, h, w, 1]), this.s.divide);
    const t = tf.tensor4d(r.targets(c.labels), [n, h, w, 1]);
    return tf.add(r.loss('intra', maps, t, true), r.loss('dual', maps, t, true));
  }
}

export interface RefineResult extends FitResult {
  step: number;
  /** Validation loss of each network after each epoch (epochs trained in this call). */
  validationLosses: Record<RefineKind, { epoch: number; loss: number }[]>;
  /** 1-based epoch whose weights were kept (0: the weights it started from); with select 'last', the last epoch. */
  selectedEpoch: Record<RefineKind, number>;
}

/**
 * Trains both refiners on `train`. select 'last' keeps the final weights; 'validation' keeps, per network, the epoch
 * with the lowest validation loss (a resumed stage only compares the epochs run after the resume point).
 */
export async function trainRefiners(s: RefineSetup, train: TrainData, validation: TrainData, opts: FitOptions): Promise<RefineResult> {
  const { height, width } = s.inputSize;
  const nv = validation.size;
  const v = corruptBatch(await readAll(validation), nv, height, width, 'fpi', s.corruptFraction, VALIDATION_SEED, DDAD_FPI);
  const [rec, intra, inter] = tf.tidy(() => {
    const m = rawMaps(s.ndm, s.udm, tf.tensor4d(v.images, [nv, height, width, 1]), s.divide);
    return [m.rec, m.intra, m.inter];
  });
  const vMaps: RawMaps = { rec, intra, inter };
  const vTargets = tf.tensor4d(s.refiners.targets(v.labels), [nv, height, width, 1]);
  const kinds: RefineKind[] = ['intra', 'dual'];
  const names = (k: RefineKind) => s.refiners.params.named().filter((p) => p.name.startsWith(`${k}/`));
  const best: Record<RefineKind, { loss: number; epoch: number; weights: tf.Tensor[] | null }> = {
    intra: { loss: Infinity, epoch: 0, weights: null },
    dual: { loss: Infinity, epoch: 0, weights: null },
  };
  const validationLosses: RefineResult['validationLosses'] = { intra: [], dual: [] };
  let lastEpoch = 0;
  const evaluate = (epoch: number) => {
    lastEpoch = epoch;
    for (const k of kinds) {
      const t = tf.tidy(() => s.refiners.loss(k, vMaps, vTargets, false));
      const loss = t.dataSync()[0];
      t.dispose();
      validationLosses[k].push({ epoch, loss });
      if (s.select === 'validation' && loss < best[k].loss) {
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
    const selectedEpoch = { intra: lastEpoch, dual: lastEpoch };
    if (s.select === 'validation') {
      for (const k of kinds) {
        const b = best[k];
        selectedEpoch[k] = 0;
        if (!b.weights) continue;
        names(k).forEach((p, i) => p.tensor.assign(b.weights![i]));
        selectedEpoch[k] = b.epoch;
      }
    }
    return { ...r, validationLosses, selectedEpoch };
  } finally {
    for (const k of kinds) tf.dispose(best[k].weights ?? []);
    tf.dispose([vMaps.rec, vMaps.intra, vMaps.inter, vTargets]);
  }
}
