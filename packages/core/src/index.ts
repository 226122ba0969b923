// Public surface of @medad/core: each area re-exports its own index.
export * from './config/index.js';
export * from './io/index.js';
export * from './dataset/index.js';
export * from './compute/index.js';
export * from './model/index.js';
export * from './detectors/index.js';
export * from './experiment/index.js';
export * from './pipeline/index.js';
export * from './report/index.js';
export * from './synth/index.js';
export * from './queue/index.js';
export * from './sweep/index.js';
