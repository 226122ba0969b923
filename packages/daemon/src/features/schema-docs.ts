// Reads hover text and completion candidates out of a JSON Schema (core publishes one per config kind, with a
// description on every key). Walks properties/items and the branches of anyOf/oneOf/allOf and local $refs.
import type { KeyPath } from '../engine/types.js';

export interface Schema {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema | Schema[];
  prefixItems?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  $defs?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
  type?: string | string[];
  required?: string[];
}

function deref(root: Schema, s: Schema): Schema {
  const m = s.$ref && /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
  if (!m) return s;
  const defs = (m[1] === '$defs' ? root.$defs : root.definitions) ?? {};
  return defs[decodeURIComponent(m[2])] ?? s;
}

/** A schema and its union branches, flattened. */
function branches(root: Schema, s: Schema, seen = new Set<Schema>()): Schema[] {
  const d = deref(root, s);
  if (seen.has(d)) return [];
  seen.add(d);
  const out = [d];
  for (const sub of [...(d.anyOf ?? []), ...(d.oneOf ?? []), ...(d.allOf ?? [])]) out.push(...branches(root, sub, seen));
  return out;
}

/** All schemas a key path may be validated against. */
export function schemasAt(root: Schema, path: KeyPath): Schema[] {
  let current = branches(root, root);
  for (const seg of path) {
    const next: Schema[] = [];
    for (const s of current) {
      if (typeof seg === 'string' && s.properties?.[seg]) next.push(...branches(root, s.properties[seg]));
      if (typeof seg === 'number') {
        const item = s.prefixItems?.[seg] ?? (Array.isArray(s.items) ? s.items[seg] : s.items);
        if (item) next.push(...branches(root, item));
      }
    }
    current = next;
  }
  return current;
}

/** The descriptions at a path, most specific first, without repeats. */
export function docsAt(root: Schema, path: KeyPath): string[] {
  const seen = new Set<string>();
  for (const s of schemasAt(root, path)) if (s.description) seen.add(s.description);
  return [...seen];
}

export interface KeyCandidate {
  key: string;
  description?: string;
  required: boolean;
}

/** Keys allowed in the mapping at `path`. */
export function keysAt(root: Schema, path: KeyPath): KeyCandidate[] {
  const out = new Map<string, KeyCandidate>();
  for (const s of schemasAt(root, path)) {
    for (const [key, sub] of Object.entries(s.properties ?? {})) {
      if (out.has(key)) continue;
      const docs = docsAt(root, [...path, key]);
      out.set(key, { key, description: docs[0] ?? deref(root, sub).description, required: s.required?.includes(key) ?? false });
    }
  }
  return [...out.values()];
}

/** Literal values allowed at `path` (enums and consts). */
export function valuesAt(root: Schema, path: KeyPath): { value: string; description?: string }[] {
  const out = new Map<string, string | undefined>();
  for (const s of schemasAt(root, path)) {
    for (const v of s.enum ?? []) if (typeof v !== 'object') out.set(String(v), out.get(String(v)) ?? undefined);
    if (s.const !== undefined && typeof s.const !== 'object') out.set(String(s.const), s.description);
  }
  return [...out.entries()].map(([value, description]) => ({ value, description }));
}

/** Detector params that name files (free-form in the schema: `detector.params` is checked by the detector). */
const PATH_PARAMS = new Set(['teacherModel']);

/**
 * Whether the value at `path` is a file-system path: core describes those as "relative to this config/file"
 * (`root`, manifest `file`, `validation.folder`, `unlabelled.from`, an experiment's `dataset`, `output.dir`);
 * names of folders under a root (`train`, `test`, `masks`) are not. Plus path-valued detector params.
 */
export function isPathValue(root: Schema, path: KeyPath): boolean {
  const i = path.indexOf('params');
  if (path[0] === 'detector' && i === 1 && PATH_PARAMS.has(String(path[2])) && path.length <= 4) return true;
  return docsAt(root, path).some((d) => /relative to this (config|file)/i.test(d)) && schemasAt(root, path).some((s) => s.type === 'string');
}
