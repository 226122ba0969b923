// Hyperparameters of `cutpaste` (Li et al., CVPR 2021): a small CNN trained from scratch (no ImageNet weights).
import { z } from 'zod';

export const cutpasteParamsSchema = z.strictObject({
  /** Conv levels (4x4 stride 2 + batch norm + ReLU); the input size must be a multiple of 2^levels. */
  channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64, 64]),
  /** Width of the penultimate layer: the embedding the Gaussian density is fitted to. */
  embedding: z.number().int().positive().default(64),
});
export type CutpasteParams = z.output<typeof cutpasteParamsSchema>;
