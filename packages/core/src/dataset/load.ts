// Reading a dataset config file end to end, and placing resolution problems on the config's text.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigIssue } from '../config/issues.js';
import { TextLines, rangeOfPath } from '../config/positions.js';
import { parseYamlDocument } from '../config/yaml.js';
import { resolveDataset } from './resolve.js';
import { datasetConfigSchema } from './schema.js';
import type { DatasetConfig } from './schema.js';
import type { DatasetProblem, ResolvedDataset } from './types.js';

/** Parses a dataset config text; `value` only when it is valid. */
export function parseDatasetConfig(
  text: string,
  file: string,
): { value?: DatasetConfig; issues: ConfigIssue[] } {
  return parseYamlDocument(text, datasetConfigSchema, file);
}

/** Maps resolution problems onto the config text (the key they name, or the longest existing prefix). */
export function problemsToIssues(text: string, problems: DatasetProblem[]): ConfigIssue[] {
  const lines = new TextLines(text);
  return problems.map((p) => {
    let range;
    for (let n = p.path.length; n >= 0 && !range; n--) range = rangeOfPath(text, p.path.slice(0, n));
    range ??= lines.range(0, 0);
    const related = p.file ? [{ file: p.file, message: p.line ? `line ${p.line}` : p.message }] : undefined;
    return {
      message: p.message,
      severity: p.severity,
      path: p.path,
      ...range,
      code: p.code,
      ...(related ? { related } : {}),
    };
  });
}

export interface LoadedDataset {
  config?: DatasetConfig;
  resolved?: ResolvedDataset;
  /** Schema issues and resolution problems, all positioned in the config file. */
  issues: ConfigIssue[];
}

/** Reads, validates and resolves a dataset config file. Throws only when the file cannot be read. */
export async function loadDataset(file: string): Promise<LoadedDataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read dataset config: ${(e as Error).message}`);
  }
  const parsed = parseDatasetConfig(text, file);
  if (!parsed.value) return { issues: parsed.issues };
  const resolved = await resolveDataset(parsed.value, path.dirname(path.resolve(file)));
  return {
    config: parsed.value,
    resolved,
    issues: [...parsed.issues, ...problemsToIssues(text, resolved.problems)],
  };
}
