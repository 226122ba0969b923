// The worker-side half of the bridge to @medad/core: train / evaluate / score through the pipeline, and
// heatmaps through a Scorer kept open per model (loading a detector costs far more than scoring one image).
// Runs go under the daemon's run directory (params.runRoot), never the experiment's own output.dir, so
// everything the daemon writes stays inside its sandbox.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evaluate, openScorer, probeFile, readGray16Png, renderHeatmap, resolveQueueUrl, scoreFiles, train, type PipelineProgress, type Scorer } from '@medad/core';
import { queuedEvaluate, queuedScore, queuedTrain, queueUrlFor } from './queue-route.js';
import { modelIdentity } from '../jobs/heatmap-cache.js';
import { displayMetrics } from './metric-names.js';
import { progressMessage } from './progress-message.js';
import type { ComputeEngine, JobContext } from './types.js';

/** Weight of each evaluate stage in its progress bar (stages run in this order). */
const EVAL_STAGES = ['loading validation', 'scoring validation', 'loading test', 'scoring test', 'writing maps', 'writing report', 'done'];

function progress(ctx: JobContext, kind: 'train' | 'evaluate' | 'score'): (p: PipelineProgress) => void {
  return (p) => {
    const msg = progressMessage(p);
    let pct: number;
    // LSP progress must not go backwards: stages are laid end to end on one 0..100 bar.
    if (kind === 'train') pct = p.stage === 'training' ? 5 + 95 * p.fraction : 5 * p.fraction;
    else if (kind === 'evaluate') {
      const i = Math.max(0, EVAL_STAGES.indexOf(p.stage));
      pct = (100 * (i + (i === EVAL_STAGES.length - 1 ? 1 : p.fraction))) / EVAL_STAGES.length;
    } else pct = p.stage === 'scoring' ? 50 + 50 * p.fraction : 50 * p.fraction;
    ctx.onProgress(Math.min(100, pct), msg);
  };
}

/** Open scorers by run folder; a couple at most (each holds a model's weights). */
const scorers = new Map<string, { identity: string; scorer: Scorer }>();
const MAX_SCORERS = 2;

async function scorerFor(runDir: string, onLoad?: () => void): Promise<Scorer> {
  const identity = await modelIdentity(runDir);
  const hit = scorers.get(runDir);
  if (hit?.identity === identity) return hit.scorer;
  onLoad?.();
  hit?.scorer.dispose();
  scorers.delete(runDir);
  const scorer = await openScorer(runDir);
  if (scorers.size >= MAX_SCORERS) {
    const [oldest, entry] = scorers.entries().next().value as [string, { scorer: Scorer }];
    entry.scorer.dispose();
    scorers.delete(oldest);
  }
  scorers.set(runDir, { identity, scorer });
  return scorer;
}

/** Score and map of frame/slice `slice` of a multi-image file (ids `<file>#slice=N` / `#frame=N`, in file order). */
async function scoreSlice(runDir: string, file: string, slice: number, ctx: JobContext): Promise<{ score: number; map: Float32Array; width: number; height: number }> {
  const out = await fs.mkdtemp(path.join(tmpdir(), 'medad-slice-'));
  try {
    const r = await scoreFiles(runDir, [file], { signal: ctx.signal, maps: true, out });
    if (r.failures.length) throw new Error(`${file}: ${r.failures[0].reason}`);
    const s = r.scores[slice];
    if (!s?.mapFile) throw new Error(`${file}: slice ${slice} is out of range (the file holds ${r.scores.length} images)`);
    const map = await readGray16Png(s.mapFile, { min: r.mapRange[0], max: r.mapRange[1] });
    return { score: s.score, map: map.data, width: map.width, height: map.height };
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
}

export function createComputeEngine(): ComputeEngine {
  return {
    async train(p, ctx) {
      const url = await queueUrlFor(p.experiment);
      if (url) return queuedTrain(url, p, ctx, progress(ctx, 'train'));
      const r = await train(p.experiment, { signal: ctx.signal, onProgress: progress(ctx, 'train'), outputRoot: p.runRoot, resume: p.resume });
      return { runDir: r.runDir };
    },
    async evaluate(p, ctx) {
      const url = await queueUrlFor(p.experiment);
      if (url) {
        const q = await queuedEvaluate(url, p, ctx, progress(ctx, 'evaluate'));
        return { runDir: q.runDir, metrics: displayMetrics(q.metrics) };
      }
      const r = await evaluate(p.runDir ?? p.experiment, {
        signal: ctx.signal,
        onProgress: progress(ctx, 'evaluate'),
        outputRoot: p.runRoot,
        ...(p.runDir ? { runDir: p.runDir } : {}),
      });
      const flat = Object.fromEntries([...Object.entries(r.metrics.image), ...Object.entries(r.metrics.pixel ?? {})].map(([k, v]) => [k, v.value]));
      return { runDir: r.runDir, metrics: displayMetrics(flat) };
    },
    async score(p, ctx) {
      const url = resolveQueueUrl({ env: process.env });
      if (url) return queuedScore(url, p, ctx, progress(ctx, 'score'));
      const inputs = p.files ?? p.folder ?? [];
      const r = await scoreFiles(p.runDir, inputs, { signal: ctx.signal, onProgress: progress(ctx, 'score'), out: p.mapDir, maps: p.maps ?? false });
      return { scores: r.scores.map((s) => ({ file: s.path, score: s.score, mapPath: s.mapFile })), failures: r.failures.map((f) => ({ file: f.path, reason: f.reason })) };
    },
    async heatmap(p, ctx) {
      // progress only for a model not yet open: each message is a jobState notification, and a heatmap from an
      // open model takes ~15 ms (the daemon shows no progress that short anyway)
      const scorer = await scorerFor(p.runDir, () => ctx.onProgress(undefined, 'loading model'));
      // Scorer.score scores the first frame; another frame/slice goes through scoreFiles (every image of the file).
      // The map overlays the source image (that frame/slice) pixel for pixel: the scorer already decoded it and knows
      // its size; a slice needs the header read again.
      let scored: { score: number; map: Float32Array; width: number; height: number };
      let info: { width: number; height: number };
      if (p.slice) {
        scored = await scoreSlice(p.runDir, p.image, p.slice, ctx);
        info = await probeFile(p.image);
      } else {
        const s = await scorer.score(p.image, ctx.signal);
        scored = s;
        info = { width: s.sourceWidth, height: s.sourceHeight };
      }
      const out = await renderHeatmap(scored.map, scored.width, scored.height, {
        colormap: p.colormap,
        normalisation: p.normalisation,
        range: p.range,
        runRange: scorer.displayRange ?? scorer.mapRange,
        size: { width: info.width, height: info.height },
      });
      return { score: scored.score, width: out.width, height: out.height, range: out.range, png: out.png };
    },
  };
}
