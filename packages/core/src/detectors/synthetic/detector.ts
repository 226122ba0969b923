// `synth-*`: self-supervised anomaly segmentation (FPI / PII / NSA / CutPaste training data). A U-Net (unet.ts;
// skip connections, no dense bottleneck) predicts the per-pixel anomaly label of images corrupted on the fly by the
// named generator, with binary cross-entropy (the lecture's L_bce, soft labels as the generators give them).
// Pixel map = sigmoid output; image score = top-k mean (default top 1 %) or mean of the map.
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import type { ParamStore } from '../layers.js';
import { detectorJsonOf, loadWeightsInto, readOwnDetectorJson, saveDetectorDir } from '../persist.js';
import { mixSeed } from '../rng.js';
import { scoreInBatches } from '../scoring.js';
import { runTraining, type StepContext, type Trainable } from '../train-loop.js';
import { corruptBatch } from './corrupt.js';
import type { SyntheticParams } from './params.js';
import { UNet, imageScore } from './unet.js';

const SCORE_BATCH = 32;
const CORRUPT_TAG = 0x5c;

export class SyntheticDetector implements Detector, Trainable {
  readonly net: UNet;
  private steps = 0;

  constructor(
    readonly name: string,
    private readonly p: SyntheticParams,
    readonly inputSize: InputSize,
  ) {
    this.net = new UNet({ inputSize, inChannels: 1, channels: p.channels });
  }

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
    // The generators run on the CPU: read the (input, not trained) batch back synchronously.
    const { images, labels } = corruptBatch(x.dataSync() as Float32Array, n, h, w, this.p.generator, this.p.corruptFraction, mixSeed(ctx.seed, ctx.step, CORRUPT_TAG), { nsa: this.p.nsa, fpi: this.p.fpi, pii: this.p.pii });
    const logits = this.net.logits(tf.tensor4d(images, [n, h, w, 1]));
    return tf.losses.sigmoidCrossEntropy(tf.tensor4d(labels, [n, h, w, 1]), logits) as tf.Scalar;
  }

  async fit(data: TrainData, opts: FitOptions): Promise<FitResult> {
    const onProgress = opts.onProgress;
    const r = await runTraining(this, data, { ...opts, onProgress: (pr) => ((this.steps = pr.step), onProgress?.(pr)) });
    this.steps = r.step;
    return r;
  }

  /** Probability maps [n, H, W] (inside the caller's tidy). */
  probability(x: tf.Tensor4D): tf.Tensor3D {
    return tf.squeeze(tf.sigmoid(this.net.logits(x)), [3]);
  }

  score(images: Float32Array, n: number): Promise<ScoreResult> {
    return scoreInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x) => {
      const maps = this.probability(x);
      return { maps, scores: imageScore(maps, this.p.imageScore, this.p.topK) };
    });
  }

  async save(dir: string): Promise<void> {
    await saveDetectorDir(dir, detectorJsonOf(this), this.params.named());
  }

  async load(dir: string): Promise<void> {
    const json = await readOwnDetectorJson(dir, this.name);
    await loadWeightsInto(dir, this.params);
    this.steps = json.step;
  }

  dispose(): void {
    this.net.dispose();
  }
}
