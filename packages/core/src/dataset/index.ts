// Dataset configs: schema, resolution into item lists, header summary and train/test leakage check.
export * from './types.js';
export * from './schema.js';
export * from './resolve.js';
export * from './load.js';
export * from './summary.js';
export * from './leakage.js';
export * from './check.js';
export { checkDatasetParts } from './check-parts.js';
export * from './format.js';
export { perceptualHash, hamming, hashToHex, type HashBits } from './phash.js';
export { mulberry32 } from './random.js';
export type { ProgressOptions } from './concurrency.js';
export * from './audit/index.js';
export { groupStraddles, groupOf, type Straddle } from './groups.js';
