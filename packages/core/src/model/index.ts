// Model persistence: atomic writes, tfjs IO handler, checkpoints and run folders.
export * from './atomic.js';
export * from './io-handler.js';
