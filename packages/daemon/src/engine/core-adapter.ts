// The one module that calls @medad/core. Core is growing while the daemon is written, so its functions are
// looked up by name: a missing one degrades that feature (no schema check, "unsupported" error) instead of
// breaking the daemon. When core's API settles these lookups can become plain imports.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as core from '@medad/core';
import { MedadErrorCodes } from '../protocol.js';
import type { DatasetSummary, ReadyParams, RunMetricsResult, RunSummary } from '../protocol.js';
import type { AnalysedDocument, ConfigIssue, ConfigKind, EditorEngine, KeyPath, Position, Range } from './types.js';

const lib = core as unknown as Record<string, unknown>;
function fn<F>(name: string): F | undefined {
  const f = lib[name];
  return typeof f === 'function' ? (f as F) : undefined;
}

/** Thrown when core lacks what a request needs; mapped to MedadErrorCodes.Unsupported. */
export class UnsupportedError extends Error {
  readonly code = MedadErrorCodes.Unsupported;
}

type SafeParser = { safeParse(v: unknown): { success: boolean; data?: unknown; error?: unknown } };
type ParseYaml = (text: string, schema: SafeParser, file: string) => { value?: unknown; issues: ConfigIssue[] };
/** Stands in for a schema core has not published yet: YAML syntax is still checked. */
const anything: SafeParser = { safeParse: (v) => ({ success: true, data: v }) };

const MARKER = /^medad:\s*['"]?([A-Za-z-]+)/m;

export function configKindOf(text: string): ConfigKind | undefined {
  const m = MARKER.exec(text);
  return m && (m[1] === 'dataset' || m[1] === 'experiment') ? m[1] : undefined;
}

function schemaOf(kind: ConfigKind): SafeParser | undefined {
  const s = lib[kind === 'dataset' ? 'datasetConfigSchema' : 'experimentConfigSchema'];
  return s && typeof (s as SafeParser).safeParse === 'function' ? (s as SafeParser) : undefined;
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

/** Fallback semantic check until core publishes its dataset checks: every source path must exist. */
async function sourcePathsExist(value: unknown, file: string, text: string, rangeOf: EditorEngine['rangeOf']): Promise<ConfigIssue[]> {
  const sources = (value as { sources?: Record<string, unknown>[] } | undefined)?.sources ?? [];
  const issues: ConfigIssue[] = [];
  for (const [i, src] of sources.entries()) {
    for (const key of ['root', 'file']) {
      const rel = src[key];
      if (typeof rel !== 'string') continue;
      const abs = path.resolve(path.dirname(file), rel);
      if (await exists(abs)) continue;
      const where: KeyPath = ['sources', i, key];
      const range = rangeOf(text, where) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      issues.push({ message: `Path does not exist: ${abs}`, severity: 'error', path: where, ...range, code: 'path-missing' });
    }
  }
  return issues;
}

interface CoreRun {
  path: string;
  meta?: { state?: string; startedAt?: string; finishedAt?: string; experimentFile?: string; detector?: string };
  metrics?: unknown;
}

/** Flattens core's metrics ({ image: { auroc: { value } } } or { auroc: 0.9 }) into name -> number. */
function flatMetrics(m: unknown): Record<string, number> | undefined {
  const src = (m as { image?: unknown } | undefined)?.image ?? m;
  if (!src || typeof src !== 'object') return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(src)) {
    const n = typeof v === 'number' ? v : (v as { value?: unknown } | null)?.value;
    if (typeof n === 'number') out[k.toUpperCase() === 'AUROC' || k.toUpperCase() === 'AP' ? k.toUpperCase() : k] = n;
  }
  return Object.keys(out).length ? out : undefined;
}

function toRunSummary(r: CoreRun): RunSummary {
  const state = r.meta?.state;
  return {
    runDir: r.path,
    experiment: r.meta?.experimentFile,
    detector: r.meta?.detector,
    state: state === 'finished' || state === 'running' || state === 'failed' ? state : 'unknown',
    startedAt: r.meta?.startedAt,
    finishedAt: r.meta?.finishedAt,
    metrics: flatMetrics(r.metrics),
  };
}

export function createEditorEngine(): EditorEngine {
  const parseYaml = fn<ParseYaml>('parseYamlDocument');
  const rangeOfPath = fn<(t: string, p: KeyPath, part?: 'key' | 'value') => Range | undefined>('rangeOfPath');
  const pathAtPosition = fn<(t: string, p: Position) => { path: KeyPath; isKey: boolean }>('pathAtPosition');

  const engine: EditorEngine = {
    analyse(text: string, file: string): AnalysedDocument {
      const kind = configKindOf(text);
      const parseDataset = fn<(t: string, f: string) => { value?: unknown; issues: ConfigIssue[] }>('parseDatasetConfig');
      if (kind === 'dataset' && parseDataset) return { kind, ...parseDataset(text, file) };
      if (!parseYaml) return { kind, issues: [] };
      const schema = kind ? (schemaOf(kind) ?? anything) : anything;
      const { value, issues } = parseYaml(text, schema, file);
      return { kind, value, issues };
    },
    pathAt: (text, pos) => (pathAtPosition ? pathAtPosition(text, pos) : { path: [], isKey: true }),
    rangeOf: (text, p, part) => (rangeOfPath ? rangeOfPath(text, p, part) : undefined),
    jsonSchema(kind) {
      const f = fn<() => object>(kind === 'dataset' ? 'datasetJsonSchema' : 'experimentJsonSchema');
      return f?.();
    },
    async semanticChecks(kind, value, file, text, signal) {
      if (kind === 'experiment') {
        const check = fn<(t: string, v: unknown, dir: string, o: { detectorNames?: string[] }) => Promise<ConfigIssue[]>>('checkExperiment');
        const detectors = fn<() => { name: string }[]>('listDetectors');
        return check ? check(text, value, path.dirname(file), { detectorNames: detectors?.().map((d) => d.name) }) : [];
      }
      const check = fn<(v: unknown, file: string, o: { signal: AbortSignal }) => Promise<ConfigIssue[]>>('checkDatasetConfig');
      if (check) return check(value, file, { signal });
      return sourcePathsExist(value, file, text, engine.rangeOf);
    },
    async datasetSummary(file, signal): Promise<DatasetSummary> {
      const f = fn<(file: string, o: { signal: AbortSignal }) => Promise<DatasetSummary>>('summariseDatasetFile');
      if (!f) throw new UnsupportedError(`Dataset summaries are not available: @medad/core does not provide them yet (${file}).`);
      return f(file, { signal });
    },
    async listRuns(root): Promise<RunSummary[]> {
      const f = fn<(root: string) => Promise<CoreRun[]>>('listRuns');
      if (!f) throw new UnsupportedError('Listing runs is not available: @medad/core does not provide listRuns yet.');
      return (await f(root)).map(toRunSummary);
    },
    async runMetrics(runDir): Promise<RunMetricsResult> {
      const f = fn<(dir: string) => Promise<RunMetricsResult>>('readRunMetrics');
      if (!f) throw new UnsupportedError('Run metrics are not available: @medad/core does not provide readRunMetrics yet.');
      return f(runDir);
    },
    async initBackend(): Promise<ReadyParams> {
      const init = fn<() => Promise<unknown>>('initBackend');
      const describe = fn<(r: unknown) => string>('describeBackend');
      const caps = fn<(name: string) => object>('backendCapabilities');
      if (!init) return { backend: 'none', capabilities: {}, error: '@medad/core provides no initBackend yet' };
      const report = (await init()) as { backend: string; adapter?: string };
      const flags = Object.fromEntries(Object.entries(caps?.(report.backend) ?? {}).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
      return { backend: describe ? describe(report) : report.backend, adapter: report.adapter, capabilities: flags };
    },
  };
  return engine;
}
