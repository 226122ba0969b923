// Hyperparameters of `fanogan` (Schlegl et al., MIA 2019). Defaults follow the paper's WGAN-GP recipe; the network
// width is smaller than DCGAN's 64 so a 64x64 model stays trainable on CPU backends.
import { z } from 'zod';

export const fanoganParamsSchema = z.strictObject({
  /** Encoder training: ziz (z -> G -> E), izi (x -> E -> G), izi_f (izi + kappa * critic-feature residual). */
  strategy: z.enum(['ziz', 'izi', 'izi_f']).default('izi_f'),
  /** Latent size; z ~ N(0, 1). */
  latent: z.number().int().positive().default(128),
  /** Channels of the critic's first level; each level doubles them (the generator mirrors the critic). */
  width: z.number().int().positive().default(32),
  /** Stride-2 levels: the input size must be a multiple of 2^levels (64x64 with 4 levels: a 4x4 grid). */
  levels: z.number().int().min(1).max(6).default(4),
  /** Critic steps per generator step. */
  nCritic: z.number().int().positive().default(5),
  /** Gradient-penalty weight (WGAN-GP). */
  gpWeight: z.number().nonnegative().default(10),
  /** Critic weight clipping, used only where the backend cannot take second-order gradients. */
  clip: z.number().positive().default(0.01),
  /** Weight of the critic-feature residual in the izi_f loss and the anomaly score. */
  kappa: z.number().nonnegative().default(1),
  /** Epochs of the encoder stage (default: the fit's epochs; the authors train 50 000 iterations of batch 64). */
  encoderEpochs: z.number().int().nonnegative().optional(),
  /**
   * Optimiser of the encoder stage: 'rmsprop' (the authors': TensorFlow 1's RMSPropOptimizer, mean square started
   * at ones) or 'adam' (medad's earlier default: Adam with the fit's lr, beta (0.9, 0.999)).
   */
  encoderOptimizer: z.enum(['rmsprop', 'adam']).default('rmsprop'),
  /** Learning rate of the encoder stage (default: 5e-5, the authors', with rmsprop; the fit's lr with adam). */
  encoderLr: z.number().positive().optional(),
  /** RMSProp's decay of the mean square of gradients (TF1's default 0.9); used with encoderOptimizer rmsprop. */
  encoderRmsDecay: z.number().min(0).lt(1).default(0.9),
  /** RMSProp's epsilon, added under the square root (TF1's default 1e-10); used with encoderOptimizer rmsprop. */
  encoderRmsEpsilon: z.number().nonnegative().default(1e-10),
  /**
   * The encoder's last activation: 'tanh' (the authors' Z_REG_TYPE 'tanh_fc', "paper version": z in (-1, 1)) or
   * 'linear' (unbounded, medad's earlier encoder; the authors' Appendix A.2 alternative).
   */
  encoderOutput: z.enum(['tanh', 'linear']).default('tanh'),
  /**
   * Scoring: 'encoder' (f-AnoGAN: A_R, + kappa * A_D for izi_f), 'critic' (-D(x): the critic's output alone, negated
   * so higher is more anomalous) or 'iterative' (AnoGAN latent search, then A_R + kappa * A_D).
   */
  scoreMode: z.enum(['encoder', 'critic', 'iterative']).default('encoder'),
  /** Adam steps per image of the 'iterative' latent search, and its learning rate. */
  iterativeSteps: z.number().int().positive().default(100),
  iterativeLr: z.number().positive().default(0.05),
});
export type FanoganParams = z.output<typeof fanoganParamsSchema>;
export type FanoganScoreMode = FanoganParams['scoreMode'];

/** The part of the config each training stage depends on: a checkpoint resumes only under the same values. */
export function ganStageConfig(p: FanoganParams, regulariser: 'gp' | 'clip'): Record<string, unknown> {
  return { latent: p.latent, width: p.width, levels: p.levels, nCritic: p.nCritic, regulariser, ...(regulariser === 'gp' ? { gpWeight: p.gpWeight } : { clip: p.clip }) };
}
export function encoderStageConfig(p: FanoganParams, regulariser: 'gp' | 'clip'): Record<string, unknown> {
  // Adam and linear-output runs keep the earlier identity, so their checkpoints still resume.
  const optimiser = p.encoderOptimizer === 'rmsprop' ? { encoderOptimizer: 'rmsprop', encoderRmsDecay: p.encoderRmsDecay, encoderRmsEpsilon: p.encoderRmsEpsilon } : {};
  const output = p.encoderOutput === 'tanh' ? { encoderOutput: 'tanh' } : {};
  return { ...ganStageConfig(p, regulariser), strategy: p.strategy, ...(p.strategy === 'izi_f' ? { kappa: p.kappa } : {}), ...optimiser, ...output };
}

/**
 * Params saved before the authors' settings became the encoder's defaults (issue 16) lack the field: without
 * encoderOptimizer the encoder was trained with Adam at the fit's lr, without encoderOutput its output was linear;
 * their detector.json says so after loading, and they score as before.
 */
export function legacyEncoderSettings(saved: Record<string, unknown>): Record<string, unknown> {
  return { ...('encoderOptimizer' in saved ? {} : { encoderOptimizer: 'adam' }), ...('encoderOutput' in saved ? {} : { encoderOutput: 'linear' }), ...saved };
}

/** The authors' encoder learning rate (z_encoding_izif.py:199). */
export const OFFICIAL_ENCODER_LR = 5e-5;

/** The encoder stage's learning rate: encoderLr, else 5e-5 with rmsprop and the fit's lr with adam. */
export function encoderLrOf(p: FanoganParams, fitLr: number): number {
  return p.encoderLr ?? (p.encoderOptimizer === 'rmsprop' ? OFFICIAL_ENCODER_LR : fitLr);
}
