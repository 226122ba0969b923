// Model persistence: atomic writes and the tfjs IO handler (training checkpoints: detectors/checkpoint.ts; run
// folders: pipeline/run-dir.ts).
export * from './atomic.js';
export * from './io-handler.js';
