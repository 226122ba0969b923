// `cutpaste`: CutPaste with Gaussian density estimation (Li et al., CVPR 2021). Stage 'classifier': a CNN learns the
// 3-way task normal / CutPaste patch / scar on the training normals (each batch of n images becomes 3n: the images,
// a CutPaste copy and a scar copy of each; cross-entropy). Stage 'density': a Gaussian with Ledoit-Wolf shrinkage is
// fitted to the penultimate-layer embeddings of the training normals. Score = Mahalanobis distance. The classifier
// trains with the paper's SGD + momentum by default (params.ts), Adam on request.
// Map: no native localisation; the map is the image score at every pixel (a constant map, documented fallback).
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import { ParamStore, constant } from '../layers.js';
import { detectorJsonOf, readOwnDetectorJson, saveDetectorDir } from '../persist.js';
import { mixSeed } from '../rng.js';
import { sgdMomentum } from '../sgd-momentum.js';
import { runTraining, type StepContext, type Trainable } from '../train-loop.js';
import { SynthRng, cutPaste, cutPasteScar } from '../../synth/index.js';
import { constantMaps, scoreInBatches } from '../scoring.js';
import { loadStores, namedAll } from '../stores.js';
import { invert, ledoitWolf, type Gaussian } from './ledoit-wolf.js';
import { CLASSES, CutPasteNet } from './net.js';
import { cutpasteLrOf, type CutpasteParams } from './params.js';

const BATCH = 32;

export interface CutpasteFitResult extends FitResult {
  /** Ledoit-Wolf shrinkage intensity of the fitted Gaussian. */
  shrinkage: number;
}

export class CutpasteDetector implements Detector, Trainable {
  readonly name = 'cutpaste';
  readonly net: CutPasteNet;
  /** Gaussian of the normal embeddings: mean and precision (inverse shrunk covariance); saved with the weights. */
  readonly density = new ParamStore();
  private steps = 0;

  constructor(
    private readonly p: CutpasteParams,
    readonly inputSize: InputSize,
  ) {
    this.net = new CutPasteNet(inputSize, p.channels, p.embedding);
    if (p.optimizer === 'sgd') this.makeOptimizer = (lr) => ({ key: 'sgd-momentum', optimizer: sgdMomentum(lr, p.momentum) });
    this.density.add('mean', [p.embedding], constant(0), false);
    this.density.add('precision', [p.embedding, p.embedding], (n) => identity(Math.round(Math.sqrt(n))), false);
  }

  /** SGD with momentum for the shared loop (checkpoint key 'sgd-momentum'); Adam when `optimizer: adam`. */
  readonly makeOptimizer?: (lr: number) => { key: string; optimizer: tf.Optimizer };

  get config(): Readonly<Record<string, unknown>> {
    return this.p;
  }
  get params(): ParamStore {
    return this.net.params;
  }
  get trainedSteps(): number {
    return this.steps;
  }

  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar {
    const [n, h, w] = x.shape;
    const px = h * w;
    const src = x.dataSync() as Float32Array;
    const rng = new SynthRng(mixSeed(ctx.seed, ctx.step, 0xc9));
    const all = new Float32Array(3 * n * px);
    all.set(src);
    for (let i = 0; i < n; i++) {
      const img = { width: w, height: h, data: src.subarray(i * px, (i + 1) * px) };
      all.set(cutPaste(img, rng).image.data, (n + i) * px);
      all.set(cutPasteScar(img, rng).image.data, (2 * n + i) * px);
    }
    const labels = Array.from({ length: 3 * n }, (_, i) => Math.floor(i / n));
    const logits = this.net.logits(this.net.embed(tf.tensor4d(all, [3 * n, h, w, 1]), true));
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES), logits) as tf.Scalar;
  }

  async fit(data: TrainData, opts: FitOptions): Promise<CutpasteFitResult> {
    const onProgress = opts.onProgress;
    const r = await runTraining(this, data, { ...opts, lr: cutpasteLrOf(this.p, opts.lr), onProgress: (pr) => ((this.steps = pr.step), onProgress?.({ ...pr, stage: 'classifier' })) });
    this.steps = r.step;
    const g = await this.fitDensity(data);
    return { ...r, shrinkage: g.shrinkage };
  }

  /** Embeddings of every training image (inference mode), then the Ledoit-Wolf Gaussian. */
  async fitDensity(data: TrainData): Promise<Gaussian> {
    const { height, width } = this.inputSize;
    const e = this.p.embedding;
    const rows: Float32Array[] = [];
    for await (const batch of data.batches(BATCH, 0)) {
      const t = tf.tidy(() => this.net.embed(tf.tensor4d(batch, [batch.length / (height * width), height, width, 1]), false));
      rows.push((await t.data()) as Float32Array);
      t.dispose();
    }
    const n = rows.reduce((a, r) => a + r.length, 0) / e;
    const x = new Float64Array(n * e);
    let o = 0;
    for (const r of rows) {
      x.set(r, o);
      o += r.length;
    }
    const g = ledoitWolf(x, n, e);
    let precision: Float64Array;
    try {
      precision = invert(g.covariance, e);
    } catch (err) {
      // Every embedding unit dead (ReLU at 0 for all images), typically after too high a learning rate.
      throw new Error(`cutpaste: the ${n} training embeddings have no spread, so no Gaussian can be fitted (${(err as Error).message}); lower detector.params.lr (now ${this.p.lr ?? (this.p.optimizer === 'sgd' ? 'the paper\'s 0.03' : 'the fit\'s')}) or use optimizer: adam`);
    }
    tf.tidy(() => {
      this.density.get('mean').assign(tf.tensor1d(Float32Array.from(g.mean)));
      this.density.get('precision').assign(tf.tensor2d(Float32Array.from(precision), [e, e]));
    });
    return g;
  }

  /** Mahalanobis distances [n] of a batch (inside the caller's tidy). */
  mahalanobis(x: tf.Tensor4D): tf.Tensor1D {
    const d = tf.sub(this.net.embed(x, false), this.density.get('mean'));
    const q = tf.sum(tf.mul(tf.matMul(d, this.density.get('precision') as tf.Tensor2D), d), 1);
    return tf.sqrt(tf.relu(q)) as tf.Tensor1D;
  }

  score(images: Float32Array, n: number): Promise<ScoreResult> {
    return scoreInBatches(this.name, this.inputSize, images, n, BATCH, (x) => {
      const scores = this.mahalanobis(x);
      return { scores, maps: constantMaps(scores, this.inputSize) };
    });
  }

  private stores() {
    return { net: this.net.params, density: this.density };
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
    for (const ps of Object.values(this.stores())) ps.dispose();
  }
}

function identity(dim: number): Float32Array {
  const m = new Float32Array(dim * dim);
  for (let i = 0; i < dim; i++) m[i * dim + i] = 1;
  return m;
}
