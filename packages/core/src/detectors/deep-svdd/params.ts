// Hyperparameters of `deep-svdd` (one-class Deep SVDD, Ruff et al., ICML 2018).
import { z } from 'zod';

export const deepSvddParamsSchema = z.strictObject({
  /** Conv levels (4x4 stride 2, no bias, leaky ReLU); the input size must be a multiple of 2^levels. */
  channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64]),
  /** Embedding size d. */
  rep: z.number().int().positive().default(32),
  /** Centre coordinates with |c_i| < eps are pushed to +-eps (reference code: 0.1), so a zero unit cannot match c trivially. */
  eps: z.number().positive().default(0.1),
  /** Adam's L2 weight decay, PyTorch style, of both the autoencoder pretraining and Deep SVDD (reference code: 1e-6 for both, src/main.py:38,50; 0 turns it off). */
  weightDecay: z.number().nonnegative().default(1e-6),
  /**
   * Pretrain the encoder as an autoencoder (encoder + mirrored decoder, summed squared error) and start Deep SVDD,
   * and its centre c, from the pretrained encoder, as the reference code does (src/main.py:40). false: start from
   * the seeded random network (medad before 2026-12).
   */
  pretrain: z.boolean().default(true),
  /** Epochs of the autoencoder pretraining (default: the fit's epochs; the reference's 100, src/main.py:46, is costly on CPU). */
  pretrainEpochs: z.number().int().positive().optional(),
  /** Adam learning rate of the autoencoder pretraining (reference code: 1e-3, src/main.py:44). */
  pretrainLr: z.number().positive().max(1).default(1e-3),
});
export type DeepSvddParams = z.output<typeof deepSvddParamsSchema>;

/** A detector.json saved before pretraining existed describes a network trained without it. */
export function legacyNoPretrain(saved: Record<string, unknown>): Record<string, unknown> {
  return 'pretrain' in saved ? saved : { pretrain: false, ...saved };
}
