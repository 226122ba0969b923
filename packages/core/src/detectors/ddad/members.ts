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
  dispose(): void;
}

class AeMember extends AeDetector implements Member {
  recon(x: tf.Tensor4D): tf.Tensor4D {
    return this.reconstruct(x, false);
  }
}

class AeuMember extends AeuDetector implements Member {
  recon(x: tf.Tensor4D): tf.Tensor4D {
    const out = this.net.decode(this.net.encode(x, false), false);
    return tf.split(out, 2, 3)[0] as tf.Tensor4D;
  }
}

const EPS = 1e-12;

class MemaeMember extends MemaeDetector implements Member {
  constructor(
    private readonly mp: MemaeParams,
    inputSize: InputSize,
  ) {
    super(mp, inputSize);
  }
  /** The memory read of memae.ts (its addressing is private there), then the decoder. */
  recon(x: tf.Tensor4D): tf.Tensor4D {
    const mem = this.params.get('memory') as tf.Tensor2D;
    const lambda = this.mp.shrinkThreshold ?? 1 / this.mp.memorySize;
    let w: tf.Tensor = tf.softmax(tf.matMul(this.net.encode(x, false), mem, false, true));
    if (lambda > 0) {
      const shifted = tf.sub(w, lambda);
      w = tf.div(tf.mul(tf.relu(shifted), w), tf.add(tf.abs(shifted), EPS));
      w = tf.div(w, tf.maximum(tf.sum(tf.abs(w), 1, true), EPS));
    }
    return this.net.decode(tf.matMul(w, mem) as tf.Tensor2D, false);
  }
}

export function createMember(backbone: Backbone, p: MemaeParams, inputSize: InputSize): Member {
  if (backbone === 'memae') return new MemaeMember(p, inputSize);
  const ae = { channels: p.channels, latent: p.latent };
  return backbone === 'aeu' ? new AeuMember(ae, inputSize) : new AeMember(ae, inputSize);
}

/** A member as a stage of the shared training loop ('ddad/ndm0', ...): its name and config key its checkpoint. */
export function memberStage(name: string, member: Member, config: Readonly<Record<string, unknown>>, inputSize: InputSize): Trainable {
  return { name, config, inputSize, params: member.params, trainLoss: (x, ctx) => member.trainLoss(x, ctx) };
}
