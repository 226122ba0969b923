// Hyperparameters of the synthetic-anomaly segmenters (synth-fpi, synth-pii, synth-nsa, synth-cutpaste).
import { z } from 'zod';
import type { CorruptMethod } from './corrupt.js';

/**
 * synth-nsa's generator settings (synth/nsa.ts NsaOptions; defaults there). The reference's chest X-ray setting
 * (hmsch/natural-synthetic-anomalies train_chest_xray.py:348-364, 'Shift-Intensity') on [-1, 1] images:
 * { logistic: { k: 0.5, x0: 4, tol: 1 }, background: { value: -1, threshold: 0.157, minObject: 0.7, minOverlap: 0.7 } }
 * (8-bit background (0, 20) is -1 and 20/255 of the range).
 */
export const nsaParamsSchema = z.strictObject({
  maxPatches: z.number().int().min(1).optional(),
  halfWidthBounds: z.tuple([z.number().gt(0), z.number().max(0.5)]).optional(),
  gamma: z.strictObject({ shape: z.number().gt(0), scale: z.number().gt(0), lower: z.number().nonnegative() }).optional(),
  resizeBounds: z.tuple([z.number().gt(0), z.number().gt(0)]).optional(),
  logistic: z.strictObject({ k: z.number().gt(0), x0: z.number(), tol: z.number().nonnegative() }).optional(),
  background: z.strictObject({ value: z.number(), threshold: z.number().nonnegative(), minObject: z.number().min(0).max(1).optional(), minOverlap: z.number().min(0).max(1).optional() }).optional(),
});
export type NsaParams = z.output<typeof nsaParamsSchema>;

const baseParamsFor = (generator: CorruptMethod) =>
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

/** The params of synth-<generator>; synth-nsa also takes `nsa` (its generator's settings). */
export const syntheticParamsFor = (generator: CorruptMethod) =>
  generator === 'nsa' ? baseParamsFor(generator).extend({ nsa: nsaParamsSchema.optional() }) : baseParamsFor(generator);

export type SyntheticParams = z.output<ReturnType<typeof baseParamsFor>> & { nsa?: NsaParams };
