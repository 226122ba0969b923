// `fanogan`: f-AnoGAN (Schlegl et al., MIA 2019). fit() runs two stages, each with its own checkpoint folder under
// the fit's checkpoint dir ('gan/', 'encoder/'): a WGAN of the normal images, then an encoder into its latent space.
// Progress events carry stage 'gan' or 'encoder' with the step counts of that stage.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import { detectorJsonOf, readOwnDetectorJson, saveDetectorDir, type DetectorJson } from '../persist.js';
import { constantMaps, scoreInBatches, scoreVariantsInBatches } from '../scoring.js';
import { loadStores, namedAll } from '../stores.js';
import { runTraining } from '../train-loop.js';
import { checkSecondOrderGradients } from './capability.js';
import { EncoderStage } from './encoder-stage.js';
import { runGanStage } from './gan-stage.js';
import { Critic, Encoder, Generator } from './nets.js';
import { encoderLrOf, encoderStageConfig, ganStageConfig, type FanoganParams, type FanoganScoreMode } from './params.js';
import { criticScore, encoderParts, encoderScore, iterativeScore, type BatchScore } from './score.js';

const SCORE_BATCH = 32;

export interface FanoganFitOptions extends FitOptions {
  /** Overrides the backend check (tests, or a user who knows better): false forces weight clipping. */
  secondOrderGradients?: boolean;
}

export interface FanoganFitResult extends FitResult {
  /** Say how training departed from the recipe (e.g. the weight-clipping fallback); also saved in detector.json. */
  notes: string[];
  stages: { gan: FitResult; encoder: FitResult };
}

export class FanoganDetector implements Detector {
  readonly name = 'fanogan';
  readonly gen: Generator;
  readonly critic: Critic;
  readonly enc: Encoder;
  private steps = 0;
  private notes: string[] = [];
  private regulariser: 'gp' | 'clip' = 'gp';

  constructor(
    private readonly p: FanoganParams,
    readonly inputSize: InputSize,
  ) {
    const shape = { inputSize, latent: p.latent, width: p.width, levels: p.levels };
    this.gen = new Generator(shape);
    this.critic = new Critic(shape);
    this.enc = new Encoder(shape, p.encoderOutput);
  }

  get config(): Readonly<Record<string, unknown>> {
    return this.p;
  }
  get trainedSteps(): number {
    return this.steps;
  }
  /** Notes from the last fit or the loaded detector.json. */
  get trainingNotes(): readonly string[] {
    return this.notes;
  }

  async fit(data: TrainData, opts: FanoganFitOptions): Promise<FanoganFitResult> {
    const t0 = performance.now();
    const check = opts.secondOrderGradients === undefined ? checkSecondOrderGradients() : { ok: opts.secondOrderGradients, why: 'second-order gradients turned off by the caller' };
    this.regulariser = check.ok ? 'gp' : 'clip';
    this.notes = check.ok ? [] : [`WGAN critic regularised by weight clipping (${this.p.clip}) instead of the gradient penalty: ${check.why}`];
    const { height, width } = this.inputSize;
    if (data.height !== height || data.width !== width) {
      throw new Error(`fit(fanogan): training images are ${data.width}x${data.height}, the detector expects ${width}x${height}`);
    }
    const ck = (sub: string) => opts.checkpoint && { dir: path.join(opts.checkpoint.dir, sub), everySteps: opts.checkpoint.everySteps };
    const onProgress = opts.onProgress;
    const gan = await runGanStage(
      {
        gen: this.gen,
        critic: this.critic,
        inputSize: this.inputSize,
        latent: this.p.latent,
        nCritic: this.p.nCritic,
        regulariser: check.ok ? { kind: 'gp', weight: this.p.gpWeight } : { kind: 'clip', bound: this.p.clip },
        config: ganStageConfig(this.p, this.regulariser),
      },
      data,
      { ...opts, checkpoint: ck('gan'), onProgress: (pr) => ((this.steps = pr.step), onProgress?.(pr)) },
    );
    const stage = new EncoderStage(encoderStageConfig(this.p, this.regulariser), this.inputSize, this.p, this.gen, this.critic, this.enc);
    const encoder = await runTraining(stage, data, {
      ...opts,
      epochs: this.p.encoderEpochs ?? opts.epochs,
      lr: encoderLrOf(this.p, opts.lr),
      checkpoint: ck('encoder'),
      onProgress: (pr) => ((this.steps = gan.step + pr.step), onProgress?.({ ...pr, stage: 'encoder' })),
    });
    this.steps = gan.step + encoder.step;
    return {
      steps: gan.steps + encoder.steps,
      epochs: opts.epochs,
      finalLoss: encoder.finalLoss,
      losses: encoder.losses,
      resumedFromStep: gan.resumedFromStep + encoder.resumedFromStep,
      durationMs: performance.now() - t0,
      notes: [...this.notes],
      stages: { gan, encoder },
    };
  }

  /** The encoder stage's loss over `images` (for ziz: over n fixed draws of z), without training. */
  async encoderLoss(images: Float32Array, n: number, seed = 0): Promise<number> {
    const { height, width } = this.inputSize;
    const stage = new EncoderStage({}, this.inputSize, this.p, this.gen, this.critic, this.enc);
    const loss = tf.tidy(() => stage.trainLoss(tf.tensor4d(images, [n, height, width, 1]), { step: 0, seed }));
    try {
      return (await loss.data())[0];
    } finally {
      loss.dispose();
    }
  }

  score(images: Float32Array, n: number): Promise<ScoreResult> {
    return this.scoreWith(images, n, this.p.scoreMode);
  }

  /** Scores with any mode, whatever the configured one (for comparing the baselines on one trained model). */
  scoreWith(images: Float32Array, n: number, mode: FanoganScoreMode): Promise<ScoreResult> {
    return scoreInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x, start) => this.scoreBatch(x, mode, start));
  }

  get mainVariant(): string | undefined {
    if (this.p.scoreMode === 'critic') return 'critic';
    if (this.p.scoreMode === 'iterative') return undefined;
    return this.p.strategy === 'izi_f' ? 'residual+feature' : 'residual';
  }

  /**
   * The lecture's comparison from one trained model, one encoder pass: `residual` (A_R), `feature` (A_D, the critic-
   * feature residual), `residual+feature` (A_R + kappa * A_D, the izi_f score) and `critic` (-D(x)). The iterative
   * search is left out (it costs iterativeSteps passes per image): score with scoreMode 'iterative' for it.
   */
  scoreVariants(images: Float32Array, n: number): Promise<Record<string, ScoreResult>> {
    return scoreVariantsInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x) => {
      const parts = encoderParts(this.gen, this.critic, this.enc, x);
      const both = tf.add(parts.ar, tf.mul(parts.ad, this.p.kappa)) as tf.Tensor1D;
      return {
        residual: { scores: parts.ar, maps: parts.maps },
        feature: { scores: parts.ad, maps: constantMaps(parts.ad, this.inputSize) },
        'residual+feature': { scores: both, maps: parts.maps },
        critic: criticScore(this.critic, x),
      };
    });
  }

  private scoreBatch(x: tf.Tensor4D, mode: FanoganScoreMode, start: number): BatchScore {
    const kappa = this.p.strategy === 'izi_f' ? this.p.kappa : 0;
    if (mode === 'critic') return criticScore(this.critic, x);
    if (mode === 'encoder') return encoderScore(this.gen, this.critic, this.enc, x, kappa);
    const { latent, iterativeSteps: steps, iterativeLr: lr } = this.p;
    // AnoGAN's search always uses the feature term (the brief's "residual + feature loss").
    return iterativeScore(this.gen, this.critic, x, { latent, steps, lr, kappa: this.p.kappa, firstIndex: start });
  }

  private stores() {
    return { gen: this.gen.params, critic: this.critic.params, enc: this.enc.params };
  }

  async save(dir: string): Promise<void> {
    await saveDetectorDir(dir, { ...detectorJsonOf(this), notes: [...this.notes] }, namedAll(this.stores()));
  }

  async load(dir: string): Promise<void> {
    const json = (await readOwnDetectorJson(dir, this.name)) as DetectorJson & { notes?: unknown };
    await loadStores(dir, this.stores());
    this.steps = json.step;
    this.notes = Array.isArray(json.notes) ? json.notes.map(String) : [];
  }

  dispose(): void {
    for (const ps of Object.values(this.stores())) ps.dispose();
  }
}
