// Model persistence: atomic writes, tfjs IO handler, checkpoints and run folders.
export * from './atomic.js';
export * from './io-handler.js';
export * from './checkpoint.js';
export * from './run-dir.js';
