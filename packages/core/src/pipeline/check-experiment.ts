// Semantic checks of an experiment config that need the files and the machine: the input size against the
// dataset's image sizes (upsampling invents detail the detector then learns), and a detector whose backend
// requirements (detector meta `requires`) the active backend lacks (backendCapabilities).
import path from 'node:path';
import type { ConfigIssue } from '../config/issues.js';
import { TextLines, rangeOfPath, type KeyPath } from '../config/positions.js';
import { parseYamlDocument } from '../config/yaml.js';
import { backendCapabilities, type BackendCapabilities } from '../compute/capabilities.js';
import type { BackendName } from '../compute/rungs.js';
import { mapLimit } from '../dataset/concurrency.js';
import { loadDataset } from '../dataset/load.js';
import { resolveDataset } from '../dataset/resolve.js';
import type { DatasetItem, ResolvedDataset } from '../dataset/types.js';
import { thresholdReliability } from './threshold-reliability.js';
import { detectorMeta, parseDetectorParams } from '../detectors/registry.js';
import { experimentConfigSchema, type ExperimentConfig } from '../experiment/schema.js';
import { probeFile } from '../io/index.js';

export interface ExperimentCheckOptions {
  signal?: AbortSignal;
  /** The backend training will run on; with neither this nor `capabilities` the requirement check is skipped. */
  backend?: BackendName;
  /** Capabilities to check against (default: backendCapabilities(backend)). */
  capabilities?: BackendCapabilities;
  /** Training images whose headers are read for the size check. Default 200 (spread over the set). */
  sampleSize?: number;
}

function issueAt(text: string, at: KeyPath, severity: ConfigIssue['severity'], code: string, message: string): ConfigIssue {
  const range = rangeOfPath(text, at, 'value') ?? rangeOfPath(text, at.slice(0, 1), 'key') ?? new TextLines(text).range(0, 0);
  return { message, severity, path: at, ...range, code };
}

async function resolvedOf(config: ExperimentConfig, dir: string): Promise<ResolvedDataset | undefined> {
  if (typeof config.dataset === 'string') {
    const loaded = await loadDataset(path.resolve(dir, config.dataset)).catch(() => undefined);
    return loaded?.resolved;
  }
  return resolveDataset({ ...config.dataset, medad: 'dataset' }, dir).catch(() => undefined);
}

async function trainingItems(config: ExperimentConfig, dir: string): Promise<DatasetItem[]> {
  return (await resolvedOf(config, dir))?.train ?? [];
}

/**
 * The validation split the threshold is chosen on: missing (evaluate would refuse after training), or too few
 * normals for the quantile the threshold policy asks for (threshold-reliability.ts states the rule).
 */
async function validationCheck(text: string, config: ExperimentConfig, dir: string): Promise<ConfigIssue[]> {
  const resolved = await resolvedOf(config, dir);
  if (!resolved) return [];
  const at: KeyPath = typeof config.dataset === 'string' ? ['dataset'] : ['dataset', 'validation'];
  if (resolved.validation.length === 0) {
    return [issueAt(text, at, 'warning', 'no-validation',
      'the dataset has no validation split: `medad eval` needs one to choose the threshold (never on the test set); add `validation: { fraction: 0.1 }` to the dataset config (held out from train)')];
  }
  const t = config.evaluation.threshold;
  const q = t.policy === 'normal-quantile' ? t.value : t.policy === 'target-fpr' ? 1 - t.value : undefined;
  if (q === undefined) return [];
  const normals = resolved.validation.filter((i) => i.label === 0).length;
  const rel = thresholdReliability(new Float64Array(normals), q);
  if (!rel.tooFew) return [];
  const where: KeyPath = rangeOfPath(text, ['evaluation', 'threshold'], 'value') ? ['evaluation', 'threshold'] : at;
  return [issueAt(text, where, 'warning', 'small-validation',
    `${normals} validation normal${normals === 1 ? '' : 's'} for the ${q} quantile (needs ≥ ${rel.minNormals}): the threshold would be just above the largest validation normal, set by one outlier; enlarge the validation split (≥ ${rel.boundedNormals} for a bounded 95% interval) or lower the quantile`)];
}

/** Warns when the input size is larger than most training images in either dimension. */
async function sizeCheck(text: string, config: ExperimentConfig, dir: string, opts: ExperimentCheckOptions): Promise<ConfigIssue[]> {
  const items = await trainingItems(config, dir);
  if (items.length === 0) return [];
  const n = Math.min(items.length, opts.sampleSize ?? 200);
  const sample = Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
  const sizes = (await mapLimit(sample, 8, (it) => probeFile(it.path).catch(() => undefined), { signal: opts.signal })).filter((s) => s !== undefined);
  if (sizes.length === 0) return [];
  const [h, w] = config.input.size;
  const up = sizes.filter((s) => s.height < h || s.width < w);
  if (up.length * 2 <= sizes.length) return [];
  const tally = new Map<string, number>();
  for (const s of up) tally.set(`${s.width}x${s.height}`, (tally.get(`${s.width}x${s.height}`) ?? 0) + 1);
  const common = [...tally].sort((a, b) => b[1] - a[1])[0][0];
  const share = `${up.length} of ${sizes.length}${sizes.length < items.length ? ' sampled' : ''} training images`;
  return [
    issueAt(text, ['input', 'size'], 'warning', 'upsampling',
      `input.size [${h}, ${w}] is larger than ${share} (most often ${common} WxH): they are upsampled, which adds no detail and costs memory and time; consider [${Math.min(...up.map((s) => s.height))}, ${Math.min(...up.map((s) => s.width))}] or less`),
  ];
}

/** The detector's `requires` against the backend's capabilities. */
function requirementCheck(text: string, config: ExperimentConfig, opts: ExperimentCheckOptions): ConfigIssue[] {
  const caps = opts.capabilities ?? (opts.backend ? backendCapabilities(opts.backend) : undefined);
  const meta = detectorMeta(config.detector.name);
  if (!caps || !meta?.requires) return [];
  const missing = Object.entries(meta.requires)
    .filter(([k, needed]) => needed && !caps[k as keyof BackendCapabilities])
    .map(([k]) => k);
  if (missing.length === 0) return [];
  const on = opts.backend ? `the ${opts.backend} backend` : 'this machine\'s backend';
  return [
    issueAt(text, ['detector', 'name'], 'error', 'backend-capability',
      `detector '${config.detector.name}' needs ${missing.join(', ')}, which ${on} lacks; choose another detector or backend (MEDAD_BACKEND)`),
  ];
}

/** `training.lr` written in a config whose detector trains at a learning rate of its own (detector meta `ownLr`). */
function unusedLrCheck(text: string, config: ExperimentConfig): ConfigIssue[] {
  const meta = detectorMeta(config.detector.name);
  if (!meta?.ownLr || !rangeOfPath(text, ['training', 'lr'], 'value')) return [];
  let own: ReturnType<NonNullable<typeof meta.ownLr>>;
  try {
    own = meta.ownLr(parseDetectorParams(config.detector.name, config.detector.params));
  } catch {
    return []; // bad params are reported by the schema checks
  }
  if (!own) return [];
  return [
    issueAt(text, ['training', 'lr'], 'info', 'unused-lr',
      `training.lr (${config.training.lr}) is not used by '${config.detector.name}': it trains at ${own.lr} (${own.from}); set detector.params.lr to change it${own.hint ? `, or ${own.hint}` : ''}. training.lrSchedule still applies`),
  ];
}

/**
 * Checks an experiment config's text against its dataset and the compute backend. Schema problems are not
 * repeated (an invalid config gives []); `checkExperiment` (experiment/load.ts) covers unknown detectors and
 * missing dataset files.
 */
export async function checkExperimentConfig(text: string, file: string, opts: ExperimentCheckOptions = {}): Promise<ConfigIssue[]> {
  const parsed = parseYamlDocument(text, experimentConfigSchema, file);
  if (!parsed.value) return [];
  const issues = [...requirementCheck(text, parsed.value, opts), ...unusedLrCheck(text, parsed.value)];
  issues.push(...(await sizeCheck(text, parsed.value, path.dirname(path.resolve(file)), opts)));
  issues.push(...(await validationCheck(text, parsed.value, path.dirname(path.resolve(file)))));
  opts.signal?.throwIfAborted();
  return issues;
}
