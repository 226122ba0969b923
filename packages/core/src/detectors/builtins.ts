// The built-in detectors. A new method: its own file with a Detector class and a zod schema, plus one call here.
import { AeDetector } from './ae.js';
import { AeuDetector } from './aeu.js';
import { aeParamsSchema } from './conv-ae-params.js';
import { CtxAeDetector, ctxAeParamsSchema } from './ctx-ae.js';
import { MemaeDetector, memaeParamsSchema } from './memae.js';
import { registerDetector } from './registry.js';
import { VaeDetector, vaeParamsSchema } from './vae.js';

registerDetector('ae', (p, size) => new AeDetector(p, size), {
  description: 'Convolutional autoencoder; score = mean squared reconstruction error',
  paramsSchema: aeParamsSchema,
});
registerDetector('vae', (p, size) => new VaeDetector(p, size), {
  description: 'Variational autoencoder (MSE + klWeight * KL); score = squared error of the reconstruction of the mean',
  paramsSchema: vaeParamsSchema,
});
registerDetector('memae', (p, size) => new MemaeDetector(p, size), {
  description: 'Memory-augmented autoencoder (MemAE): bottleneck read from a memory of normal prototypes',
  paramsSchema: memaeParamsSchema,
});
registerDetector('aeu', (p, size) => new AeuDetector(p, size), {
  description: 'Autoencoder with per-pixel uncertainty; score = variance-weighted squared error',
  paramsSchema: aeParamsSchema,
});
registerDetector('ctx-ae', (p, size) => new CtxAeDetector(p, size), {
  description: 'Context (inpainting) autoencoder: trained to fill a blanked square; scored as the AE',
  paramsSchema: ctxAeParamsSchema,
});
import './fanogan/register.js';
import './student-teacher/register.js';
import './synthetic/register.js';
import './cutpaste/register.js';
import './deep-svdd/register.js';
import './ddad/register.js';
