// Runs one queue job with the ordinary pipeline: the same code the in-process path runs, so a run done by a worker
// equals the same run done locally. A train job that comes back (its worker died) continues its run folder from the
// checkpoint; a run that already has its model (or metrics) is not trained (or evaluated) again.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BackendName } from '../compute/index.js';
import { evaluate } from '../pipeline/evaluate.js';
import { MODEL_DIR, METRICS_JSON, RUN_JSON, logLine, readRunMeta, readRunMetrics } from '../pipeline/run-dir.js';
import { waitForForeignRunLock } from '../pipeline/run-lock.js';
import { scoreFiles } from '../pipeline/score.js';
import { train } from '../pipeline/train.js';
import type { EvaluateJobResult, JobProgress, QueueJob, QueueJobResult, ScoreShardJob, ScoreShardResult, TrainJob, TrainJobResult } from './jobs.js';
import { writeShardResult } from './shard-files.js';

export interface RunJobHooks {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** The train job's run folder is known (the worker stores it in the job so a retry resumes it). */
  onRunDir?: (dir: string) => Promise<void>;
  /** Who runs it, written to the run's log (e.g. `worker host:pid`). */
  by?: string;
  /** Run-lock staleness (default the pipeline's STALE_MS; tests shorten it). */
  lockStaleMs?: number;
}

const exists = (p: string) => fs.access(p).then(() => true, () => false);

async function runTrain(job: TrainJob, hooks: RunJobHooks): Promise<TrainJobResult> {
  const backend = job.backend as BackendName | undefined;
  let runDir = job.runDir;
  // A retried job whose first attempt died before run.json existed starts a fresh run folder.
  const resume = runDir && (await exists(path.join(runDir, RUN_JSON))) ? runDir : undefined;
  let resumedFromStep = 0;
  let steps = 0;
  let finalLoss = NaN;
  let backendName = '';
  // A retry on another host soon after its worker died meets that worker's run lock, live-looking until its
  // heartbeat is STALE_MS old: wait for it (with progress, cancellably) instead of failing the job.
  const waited = resume
    ? await waitForForeignRunLock(resume, { signal: hooks.signal, staleMs: hooks.lockStaleMs, onWait: (stage) => hooks.onProgress?.({ stage, fraction: 0, runDir }) })
    : 0;
  if (resume && waited > 0) await logLine(resume, `queue: ${hooks.by ?? 'a worker'} waited ${Math.round(waited / 1000)} s for another host's run lock to be released or go stale`);
  if (resume && (await exists(path.join(resume, MODEL_DIR, 'detector.json')))) {
    const meta = await readRunMeta(resume);
    resumedFromStep = meta.training?.resumedFromStep ?? 0;
    steps = meta.training?.steps ?? 0;
    finalLoss = meta.training?.finalLoss ?? NaN;
    backendName = meta.backend ?? '';
    await logLine(resume, `queue: ${hooks.by ?? 'a worker'} took over a trained run; training is not repeated`);
  } else {
    if (resume) await logLine(resume, `queue: ${hooks.by ?? 'a worker'} resumes this run from its checkpoint (the previous worker stopped)`);
    const r = await train(job.experiment, {
      resume,
      backend,
      lockStaleMs: hooks.lockStaleMs,
      outputRoot: job.outputRoot,
      signal: hooks.signal,
      onProgress: (p) => hooks.onProgress?.({ ...p, runDir }),
      onRunDir: (dir) => {
        runDir = dir;
        // Stored in the job (and locked) long before the first checkpoint; training does not wait for Redis.
        if (!resume) void hooks.onRunDir?.(dir).catch(() => undefined);
      },
    });
    runDir = r.runDir;
    resumedFromStep = r.fit.resumedFromStep;
    steps = r.fit.steps;
    finalLoss = r.fit.finalLoss;
    backendName = r.backend;
  }
  if (!runDir) throw new Error('train job: no run folder');
  let metrics: Record<string, number> | undefined;
  if (job.evaluate) {
    if (!(await exists(path.join(runDir, METRICS_JSON)))) await evaluate(runDir, { backend, signal: hooks.signal, onProgress: (p) => hooks.onProgress?.({ ...p, runDir }) });
    metrics = (await readRunMetrics(runDir)).metrics;
  }
  return { kind: 'train', runDir, resumedFromStep, steps, finalLoss, backend: backendName, evaluated: job.evaluate === true, ...(metrics ? { metrics } : {}) };
}

async function runScoreShard(job: ScoreShardJob, hooks: RunJobHooks): Promise<ScoreShardResult> {
  const mapsDir = path.join(job.shardDir, 'maps');
  const r = await scoreFiles(job.model, job.files, {
    out: mapsDir,
    maps: job.maps,
    mapRange: job.mapRange,
    backend: job.backend as BackendName | undefined,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
  await writeShardResult(job.shardDir, job.files, r);
  return { kind: 'score-shard', shardDir: job.shardDir, images: r.scores.length, failures: r.failures.length };
}

export async function runJob(job: QueueJob, hooks: RunJobHooks = {}): Promise<QueueJobResult> {
  if (job.kind === 'train') return runTrain(job, hooks);
  if (job.kind === 'score-shard') return runScoreShard(job, hooks);
  const r = await evaluate(job.target, { backend: job.backend as BackendName | undefined, outputRoot: job.outputRoot, signal: hooks.signal, onProgress: hooks.onProgress });
  const result: EvaluateJobResult = { kind: 'evaluate', runDir: r.runDir, metrics: (await readRunMetrics(r.runDir)).metrics, report: r.files.report };
  return result;
}
