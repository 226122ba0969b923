// Training a run: pick the backend, resolve the dataset, load the training normals (streamed when large), fit
// with checkpoints in the run folder, save the model, and keep run.json / train.log up to date. The run folder is
// locked (run-lock.ts) while training; a cancelled fit leaves its checkpoint and state 'cancelled' (with the step),
// any error 'failed' (with the message); `resume` continues the latest unfinished run of the experiment, refusing
// one another live process holds and clearing temp files a killed process left.
import * as os from 'node:os';
import * as path from 'node:path';
import { describeBackend, initBackend, type BackendName } from '../compute/index.js';
import type { ResolvedDataset } from '../dataset/index.js';
import { AbortError, limitTrainData, type FitResult, type TrainData, type TrainProgress } from '../detectors/api.js';
import { createDetector, detectorMeta } from '../detectors/registry.js';
import type { ExperimentConfig } from '../experiment/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../model/atomic.js';
import { experimentSnapshot, openExperiment, type ExperimentContext, type ExperimentRef } from './context.js';
import { trainDataFor } from './images.js';
import { acquireRunLock, removeLeftoverTemps, type RunLock } from './run-lock.js';
import {
  EXPERIMENT_JSON,
  EXPERIMENT_SNAPSHOT,
  MODEL_DIR,
  configHash,
  createRunFolder,
  findRuns,
  logLine,
  readRunMeta,
  skippedRecord,
  updateRunMeta,
  writeRunMeta,
  type ExperimentRecord,
  type RunMeta,
} from './run-dir.js';

export interface PipelineProgress {
  stage: string;
  /** 0..1 within the stage. */
  fraction: number;
  done?: number;
  total?: number;
  /** Training only. */
  train?: TrainProgress;
}

export interface TrainOptions {
  onProgress?: (p: PipelineProgress) => void;
  signal?: AbortSignal;
  /** true: continue the latest unfinished run of this experiment; a path: continue that run. */
  resume?: boolean | string;
  backend?: BackendName | 'auto';
  /** Called once the run folder exists (the CLI prints it before the long part starts). */
  onRunDir?: (dir: string) => void;
  /** Folder receiving run folders instead of the experiment's `output.dir` (the daemon's run directory). */
  outputRoot?: string;
  /** A run lock whose heartbeat is older than this is stale (default STALE_MS; tests shorten it). */
  lockStaleMs?: number;
}

export interface TrainResult {
  runDir: string;
  modelDir: string;
  backend: string;
  fit: FitResult;
  counts: RunMeta['counts'];
  unreadable: { path: string; reason: string }[];
}

/** The run folder to train into, locked: a fresh one, or (resume) the given or latest unfinished run. */
async function runFolderFor(ctx: ExperimentContext, resume: TrainOptions['resume'], root: string, staleMs?: number): Promise<{ dir: string; resumed: boolean; lock: RunLock }> {
  let dir: string | undefined;
  if (typeof resume === 'string') dir = path.resolve(resume);
  else if (resume) {
    // A run another process is training is 'running' here, so it is chosen and refused rather than skipped.
    dir = (await findRuns(root, ctx.name)).find((r) => r.meta.state !== 'trained' && r.meta.state !== 'evaluated')?.dir;
  }
  if (dir) {
    await readRunMeta(dir); // a clear error for a folder that is not a run
    const lock = await acquireRunLock(dir, { staleMs });
    for (const p of await removeLeftoverTemps(dir)) await logLine(dir, `removed leftover ${path.relative(dir, p)}`);
    return { dir, resumed: true, lock };
  }
  dir = await createRunFolder(root, ctx.name);
  return { dir, resumed: false, lock: await acquireRunLock(dir, { staleMs }) };
}

export async function train(experiment: ExperimentRef, opts: TrainOptions = {}): Promise<TrainResult> {
  const ctx = await openExperiment(experiment);
  const backend = await initBackend({ prefer: opts.backend });
  const { dir: runDir, resumed, lock } = await runFolderFor(ctx, opts.resume, opts.outputRoot ? path.resolve(opts.outputRoot) : ctx.outputRoot, opts.lockStaleMs);
  try {
    return await trainLocked(ctx, runDir, resumed, describeBackend(backend), backend.backend, opts);
  } finally {
    await lock.release();
  }
}

async function trainLocked(ctx: ExperimentContext, runDir: string, resumed: boolean, backendText: string, backendName: string, opts: TrainOptions): Promise<TrainResult> {
  const { config } = ctx;
  opts.onRunDir?.(runDir);
  const counts = { train: ctx.resolved.train.length, validation: ctx.resolved.validation.length, test: ctx.resolved.test.length, unlabelled: ctx.resolved.unlabelled.length };
  const startedAt = new Date().toISOString();
  const owner = { pid: process.pid, host: os.hostname() };
  if (!resumed) {
    const record: ExperimentRecord = { config, dir: ctx.dir, file: ctx.file, dataset: ctx.dataset, datasetDir: ctx.datasetDir, datasetFile: ctx.datasetFile };
    await writeFileAtomic(path.join(runDir, EXPERIMENT_SNAPSHOT), await experimentSnapshot(ctx));
    await writeJsonAtomic(path.join(runDir, EXPERIMENT_JSON), record);
    await writeRunMeta(runDir, { format: 'medad-run/1', experiment: ctx.name, experimentFile: ctx.file, detector: config.detector.name, configHash: configHash(config), state: 'running', startedAt, owner, backend: backendText, counts });
  } else {
    await updateRunMeta(runDir, { state: 'running', error: undefined, stoppedAtStep: undefined, finishedAt: undefined, owner, backend: backendText });
  }
  await logLine(runDir, `${resumed ? 'resume' : 'start'}: ${config.detector.name} on ${backendName}; ${counts.train} training images (pid ${process.pid})`);

  const [height, width] = config.input.size;
  let detector: ReturnType<typeof createDetector> | undefined;
  let lastStep: number | undefined;
  try {
    detector = createDetector(config.detector.name, config.detector.params, { height, width });
    const { data: all, failures } = await trainDataFor(ctx.resolved.train, config.input, {
      signal: opts.signal,
      onProgress: (done, total) => opts.onProgress?.({ stage: 'loading', fraction: done / total, done, total }),
    });
    for (const f of failures) await logLine(runDir, `unreadable: ${f.path}: ${f.reason}`);
    await updateRunMeta(runDir, skippedRecord(failures));
    const cap = config.training.stepsPerEpoch;
    const data = cap ? limitTrainData(all, cap * config.training.batchSize) : all;
    if (data !== all) await logLine(runDir, `stepsPerEpoch ${cap}: ${data.size} of ${all.size} training images per epoch, a fresh subset each epoch`);
    const extra = await extraFitData(config, ctx.resolved, opts.signal);
    let lastLogged = 0;
    const fit = await detector.fit(data, {
      ...extra,
      epochs: config.training.epochs,
      batchSize: config.training.batchSize,
      lr: config.training.lr,
      ...(config.training.lrSchedule && { lrSchedule: config.training.lrSchedule }),
      ...(config.training.lrMin !== undefined && { lrMin: config.training.lrMin }),
      seed: config.training.seed,
      signal: opts.signal,
      checkpoint: { dir: runDir, everySteps: config.training.checkpointEvery },
      resume: resumed,
      onProgress: (p) => {
        lastStep = p.step;
        opts.onProgress?.({ stage: 'training', fraction: p.step / p.totalSteps, done: p.step, total: p.totalSteps, train: p });
        if (p.step - lastLogged >= Math.max(1, p.stepsPerEpoch) || p.step === p.totalSteps) {
          lastLogged = p.step;
          const lr = config.training.lrSchedule === 'cosine' && p.lr !== undefined ? ` lr ${p.lr.toPrecision(4)}` : '';
          void logLine(runDir, `step ${p.step}/${p.totalSteps} epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toPrecision(5)}${lr}`);
        }
      },
    });
    const modelDir = path.join(runDir, MODEL_DIR);
    await detector.save(modelDir);
    await updateRunMeta(runDir, {
      state: 'trained',
      finishedAt: new Date().toISOString(),
      training: { steps: fit.steps, epochs: fit.epochs, finalLoss: fit.finalLoss, durationMs: fit.durationMs, resumedFromStep: fit.resumedFromStep, losses: fit.losses },
    });
    await logLine(runDir, `trained: ${fit.steps} steps, final loss ${fit.finalLoss.toPrecision(5)}, ${(fit.durationMs / 1000).toFixed(1)} s`);
    return { runDir, modelDir, backend: backendText, fit, counts, unreadable: failures };
  } catch (err) {
    const cancelled = err instanceof AbortError || (err as Error).name === 'AbortError';
    const step = err instanceof AbortError && err.step !== undefined ? err.step : lastStep;
    const message = err instanceof Error ? err.message : String(err);
    await updateRunMeta(runDir, { state: cancelled ? 'cancelled' : 'failed', finishedAt: new Date().toISOString(), error: message, ...(step !== undefined && { stoppedAtStep: step }) });
    await logLine(runDir, cancelled ? `cancelled at step ${step ?? 0} (checkpoint kept; continue with --resume)` : `failed: ${message}`);
    throw err;
  } finally {
    detector?.dispose();
  }
}

/**
 * Methods that learn from more than the training normals (DDAD's unlabelled pool, its validation-chosen refinement
 * epoch) declare it in their registry meta; only they pay for loading those splits. Never the test split.
 */
async function extraFitData(
  config: ExperimentConfig,
  resolved: ResolvedDataset,
  signal: AbortSignal | undefined,
): Promise<{ unlabelled?: TrainData; validation?: TrainData }> {
  const uses = detectorMeta(config.detector.name)?.uses ?? {};
  const extra: { unlabelled?: TrainData; validation?: TrainData } = {};
  if (uses.unlabelled) {
    if (!resolved.unlabelled.length) throw new Error(`detector '${config.detector.name}' needs an unlabelled pool: add 'unlabelled:' to the dataset config`);
    extra.unlabelled = (await trainDataFor(resolved.unlabelled, config.input, { signal })).data;
  }
  const normals = resolved.validation.filter((it) => it.label === 0);
  if (uses.validation && normals.length >= 2) extra.validation = (await trainDataFor(normals, config.input, { signal })).data;
  return extra;
}
