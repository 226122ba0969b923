// Hyperparameters of `ddad` (Dual-Distribution Discrepancy, Cai et al., MICCAI 2022 / MIA 2023).
import { z } from 'zod';
import { memaeParamsSchema } from '../memae.js';

export const DDAD_SCORES = ['rec', 'intra', 'inter', 'r-intra', 'r-dual'] as const;
export type DdadScore = (typeof DDAD_SCORES)[number];

export const ddadParamsSchema = z.strictObject({
  /** Reconstruction network of both ensembles (the existing detectors' networks). */
  backbone: z.enum(['ae', 'memae', 'aeu']).default('ae'),
  /** Networks per ensemble (NDM and UDM each). */
  ensemble: z.number().int().min(2).default(3),
  // Backbone settings (channels, latent; memorySize, shrinkThreshold, entropyWeight for memae).
  ...memaeParamsSchema.shape,
  /** Which map gives score()'s result; scoreVariants() returns all five. */
  score: z.enum(DDAD_SCORES).default('r-dual'),
  /** Image score of every map: its mean, or the mean of its top topK fraction of pixels. */
  imageScore: z.enum(['mean', 'topk']).default('mean'),
  topK: z.number().gt(0).max(1).default(0.01),
  /** Refinement U-Net channels per level. */
  refineChannels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64]),
  /** Refinement epochs (default: the fit's epochs); the epoch with the lowest validation loss is kept. */
  refineEpochs: z.number().int().nonnegative().optional(),
  /** Fraction of each refinement batch given an FPI anomaly. */
  corruptFraction: z.number().min(0).max(1).default(0.5),
  /** Without FitOptions.validation, this fraction of the normals is held out (from every stage) as validation. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
});
export type DdadParams = z.output<typeof ddadParamsSchema>;

/** What a member network's checkpoint depends on. */
export function memberConfig(p: DdadParams): Record<string, unknown> {
  const base = { backbone: p.backbone, channels: p.channels, latent: p.latent };
  return p.backbone === 'memae' ? { ...base, memorySize: p.memorySize, shrinkThreshold: p.shrinkThreshold, entropyWeight: p.entropyWeight } : base;
}
