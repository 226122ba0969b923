// The jobs that travel through the queue: plain JSON, paths absolute (workers see the same shared storage).
// Same job types as the in-process path: train (optionally followed by evaluation), evaluate, and one shard of a
// scoring job.
import type { ExperimentConfig } from '../experiment/schema.js';
import type { PipelineProgress } from '../pipeline/train.js';

export interface TrainJob {
  kind: 'train';
  /** The experiment as parsed by the submitter (sweeps carry their overridden config here). */
  experiment: { config: ExperimentConfig; dir: string; file?: string };
  /** Folder receiving the run folder (default: the experiment's output.dir). */
  outputRoot?: string;
  /** Set by the first worker once the run folder exists: a retried job resumes this run from its checkpoint. */
  runDir?: string;
  /** Evaluate after training (sweeps). */
  evaluate?: boolean;
  backend?: string;
  /** Label shown in queue listings, e.g. `lr=0.001 seed=2`. */
  label?: string;
}

export interface EvaluateJob {
  kind: 'evaluate';
  /** Experiment config file or run folder. */
  target: string;
  outputRoot?: string;
  backend?: string;
  label?: string;
}

export interface ScoreShardJob {
  kind: 'score-shard';
  /** Model or run folder. */
  model: string;
  /** The shard's files, in the whole job's order. */
  files: string[];
  /** Folder for this shard's maps and result (under the job's output folder). */
  shardDir: string;
  maps: boolean;
  /** Map range shared by every shard, so maps compare with a local run's. */
  mapRange?: [number, number];
  backend?: string;
  label?: string;
}

export type QueueJob = TrainJob | EvaluateJob | ScoreShardJob;
export type QueueJobKind = QueueJob['kind'];

export interface TrainJobResult {
  kind: 'train';
  runDir: string;
  resumedFromStep: number;
  steps: number;
  finalLoss: number;
  backend: string;
  evaluated: boolean;
  metrics?: Record<string, number>;
}

export interface EvaluateJobResult {
  kind: 'evaluate';
  runDir: string;
  metrics: Record<string, number>;
  report: string;
}

export interface ScoreShardResult {
  kind: 'score-shard';
  shardDir: string;
  images: number;
  failures: number;
}

export type QueueJobResult = TrainJobResult | EvaluateJobResult | ScoreShardResult;

/** What a job reports while it runs (stored as the BullMQ job's progress). */
export interface JobProgress extends PipelineProgress {
  worker?: string;
  runDir?: string;
}

export function jobLabel(job: QueueJob): string {
  if (job.label) return job.label;
  if (job.kind === 'train') return `train ${job.experiment.config.name ?? job.experiment.file ?? ''}`.trim();
  if (job.kind === 'evaluate') return `evaluate ${job.target}`;
  return `score ${job.files.length} files`;
}
