// `deep-svdd`: one-class Deep SVDD (Ruff et al., ICML 2018). A bias-free conv encoder f (no bias and no batch-norm
// shift anywhere, so the collapse f = c is not available) maps images to R^d; c = mean of the initial embeddings of
// the training normals, with coordinates near 0 pushed to +-eps; loss = mean ||f(x) - c||^2.
// Score = ||f(x) - c|| (the reference reports the squared distance: same ranking). Map: no native localisation;
// the map is the image score at every pixel (constant map, documented fallback). Adam with PyTorch-style L2 weight
// decay `weightDecay` (reference: 1e-6, src/main.py of lukasruff/Deep-SVDD-PyTorch).
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import { ParamStore, addConv, constant, conv, torchUniform } from '../layers.js';
import { detectorJsonOf, readOwnDetectorJson, saveDetectorDir } from '../persist.js';
import { runTraining, type Trainable } from '../train-loop.js';
import { constantMaps, scoreInBatches } from '../scoring.js';
import { loadStores, namedAll } from '../stores.js';
import type { DeepSvddParams } from './params.js';

const BATCH = 32;
const LEAK = 0.1;

export class DeepSvddDetector implements Detector, Trainable {
  readonly name = 'deep-svdd';
  readonly params = new ParamStore();
  /** The centre c (not trained; saved with the weights). */
  readonly centreStore = new ParamStore();
  private steps = 0;

  constructor(
    private readonly p: DeepSvddParams,
    readonly inputSize: InputSize,
  ) {
    const f = 2 ** p.channels.length;
    if (inputSize.height % f !== 0 || inputSize.width % f !== 0) {
      throw new Error(`input size ${inputSize.width}x${inputSize.height} must be a multiple of ${f} (2^${p.channels.length} levels)`);
    }
    let ci = 1;
    p.channels.forEach((c, i) => {
      addConv(this.params, `conv${i}`, ci, c);
      ci = c;
    });
    const flat = (inputSize.height / f) * (inputSize.width / f) * ci;
    this.params.add('proj/kernel', [flat, p.rep], torchUniform(flat));
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
    let h = x;
    this.p.channels.forEach((_, i) => {
      h = tf.leakyRelu(conv(this.params, `conv${i}`, h), LEAK);
    });
    return tf.matMul(tf.reshape(h, [h.shape[0], -1]), this.params.get('proj/kernel') as tf.Tensor2D);
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

  async fit(data: TrainData, opts: FitOptions): Promise<FitResult> {
    // runTraining draws the same initial weights from opts.seed (or restores a checkpoint): c from the seeded initial
    // network is therefore the same on a fresh run and on a resume.
    this.params.reinitialise(opts.seed);
    await this.computeCentre(data);
    const onProgress = opts.onProgress;
    const r = await runTraining(this, data, { ...opts, onProgress: (pr) => ((this.steps = pr.step), onProgress?.(pr)) });
    this.steps = r.step;
    return r;
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
