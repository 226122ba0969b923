// The checks a dataset config can get while another part of it has schema errors: each source that is valid on
// its own is resolved (missing folders, manifests, masks), and a validation folder is looked for. A typo in one
// source or in `unlabelled` must not hide that another source's folder does not exist until the typo is fixed.
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { ConfigIssue } from '../config/issues.js';
import { isDirectory } from './files.js';
import { problemsToIssues } from './load.js';
import { sourceSchema, validationSchema } from './schema.js';
import { collectSource } from './sources.js';
import type { DatasetProblem } from './types.js';

/** Issues of the parts of a dataset config's text that validate on their own (none for a YAML syntax error). */
export async function checkDatasetParts(text: string, file: string): Promise<ConfigIssue[]> {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) return [];
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return []; // an alias bomb: the schema pass reports it
  }
  const top = (raw && typeof raw === 'object' ? raw : {}) as { sources?: unknown; validation?: unknown };
  const dir = path.dirname(path.resolve(file));
  const problems: DatasetProblem[] = [];
  const sources = Array.isArray(top.sources) ? top.sources : [];
  for (let i = 0; i < sources.length; i++) {
    const s = sourceSchema.safeParse(sources[i]);
    // the source's own index keeps its problems on its own lines
    if (s.success) problems.push(...(await collectSource(s.data, i, dir)).problems);
  }
  const v = validationSchema.safeParse(top.validation);
  if (v.success && 'folder' in v.data) {
    const folder = path.resolve(dir, v.data.folder);
    if (!(await isDirectory(folder))) problems.push({ severity: 'error', code: 'path-missing', path: ['validation', 'folder'], message: `Validation folder not found: ${folder}` });
  }
  // notes (e.g. unused training anomalies) need the whole config to be right; only what is wrong is said here
  return problemsToIssues(text, problems.filter((p) => p.severity !== 'info'));
}
