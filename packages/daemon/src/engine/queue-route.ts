// Train and evaluate on the BullMQ queue when one is configured (MEDAD_QUEUE in the daemon's environment, or the
// experiment's `queue:`): the job runs on a `medad worker` that sees the same folders (the daemon's run directory must
// be on shared storage), with the same progress and cancellation as in-process jobs. Absent: nothing changes.
import { readExperiment, resolveQueueUrl, runOnQueue, type EvaluateJobResult, type PipelineProgress, type TrainJobResult } from '@medad/core';
import type { JobContext } from './types.js';

export async function queueUrlFor(experiment: string): Promise<string | undefined> {
  const fromEnv = resolveQueueUrl({ env: process.env });
  if (fromEnv) return fromEnv;
  try {
    return resolveQueueUrl({ config: (await readExperiment(experiment)).config.queue });
  } catch {
    return undefined; // an unreadable config fails in the in-process path with its usual diagnostics
  }
}

export async function queuedTrain(url: string, p: { experiment: string; runRoot: string }, ctx: JobContext, onProgress: (p: PipelineProgress) => void): Promise<{ runDir: string }> {
  const r = (await runOnQueue(url, { kind: 'train', experiment: await readExperiment(p.experiment), outputRoot: p.runRoot }, { signal: ctx.signal, onProgress })) as TrainJobResult;
  return { runDir: r.runDir };
}

export async function queuedEvaluate(url: string, p: { experiment: string; runDir?: string; runRoot: string }, ctx: JobContext, onProgress: (p: PipelineProgress) => void): Promise<EvaluateJobResult> {
  return (await runOnQueue(url, { kind: 'evaluate', target: p.runDir ?? p.experiment, outputRoot: p.runRoot }, { signal: ctx.signal, onProgress })) as EvaluateJobResult;
}
