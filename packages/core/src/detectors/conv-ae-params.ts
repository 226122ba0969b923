// Hyperparameters shared by the convolutional autoencoder family (defaults = the benchmark network).
import { z } from 'zod';

export const convAeParams = {
  /** Encoder channels per level; the input size must be a multiple of 2^levels. */
  channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64, 64]),
  /** Bottleneck width. */
  latent: z.number().int().positive().default(16),
  /**
   * Hidden bottleneck layer of the authors' networks (dense + BN1d + ReLU each way; conv-ae-net.ts): 0 = none (the
   * benchmark network shared/bench/ref_ae.py); official 1024 (MedIAnomaly options.py:46) or 2048 (DDAD-ASR).
   * Absent means 0 (and keeps existing configs and checkpoints unchanged).
   */
  hidden: z.number().int().nonnegative().optional(),
};

export const aeParamsSchema = z.strictObject(convAeParams);
export type AeParams = z.output<typeof aeParamsSchema>;
