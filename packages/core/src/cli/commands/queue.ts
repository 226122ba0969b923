// `medad queue status|cancel`: what the workers are doing, and stopping a job wherever it runs.
import { openQueue, resolveQueueUrl } from '../../queue/connection.js';
import { listQueueJobs } from '../../queue/status.js';
import { listWorkers } from '../../queue/registry.js';
import { cancelJob } from '../../queue/submit.js';
import { UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';

export async function queueCommand(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [sub, jobId] = args.positionals;
  const url = resolveQueueUrl({ flag: typeof args.flags.queue === 'string' ? args.flags.queue : undefined, env: ctx.env });
  if (!url) throw new UsageError('queue needs --queue redis://host:port or MEDAD_QUEUE');
  if (sub !== 'status' && sub !== 'cancel') throw new UsageError(`queue: unknown subcommand '${sub ?? ''}' (status or cancel)`);
  const queue = await openQueue(url);
  try {
    if (sub === 'cancel') {
      if (!jobId) throw new UsageError('queue cancel needs a job id (see medad queue status)');
      const how = await cancelJob(queue, jobId);
      if (ctx.json) ctx.emit({ ok: how !== 'unknown', jobId, result: how });
      else ctx.say(`${jobId}: ${how === 'unknown' ? 'no such job' : how}`);
      return how === 'unknown' ? 1 : 0;
    }
    const workers = await listWorkers(queue.redis);
    const counts = await queue.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const listed = await listQueueJobs(queue);
    if (ctx.json) {
      ctx.emit({ ok: true, queue: url, counts, workers, jobs: listed });
      return 0;
    }
    const lines = [`Queue ${url}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`, `Workers (${workers.length}):`];
    for (const w of workers) lines.push(`  ${w.id}  ${w.backend}  x${w.concurrency}  ${w.jobs.length ? w.jobs.map((j) => `${j.id} ${j.label}`).join('; ') : 'idle'}`);
    if (listed.length) lines.push('Jobs:', ...listed.map((j) => `  ${j.id}  ${j.state}  ${j.label}`));
    ctx.say(lines.join('\n'));
    return 0;
  } finally {
    await queue.close();
  }
}
