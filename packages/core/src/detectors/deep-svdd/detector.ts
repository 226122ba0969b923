// `deep-svdd`: one-class Deep SVDD (Ruff et al., ICML 2018). A bias-free conv encoder f (no bias and no batch-norm
// shift anywhere, so the collapse f = c is not available) maps images to R^d; c = mean of the initial embeddings of
// the training normals, with coordinates near 0 pushed to +-eps; loss = mean ||f(x) - c||^2.
// Score = ||f(x) - c|| (the reference reports the squared distance: same ranking). Map: no native localisation;
// the map is the image score at every pixel (constant map, documented fallback). Adam with PyTorch-style L2 weight
// decay `weightDecay` (reference: 1e-6, src/main.py of lukasruff/Deep-SVDD-PyTorch).
// With `pretrain` (the reference's default) an autoencoder around the same encoder is trained first
// (autoencoder.ts) and Deep SVDD, and c, start from its encoder; without it, from the seeded random network.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import { ParamStore, constant } from '../layers.js';
import { detectorJsonOf, readOwnDetectorJson, saveDetectorDir } from '../persist.js';
import { runTraining, type Trainable } from '../train-loop.js';
import { constantMaps, scoreInBatches } from '../scoring.js';
import { loadStores, namedAll } from '../stores.js';
import { DeepSvddAutoencoder, pretrainEncoder } from './autoencoder.js';
import { addEncoder, encode } from './encoder.js';
import type { DeepSvddParams } from './params.js';

const BATCH = 32;

export interface DeepSvddFitResult extends FitResult {
  /** The autoencoder pretraining (null with `pretrain: false`) and the Deep SVDD training (losses, steps above are its). */
  stages: { pretrain: (FitResult & { step: number }) | null; svdd: FitResult & { step: number } };
}

export class DeepSvddDetector implements Detector {
  readonly name = 'deep-svdd';
  readonly params = new ParamStore();
  /** The centre c (not trained; saved with the weights). */
  readonly centreStore = new ParamStore();
  private steps = 0;

  constructor(
    private readonly p: DeepSvddParams,
    readonly inputSize: InputSize,
  ) {
    addEncoder(this.params, p, inputSize);
    this.centreStore.add('c', [p.rep], constant(0), false);
  }

  get adam(): { weightDecay: number } {
    return { weightDecay: this.p.weightDecay };
  }
  get config(): Readonly<Record<string, unknown>> {
    return this.p;
  }
  get trainedSteps(): number {
    return this.steps;
  }

  /** f(x): [n, H, W, 1] -> [n, rep]. */
  embed(x: tf.Tensor4D): tf.Tensor2D {
    return encode(this.params, this.p, x);
  }

  /** Squared distances ||f(x) - c||^2, [n]. */
  private sqDist(x: tf.Tensor4D): tf.Tensor1D {
    return tf.sum(tf.squaredDifference(this.embed(x), this.centreStore.get('c')), 1);
  }

  trainLoss(x: tf.Tensor4D): tf.Scalar {
    return tf.mean(this.sqDist(x));
  }

  /** c = mean embedding of the training images under the current weights, with the eps fix. */
  async computeCentre(data: TrainData): Promise<Float32Array> {
    const { height, width } = this.inputSize;
    const sum = new Float64Array(this.p.rep);
    let n = 0;
    for await (const batch of data.batches(BATCH, 0)) {
      const m = batch.length / (height * width);
      const t = tf.tidy(() => tf.sum(this.embed(tf.tensor4d(batch, [m, height, width, 1])), 0));
      const v = await t.data();
      t.dispose();
      v.forEach((a, i) => (sum[i] += a));
      n += m;
    }
    const c = Float32Array.from(sum, (s) => {
      const m = s / n;
      return Math.abs(m) < this.p.eps ? (m < 0 ? -this.p.eps : this.p.eps) : m;
    });
    tf.tidy(() => this.centreStore.get('c').assign(tf.tensor1d(c)));
    return c;
  }

  async fit(data: TrainData, opts: FitOptions): Promise<DeepSvddFitResult> {
    const t0 = performance.now();
    const onProgress = opts.onProgress;
    const ck = (sub: string) => opts.checkpoint && { dir: path.join(opts.checkpoint.dir, sub), everySteps: opts.checkpoint.everySteps };
    const aeEpochs = this.p.pretrainEpochs ?? opts.epochs;
    let pre: (FitResult & { step: number }) | null = null;
    if (this.p.pretrain) {
      // Resumable stage of its own (<checkpoint dir>/pretrain); a finished one is restored without training, so a
      // resumed run restarts Deep SVDD, and c, from the very encoder the interrupted run started from.
      const { channels, rep, weightDecay } = this.p;
      const ae = new DeepSvddAutoencoder(this.p, this.inputSize, { channels, rep, weightDecay, epochs: aeEpochs });
      try {
        pre = await pretrainEncoder(ae, data, {
          ...opts,
          epochs: aeEpochs,
          lr: this.p.pretrainLr,
          checkpoint: ck('pretrain'),
          onProgress: (pr) => ((this.steps = pr.step), onProgress?.({ ...pr, stage: 'pretrain' })),
        }, this.params);
      } finally {
        ae.dispose();
      }
    } else {
      this.params.reinitialise(opts.seed);
    }
    // c from the starting weights: the pretrained encoder, or the seeded initial network (the same on a fresh run and
    // on a resume, which then restores the trained weights over them).
    await this.computeCentre(data);
    const p0 = pre?.step ?? 0;
    const stage: Trainable = {
      name: this.name,
      inputSize: this.inputSize,
      params: this.params,
      adam: this.adam,
      // The pretraining length decides where Deep SVDD starts: a checkpoint resumes only under the same one.
      config: pre ? { ...this.p, pretrainEpochs: aeEpochs } : this.p,
      trainLoss: (x) => this.trainLoss(x),
      initialise: (seed) => {
        if (!pre) this.params.reinitialise(seed);
      },
    };
    const r = await runTraining(stage, data, {
      ...opts,
      onProgress: (pr) => ((this.steps = p0 + pr.step), onProgress?.(pre ? { ...pr, stage: 'svdd' } : pr)),
    });
    this.steps = p0 + r.step;
    return {
      steps: (pre?.steps ?? 0) + r.steps,
      epochs: opts.epochs,
      finalLoss: r.finalLoss,
      losses: r.losses,
      resumedFromStep: (pre?.resumedFromStep ?? 0) + r.resumedFromStep,
      durationMs: performance.now() - t0,
      stages: { pretrain: pre, svdd: r },
    };
  }

  score(images: Float32Array, n: number): Promise<ScoreResult> {
    return scoreInBatches(this.name, this.inputSize, images, n, BATCH, (x) => {
      const scores = tf.sqrt(this.sqDist(x));
      return { scores, maps: constantMaps(scores, this.inputSize) };
    });
  }

  private stores() {
    return { net: this.params, centre: this.centreStore };
  }

  async save(dir: string): Promise<void> {
    await saveDetectorDir(dir, detectorJsonOf(this), namedAll(this.stores()));
  }

  async load(dir: string): Promise<void> {
    const json = await readOwnDetectorJson(dir, this.name);
    await loadStores(dir, this.stores());
    this.steps = json.step;
  }

  dispose(): void {
    this.params.dispose();
    this.centreStore.dispose();
  }
}
