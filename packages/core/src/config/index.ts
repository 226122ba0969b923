// Config parsing: YAML with positions, schema-to-issue mapping, and JSON Schema export.
export * from './issues.js';
export * from './positions.js';
export * from './yaml.js';
export * from './json-schema.js';
export * from './did-you-mean.js';
