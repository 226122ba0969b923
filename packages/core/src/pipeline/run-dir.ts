// Run folders: `<output>/<experiment>-<UTC timestamp>/` holding the config snapshot, run.json (state, timings,
// backend), the training log, the checkpoint, the saved model and, after evaluation, the results.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../model/atomic.js';
import type { DatasetConfig } from '../dataset/schema.js';
import type { ExperimentConfig } from '../experiment/schema.js';

export const RUN_JSON = 'run.json';
export const EXPERIMENT_JSON = 'experiment.json';
export const EXPERIMENT_SNAPSHOT = 'experiment.medad.yaml';
export const TRAIN_LOG = 'train.log';
export const MODEL_DIR = 'model';

export type RunState = 'running' | 'cancelled' | 'failed' | 'trained' | 'evaluated';

export interface RunMeta {
  format: 'medad-run/1';
  experiment: string;
  experimentFile?: string;
  detector: string;
  state: RunState;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  backend?: string;
  counts: { train: number; validation: number; test: number };
  training?: { steps: number; epochs: number; finalLoss: number; durationMs: number; resumedFromStep: number; losses: { step: number; loss: number }[] };
  evaluation?: { durationMs: number; finishedAt: string; metrics: Record<string, number>; mapRange?: [number, number] };
}

/** What evaluate needs to redo a run's evaluation from the run folder alone. */
export interface ExperimentRecord {
  config: ExperimentConfig;
  dir: string;
  file?: string;
  dataset: DatasetConfig;
  datasetDir: string;
  datasetFile?: string;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
}

/** Creates a fresh, uniquely named run folder. */
export async function createRunFolder(root: string, name: string, now = new Date()): Promise<string> {
  await fs.mkdir(root, { recursive: true });
  const base = `${name}-${stamp(now)}`;
  for (let k = 1; ; k++) {
    const dir = path.join(root, k === 1 ? base : `${base}-${k}`);
    try {
      await fs.mkdir(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export async function readRunMeta(dir: string): Promise<RunMeta> {
  const file = path.join(dir, RUN_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new Error(`${dir}: not a medad run folder (no ${RUN_JSON})`);
  }
  try {
    return JSON.parse(text) as RunMeta;
  } catch (err) {
    throw new Error(`${file}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export async function writeRunMeta(dir: string, meta: RunMeta): Promise<void> {
  await writeJsonAtomic(path.join(dir, RUN_JSON), meta);
}

/** Read-modify-write of run.json (one writer per run: the process that owns it). */
export async function updateRunMeta(dir: string, patch: Partial<RunMeta>): Promise<RunMeta> {
  const meta = { ...(await readRunMeta(dir)), ...patch };
  await writeRunMeta(dir, meta);
  return meta;
}

export async function readExperimentRecord(dir: string): Promise<ExperimentRecord> {
  const file = path.join(dir, EXPERIMENT_JSON);
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as ExperimentRecord;
  } catch (err) {
    throw new Error(`${file}: cannot read the run's experiment record: ${(err as Error).message}`, { cause: err });
  }
}

/** Appends one timestamped line to the run's log (append-only; a crash can at worst cut the last line). */
export async function logLine(dir: string, line: string): Promise<void> {
  await fs.appendFile(path.join(dir, TRAIN_LOG), `${new Date().toISOString()} ${line}\n`);
}

/** Run folders of `experiment` under root, newest first, with their metadata. */
export async function findRuns(root: string, experiment: string): Promise<{ dir: string; meta: RunMeta }[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const out: { dir: string; meta: RunMeta }[] = [];
  for (const n of names) {
    if (!n.startsWith(`${experiment}-`)) continue;
    try {
      const meta = await readRunMeta(path.join(root, n));
      if (meta.experiment === experiment) out.push({ dir: path.join(root, n), meta });
    } catch {
      // not a run folder
    }
  }
  return out.sort((a, b) => b.meta.startedAt.localeCompare(a.meta.startedAt) || b.dir.localeCompare(a.dir));
}
