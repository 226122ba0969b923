// Common body of the reconstruction family (ae, vae, memae, aeu, ctx-ae): one ConvAENet, the shared training loop,
// batched scoring where an image's score is the mean of its pixel map, and folder save/load.
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from './api.js';
import type { ConvAENet } from './conv-ae-net.js';
import type { ParamStore } from './layers.js';
import { detectorJsonOf, loadWeightsInto, readOwnDetectorJson, saveDetectorDir } from './persist.js';
import { scoreInBatches } from './scoring.js';
import { runTraining, type StepContext, type Trainable } from './train-loop.js';

/**
 * Images per scoring batch: about a million input pixels (256 images at 64x64, 16 at 256x256), which bounds memory on
 * large inputs; at 64x64, 256 scored 14% more images/s than 64 on 2 wasm threads (docs/results.md, issue 9).
 */
export function scoreBatchFor(size: InputSize): number {
  return Math.max(1, Math.min(256, Math.floor(2 ** 20 / (size.height * size.width))));
}

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

  score(images: Float32Array, n: number): Promise<ScoreResult> {
    return scoreInBatches(this.name, this.inputSize, images, n, scoreBatchFor(this.inputSize), (x) => {
      const maps = this.pixelMap(x);
      return { maps, scores: tf.mean(maps, [1, 2]) as tf.Tensor1D };
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
