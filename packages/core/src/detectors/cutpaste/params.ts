// Hyperparameters of `cutpaste` (Li et al., CVPR 2021): a small CNN trained from scratch (no ImageNet weights).
import { z } from 'zod';

/** The paper's classifier optimiser (§4): SGD, momentum 0.9, lr 0.03 (with cosine decay: training.lrSchedule). */
export const PAPER_SGD = { momentum: 0.9, lr: 0.03 } as const;

export const cutpasteParamsSchema = z.strictObject({
  /** Conv levels (4x4 stride 2 + batch norm + ReLU); the input size must be a multiple of 2^levels. */
  channels: z.array(z.number().int().positive()).min(1).max(6).default([16, 32, 64, 64]),
  /** Width of the penultimate layer: the embedding the Gaussian density is fitted to. */
  embedding: z.number().int().positive().default(64),
  /** Optimiser of the classifier: 'sgd' with momentum (the paper's, §4) or 'adam' (PyTorch's defaults; medad's before issue 16). */
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  /** Momentum of 'sgd' (buffer = momentum * buffer + grad; w -= lr * buffer, as torch.optim.SGD). Default 0.9, the paper's. */
  momentum: z.number().min(0).lt(1).default(PAPER_SGD.momentum),
  /** Learning rate of the classifier (default: 0.03, the paper's, with sgd; the fit's lr with adam). */
  lr: z.number().positive().max(1).optional(),
});
export type CutpasteParams = z.output<typeof cutpasteParamsSchema>;

/** The classifier's learning rate: `lr`, else the paper's 0.03 with sgd and the fit's lr with adam. */
export function cutpasteLrOf(p: CutpasteParams, fitLr: number): number {
  return p.lr ?? (p.optimizer === 'sgd' ? PAPER_SGD.lr : fitLr);
}

/**
 * Params saved before SGD became the default (issue 16) have no optimizer: their classifier was trained with Adam at
 * the fit's lr, and their detector.json says so after loading.
 */
export function legacyCutpasteOptimizer(saved: Record<string, unknown>): Record<string, unknown> {
  return 'optimizer' in saved ? saved : { optimizer: 'adam', ...saved };
}
