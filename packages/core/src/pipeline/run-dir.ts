// Run folders: `<output>/<experiment>-<UTC timestamp>/` holding the config snapshot, run.json (state, timings,
// backend, config hash), the training log, the checkpoint, the saved model and, after evaluation, the results.
// This is the one run-folder layout: the pipeline writes it, the CLI and the daemon read it (listRuns,
// readRunMetrics). Every JSON file is written atomically, so a reader never sees half a file.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../model/atomic.js';
import { makeOutputRoot } from './output-root.js';
import { readRunLock } from './run-lock.js';
import type { DatasetConfig } from '../dataset/schema.js';
import type { ExperimentConfig } from '../experiment/schema.js';

export const RUN_JSON = 'run.json';
export const EXPERIMENT_JSON = 'experiment.json';
export const EXPERIMENT_SNAPSHOT = 'experiment.medad.yaml';
export const TRAIN_LOG = 'train.log';
export const MODEL_DIR = 'model';
export const METRICS_JSON = 'metrics.json';

/**
 * A run's lifecycle: 'running' while a live process holds its lock (run-lock.ts), then 'trained' / 'evaluated'
 * (completed), 'cancelled' (stopped on request, checkpoint kept, `stoppedAtStep`) or 'failed' (`error`). Never
 * written: 'interrupted', which readers derive for a 'running' run whose owner is gone (killed, crashed).
 */
export type RunState = 'running' | 'cancelled' | 'failed' | 'trained' | 'evaluated' | 'interrupted';

export interface RunMeta {
  format: 'medad-run/1';
  experiment: string;
  experimentFile?: string;
  detector: string;
  /** sha256 of the canonical experiment config (configHash): equal configs, equal hashes. */
  configHash?: string;
  state: RunState;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  /** The process training the run (its heartbeat is run.lock's mtime). */
  owner?: { pid: number; host: string };
  /** The step a cancelled or failed fit stopped at (of its current stage, for multi-stage detectors). */
  stoppedAtStep?: number;
  backend?: string;
  counts: { train: number; validation: number; test: number; unlabelled?: number };
  /** Training images that could not be used (unreadable, refused), the first SKIPPED_CAP with their reasons. */
  skipped?: { file: string; reason: string }[];
  /** How many were skipped in all (skipped is capped). */
  skippedTotal?: number;
  training?: { steps: number; epochs: number; finalLoss: number; durationMs: number; resumedFromStep: number; losses: { step: number; loss: number }[] };
  evaluation?: { durationMs: number; finishedAt: string; metrics: Record<string, number>; mapRange?: [number, number] };
}

/** Most skipped files listed in run.json; the count is always whole. */
export const SKIPPED_CAP = 100;

/** The run.json fields for the training images that were skipped (both cleared when none were). */
export function skippedRecord(failures: { path: string; reason: string }[]): Pick<RunMeta, 'skipped' | 'skippedTotal'> {
  if (!failures.length) return { skipped: undefined, skippedTotal: undefined };
  return { skipped: failures.slice(0, SKIPPED_CAP).map((f) => ({ file: f.path, reason: f.reason })), skippedTotal: failures.length };
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
  await makeOutputRoot(root);
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

/**
 * The state to show for a run: run.json's, except that 'running' without a live lock holder (the process was
 * killed, or its heartbeat stopped) is 'interrupted'.
 */
export async function effectiveState(dir: string, meta: Pick<RunMeta, 'state'>): Promise<RunState> {
  if (meta.state !== 'running') return meta.state;
  return (await readRunLock(dir))?.live ? 'running' : 'interrupted';
}

/** run.json with the effective state (see effectiveState). */
export async function readRunStatus(dir: string): Promise<RunMeta> {
  const meta = await readRunMeta(dir);
  return { ...meta, state: await effectiveState(dir, meta) };
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
  await fs.appendFile(path.join(dir, TRAIN_LOG), `${new Date().toISOString()} ${line.replace(/\n/g, ' ')}\n`);
}

/** JSON with object keys sorted at every level: equal configs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
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
      const meta = await readRunStatus(path.join(root, n));
      if (meta.experiment === experiment) out.push({ dir: path.join(root, n), meta });
    } catch {
      // not a run folder
    }
  }
  return out.sort((a, b) => b.meta.startedAt.localeCompare(a.meta.startedAt) || b.dir.localeCompare(a.dir));
}

/** One run folder as listRuns sees it. */
export interface RunListing {
  dir: string;
  /** Folder name. */
  id: string;
  meta?: RunMeta;
  /** metrics.json, when the run was evaluated. */
  metrics?: unknown;
  /** Unreadable run.json / metrics.json, named by file, so one broken run does not hide the others. */
  problems: string[];
}

async function readJsonIfPresent(file: string, problems: string[]): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`${file}: ${(err as Error).message}`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    problems.push(`${file}: invalid JSON (${(err as Error).message})`);
    return undefined;
  }
}

/**
 * Every run folder directly under `root` (any experiment), newest first: by run.json's startedAt, then by folder
 * name (the timestamp and the -2, -3 suffix). A folder counts as a run when it holds run.json, readable or not.
 */
export async function listRuns(root: string): Promise<RunListing[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`listRuns: cannot read ${root}: ${(err as Error).message}`, { cause: err });
  }
  const runs: RunListing[] = [];
  for (const id of names) {
    const dir = path.join(root, id);
    const hasMeta = await fs.stat(path.join(dir, RUN_JSON)).then((s) => s.isFile(), () => false);
    if (!hasMeta) continue;
    const problems: string[] = [];
    const raw = (await readJsonIfPresent(path.join(dir, RUN_JSON), problems)) as RunMeta | undefined;
    const meta = raw && typeof raw === 'object' ? { ...raw, state: await effectiveState(dir, raw) } : raw;
    const metrics = await readJsonIfPresent(path.join(dir, METRICS_JSON), problems);
    runs.push({ dir, id, ...(meta !== undefined && { meta }), ...(metrics !== undefined && { metrics }), problems });
  }
  const suffix = (id: string) => Number(/-(\d{1,3})$/.exec(id)?.[1] ?? 1);
  return runs.sort(
    (a, b) =>
      (b.meta?.startedAt ?? '').localeCompare(a.meta?.startedAt ?? '') ||
      b.id.replace(/-\d{1,3}$/, '').localeCompare(a.id.replace(/-\d{1,3}$/, '')) ||
      suffix(b.id) - suffix(a.id),
  );
}

export interface RunMetrics {
  runDir: string;
  state: RunState;
  /** Flat metric name -> value: image metrics, then pixel metrics (empty before evaluation). */
  metrics: Record<string, number>;
  /** Training curves, e.g. { loss: [...] } (per logged step). */
  curves?: Record<string, number[]>;
}

/** Values of a metrics.json group ({ auroc: { value, ci } }), skipping entries without a number. */
function flatten(group: unknown): [string, number][] {
  if (!group || typeof group !== 'object') return [];
  return Object.entries(group).flatMap(([k, v]): [string, number][] => {
    const n = typeof v === 'number' ? v : (v as { value?: unknown } | null)?.value;
    return typeof n === 'number' ? [[k, n]] : [];
  });
}

/** The metrics of one run: metrics.json when present (else run.json's evaluation summary) and the loss curve. */
export async function readRunMetrics(runDir: string): Promise<RunMetrics> {
  const meta = await readRunStatus(runDir);
  const problems: string[] = [];
  const file = (await readJsonIfPresent(path.join(runDir, METRICS_JSON), problems)) as { image?: unknown; pixel?: unknown } | undefined;
  if (problems.length) throw new Error(problems[0]);
  const metrics = file ? Object.fromEntries([...flatten(file.image), ...flatten(file.pixel)]) : { ...(meta.evaluation?.metrics ?? {}) };
  const losses = meta.training?.losses ?? [];
  return { runDir, state: meta.state, metrics, ...(losses.length ? { curves: { loss: losses.map((l) => l.loss), step: losses.map((l) => l.step) } } : {}) };
}
