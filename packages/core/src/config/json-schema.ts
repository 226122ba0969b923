// JSON Schema of the dataset config, for editors (validation, completion, and hover text from the
// descriptions every key carries).
import { z } from 'zod';
import { datasetConfigSchema } from '../dataset/schema.js';

export type JsonSchema = Record<string, unknown>;

/** The dataset config as JSON Schema (draft 2020-12), with a description on every key. */
export function datasetJsonSchema(): JsonSchema {
  return z.toJSONSchema(datasetConfigSchema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
}
