// `medad score` over the queue: the image list is cut into shards (whole batches, so every image is scored in the
// same batch position as locally), one job per shard; shards already done (their result.json matches their files)
// are not redone, so an interrupted job is simply run again. The merge gives the folder a local run would write.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Job } from 'bullmq';
import type { QueueHandle } from './connection.js';
import { expandInputs, locateModel } from '../pipeline/score.js';
import { readRunMeta } from '../pipeline/run-dir.js';
import type { JobProgress, ScoreShardJob } from './jobs.js';
import { filesHash, mergeShards, readShardResult, shardDirOf, type MergedScores, type ShardResultFile } from './shard-files.js';
import { submitJob, waitForJob } from './submit.js';

export interface ShardedScoreOptions {
  out?: string;
  maps?: boolean;
  /** Images per shard; rounded up to whole batches of 32. Default 512. */
  shardSize?: number;
  backend?: string;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export interface ShardedScoreResult extends MergedScores {
  out: string;
  shards: number;
  /** Shards found done from an earlier attempt. */
  reused: number;
}

const BATCH = 32;

export async function scoreSharded(queue: QueueHandle, modelOrRunDir: string, inputs: string[], opts: ShardedScoreOptions = {}): Promise<ShardedScoreResult> {
  const { modelDir, runDir } = await locateModel(modelOrRunDir);
  const maps = opts.maps !== false;
  const mapRange = runDir ? (await readRunMeta(runDir)).evaluation?.mapRange : undefined;
  // Locally, maps without an evaluation range are scaled by the largest value over all images, which no shard
  // knows; the run's evaluation range is what makes shards agree.
  if (maps && !mapRange) throw new Error(`${runDir ?? modelDir}: sharded scoring writes maps in the run's evaluation range, and this model has none: evaluate the run first (medad eval) or pass --no-maps`);
  // missing or non-regular inputs are reported with the merged failures, as local scoring does
  const { files, failures: inputFailures } = await expandInputs(inputs);
  if (files.length === 0) throw new Error(`no image files in ${inputs.join(', ')}${inputFailures.length ? ` (${inputFailures.map((f) => `${f.path}: ${f.reason}`).join('; ')})` : ''}`);
  const out = path.resolve(opts.out ?? path.join(runDir ?? modelDir, 'scored'));
  const size = Math.max(BATCH, Math.ceil((opts.shardSize ?? 512) / BATCH) * BATCH);
  const shards: string[][] = [];
  for (let i = 0; i < files.length; i += size) shards.push(files.slice(i, i + size));
  const tag = createHash('sha256').update(`${modelDir}\n${out}\n${maps}`).digest('hex').slice(0, 16);
  const results: (ShardResultFile | undefined)[] = await Promise.all(shards.map((f, k) => readShardResult(shardDirOf(out, k), f)));
  const reused = results.filter(Boolean).length;
  const done = new Array<number>(shards.length).fill(0);
  shards.forEach((f, k) => (done[k] = results[k] ? f.length : 0));
  const report = (p?: JobProgress) => {
    const total = files.length;
    const sum = done.reduce((a, b) => a + b, 0);
    opts.onProgress?.({ stage: 'scoring (sharded)', fraction: sum / total, done: sum, total, ...(p?.worker ? { worker: p.worker } : {}) });
  };
  await Promise.all(
    shards.map(async (f, k) => {
      if (results[k]) return;
      const jobId = `score-${tag}-${k}-${filesHash(f).slice(0, 12)}`;
      // A failed (or half-removed) earlier attempt of this shard is cleared so it runs again.
      const old = await Job.fromId(queue.queue, jobId);
      if (old && ['failed', 'completed'].includes(await old.getState())) await old.remove();
      const data: ScoreShardJob = { kind: 'score-shard', model: modelDir, files: f, shardDir: shardDirOf(out, k), maps, ...(mapRange ? { mapRange } : {}), ...(opts.backend ? { backend: opts.backend } : {}), label: `score shard ${k + 1}/${shards.length}` };
      await submitJob(queue, data, jobId);
      await waitForJob(queue, jobId, {
        signal: opts.signal,
        onProgress: (p) => {
          if (p.stage === 'scoring' && p.done !== undefined) done[k] = Math.round((p.done / (p.total || 1)) * f.length);
          report(p);
        },
      });
      done[k] = f.length;
      report();
      results[k] = await readShardResult(shardDirOf(out, k), f);
      if (!results[k]) throw new Error(`shard ${k}: the worker reported success but ${shardDirOf(out, k)} has no result (is the folder shared with the workers?)`);
    }),
  );
  const merged = await mergeShards(out, results as ShardResultFile[]);
  return { ...merged, failures: [...inputFailures, ...merged.failures], out, shards: shards.length, reused };
}
