// `medad worker`: runs queue jobs until Ctrl-C / SIGTERM (running jobs go back to the queue with their checkpoints).
import * as path from 'node:path';
import type { BackendName } from '../../compute/index.js';
import { resolveQueueUrl } from '../../queue/connection.js';
import { startWorker } from '../../queue/worker.js';
import { intFlag, UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';

export async function worker(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length) throw new UsageError('worker takes no positional arguments');
  const url = resolveQueueUrl({ flag: typeof args.flags.queue === 'string' ? args.flags.queue : undefined, env: ctx.env });
  if (!url) throw new UsageError('worker needs a queue: --queue redis://host:port or MEDAD_QUEUE');
  const lockMs = intFlag(args, 'lock-ms');
  const roots = typeof args.flags.root === 'string' ? args.flags.root.split(path.delimiter).filter(Boolean).map((r) => path.resolve(ctx.cwd, r)) : [ctx.cwd];
  const stop = new AbortController();
  const onTerm = () => stop.abort();
  process.once('SIGTERM', onTerm);
  ctx.signal.addEventListener('abort', onTerm, { once: true });
  const w = await startWorker({
    url,
    concurrency: intFlag(args, 'concurrency') ?? 1,
    backend: args.flags.backend as BackendName | undefined,
    roots,
    lockMs,
    signal: stop.signal,
    log: (line) => ctx.note(`[${new Date().toISOString()}] ${line}`),
  });
  if (ctx.json) ctx.emit({ ok: true, worker: w.info });
  await w.closed;
  process.off('SIGTERM', onTerm);
  return 0;
}
