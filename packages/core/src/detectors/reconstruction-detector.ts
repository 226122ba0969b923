// Common body of the reconstruction family (ae, vae, memae, aeu, ctx-ae): one ConvAENet, the shared training loop,
// batched scoring where an image's score is the mean of its pixel map, and folder save/load.
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from './api.js';
import type { ConvAENet } from './conv-ae-net.js';
import type { ParamStore } from './layers.js';
import { loadWeightsInto, readDetectorJson, saveDetectorDir } from './persist.js';
import { runTraining, type StepContext, type Trainable } from './train-loop.js';

/** Images per scoring batch: bounds memory on large test sets. */
const SCORE_BATCH = 64;

export abstract class ReconstructionDetector implements Detector, Trainable {
  abstract readonly name: string;
  private steps = 0;

  constructor(
    readonly config: Readonly<Record<string, unknown>>,
    readonly inputSize: InputSize,
    protected readonly net: ConvAENet,
  ) {}

  get params(): ParamStore {
    return this.net.params;
  }

  get trainedSteps(): number {
    return this.steps;
  }

  /** Training-mode loss of a batch [n, H, W, 1]. */
  abstract trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar;

  /** Inference-mode (running batch-norm statistics) per-pixel anomaly map, [n, H, W]. */
  protected abstract pixelMap(x: tf.Tensor4D): tf.Tensor3D;

  async fit(data: TrainData, opts: FitOptions): Promise<FitResult> {
    const onProgress = opts.onProgress;
    // Track the step as it goes so trainedSteps is right even when the run is cancelled.
    const tracked: FitOptions = { ...opts, onProgress: (p) => ((this.steps = p.step), onProgress?.(p)) };
    const r = await runTraining(this, data, tracked);
    this.steps = r.step;
    return r;
  }

  async score(images: Float32Array, n: number): Promise<ScoreResult> {
    const { height, width } = this.inputSize;
    const px = height * width;
    if (!Number.isInteger(n) || n < 0 || images.length !== n * px) {
      throw new Error(`score(${this.name}): expected ${n} images of ${width}x${height} (${n * px} values), got ${images.length}`);
    }
    const scores = new Float32Array(n);
    const maps = new Float32Array(n * px);
    for (let start = 0; start < n; start += SCORE_BATCH) {
      const m = Math.min(SCORE_BATCH, n - start);
      const [map, s] = tf.tidy(() => {
        const x = tf.tensor4d(images.subarray(start * px, (start + m) * px), [m, height, width, 1]);
        const mp = this.pixelMap(x);
        return [mp, tf.mean(mp, [1, 2])];
      });
      try {
        maps.set(await map.data(), start * px);
        scores.set(await s.data(), start);
      } finally {
        map.dispose();
        s.dispose();
      }
    }
    return { scores, maps };
  }

  async save(dir: string): Promise<void> {
    await saveDetectorDir(
      dir,
      { detector: this.name, params: { ...this.config }, inputSize: { ...this.inputSize }, step: this.steps },
      this.params.named(),
    );
  }

  async load(dir: string): Promise<void> {
    const json = await readDetectorJson(dir);
    if (json.detector !== this.name) throw new Error(`${dir}: holds a '${json.detector}' detector, not '${this.name}'`);
    await loadWeightsInto(dir, this.params);
    this.steps = json.step;
  }

  dispose(): void {
    this.net.dispose();
  }
}
