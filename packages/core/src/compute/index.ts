// Compute backends: the ladder, wasm training kernels, capabilities and leak checks.
export * from './backend.js';
export * from './batch-norm.js';
export * from './capabilities.js';
export * from './conv-transpose-fused.js';
export * from './gradients.js';
export * from './memory.js';
export * from './wasm-kernels.js';
export { DEFAULT_WASM_THREADS_CAP, MAX_WASM_THREADS, defaultWasmThreads, resolveWasmThreads } from './wasm-threads.js';
