// Registers the synthetic-anomaly segmenters synth-fpi, synth-pii, synth-nsa and synth-cutpaste (one implementation).
import { registerDetector } from '../registry.js';
import { CORRUPT_METHODS } from './corrupt.js';
import { SyntheticDetector } from './detector.js';
import { syntheticParamsFor } from './params.js';

const LABELS: Record<(typeof CORRUPT_METHODS)[number], string> = {
  fpi: 'Foreign Patch Interpolation',
  pii: 'Poisson Image Interpolation',
  nsa: 'Natural Synthetic Anomalies',
  cutpaste: 'CutPaste patches',
};

for (const g of CORRUPT_METHODS) {
  const name = `synth-${g}`;
  registerDetector(name, (p, size) => new SyntheticDetector(name, p, size), {
    description: `Self-supervised segmentation: U-Net trained with BCE to locate synthetic anomalies (${LABELS[g]}); map = sigmoid output, score = top-k mean`,
    paramsSchema: syntheticParamsFor(g),
  });
}
