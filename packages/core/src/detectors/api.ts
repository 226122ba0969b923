// The detector contract shared by every method (reconstruction, GAN, student-teacher, diffusion...): train on
// normal images only, then give each image a score and each pixel an anomaly value.
import type { GrayImage } from '../io/types.js';
import { shuffledOrder } from './rng.js';

export interface InputSize {
  height: number;
  width: number;
}

/**
 * Training images, delivered in batches so a large folder can be streamed. Pixels are already normalised the way
 * the detector expects (the reconstruction family follows the reference protocol: [-1, 1]).
 */
export interface TrainData {
  readonly size: number;
  readonly height: number;
  readonly width: number;
  /**
   * Yields batches of `batchSize` images (the last may be smaller) as N*H*W row-major float32, in an order fixed by
   * `epochSeed`; `fromBatch` skips the first batches of that order (used when resuming mid-epoch).
   */
  batches(batchSize: number, epochSeed: number, fromBatch?: number): AsyncIterable<Float32Array>;
}

export interface TrainProgress {
  /** 0-based epoch of the step just taken. */
  epoch: number;
  epochs: number;
  /** 1-based count of optimisation steps taken so far, over the whole run. */
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Most recently read-back training loss (read every few steps: GPU read-backs are costly). */
  loss: number;
  /** Estimated time to finish, from a moving average of the step time. */
  etaMs: number;
  stage?: string;
  /** The learning rate of this step (the shared loop's schedule; absent from loops without one). */
  lr?: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /**
   * `constant` (default) or `cosine`: PyTorch's CosineAnnealingLR over the stage's epochs, stepped per epoch, from lr
   * down towards `lrMin` (default 1e-6). Applies to every stage the shared loop (train-loop.ts) trains.
   */
  lrSchedule?: 'constant' | 'cosine';
  lrMin?: number;
  seed: number;
  onProgress?(p: TrainProgress): void;
  signal?: AbortSignal;
  /** Atomic checkpoint (weights, Adam state, step, epoch position) every `everySteps` steps, on abort and at the end. */
  checkpoint?: { dir: string; everySteps: number };
  /** Continue from the checkpoint in `checkpoint.dir` when one exists (otherwise start afresh). */
  resume?: boolean;
  /** Read the loss back every this many steps (default 10); the first and last steps are always read. */
  lossEvery?: number;
}

export interface FitResult {
  steps: number;
  epochs: number;
  finalLoss: number;
  /** Losses that were read back, with their step. */
  losses: { step: number; loss: number }[];
  /** The step the run started from (0, or the checkpoint's step when resumed). */
  resumedFromStep: number;
  durationMs: number;
}

export interface ScoreResult {
  /** One anomaly score per image (higher = more anomalous). */
  scores: Float32Array;
  /** Per-pixel anomaly maps, N*H*W row-major. */
  maps: Float32Array;
}

export interface Detector {
  /** The registry name (`detector:` in experiment configs). */
  readonly name: string;
  /** Validated hyperparameters, as stored in detector.json. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputSize: InputSize;
  /** Optimisation steps trained so far. */
  readonly trainedSteps: number;
  fit(data: TrainData, opts: FitOptions): Promise<FitResult>;
  /** `images` holds n normalised images of the input size, N*H*W. */
  score(images: Float32Array, n: number): Promise<ScoreResult>;
  /**
   * Optional: the other scores the same trained weights give, by name (DDAD's five maps, f-AnoGAN's residual /
   * feature / critic scores, the student-teacher's scales). Evaluation reports each beside the main score, so a
   * method's comparison table comes from one trained model and one pass over the data.
   */
  scoreVariants?(images: Float32Array, n: number): Promise<Record<string, ScoreResult>>;
  /** The scoreVariants key that equals score() (evaluation then scores once); undefined when none does. */
  readonly mainVariant?: string;
  /** Writes detector.json + model.json + weights.bin into `dir`. */
  save(dir: string): Promise<void>;
  /** Reads the weights that `save` wrote (detector.json is read by loadDetector). */
  load(dir: string): Promise<void>;
  dispose(): void;
}

/** The error a cancelled fit throws (name 'AbortError', like fetch and DOM APIs). */
export class AbortError extends Error {
  constructor(
    message = 'training was cancelled',
    /** The step reached (and checkpointed) when a fit was cancelled. */
    readonly step?: number,
  ) {
    super(message);
    this.name = 'AbortError';
  }
}

/**
 * Lets pending I/O and messages run (a SIGINT handler, a worker's 'abort' message): the training loops await it
 * before each step, since a step's own awaits resolve as microtasks and would never let an abort in. Costs a few
 * microseconds (see bench/step-yield.bench.ts).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Steps in one epoch: a final batch of a single image is dropped, since batch norm cannot train on it. */
export function stepsPerEpoch(size: number, batchSize: number): number {
  return Math.floor(size / batchSize) + (size % batchSize >= 2 ? 1 : 0);
}

/** In-memory TrainData over images (or one packed N*H*W array), reshuffled per epoch by the seed. */
export function arrayTrainData(images: GrayImage[] | Float32Array, size?: InputSize): TrainData {
  let packed: Float32Array;
  let height: number;
  let width: number;
  if (images instanceof Float32Array) {
    if (!size) throw new Error('arrayTrainData: a packed Float32Array needs its image size');
    ({ height, width } = size);
    if (images.length % (height * width) !== 0) {
      throw new Error(`arrayTrainData: ${images.length} values is not a whole number of ${height}x${width} images`);
    }
    packed = images;
  } else {
    if (images.length === 0) throw new Error('arrayTrainData: no images');
    ({ height, width } = size ?? images[0]);
    packed = new Float32Array(images.length * height * width);
    images.forEach((im, i) => {
      if (im.width !== width || im.height !== height || im.data.length !== width * height) {
        throw new Error(`arrayTrainData: image ${i} is ${im.width}x${im.height}, expected ${width}x${height}`);
      }
      packed.set(im.data, i * width * height);
    });
  }
  const px = height * width;
  const n = packed.length / px;
  return {
    size: n,
    height,
    width,
    async *batches(batchSize: number, epochSeed: number, fromBatch = 0) {
      const order = shuffledOrder(n, epochSeed);
      for (let start = fromBatch * batchSize; start < n; start += batchSize) {
        const m = Math.min(batchSize, n - start);
        const out = new Float32Array(m * px);
        for (let j = 0; j < m; j++) {
          const src = order[start + j] * px;
          out.set(packed.subarray(src, src + px), j * px);
        }
        yield out;
      }
    },
  };
}

/**
 * The first `maxImages` images of each epoch's order (a fresh seeded subset every epoch): caps the steps per epoch
 * on a large set, like Lightning's limit_train_batches. Returns `data` itself when it is no larger.
 */
export function limitTrainData(data: TrainData, maxImages: number): TrainData {
  if (maxImages >= data.size) return data;
  const px = data.height * data.width;
  return {
    size: maxImages,
    height: data.height,
    width: data.width,
    async *batches(batchSize: number, epochSeed: number, fromBatch = 0) {
      let left = maxImages - fromBatch * batchSize;
      if (left <= 0) return;
      for await (const b of data.batches(batchSize, epochSeed, fromBatch)) {
        const m = b.length / px;
        yield m <= left ? b : b.subarray(0, left * px);
        left -= m;
        if (left <= 0) return;
      }
    },
  };
}
