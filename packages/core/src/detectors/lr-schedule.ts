// Learning-rate schedules of the shared training loop: the lr is a pure function of the epoch, so a resumed run sets
// the same lr as an uninterrupted one without saving any scheduler state.
import * as tf from '@tensorflow/tfjs';

export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];
/** The floor of `cosine` when none is given (the NSA authors' `min_lr`, train_chest_xray.py:376). */
export const DEFAULT_LR_MIN = 1e-6;

/** A run's schedule as checkpoints record it; null for `constant` (so older checkpoints keep matching). */
export type LrSchedule = { kind: 'cosine'; lrMin: number } | null;

/** Validated schedule of `opts` (throws an Error naming `who` and the bad value). */
export function lrScheduleOf(who: string, opts: { lr: number; lrSchedule?: string; lrMin?: number }): LrSchedule {
  const kind = opts.lrSchedule ?? 'constant';
  if (!(LR_SCHEDULES as readonly string[]).includes(kind)) throw new Error(`${who}: lrSchedule must be one of ${LR_SCHEDULES.join(', ')}, got ${JSON.stringify(kind)}`);
  if (kind === 'constant') {
    if (opts.lrMin !== undefined) throw new Error(`${who}: lrMin applies only with lrSchedule cosine`);
    return null;
  }
  const lrMin = opts.lrMin ?? DEFAULT_LR_MIN;
  if (!(Number.isFinite(lrMin) && lrMin >= 0 && lrMin <= opts.lr)) throw new Error(`${who}: lrMin must be in [0, lr = ${opts.lr}], got ${lrMin}`);
  return { kind: 'cosine', lrMin };
}

/**
 * The lr of 0-based `epoch` of `epochs`: PyTorch's CosineAnnealingLR with T_max = epochs, stepped once per epoch
 * (epoch 0 trains at the full lr): lrMin + (lr - lrMin) (1 + cos(pi epoch / epochs)) / 2.
 */
export function lrAtEpoch(schedule: LrSchedule, lr: number, epoch: number, epochs: number): number {
  if (!schedule || epochs <= 0) return lr;
  return schedule.lrMin + ((lr - schedule.lrMin) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

/**
 * Sets the learning rate of a tfjs optimiser for its next steps. SGD and momentum cache -lr as a tensor
 * (setLearningRate renews it); Adam, RMSProp and medad's TF1 RMSProp read the `learningRate` field at every step.
 */
export function setOptimizerLr(optimizer: tf.Optimizer, lr: number): void {
  // Not `instanceof tf.SGDOptimizer`: tfjs's Optimizer duck-types instanceof, so every optimiser passes it.
  const o = optimizer as unknown as { learningRate?: unknown; setLearningRate?: unknown };
  if (typeof o.setLearningRate === 'function') {
    (optimizer as tf.SGDOptimizer).setLearningRate(lr); // MomentumOptimizer extends SGDOptimizer
    return;
  }
  if (typeof o.learningRate !== 'number') throw new Error(`cannot set the learning rate of a ${optimizer.getClassName()} optimiser`);
  o.learningRate = lr;
}
