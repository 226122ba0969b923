// Registers `fanogan` (imported once by builtins.ts).
import { registerDetector } from '../registry.js';
import { FanoganDetector } from './detector.js';
import { fanoganParamsSchema, legacyEncoderSettings } from './params.js';

registerDetector('fanogan', (p, size) => new FanoganDetector(p, size), {
  description: 'f-AnoGAN: WGAN of normal images + encoder (ziz | izi | izi_f); score = A_R (+ kappa * A_D for izi_f)',
  paramsSchema: fanoganParamsSchema,
  // Not required: without second-order gradients the critic falls back to weight clipping (noted in the fit result).
  requires: {},
  upgradeSaved: legacyEncoderSettings,
});
