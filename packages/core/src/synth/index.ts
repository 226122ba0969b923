// Public API of the synthetic-anomaly generators (self-supervised training data: FPI, PII, CutPaste, NSA).
export { SynthRng, toRng, type RngLike } from './rng.js';
export { DEFAULT_VALUE_RANGE, type Box, type SampleRange, type SynthResult } from './types.js';
export { laplacian, guidanceDivergence, solvePoissonDirichlet, type PoissonOptions, type PoissonResult } from './poisson.js';
export { fpi, FPI_DEFAULTS, type FpiOptions } from './fpi.js';
export { pii, guidanceEdge, PII_DEFAULTS, type PiiBorder, type PiiClip, type PiiGuidance, type PiiOptions } from './pii.js';
export { cutPaste, cutPasteScar, cutPaste3Way, CUTPASTE_DEFAULTS, type CutPasteClass, type CutPasteOptions } from './cutpaste.js';
export { nsa, nsaLabel, NSA_DEFAULTS, type NsaOptions } from './nsa.js';
export { synthesize, needsForeign, SYNTH_METHODS, type SynthMethod, type SynthOptions } from './generate.js';
export { writeSynthExamples, type SynthExampleRow, type SynthExamplesOptions } from './examples.js';
