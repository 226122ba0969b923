// DDAD's ensemble members: the existing reconstruction detectors (ae, memae, aeu), wrapped to expose the
// reconstruction itself (inference mode) and to train as a stage of the shared loop under their own name.
import * as tf from '@tensorflow/tfjs';
import type { InputSize } from '../api.js';
import { AeDetector } from '../ae.js';
import { AeuDetector } from '../aeu.js';
import type { ParamStore } from '../layers.js';
import { MemaeDetector, type MemaeParams } from '../memae.js';
import type { StepContext, Trainable } from '../train-loop.js';

export type Backbone = 'ae' | 'memae' | 'aeu';

export interface Member {
  readonly params: ParamStore;
  trainLoss(x: tf.Tensor4D, ctx: StepContext): tf.Scalar;
  /** Reconstruction [n, H, W, 1] in inference mode (for aeu: the predicted mean). */
  recon(x: tf.Tensor4D): tf.Tensor4D;
  /** Predicted per-pixel variance [n, H, W, 1] in inference mode (aeu only). */
  variance?(x: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

class AeMember extends AeDetector implements Member {
  recon(x: tf.Tensor4D): tf.Tensor4D {
    return this.reconstruct(x, false);
  }
}

class AeuMember extends AeuDetector implements Member {
  recon(x: tf.Tensor4D): tf.Tensor4D {
    return this.meanAndLogvar(x, false)[0];
  }
  /** exp(logvar), logvar clipped to aeu's [-10, 10] so the division stays finite (the official code does not clip). */
  variance(x: tf.Tensor4D): tf.Tensor4D {
    return tf.exp(tf.clipByValue(this.meanAndLogvar(x, false)[1], -10, 10));
  }
}

class MemaeMember extends MemaeDetector implements Member {
  /** memae.ts's memory read, then the decoder. */
  recon(x: tf.Tensor4D): tf.Tensor4D {
    return this.net.decode(this.address(this.net.encode(x, false)).zhat, false);
  }
}

export function createMember(backbone: Backbone, p: MemaeParams, inputSize: InputSize): Member {
  if (backbone === 'memae') return new MemaeMember(p, inputSize);
  const ae = { channels: p.channels, latent: p.latent, hidden: p.hidden };
  return backbone === 'aeu' ? new AeuMember(ae, inputSize) : new AeMember(ae, inputSize);
}

/** A member as a stage of the shared training loop ('ddad/ndm0', ...): its name and config key its checkpoint. */
export function memberStage(name: string, member: Member, config: Readonly<Record<string, unknown>>, inputSize: InputSize, beta1?: number): Trainable {
  return { name, config, inputSize, params: member.params, trainLoss: (x, ctx) => member.trainLoss(x, ctx), adam: { beta1 } };
}
