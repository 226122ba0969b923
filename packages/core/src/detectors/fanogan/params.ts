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
  /** Epochs of the encoder stage (default: the fit's epochs). */
  encoderEpochs: z.number().int().nonnegative().optional(),
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
  return { ...ganStageConfig(p, regulariser), strategy: p.strategy, ...(p.strategy === 'izi_f' ? { kappa: p.kappa } : {}) };
}
