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

const unit = z.number().min(0).max(1);
const unitRange = z.union([unit, z.tuple([unit, unit]).refine(([lo, hi]) => lo <= hi, 'a range [lo, hi] needs lo <= hi')]);

/** synth-fpi's generator settings (synth/fpi.ts FpiOptions; defaults there are jemtan/FPI's code). */
export const fpiParamsSchema = z.strictObject({
  sizeFraction: unitRange.optional().describe('Patch side as a fraction of the shorter image side, a value or [lo, hi]. Default [0.1, 0.4] (the reference code).'),
  centreFraction: unitRange.optional().describe('Patch centre as a fraction of each dimension. Default [0.1, 0.9] (the central 80 %).'),
  alpha: unitRange
    .optional()
    .describe("Interpolation factor, a value or [lo, hi]. Default [0.05, 0.95] (jemtan/FPI self_sup_task.py:47); [0, 1] is the paper's U(0, 1) and medad's value before issue 16."),
  zeroEqual: z
    .boolean()
    .optional()
    .describe('Label 0 on patch pixels where the blend changed nothing (FPI: the two images are equal; PII: the blend equals the destination), as the reference code. Default true; false labels the whole patch (medad before issue 16).'),
  equalTolerance: z
    .number()
    .nonnegative()
    .optional()
    .describe("With zeroEqual: values count as equal when floor(v / tol) agree (the reference's tolerance). Default 0 (exact) for FPI, 1e-3 for PII."),
});
export type FpiParams = z.output<typeof fpiParamsSchema>;

/** synth-pii's generator settings (synth/pii.ts PiiOptions; defaults there are jemtan/PII's code). */
export const piiParamsSchema = fpiParamsSchema.extend({
  guidance: z.enum(['mixed', 'interpolated']).optional().describe("Guidance field: 'mixed' (default: per edge the larger of (1 - alpha) grad dest and alpha grad src, as the reference) or 'interpolated'."),
  clip: z
    .union([z.enum(['destination', 'none']), z.strictObject({ min: z.number(), max: z.number() }).refine((r) => r.min <= r.max, 'clip needs min <= max')])
    .optional()
    .describe("Clip the blend: 'destination' (default: to the destination image's own [min, max], as the reference), 'none' (medad before issue 16) or { min, max }."),
  border: z
    .enum(['fixed', 'free'])
    .optional()
    .describe("'fixed' (default, the reference): the image's outer pixel ring is never blended and labelled 0; 'free' (medad before issue 16): patch pixels on the image edge are solved too."),
});
export type PiiParams = z.output<typeof piiParamsSchema>;

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

/** The params of synth-<generator>; synth-nsa, -fpi and -pii also take their generator's settings (`nsa`, `fpi`, `pii`). */
export const syntheticParamsFor = (generator: CorruptMethod) => {
  const base = baseParamsFor(generator);
  if (generator === 'nsa') return base.extend({ nsa: nsaParamsSchema.optional() });
  if (generator === 'fpi') return base.extend({ fpi: fpiParamsSchema.optional().describe("FPI generator settings (jemtan/FPI's defaults).") });
  if (generator === 'pii') return base.extend({ pii: piiParamsSchema.optional().describe("PII generator settings (jemtan/PII's defaults).") });
  return base;
};

export type SyntheticParams = z.output<ReturnType<typeof baseParamsFor>> & { nsa?: NsaParams; fpi?: FpiParams; pii?: PiiParams };
