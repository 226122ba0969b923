// `medad sweep`: settings x seeds, on the queue or here; prints the aggregate.
import * as path from 'node:path';
import { openQueue, type QueueHandle } from '../../queue/connection.js';
import { MAIN_VARIANT } from '../../sweep/aggregate.js';
import { parseSeeds, parseSet } from '../../sweep/plan.js';
import { reattachSweep, readSweepRecord } from '../../sweep/reattach.js';
import { runSweep, type SweepResult } from '../../sweep/run-sweep.js';
import { UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';
import { queueUrlFor } from './remote.js';

export async function sweep(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.flags.reattach) return reattach(args, ctx);
  if (args.positionals.length !== 1) throw new UsageError('sweep needs exactly one experiment config');
  const file = path.resolve(ctx.cwd, args.positionals[0]);
  let seeds: number[] | undefined;
  let set: Record<string, unknown[]> | undefined;
  try {
    seeds = typeof args.flags.seeds === 'string' ? parseSeeds(args.flags.seeds) : undefined;
    set = typeof args.flags.set === 'string' ? parseSet(args.flags.set) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const url = args.flags.local ? undefined : await queueUrlFor(args, ctx, file);
  let queue: QueueHandle | undefined;
  if (url) queue = await openQueue(url);
  const bars = new Map<number, number>();
  let lastNote = 0;
  try {
    const r = await runSweep(file, {
      seeds,
      set,
      queue,
      backend: typeof args.flags.backend === 'string' ? args.flags.backend : undefined,
      signal: ctx.signal,
      onSweepDir: (dir) => ctx.note(`sweep folder: ${dir}${url ? ` (jobs on ${url})` : ' (running here, one run after another)'}`),
      onProgress: (i, p) => {
        bars.set(i, p.fraction);
        const now = Date.now();
        if (now - lastNote > 5000) {
          lastNote = now;
          ctx.note(`sweep: ${[...bars].map(([k, f]) => `#${k + 1} ${p.stage && k === i ? `${p.stage} ` : ''}${Math.round(f * 100)}%`).join(', ')}`);
        }
      },
      onRunDone: (i, res) => ctx.note(`sweep: run #${i + 1} done: ${res.runDir}${res.resumedFromStep ? ` (resumed from step ${res.resumedFromStep})` : ''}`),
    });
    return report(r, ctx);
  } finally {
    await queue?.close();
  }
}

function report(r: SweepResult, ctx: CommandContext): number {
  if (ctx.json) {
    ctx.emit({ ok: true, sweepDir: r.sweepDir, files: r.files, runs: r.record.runs, aggregate: r.aggregate });
    return 0;
  }
  const lines = [`Sweep: ${r.record.runs.length} runs in ${r.sweepDir}`];
  for (const s of r.aggregate.settings) {
    const main = s.variants[MAIN_VARIANT] ?? {};
    const show = ['auroc', 'ap', 'pixelAuroc'].filter((m) => main[m]);
    lines.push(`  ${s.label} (${s.seeds.length} seeds): ${show.map((m) => `${m} ${main[m].mean.toFixed(4)} ± ${main[m].sd.toFixed(4)}${main[m].ci ? ` [${main[m].ci[0].toFixed(4)}, ${main[m].ci[1].toFixed(4)}]` : ''}`).join(', ')}`);
  }
  lines.push(`Summary: ${r.files.summary}`);
  ctx.say(lines.join('\n'));
  return 0;
}

/** `medad sweep --reattach <sweepDir>`: wait for a queued sweep's pending runs, then write its aggregate. */
async function reattach(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('sweep --reattach needs exactly one sweep folder');
  if (args.flags.local || args.flags.seeds || args.flags.set) throw new UsageError('sweep --reattach takes the plan from the sweep folder: no --local, --seeds or --set');
  const dir = path.resolve(ctx.cwd, args.positionals[0]);
  const record = await readSweepRecord(dir);
  const url = await queueUrlFor(args, ctx, record.experimentFile);
  const pending = record.runs.filter((r) => r.state === 'pending').length;
  if (pending && !url) throw new UsageError(`sweep --reattach: ${pending} run(s) are pending on a queue; name it with --queue URL or MEDAD_QUEUE`);
  const queue = url ? await openQueue(url) : undefined;
  try {
    ctx.note(`sweep folder: ${dir}: ${record.runs.length - pending} of ${record.runs.length} runs settled${pending ? `, waiting for ${pending} on ${url}` : ''}`);
    const r = await reattachSweep(dir, {
      queue,
      signal: ctx.signal,
      onRunDone: (i, res) => ctx.note(`sweep: run #${i + 1} done: ${res.runDir}${res.resumedFromStep ? ` (resumed from step ${res.resumedFromStep})` : ''}`),
    });
    return report(r, ctx);
  } finally {
    await queue?.close();
  }
}
