// SGD with momentum as torch.optim.SGD (buffer = momentum * buffer + grad; w -= lr * buffer): tfjs's
// MomentumOptimizer, whose dispose() forgets the -lr scalar its SGD parent keeps (one tensor leaked per run).
import * as tf from '@tensorflow/tfjs';

export class SgdMomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

export function sgdMomentum(lr: number, momentum: number): tf.Optimizer {
  if (!(lr > 0)) throw new Error(`SGD: learning rate must be > 0, got ${lr}`);
  if (!(momentum >= 0 && momentum < 1)) throw new Error(`SGD: momentum must be in [0, 1), got ${momentum}`);
  return new SgdMomentumOptimizer(lr, momentum);
}
