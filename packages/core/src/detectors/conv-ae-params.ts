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
   */
  hidden: z.number().int().nonnegative().default(0),
};

export const aeParamsSchema = z.strictObject(convAeParams);
/** `hidden` may be left out by code that builds a detector directly (0: no hidden layer). */
export type AeParams = Omit<z.output<typeof aeParamsSchema>, 'hidden'> & { hidden?: number };
