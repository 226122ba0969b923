// Whether the active backend can train a WGAN-GP critic: the gradient penalty differentiates an input gradient
// (second-order). The capability table decides for the backends it knows; the probe confirms it on the real kernels.
import * as tf from '@tensorflow/tfjs';
import { backendCapabilities, probeSecondOrderGradients, registerMissingGradients, type BackendName } from '../../compute/index.js';

export interface SecondOrderCheck {
  ok: boolean;
  why?: string;
}

export function checkSecondOrderGradients(): SecondOrderCheck {
  const backend = tf.getBackend();
  try {
    if (!backendCapabilities(backend as BackendName).secondOrderGradients) return { ok: false, why: `backend ${backend} lists no second-order gradients` };
  } catch {
    // Not in the table (a custom backend): the probe decides.
  }
  // LeakyRelu's gradient meets comparison kernels with no gradient when differentiated twice.
  registerMissingGradients();
  try {
    const norm = probeSecondOrderGradients();
    return Number.isFinite(norm) && norm > 0 ? { ok: true } : { ok: false, why: `backend ${backend}: second-order probe gave ${norm}` };
  } catch (e) {
    return { ok: false, why: `backend ${backend}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}
