// The queue side of `medad train|eval|score`: when a queue URL is in effect the job goes to Redis and this process
// only follows it (progress bar, Ctrl-C cancels the remote job). Without one, the commands run in-process as before.
import * as path from 'node:path';
import { readExperiment } from '../../pipeline/context.js';
import { openQueue, resolveQueueUrl } from '../../queue/connection.js';
import type { EvaluateJobResult, TrainJobResult } from '../../queue/jobs.js';
import { scoreSharded } from '../../queue/shard-score.js';
import { submitJob, waitForJob } from '../../queue/submit.js';
import { intFlag, UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';
import { progressRouter } from './train.js';

/** The queue URL for a command: --queue, MEDAD_QUEUE, then the experiment config's `queue:` (when one is given). */
export async function queueUrlFor(args: ParsedArgs, ctx: CommandContext, experimentFile?: string): Promise<string | undefined> {
  const flag = typeof args.flags.queue === 'string' ? args.flags.queue : undefined;
  const direct = resolveQueueUrl({ flag, env: ctx.env });
  if (direct || !experimentFile || !/\.ya?ml$/i.test(experimentFile)) return direct;
  const parsed = await readExperiment(experimentFile);
  return resolveQueueUrl({ config: parsed.config.queue });
}

export async function trainRemote(url: string, file: string, args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.flags.resume) throw new UsageError('--resume with a queue: a queued run resumes by itself when its worker dies; resume a cancelled run without --queue');
  const parsed = await readExperiment(file);
  const queue = await openQueue(url);
  const router = progressRouter(ctx);
  try {
    const id = await submitJob(queue, { kind: 'train', experiment: parsed, ...(typeof args.flags.backend === 'string' ? { backend: args.flags.backend } : {}) });
    ctx.note(`queued as job ${id} on ${url}`);
    const r = (await waitForJob(queue, id, { signal: ctx.signal, onProgress: router.onProgress }).finally(router.finish)) as TrainJobResult;
    if (ctx.json) ctx.emit({ ok: true, jobId: id, runDir: r.runDir, backend: r.backend, steps: r.steps, finalLoss: r.finalLoss, resumedFromStep: r.resumedFromStep });
    else ctx.say(`Trained ${r.steps} steps on a worker (${r.backend}), final loss ${r.finalLoss.toPrecision(4)}\nRun: ${r.runDir}`);
    return 0;
  } finally {
    await queue.close();
  }
}

export async function evalRemote(url: string, target: string, args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const queue = await openQueue(url);
  const router = progressRouter(ctx);
  try {
    const id = await submitJob(queue, { kind: 'evaluate', target, ...(typeof args.flags.backend === 'string' ? { backend: args.flags.backend } : {}) });
    ctx.note(`queued as job ${id} on ${url}`);
    const r = (await waitForJob(queue, id, { signal: ctx.signal, onProgress: router.onProgress }).finally(router.finish)) as EvaluateJobResult;
    if (ctx.json) ctx.emit({ ok: true, jobId: id, runDir: r.runDir, metrics: r.metrics, report: r.report });
    else ctx.say([...Object.entries(r.metrics).map(([k, v]) => `  ${k.padEnd(17)} ${v.toFixed(4)}`), `Report: ${r.report}`].join('\n'));
    return 0;
  } finally {
    await queue.close();
  }
}

export async function scoreRemote(url: string, model: string, inputs: string[], args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const queue = await openQueue(url);
  const router = progressRouter(ctx);
  try {
    const r = await scoreSharded(queue, model, inputs, {
      out: typeof args.flags.out === 'string' ? path.resolve(ctx.cwd, args.flags.out) : undefined,
      maps: args.flags['no-maps'] !== true,
      shardSize: intFlag(args, 'shard-size'),
      backend: typeof args.flags.backend === 'string' ? args.flags.backend : undefined,
      signal: ctx.signal,
      onProgress: router.onProgress,
    }).finally(router.finish);
    if (ctx.json) ctx.emit({ ok: r.failures.length === 0, out: r.out, csv: r.csv, shards: r.shards, reusedShards: r.reused, images: r.scores.length, failures: r.failures, mapRange: r.mapRange });
    else ctx.say(`Scored ${r.scores.length} images in ${r.shards} shards (${r.reused} already done): ${r.csv}`);
    for (const f of r.failures) ctx.note(`${f.path}: ${f.reason}`);
    return r.failures.length ? 1 : 0;
  } finally {
    await queue.close();
  }
}
