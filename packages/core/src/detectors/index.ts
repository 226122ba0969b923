// Detectors: the common API, the registry (with the built-in reconstruction family registered) and the training loop.
import './builtins.js';

export * from './api.js';
export { createDetector, detectorMeta, listDetectors, parseDetectorParams, registerDetector } from './registry.js';
export type { DetectorFactory, DetectorInfo, DetectorMeta } from './registry.js';
export { loadDetector } from './load.js';
export { runTraining } from './train-loop.js';
export type { StepContext, Trainable } from './train-loop.js';
export { ReconstructionDetector } from './reconstruction-detector.js';
export { ConvAENet } from './conv-ae-net.js';
export type { ConvAEShape } from './conv-ae-net.js';
export { ParamStore } from './layers.js';
export { DETECTOR_JSON, readDetectorJson } from './persist.js';
export type { DetectorJson } from './persist.js';
export { CHECKPOINT_DIR, loadCheckpoint } from './checkpoint.js';
export { Rng, mixSeed, shuffledOrder } from './rng.js';
