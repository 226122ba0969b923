// `medad train` and `medad eval`: the pipeline with a progress bar on stderr.
import * as path from 'node:path';
import type { BackendName } from '../../compute/index.js';
import { evaluate } from '../../pipeline/evaluate.js';
import { train as runTrain, type PipelineProgress } from '../../pipeline/train.js';
import type { ProgressBar } from '../progress.js';
import { UsageError, type ParsedArgs } from '../args.js';
import type { CommandContext } from '../io.js';
import { evalRemote, queueUrlFor, trainRemote } from './remote.js';




/** Routes pipeline progress to one bar per stage. */
export function progressRouter(ctx: CommandContext): { onProgress: (p: PipelineProgress) => void; finish: () => void } {
  let stage = '';
  let bar: ProgressBar | undefined;
  return {
    onProgress: (p) => {
      if (p.stage !== stage) {
        bar?.done();
        stage = p.stage;
        bar = p.stage === 'done' ? undefined : ctx.progress(p.stage.padEnd(18));
      }
      const t = p.train;
      bar?.update({ fraction: p.fraction, etaMs: t?.etaMs, loss: t?.loss, detail: t ? `epoch ${t.epoch + 1}/${t.epochs}` : p.total ? `${p.done}/${p.total}` : undefined });
    },
    finish: () => {
      bar?.done();
      bar = undefined;
    },
  };
}

/** "Skipped N training image(s)" with the first few and why; the full list is in run.json and train.log. */
export function skippedNote(skipped: { path: string; reason: string }[], cwd: string, shown = 5): string {
  const lines = skipped.slice(0, shown).map((f) => `  ${path.relative(cwd, f.path) || f.path}: ${f.reason}`);
  if (skipped.length > shown) lines.push(`  ... and ${skipped.length - shown} more (all in run.json and train.log)`);
  return [`Skipped ${skipped.length} training image(s) that could not be used:`, ...lines].join('\n');
}

export async function train(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('train needs exactly one experiment config');
  const file = path.resolve(ctx.cwd, args.positionals[0]);
  const url = await queueUrlFor(args, ctx, file);
  if (url) return trainRemote(url, file, args, ctx);
  const router = progressRouter(ctx);
  try {
    const r = await runTrain(file, {
      resume: args.flags.resume === true,
      backend: args.flags.backend as BackendName | undefined,
      signal: ctx.signal,
      onProgress: router.onProgress,
      onRunDir: (dir) => ctx.note(`run folder: ${dir}`),
    });
    router.finish();
    if (r.unreadable.length) ctx.note(skippedNote(r.unreadable, ctx.cwd));
    if (ctx.json) ctx.emit({ ok: true, runDir: r.runDir, modelDir: r.modelDir, backend: r.backend, steps: r.fit.steps, finalLoss: r.fit.finalLoss, durationMs: r.fit.durationMs, resumedFromStep: r.fit.resumedFromStep, counts: r.counts, skipped: r.unreadable.map((f) => ({ file: f.path, reason: f.reason })) });
    else ctx.say(`Trained ${r.fit.steps} steps in ${(r.fit.durationMs / 1000).toFixed(1)} s (final loss ${r.fit.finalLoss.toPrecision(4)}) on ${r.backend}\nModel: ${r.modelDir}\nNext: medad eval ${path.relative(ctx.cwd, r.runDir) || '.'}`);
    return 0;
  } catch (err) {
    router.finish();
    if ((err as Error).name === 'AbortError') ctx.note(`Cancelled: the checkpoint is kept; continue with: medad train ${args.positionals[0]} --resume`);
    throw err;
  }
}

export async function evalCommand(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('eval needs exactly one experiment config or run folder');
  const target = path.resolve(ctx.cwd, args.positionals[0]);
  const url = await queueUrlFor(args, ctx, target);
  if (url) return evalRemote(url, target, args, ctx);
  const router = progressRouter(ctx);
  const r = await evaluate(path.resolve(ctx.cwd, args.positionals[0]), { backend: args.flags.backend as BackendName | undefined, signal: ctx.signal, onProgress: router.onProgress }).finally(router.finish);
  // on stderr in both modes: a threshold set by one outlier must not go unnoticed (threshold-reliability.ts)
  const warning = r.metrics.thresholdReliability?.warning;
  if (warning) ctx.note(`medad: warning: threshold: ${warning}`);
  if (ctx.json) {
    ctx.emit({ ok: true, runDir: r.runDir, files: r.files, metrics: r.metrics });
    return 0;
  }
  ctx.say(formatMetrics(r.metrics.image, r.metrics.pixel));
  ctx.say(`Threshold ${r.metrics.threshold.threshold.toPrecision(4)} (${r.metrics.threshold.policy}, chosen on validation)\nReport: ${r.files.report}`);
  return 0;
}

export function formatMetrics(image: Record<string, { value: number; ci?: [number, number] }>, pixel?: Record<string, { value: number; ci?: [number, number] }>): string {
  const row = ([k, m]: [string, { value: number; ci?: [number, number] }]) => `  ${k.padEnd(17)} ${m.value.toFixed(4)}${m.ci ? `  [${m.ci[0].toFixed(4)}, ${m.ci[1].toFixed(4)}]` : ''}`;
  // The interval label only when some metric has one (bootstrap off, or a one-class test set, gives none).
  const ci = Object.values(image).some((m) => m.ci) ? ' (95% CI)' : '';
  return [`Image level${ci}:`, ...Object.entries(image).map(row), ...(pixel ? ['Pixel level:', ...Object.entries(pixel).map(row)] : [])].join('\n');
}
