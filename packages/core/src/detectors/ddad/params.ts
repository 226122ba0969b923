// Hyperparameters of `ddad` (Dual-Distribution Discrepancy, Cai et al., MICCAI 2022 / MIA 2023).
import { z } from 'zod';
import type { SynthOptions } from '../../synth/index.js';
import { memaeParamsSchema } from '../memae.js';

/**
 * The refinement's FPI as DDAD-ASR's own (anomaly_data.py:108-141): alpha ~ U(0, 1) and the whole patch labelled
 * (mask > 0), no equal-pixel zeroing; not jemtan/FPI's defaults (U(0.05, 0.95), zeroing) that synth-fpi uses.
 */
export const DDAD_FPI: SynthOptions = { fpi: { alpha: [0, 1], zeroEqual: false } };

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
  /** Adam learning rate of every ensemble member (official: 5e-4, cfgs/RSNA_AE.yaml:20); default: the fit's lr. */
  memberLr: z.number().gt(0).optional(),
  /** Adam beta1 of the ensemble members (official 0.5, trainer.py:47). */
  memberBeta1: z.number().gt(0).lt(1).default(0.5),
  /**
   * Refinement network. 'local' (official ASR-Net, models/refine_net.py): conv3x3(refineWidth)+BN+ReLU x2, conv3x3 to
   * 2 classes, a 7x7 receptive field. 'unet': medad's earlier U-Net with refineChannels (kept for the ablation).
   */
  refineArch: z.enum(['local', 'unet']).default('local'),
  /** Hidden channels of the local net (official 128). */
  refineWidth: z.number().int().positive().default(128),
  /** Refinement U-Net channels per level (refineArch 'unet'). */
  refineChannels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64]),
  /** Loss: focal (official, gamma focalGamma, models/losses.py) or binary cross-entropy. */
  refineLoss: z.enum(['focal', 'bce']).default('focal'),
  focalGamma: z.number().nonnegative().default(2),
  /** Targets: 'hard' (official: FPI mask > 0, anomaly_data.py:141) or 'soft' (the FPI blend factor). */
  refineTargets: z.enum(['hard', 'soft']).default('hard'),
  /** Inputs: 'raw' [A_inter, A_intra] (official; BN of the local net normalises) or 'zscore' [A_intra, A_inter]. */
  refineInputs: z.enum(['raw', 'zscore']).default('raw'),
  /** backbone aeu: divide A_inter and A_intra by sqrt of the NDM's mean predicted variance (official, test.py:165). */
  aeuDivide: z.boolean().default(true),
  /** Refinement batch size (official 8); default 8. */
  refineBatch: z.number().int().min(2).default(8),
  /** Refinement Adam lr (official 1e-4), beta1 (0.5) and PyTorch-style L2 weight decay (1e-4): RefineSolver. */
  refineLr: z.number().gt(0).default(1e-4),
  refineBeta1: z.number().gt(0).lt(1).default(0.5),
  refineWeightDecay: z.number().nonnegative().default(1e-4),
  /** Refinement epochs (official 100; default: the fit's epochs). */
  refineEpochs: z.number().int().nonnegative().optional(),
  /**
   * Which refinement weights are kept: 'last' epoch (official: a fixed budget) or the epoch of lowest 'validation'
   * loss on FPI anomalies in the validation normals. Never the test set (the official trainer prints the best test
   * AUC per epoch, trainer.py:259-264; medad does not do that).
   */
  refineSelect: z.enum(['last', 'validation']).default('last'),
  /** Fraction of each refinement batch given an FPI anomaly. */
  corruptFraction: z.number().min(0).max(1).default(0.5),
  /** Without FitOptions.validation, this fraction of the normals is held out (from every stage) as validation. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
});
export type DdadParams = z.output<typeof ddadParamsSchema>;

/** What a member network's checkpoint depends on. */
export function memberConfig(p: DdadParams): Record<string, unknown> {
  const base = { backbone: p.backbone, channels: p.channels, latent: p.latent, hidden: p.hidden ?? 0, memberBeta1: p.memberBeta1 };
  return p.backbone === 'memae' ? { ...base, memorySize: p.memorySize, shrinkThreshold: p.shrinkThreshold, entropyWeight: p.entropyWeight } : base;
}

/**
 * Params saved before the published refinement became the default (issue 16) have no refineArch: they are the
 * earlier U-Net / soft BCE / z-scored / validation-epoch refinement, trained with the fit's optimiser settings.
 */
export function legacyRefinement(saved: Record<string, unknown>): Record<string, unknown> {
  if ('refineArch' in saved) return saved;
  const legacy = { refineArch: 'unet', refineLoss: 'bce', refineTargets: 'soft', refineInputs: 'zscore', refineSelect: 'validation', memberBeta1: 0.9, refineBeta1: 0.9, refineWeightDecay: 0 };
  return { ...legacy, ...saved };
}
