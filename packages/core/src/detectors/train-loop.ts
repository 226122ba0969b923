// The training loop every single-optimiser detector shares: seeded epochs of shuffled batches, Adam, progress with
// an ETA, cancellation between steps, atomic checkpoints and exact resume. Adam unless the model brings its own; the lr
// constant or cosine-annealed per epoch (lr-schedule.ts).
import * as tf from '@tensorflow/tfjs';
import { AbortError, stepsPerEpoch, yieldToEventLoop, type FitOptions, type FitResult, type InputSize, type TrainData } from './api.js';
import { resumeRunCheckpoint, saveRunCheckpoint, type RunIdentity } from './checkpoint.js';
import type { ParamStore } from './layers.js';
import { lrAtEpoch, lrScheduleOf, setOptimizerLr, type LrSchedule } from './lr-schedule.js';
import { mixSeed } from './rng.js';

export interface StepContext {
  /** 0-based index of this step over the whole run: seeds any per-step noise, so resume replays it exactly. */
  step: number;
  seed: number;
}

/** What the loop trains: a parameter store and a loss. */
export interface Trainable {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputSize: InputSize;
  readonly params: ParamStore;
  /** Training-mode loss of one batch [n, H, W, 1]; runs inside the optimiser's gradient tape and a tidy. */
  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar;
  /**
   * Adam settings other than PyTorch's defaults (DDAD's official trainer uses beta1 0.5 and weight decay). Weight
   * decay is PyTorch Adam's L2 form: wd * w added to every trainable parameter's gradient (as 0.5 * wd * |w|^2 in
   * the loss).
   */
  readonly adam?: { beta1?: number; weightDecay?: number };
  /**
   * Sets the weights a fresh (not resumed) run starts from; default `params.reinitialise(seed)`. Deep SVDD starts
   * from its pretrained encoder instead.
   */
  initialise?(seed: number): void;
  /**
   * Another optimiser than Adam, made for the run's lr (f-AnoGAN's encoder: TF1 RMSProp); `key` names its state in
   * checkpoints. The weight decay above still applies (as an L2 term in the loss).
   */
  makeOptimizer?(lr: number): { key: string; optimizer: tf.Optimizer };
}

// PyTorch's Adam defaults (the reference); tf's default epsilon depends on the backend.
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
const ETA_SMOOTHING = 0.1;
/** Checkpoint prefix of Adam's weights, saved as [iterations, m..., v...] in trainable-variable order. */
const ADAM = 'adam';

function validate(model: Trainable, data: TrainData, opts: FitOptions): LrSchedule {
  const bad = (what: string) => {
    throw new Error(`fit(${model.name}): ${what}`);
  };
  if (!Number.isInteger(opts.epochs) || opts.epochs < 0) bad(`epochs must be a whole number >= 0, got ${opts.epochs}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 2) bad(`batchSize must be an integer >= 2, got ${opts.batchSize}`);
  if (!(opts.lr > 0)) bad(`lr must be > 0, got ${opts.lr}`);
  if (!Number.isInteger(opts.seed)) bad(`seed must be an integer, got ${opts.seed}`);
  if (opts.checkpoint && !(Number.isInteger(opts.checkpoint.everySteps) && opts.checkpoint.everySteps > 0)) {
    bad(`checkpoint.everySteps must be a positive integer, got ${opts.checkpoint.everySteps}`);
  }
  const { height, width } = model.inputSize;
  if (data.height !== height || data.width !== width) {
    bad(`training images are ${data.width}x${data.height}, the detector expects ${width}x${height}`);
  }
  if (data.size < 2) bad(`needs at least 2 training images, got ${data.size}`);
  return lrScheduleOf(`fit(${model.name})`, opts);
}

/**
 * Trains `model` (re-initialised from `opts.seed` unless resuming). Returns after `epochs` epochs, or throws an
 * AbortError at the first step boundary after `opts.signal` fires, having written a checkpoint if one is configured.
 */
export async function runTraining(model: Trainable, data: TrainData, opts: FitOptions): Promise<FitResult & { step: number }> {
  const schedule = validate(model, data, opts);
  const t0 = performance.now();
  const spe = stepsPerEpoch(data.size, opts.batchSize);
  const totalSteps = spe * opts.epochs;
  const px = model.inputSize.height * model.inputSize.width;
  const lossEvery = Math.max(1, opts.lossEvery ?? 10);
  const { key: optKey, optimizer } = model.makeOptimizer?.(opts.lr) ?? { key: ADAM, optimizer: tf.train.adam(opts.lr, model.adam?.beta1 ?? BETA1, BETA2, EPSILON) };
  const weightDecay = model.adam?.weightDecay ?? 0;
  model.params.clearDerived(); // inference caches of the weights about to change: free them while training
  const vars = model.params.trainable();
  const lossOf = (x: tf.Tensor4D, ctx: StepContext): tf.Scalar => {
    const loss = model.trainLoss(x, ctx);
    if (weightDecay === 0) return loss;
    return tf.add(loss, tf.mul(0.5 * weightDecay, tf.addN(vars.map((v) => tf.sum(tf.square(v)))))) as tf.Scalar;
  };
  let step = 0;
  let losses: { step: number; loss: number }[] = [];

  const id: RunIdentity = { detector: model.name, config: model.config, seed: opts.seed, batchSize: opts.batchSize, lr: opts.lr, ...(schedule && { lrSchedule: schedule }) };

  try {
    const resumed = opts.resume && opts.checkpoint ? await resumeRunCheckpoint(opts.checkpoint.dir, id, (t, file) => model.params.assign(t, file), { [optKey]: optimizer }) : null;
    if (resumed) {
      ({ step, losses } = resumed);
    } else if (model.initialise) {
      model.initialise(opts.seed);
    } else {
      model.params.reinitialise(opts.seed);
    }
    const resumedFromStep = step;

    const checkpoint = async () => {
      if (!opts.checkpoint) return;
      // Before the first step the optimiser has no state worth saving.
      await saveRunCheckpoint(opts.checkpoint.dir, id, { step, stepsPerEpoch: spe, losses }, model.params.named(), step > 0 ? { [optKey]: optimizer } : {});
    };

    let lastLoss = losses.length > 0 ? losses[losses.length - 1].loss : NaN;
    let emaMs = 0;
    let sinceCheckpoint = 0;
    for (let epoch = Math.floor(step / spe); epoch < opts.epochs && step < totalSteps; epoch++) {
      const fromBatch = step - epoch * spe;
      // A function of the epoch alone, so a resumed run sets what the uninterrupted one had; constant leaves it be.
      const lr = lrAtEpoch(schedule, opts.lr, epoch, opts.epochs);
      if (schedule) setOptimizerLr(optimizer, lr);
      for await (const batch of data.batches(opts.batchSize, mixSeed(opts.seed, epoch, 0x5eed), fromBatch)) {
        const n = batch.length / px;
        if (n < 2) continue; // stepsPerEpoch already excludes it
        await yieldToEventLoop();
        if (opts.signal?.aborted) {
          await checkpoint();
          throw new AbortError(`fit(${model.name}) cancelled after step ${step}`, step);
        }
        const ts = performance.now();
        const x = tf.tensor4d(batch, [n, model.inputSize.height, model.inputSize.width, 1]);
        const ctx: StepContext = { step, seed: opts.seed };
        let cost: tf.Scalar | null;
        try {
          cost = optimizer.minimize(() => lossOf(x, ctx), true, vars);
        } finally {
          x.dispose();
        }
        step++;
        sinceCheckpoint++;
        if (cost) {
          if (step === resumedFromStep + 1 || step % lossEvery === 0 || step === totalSteps) {
            lastLoss = (await cost.data())[0];
            losses.push({ step, loss: lastLoss });
          }
          cost.dispose();
        }
        const dt = performance.now() - ts;
        emaMs = emaMs === 0 ? dt : emaMs + ETA_SMOOTHING * (dt - emaMs);
        opts.onProgress?.({
          epoch,
          epochs: opts.epochs,
          step,
          stepsPerEpoch: spe,
          totalSteps,
          loss: lastLoss,
          etaMs: emaMs * (totalSteps - step),
          lr,
        });
        if (opts.checkpoint && step % opts.checkpoint.everySteps === 0) {
          await checkpoint();
          sinceCheckpoint = 0;
        }
        if (step >= totalSteps || step - epoch * spe >= spe) break;
      }
    }
    if (sinceCheckpoint > 0) await checkpoint();
    return {
      step,
      steps: step - resumedFromStep,
      epochs: opts.epochs,
      finalLoss: lastLoss,
      losses,
      resumedFromStep,
      durationMs: performance.now() - t0,
    };
  } finally {
    optimizer.dispose();
  }
}
