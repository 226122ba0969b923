import { describe, expect, it } from 'vitest';
import { datasetJsonSchema } from '../../src/config/json-schema.js';

type Json = { [k: string]: unknown };

/** Every property schema (at any depth) with its dotted path. */
function properties(node: unknown, at = ''): [string, Json][] {
  if (!node || typeof node !== 'object') return [];
  const n = node as Json;
  const out: [string, Json][] = [];
  const props = n.properties as Record<string, Json> | undefined;
  for (const [k, v] of Object.entries(props ?? {}))
    out.push([`${at}.${k}`, v], ...properties(v, `${at}.${k}`));
  for (const key of ['items', 'anyOf', 'oneOf', 'prefixItems'])
    for (const sub of ([] as unknown[]).concat(n[key] ?? [])) out.push(...properties(sub, at));
  return out;
}

describe('datasetJsonSchema', () => {
  it('describes every key', () => {
    const schema = datasetJsonSchema();
    const props = properties(schema);
    expect(props.map(([p]) => p)).toEqual(
      expect.arrayContaining([
        '.medad',
        '.sources.root',
        '.sources.slices.axis',
        '.unlabelled.anomalyRate',
        '.validation.fraction',
      ]),
    );
    const undocumented = props.filter(
      ([, v]) => typeof v.description !== 'string' || (v.description as string).length < 10,
    );
    expect(undocumented.map(([p]) => p)).toEqual([]);
  });

  it('forbids unknown keys and requires the marker', () => {
    const schema = datasetJsonSchema() as Json;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['medad', 'version', 'sources']));
  });
});
