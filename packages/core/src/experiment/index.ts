// Experiment configs: schema, JSON Schema export and loading with positioned issues.
export * from './schema.js';
export * from './load.js';
