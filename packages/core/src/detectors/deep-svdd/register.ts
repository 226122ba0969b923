// Registers `deep-svdd` (imported once by builtins.ts).
import { registerDetector } from '../registry.js';
import { DeepSvddDetector } from './detector.js';
import { deepSvddParamsSchema, legacyNoPretrain } from './params.js';

registerDetector('deep-svdd', (p, size) => new DeepSvddDetector(p, size), {
  description: 'Deep SVDD: bias-free conv encoder (autoencoder-pretrained by default) pulled towards the centre of the normal embeddings; score = distance to c; map = constant (the score)',
  paramsSchema: deepSvddParamsSchema,
  upgradeSaved: legacyNoPretrain,
});
