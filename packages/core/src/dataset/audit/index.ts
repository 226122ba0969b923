// Dataset shortcut audit: per-image descriptors, their separation of the classes, a cross-validated combined model.
export * from './audit.js';
export * from './descriptors.js';
export * from './separation.js';
export * from './format.js';
export { fitLogistic, predictLogistic, crossValidateLogistic, stratifiedFolds, type LogisticModel, type CrossValidation } from './logistic.js';
export { jpegQuality, dicomTags, type DicomTags } from './file-facts.js';
export { intensityStats, sharpness, noiseSigma } from './pixel-stats.js';
