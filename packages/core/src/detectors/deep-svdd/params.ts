// Hyperparameters of `deep-svdd` (one-class Deep SVDD, Ruff et al., ICML 2018).
import { z } from 'zod';

export const deepSvddParamsSchema = z.strictObject({
  /** Conv levels (4x4 stride 2, no bias, leaky ReLU); the input size must be a multiple of 2^levels. */
  channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64]),
  /** Embedding size d. */
  rep: z.number().int().positive().default(32),
  /** Centre coordinates with |c_i| < eps are pushed to +-eps (reference code: 0.1), so a zero unit cannot match c trivially. */
  eps: z.number().positive().default(0.1),
  /** Adam's L2 weight decay, PyTorch style (reference code: 1e-6, src/main.py:38; 0 turns it off). */
  weightDecay: z.number().nonnegative().default(1e-6),
});
export type DeepSvddParams = z.output<typeof deepSvddParamsSchema>;
