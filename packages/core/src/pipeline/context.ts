// Turns "an experiment" (a config file, or an already-parsed config) into everything a pipeline stage needs:
// the validated config, the folder its paths are relative to, and the resolved dataset items.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConfigIssue } from '../config/issues.js';
import { loadDataset } from '../dataset/load.js';
import { resolveDataset } from '../dataset/resolve.js';
import type { DatasetConfig } from '../dataset/schema.js';
import type { ResolvedDataset } from '../dataset/types.js';
import { detectorMeta, listDetectors } from '../detectors/index.js';
import { ConfigError, loadExperiment } from '../experiment/load.js';
import type { ExperimentConfig } from '../experiment/schema.js';

/** An experiment given in memory (the daemon has the editor's unsaved text parsed already). */
export interface ParsedExperiment {
  config: ExperimentConfig;
  /** Folder relative paths resolve against. */
  dir: string;
  /** The file it came from, when there is one (recorded in run metadata). */
  file?: string;
}

export type ExperimentRef = string | ParsedExperiment;

export interface ExperimentContext extends ParsedExperiment {
  name: string;
  dataset: DatasetConfig;
  /** Folder the dataset's relative paths resolve against. */
  datasetDir: string;
  /** The dataset config file, when the experiment points to one. */
  datasetFile?: string;
  resolved: ResolvedDataset;
  /** Absolute output root (runs/). */
  outputRoot: string;
}

export async function readExperiment(ref: ExperimentRef): Promise<ParsedExperiment> {
  if (typeof ref !== 'string') return ref;
  // params are checked here, with positions, before a run folder exists (not first when the detector is built)
  const loaded = await loadExperiment(ref, { detectorNames: listDetectors().map((d) => d.name), paramsSchemaOf: (n) => detectorMeta(n)?.paramsSchema });
  if (!loaded.value) throw new ConfigError(loaded.file, loaded.issues);
  return { config: loaded.value, dir: loaded.dir, file: loaded.file };
}

function nameOf(p: ParsedExperiment): string {
  if (p.config.name) return p.config.name;
  if (p.file) return path.basename(p.file).replace(/(\.medad)?\.ya?ml$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'experiment';
  return 'experiment';
}

function errorsOnly(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.filter((i) => i.severity === 'error');
}

/** Loads the experiment, its dataset config and the dataset's items; throws ConfigError on config errors. */
export async function openExperiment(ref: ExperimentRef): Promise<ExperimentContext> {
  const parsed = await readExperiment(ref);
  const { config, dir } = parsed;
  let dataset: DatasetConfig;
  let datasetDir: string;
  let datasetFile: string | undefined;
  let resolved: ResolvedDataset;
  if (typeof config.dataset === 'string') {
    datasetFile = path.resolve(dir, config.dataset);
    datasetDir = path.dirname(datasetFile);
    const loaded = await loadDataset(datasetFile);
    if (!loaded.config || !loaded.resolved || errorsOnly(loaded.issues).length > 0) throw new ConfigError(datasetFile, errorsOnly(loaded.issues));
    dataset = loaded.config;
    resolved = loaded.resolved;
  } else {
    dataset = { ...config.dataset, medad: 'dataset' };
    datasetDir = dir;
    resolved = await resolveDataset(dataset, dir);
    const errors = resolved.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) {
      const file = parsed.file ?? path.join(dir, '(inline experiment)');
      throw new Error(`${file}: dataset: ${errors.map((e) => e.message).join('; ')}`);
    }
  }
  if (resolved.train.length < 2) throw new Error(`${datasetFile ?? parsed.file ?? dir}: the dataset has ${resolved.train.length} training image(s); at least 2 are needed`);
  return { ...parsed, name: nameOf(parsed), dataset, datasetDir, datasetFile, resolved, outputRoot: path.resolve(dir, config.output.dir) };
}

/** The text of the experiment file for the run's snapshot (or the parsed config as YAML-compatible JSON). */
export async function experimentSnapshot(p: ParsedExperiment): Promise<string> {
  if (p.file) {
    try {
      return await fs.readFile(p.file, 'utf8');
    } catch {
      // fall through: the in-memory config is what actually ran
    }
  }
  return JSON.stringify(p.config, null, 2) + '\n';
}
