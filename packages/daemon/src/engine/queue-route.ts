// Train, evaluate and score on the BullMQ queue when one is configured (MEDAD_QUEUE in the daemon's environment, or the
// experiment's `queue:`; scoring: MEDAD_QUEUE only): the job runs on a `medad worker` that sees the same folders (the daemon's run directory must
// be on shared storage), with the same progress and cancellation as in-process jobs. Absent: nothing changes.
// Heatmaps stay in the daemon: one image, interactive, served from a model kept open.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readExperiment, readShardResult, resolveQueueUrl, runOnQueue, type EvaluateJobResult, type PipelineProgress, type ScoreShardResult, type TrainJobResult } from '@medad/core';
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

export interface ScoreOutcome {
  scores: { file: string; score: number; mapPath?: string }[];
  failures: { file: string; reason: string }[];
}

/**
 * medad/scoreImages as one score job: the worker scores every file into a private folder next to `mapDir` (maps
 * and result.json), then the maps move to `mapDir` under the names in-process scoring gives them (one shard = the
 * whole list, so the map range is the one a local run computes). The private folder goes either way.
 */
export async function queuedScore(url: string, p: { runDir: string; files?: string[]; folder?: string; maps?: boolean; mapDir: string }, ctx: JobContext, onProgress: (p: PipelineProgress) => void): Promise<ScoreOutcome> {
  const files = p.files ?? (p.folder ? [p.folder] : []);
  const shardDir = path.join(path.dirname(p.mapDir), `queue-score-${randomBytes(6).toString('hex')}`);
  try {
    (await runOnQueue(url, { kind: 'score-shard', model: p.runDir, files, shardDir, maps: p.maps ?? false, label: `score ${files.length === 1 && p.folder ? path.basename(p.folder) : `${files.length} files`}` }, { signal: ctx.signal, onProgress })) as ScoreShardResult;
    const r = await readShardResult(shardDir, files);
    if (!r) throw new Error(`score job: the worker left no result in ${shardDir}`);
    if (r.scores.some((s) => s.map)) await fs.mkdir(p.mapDir, { recursive: true });
    const scores: ScoreOutcome['scores'] = [];
    for (const s of r.scores) {
      let mapPath: string | undefined;
      if (s.map) {
        mapPath = path.join(p.mapDir, s.map);
        await fs.rename(path.join(shardDir, 'maps', s.map), mapPath);
      }
      scores.push({ file: s.path, score: s.score, ...(mapPath ? { mapPath } : {}) });
    }
    return { scores, failures: r.failures.map((f) => ({ file: f.path, reason: f.reason })) };
  } finally {
    await fs.rm(shardDir, { recursive: true, force: true });
  }
}
