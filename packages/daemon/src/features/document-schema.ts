// The JSON Schema of one document: an experiment's `detector.params` is an open record in the generic schema, so
// the params schema of the detector the document names is spliced in (keys, enums, defaults for hover and
// completion). Params without a description get one from their type and default.
import type { ConfigKind, EditorEngine } from '../engine/types.js';

type Json = Record<string, unknown>;

/** "integer > 0, default 16"-style text for a params property that has no description. */
function describe(p: Json): string {
  const type = Array.isArray(p.type) ? p.type.join(' | ') : typeof p.type === 'string' ? p.type : p.enum ? `one of ${(p.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : 'value';
  const bounds = [p.exclusiveMinimum !== undefined ? `> ${String(p.exclusiveMinimum)}` : '', p.minimum !== undefined ? `≥ ${String(p.minimum)}` : '', p.maximum !== undefined && Number(p.maximum) < 1e15 ? `≤ ${String(p.maximum)}` : ''].filter(Boolean).join(', ');
  return `${type}${bounds ? ` (${bounds})` : ''}${p.default !== undefined ? `, default ${JSON.stringify(p.default)}` : ''}`;
}

function withDescriptions(schema: Json, detector: string): Json {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const described = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { ...v, description: (v.description as string | undefined) ?? describe(v) }]));
  return { ...schema, properties: described, description: `Hyperparameters of the '${detector}' detector.` };
}

export function documentSchema(engine: EditorEngine, kind: ConfigKind, text: string): Json | undefined {
  const root = engine.jsonSchema(kind) as Json | undefined;
  if (!root || kind !== 'experiment') return root;
  const name = /^detector:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*['"]?([\w.-]+)/m.exec(text)?.[1];
  const params = name ? engine.detectors().find((d) => d.name === name)?.params : undefined;
  if (!params || typeof params !== 'object') return root;
  const props = root.properties as Record<string, Json> | undefined;
  const detector = props?.detector;
  if (!detector) return root;
  const detProps = (detector.properties ?? {}) as Record<string, Json>;
  return { ...root, properties: { ...props, detector: { ...detector, properties: { ...detProps, params: withDescriptions(params as Json, name as string) } } } };
}
