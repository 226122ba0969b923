// `medad sweep`: expand the grid, run every cell (on the queue when there is one, else here, one after another,
// through the very same job code a worker runs), then write the sweep folder: sweep.json (the plan and where each
// run went), runs/ (the run folders), aggregate.json and summary.html.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../model/atomic.js';
import { openExperiment, readExperiment } from '../pipeline/context.js';
import type { MetricsJson } from '../pipeline/evaluate.js';
import { METRICS_JSON, createRunFolder } from '../pipeline/run-dir.js';
import type { QueueHandle } from '../queue/connection.js';
import type { JobProgress, TrainJob, TrainJobResult } from '../queue/jobs.js';
import { runJob } from '../queue/run-job.js';
import { submitJob, waitForJob } from '../queue/submit.js';
import { aggregateSweep, type RunOutcome, type SweepAggregate } from './aggregate.js';
import { sweepHtml } from './html.js';
import { expandSweep, parseSeeds, type SweepSetting, type SweepSpec } from './plan.js';

export const SWEEP_JSON = 'sweep.json';
export const AGGREGATE_JSON = 'aggregate.json';
export const SUMMARY_HTML = 'summary.html';

export interface SweepOptions {
  /** Overrides the config's sweep.seeds. */
  seeds?: number[];
  /** Merged over the config's sweep.set (these win). */
  set?: Record<string, unknown[]>;
  /** The queue to schedule on; absent = run here, one after another. */
  queue?: QueueHandle;
  backend?: string;
  signal?: AbortSignal;
  /** Per-run progress (index into the plan's runs). */
  onProgress?: (run: number, p: JobProgress) => void;
  onRunDone?: (run: number, r: TrainJobResult) => void;
  /** Called once the sweep folder exists. */
  onSweepDir?: (dir: string) => void;
}

export interface SweepRunRecord {
  index: number;
  setting: number;
  seed: number;
  name: string;
  jobId?: string;
  runDir?: string;
  resumedFromStep?: number;
  state: 'pending' | 'done' | 'failed';
  error?: string;
}

export interface SweepRecord {
  format: 'medad-sweep/1';
  experimentFile?: string;
  startedAt: string;
  finishedAt?: string;
  queue?: string;
  seeds: number[];
  settings: SweepSetting[];
  runs: SweepRunRecord[];
}

export interface SweepResult {
  sweepDir: string;
  record: SweepRecord;
  aggregate: SweepAggregate;
  files: { sweep: string; aggregate: string; summary: string };
}

export async function runSweep(experimentFile: string, opts: SweepOptions = {}): Promise<SweepResult> {
  const parsed = await readExperiment(path.resolve(experimentFile));
  // Opening it checks the dataset once here, before anything is queued.
  const ctx = await openExperiment(parsed);
  const fromConfig = parsed.config.sweep;
  const seeds = opts.seeds ?? (fromConfig?.seeds === undefined ? [parsed.config.training.seed] : Array.isArray(fromConfig.seeds) ? fromConfig.seeds : parseSeeds(fromConfig.seeds));
  const spec: SweepSpec = { seeds, set: { ...(fromConfig?.set ?? {}), ...(opts.set ?? {}) } };
  const plan = expandSweep(parsed.config, ctx.name, spec);
  const sweepDir = await createRunFolder(ctx.outputRoot, `${ctx.name}-sweep`);
  opts.onSweepDir?.(sweepDir);
  const runsDir = path.join(sweepDir, 'runs');
  await fs.mkdir(runsDir, { recursive: true });
  const record: SweepRecord = {
    format: 'medad-sweep/1',
    experimentFile: parsed.file,
    startedAt: new Date().toISOString(),
    ...(opts.queue ? { queue: 'redis' } : {}),
    seeds,
    settings: plan.settings,
    runs: plan.runs.map((r) => ({ index: r.index, setting: r.setting, seed: r.seed, name: r.name, state: 'pending' })),
  };
  const save = () => writeJsonAtomic(path.join(sweepDir, SWEEP_JSON), record);
  await save();
  const jobFor = (i: number): TrainJob => ({
    kind: 'train',
    experiment: { config: plan.runs[i].config, dir: parsed.dir },
    outputRoot: runsDir,
    evaluate: true,
    ...(opts.backend ? { backend: opts.backend } : {}),
    label: `${plan.settings[plan.runs[i].setting].label} seed=${plan.runs[i].seed}`,
  });
  const finish = async (i: number, r: TrainJobResult) => {
    Object.assign(record.runs[i], { state: 'done', runDir: r.runDir, resumedFromStep: r.resumedFromStep });
    opts.onRunDone?.(i, r);
    await save();
  };
  const fail = async (i: number, err: unknown) => {
    Object.assign(record.runs[i], { state: 'failed', error: (err as Error).message });
    await save();
  };

  if (opts.queue) {
    const queue = opts.queue;
    const stamp = path.basename(sweepDir).replace(/[^A-Za-z0-9_-]/g, '_');
    for (let i = 0; i < plan.runs.length; i++) record.runs[i].jobId = await submitJob(queue, jobFor(i), `sweep-${stamp}-${i}`);
    await save();
    const settled = await Promise.allSettled(
      plan.runs.map(async (_, i) => {
        try {
          await finish(i, (await waitForJob(queue, record.runs[i].jobId as string, { signal: opts.signal, onProgress: (p) => opts.onProgress?.(i, p) })) as TrainJobResult);
        } catch (err) {
          await fail(i, err);
          throw err;
        }
      }),
    );
    const cancelled = settled.find((s) => s.status === 'rejected' && (s.reason as Error).name === 'AbortError');
    if (cancelled) throw (cancelled as PromiseRejectedResult).reason;
  } else {
    for (let i = 0; i < plan.runs.length; i++) {
      try {
        await finish(i, (await runJob(jobFor(i), { signal: opts.signal, onProgress: (p) => opts.onProgress?.(i, p) })) as TrainJobResult);
      } catch (err) {
        await fail(i, err);
        if ((err as Error).name === 'AbortError') throw err;
      }
    }
  }

  return finishSweep(sweepDir, record, `${ctx.name}: sweep of ${plan.runs.length} runs`);
}

/**
 * The end of a sweep (also of a re-attached one): the aggregate over the runs done, summary.html, finishedAt in
 * sweep.json; throws after writing them when some runs failed.
 */
export async function finishSweep(sweepDir: string, record: SweepRecord, title: string): Promise<SweepResult> {
  const outcomes: RunOutcome[] = [];
  for (const r of record.runs) {
    if (r.state !== 'done' || !r.runDir) continue;
    const metrics = JSON.parse(await fs.readFile(path.join(r.runDir, METRICS_JSON), 'utf8')) as MetricsJson;
    outcomes.push({ setting: r.setting, seed: r.seed, runDir: r.runDir, metrics });
  }
  const aggregate = aggregateSweep(record.settings, outcomes);
  const files = { sweep: path.join(sweepDir, SWEEP_JSON), aggregate: path.join(sweepDir, AGGREGATE_JSON), summary: path.join(sweepDir, SUMMARY_HTML) };
  await writeJsonAtomic(files.aggregate, aggregate);
  await writeFileAtomic(files.summary, sweepHtml(title, aggregate));
  record.finishedAt = new Date().toISOString();
  await writeJsonAtomic(files.sweep, record);
  const failed = record.runs.filter((r) => r.state === 'failed');
  if (failed.length) throw new Error(`sweep: ${failed.length} of ${record.runs.length} runs failed (${failed.map((f) => `${f.name}: ${f.error}`).join('; ')}); the aggregate in ${files.aggregate} covers the others`);
  return { sweepDir, record, aggregate, files };
}
