// Hyperparameters shared by the convolutional autoencoder family (defaults = the benchmark network).
import { z } from 'zod';

export const convAeParams = {
  /** Encoder channels per level; the input size must be a multiple of 2^levels. */
  channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64, 64]),
  /** Bottleneck width. */
  latent: z.number().int().positive().default(16),
};

export const aeParamsSchema = z.strictObject(convAeParams);
export type AeParams = z.output<typeof aeParamsSchema>;
