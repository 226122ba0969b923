// Hyperparameters of the synthetic-anomaly segmenters (synth-fpi, synth-pii, synth-nsa, synth-cutpaste).
import { z } from 'zod';
import type { CorruptMethod } from './corrupt.js';

export const syntheticParamsFor = (generator: CorruptMethod) =>
  z.strictObject({
    /** The anomaly generator (fixed by the detector name). */
    generator: z.literal(generator).default(generator),
    /** U-Net channels per level; the input size must be a multiple of 2^(levels - 1). */
    channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64]),
    /** Fraction of each batch that is corrupted; the rest stays normal (label 0). */
    corruptFraction: z.number().min(0).max(1).default(0.5),
    /** Image score from the predicted map: 'topk' = mean of the top topK fraction of pixels, 'mean' = map mean. */
    imageScore: z.enum(['topk', 'mean']).default('topk'),
    topK: z.number().gt(0).max(1).default(0.01),
  });

export type SyntheticParams = z.output<ReturnType<typeof syntheticParamsFor>>;
