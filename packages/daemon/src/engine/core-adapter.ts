// The editor-side half of the daemon's bridge to @medad/core (compute-adapter.ts is the worker half): parsing,
// positions, JSON Schemas, semantic checks, dataset summaries and run folders, in the protocol's shapes.
import * as path from 'node:path';
import {
  backendCapabilities,
  checkDatasetConfig,
  checkDatasetParts,
  checkExperiment,
  checkExperimentParts,
  detectorMeta,
  didYouMean,
  DETECTOR_ALIASES,
  checkExperimentConfig,
  datasetJsonSchema,
  describeBackend,
  experimentConfigSchema,
  experimentJsonSchema,
  initBackend,
  listDetectors,
  listRuns,
  parseDatasetConfig,
  parseYamlDocument,
  pathAtPosition,
  rangeOfPath,
  readRunMetrics,
  releaseOwnRunLocks,
  resolveDataset,
  type BackendName,
  type DatasetConfig,
  type ExperimentConfig,
  type RunListing,
} from '@medad/core';
import type { LeakagePairInfo, LeakageResult, ReadyParams, RunMetricsResult, RunSummary } from '../protocol.js';
import { datasetItemsOf } from './dataset-items.js';
import { resolveConfigFile, summariseConfigFile, summarisePath } from './dataset-summary.js';
import { LeakageChecker } from './leakage-checker.js';
import { AuditChecker } from './audit-checker.js';
import { auditIssues, auditMarkdown, auditResult } from './audit-adapter.js';
import { readMetricsFileExtras } from './metrics-file.js';
import { displayMetrics } from './metric-names.js';
import { renderImage } from './render-image.js';
import type { AnalysedDocument, ConfigKind, EditorEngine } from './types.js';

const MARKER = /^medad:\s*['"]?([A-Za-z-]+)/m;

export function configKindOf(text: string): ConfigKind | undefined {
  const m = MARKER.exec(text);
  return m && (m[1] === 'dataset' || m[1] === 'experiment') ? m[1] : undefined;
}

/** core's metrics.json ({ image: { auroc: { value } } }) or run.json's evaluation summary as name -> number. */
function listingMetrics(r: RunListing): Record<string, number> | undefined {
  const file = r.metrics as { image?: Record<string, { value?: unknown }>; pixel?: Record<string, { value?: unknown }> } | undefined;
  const flat: Record<string, number> = {};
  for (const group of [file?.image, file?.pixel])
    for (const [k, v] of Object.entries(group ?? {})) if (typeof v?.value === 'number') flat[k] = v.value;
  const out = Object.keys(flat).length ? flat : r.meta?.evaluation?.metrics;
  return out && Object.keys(out).length ? displayMetrics(out) : undefined;
}

const STATE: Record<string, RunSummary['state']> = { running: 'running', trained: 'finished', evaluated: 'finished', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' };

export function toRunSummary(r: RunListing): RunSummary {
  const m = r.meta;
  return {
    runDir: r.dir,
    experiment: m?.experimentFile,
    detector: m?.detector,
    state: (m && STATE[m.state]) ?? 'unknown',
    ...(m?.state ? { coreState: m.state } : {}),
    ...(m?.stoppedAtStep !== undefined ? { stoppedAtStep: m.stoppedAtStep } : {}),
    startedAt: m?.startedAt,
    finishedAt: m?.evaluation?.finishedAt ?? m?.finishedAt,
    metrics: listingMetrics(r),
    ...(r.problems.length ? { problems: r.problems } : {}),
  };
}

/** A `*.medad.yaml` without a `medad:` marker: YAML syntax problems, and a hint where the marker goes. */
function unmarked(text: string, file: string): AnalysedDocument {
  const syntax = parseYamlDocument(text, experimentConfigSchema, file).issues.filter((i) => i.code === 'yaml-syntax');
  if (syntax.length) return { issues: syntax };
  const at = { line: 0, character: 0 };
  return { issues: [{ message: 'Not a medad config yet: add `medad: dataset` or `medad: experiment` at the top', severity: 'info', path: [], start: at, end: at, code: 'no-marker' }] };
}

export function createEditorEngine(): EditorEngine {
  let backend: BackendName | undefined;
  const leakage = new LeakageChecker();
  const auditor = new AuditChecker();
  return {
    analyse(text: string, file: string): AnalysedDocument {
      const kind = configKindOf(text);
      if (kind === 'dataset') return { kind, ...parseDatasetConfig(text, file) };
      if (kind === 'experiment') return { kind, ...parseYamlDocument(text, experimentConfigSchema, file) };
      return unmarked(text, file);
    },
    pathAt: (text, pos) => pathAtPosition(text, pos),
    rangeOf: (text, p, part) => rangeOfPath(text, p, part),
    detectors: () => listDetectors().map((d) => ({ name: d.name, description: d.description, params: d.paramsJsonSchema as object })),
    jsonSchema: (kind) => (kind === 'dataset' ? datasetJsonSchema() : experimentJsonSchema()),
    async semanticChecks(kind, value, file, text, signal) {
      if (kind === 'dataset') return checkDatasetConfig(text, file, { signal, leakage: false });
      const names = listDetectors().map((d) => d.name);
      const basic = await checkExperiment(text, value as ExperimentConfig, path.dirname(file), { detectorNames: names, paramsSchemaOf: (n) => detectorMeta(n)?.paramsSchema });
      if (basic.some((i) => i.severity === 'error')) return basic;
      return [...basic, ...(await checkExperimentConfig(text, file, { signal, backend }))];
    },
    async partialChecks(kind, file, text) {
      if (kind === 'dataset') return checkDatasetParts(text, file);
      return checkExperimentParts(text, path.dirname(file), { detectorNames: listDetectors().map((d) => d.name), paramsSchemaOf: (n) => detectorMeta(n)?.paramsSchema });
    },
    suggest: (word, candidates, what) => didYouMean(word, candidates, what === 'detector' ? DETECTOR_ALIASES : {}),
    async leakageChecks(kind, value, file, text, signal) {
      if (kind !== 'dataset') return [];
      const leaks = leakage.issues(text, file, value as DatasetConfig, signal);
      // The audit runs in its own worker beside the leakage check; its failure (not a cancel) must not hide leaks.
      const audit = resolveDataset(value as DatasetConfig, path.dirname(path.resolve(file)))
        .then((resolved) => auditor.auditOf(resolved, signal))
        .then(
          (r) => (r ? auditIssues(text, r.audit) : []),
          (e: unknown) => {
            if (signal.aborted) throw e;
            process.stderr.write(`medad-daemon: shortcut audit failed for ${file}: ${(e as Error).message}\n`);
            return [];
          },
        );
      const [a, b] = await Promise.all([leaks, audit]);
      return [...a, ...b];
    },
    dispose: async () => {
      await Promise.all([leakage.dispose(), auditor.dispose()]);
    },
    async auditSummary(file) {
      const { resolved } = await resolveConfigFile(file);
      const audit = await auditor.cachedOf(resolved);
      return audit && auditMarkdown(audit);
    },
    async datasetAudit(file, signal, onProgress) {
      const { resolved } = await resolveConfigFile(file);
      const r = await auditor.auditOf(resolved, signal, onProgress);
      return auditResult(r?.audit, r?.cached ?? false);
    },
    datasetSummary: (file, signal) => summariseConfigFile(file, signal),
    datasetItems: async (file) => {
      const { resolved, group } = await resolveConfigFile(file);
      return datasetItemsOf(resolved, group);
    },
    renderImage: (file, slice, window) => renderImage(file, slice, window),
    async leakage(file, signal): Promise<LeakageResult> {
      const { resolved } = await resolveConfigFile(file);
      const { report, cached } = await leakage.reportOf(resolved, signal);
      const pair = (p: LeakagePairInfo): LeakagePairInfo => ({ a: p.a, b: p.b, kind: p.kind, distance: p.distance, correlation: p.correlation });
      if (!report) return { pairs: [], withinTest: [], checked: { reference: 0, test: 0 }, unreadable: [], cached };
      return { pairs: report.pairs.map(pair), withinTest: report.withinTest.pairs.map(pair), checked: report.checked, unreadable: report.unreadable, cached };
    },
    summarisePath: (abs, signal) => summarisePath(abs, signal),
    listRuns: async (root) => (await listRuns(root)).map(toRunSummary),
    releaseOwnRunLocks: (root) => releaseOwnRunLocks(root),
    async runMetrics(runDir): Promise<RunMetricsResult> {
      const r = await readRunMetrics(runDir);
      return { runDir: r.runDir, metrics: displayMetrics(r.metrics), ...(r.curves ? { curves: r.curves } : {}), ...(await readMetricsFileExtras(runDir)) };
    },
    async initBackend(): Promise<ReadyParams> {
      const report = await initBackend();
      backend = report.backend;
      const flags = Object.fromEntries(Object.entries(backendCapabilities(report.backend)).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
      return { backend: describeBackend(report), adapter: report.adapter, capabilities: flags };
    },
  };
}
