// Loading an experiment config from disk: YAML + schema issues with exact positions, then the checks the schema
// cannot make (a registered detector, a dataset file that exists), also placed on the offending value.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConfigIssue } from '../config/issues.js';
import { rangeOfPath } from '../config/positions.js';
import { parseYamlDocument } from '../config/yaml.js';
import { DETECTOR_ALIASES, didYouMean } from '../config/did-you-mean.js';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkOutputRoot } from '../pipeline/output-root.js';
import { experimentConfigSchema, type ExperimentConfig } from './schema.js';

export interface LoadedExperiment {
  value?: ExperimentConfig;
  issues: ConfigIssue[];
  /** Absolute path of the config file. */
  file: string;
  /** Folder relative paths in the config resolve against. */
  dir: string;
}

export interface LoadExperimentOptions {
  /** Registered detector names; when given, an unknown `detector.name` is an error listing them. */
  detectorNames?: readonly string[];
  /** The registered detector's params schema; when given, `detector.params` is checked with positions. */
  paramsSchemaOf?: (detector: string) => z.ZodType | undefined;
}

/** `detector.params` against the detector's own schema, each problem on its key or value (did-you-mean for keys). */
function checkParams(text: string, name: string, params: unknown, schema: z.ZodType): ConfigIssue[] {
  const r = schema.safeParse(params ?? {});
  if (r.success) return [];
  const known = Object.keys((schema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
  return r.error.issues.flatMap((issue): ConfigIssue[] => {
    const at = ['detector', 'params', ...issue.path.filter((k): k is string | number => typeof k !== 'symbol')];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const hint = didYouMean(key, known)[0];
        const range = rangeOfPath(text, [...at, key], 'key') ?? rangeOfPath(text, at, 'key') ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        return { message: `Unknown key '${key}' in detector.params of '${name}'${hint ? `; did you mean '${hint}'?` : ''} Known: ${known.join(', ')}`, severity: 'error', path: [...at, key], ...range, code: 'detector-params' };
      });
    }
    const range = rangeOfPath(text, at, 'value') ?? rangeOfPath(text, ['detector', 'params'], 'key') ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return [{ message: `${at.join('.')}: ${issue.message.replace(/^Invalid input: /, '')}`, severity: 'error', path: at, ...range, code: 'detector-params' }];
  });
}

function issueAt(text: string, keyPath: (string | number)[], message: string, code: string): ConfigIssue {
  const range = rangeOfPath(text, keyPath, 'value') ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { message, severity: 'error', path: keyPath, ...range, code };
}

/** Checks beyond the schema: the detector is registered and a dataset path exists. */
export async function checkExperiment(text: string, value: ExperimentConfig, dir: string, opts: LoadExperimentOptions = {}): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const names = opts.detectorNames;
  if (names && !names.includes(value.detector.name)) {
    const hint = didYouMean(value.detector.name, names, DETECTOR_ALIASES)[0];
    issues.push(issueAt(text, ['detector', 'name'], `detector.name: unknown detector '${value.detector.name}'${hint ? `; did you mean '${hint}'?` : ''} Registered: ${names.join(', ')}`, 'unknown-detector'));
  }
  const schema = names?.includes(value.detector.name) !== false ? opts.paramsSchemaOf?.(value.detector.name) : undefined;
  if (schema) issues.push(...checkParams(text, value.detector.name, (value.detector as { params?: unknown }).params, schema));
  if (typeof value.dataset === 'string') {
    const target = path.resolve(dir, value.dataset);
    try {
      await fs.access(target);
    } catch {
      issues.push(issueAt(text, ['dataset'], `dataset: no such file: ${target}`, 'path-missing'));
    }
  }
  const out = (value as { output?: { dir?: string } }).output?.dir;
  if (out) {
    try {
      checkOutputRoot(path.resolve(dir, out));
    } catch (e) {
      issues.push(issueAt(text, ['output', 'dir'], (e as Error).message, 'output-dir'));
    }
  }
  return issues;
}

/**
 * The same checks on the parts of a config that parse while another part has schema errors (a typo in `training`
 * must not hide a missing dataset file or an unknown detector until it is fixed).
 */
export async function checkExperimentParts(text: string, dir: string, opts: LoadExperimentOptions = {}): Promise<ConfigIssue[]> {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) return [];
  const raw = doc.toJS({ maxAliasCount: 100 }) as { detector?: { name?: unknown }; dataset?: unknown } | null;
  const name = raw?.detector?.name;
  const dataset = raw?.dataset;
  const params = (raw?.detector as { params?: unknown } | undefined)?.params;
  const partial = {
    detector: { name: typeof name === 'string' ? name : undefined, params },
    dataset: typeof dataset === 'string' ? dataset : undefined,
  };
  const issues = await checkExperiment(text, { ...partial, detector: { name: partial.detector.name ?? '', params } } as unknown as ExperimentConfig, dir, opts);
  // without a name string the schema already says what is wrong
  return issues.filter((i) => i.code !== 'unknown-detector' || partial.detector.name !== undefined);
}

/** Reads and validates an experiment config; `value` is set only when there are no errors. */
export async function loadExperiment(file: string, opts: LoadExperimentOptions = {}): Promise<LoadedExperiment> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let text: string;
  try {
    text = await fs.readFile(abs, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return { file: abs, dir, issues: [{ message: `cannot read experiment config: ${reason}`, severity: 'error', path: [], start: { line: 0, character: 0 }, end: { line: 0, character: 0 }, code: 'path-missing' }] };
  }
  const parsed = parseYamlDocument(text, experimentConfigSchema, abs);
  if (!parsed.value) return { file: abs, dir, issues: parsed.issues };
  const extra = await checkExperiment(text, parsed.value, dir, opts);
  const issues = [...parsed.issues, ...extra].sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  return { file: abs, dir, issues, value: issues.some((i) => i.severity === 'error') ? undefined : parsed.value };
}

/** Thrown by the pipeline when a config has errors; `issues` keeps the positions for editors and the CLI. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    const first = issues.find((i) => i.severity === 'error') ?? issues[0];
    super(first ? `${file}:${first.start.line + 1}:${first.start.character + 1}: ${first.message}` : `${file}: invalid config`);
    this.name = 'ConfigError';
  }
}
