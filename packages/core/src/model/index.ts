// Model persistence: atomic writes, tfjs IO handler, and checkpoints (run folders: pipeline/run-dir.ts).
export * from './atomic.js';
export * from './io-handler.js';
export * from './checkpoint.js';
