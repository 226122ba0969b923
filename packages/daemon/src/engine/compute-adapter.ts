// Core's pipeline as the workers see it (train, evaluate, scoreFiles). Like core-adapter.ts, functions are
// looked up by name so a core without them yields a clear "not available" job failure instead of a crash.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as core from '@medad/core';
import type { ComputeEngine, JobContext } from './types.js';

const lib = core as unknown as Record<string, unknown>;

interface PipelineProgress {
  stage: string;
  fraction: number;
  done?: number;
  total?: number;
}
interface PipelineOptions {
  signal: AbortSignal;
  onProgress: (p: PipelineProgress) => void;
}
interface FileScore {
  path: string;
  score: number;
  mapFile?: string;
}
interface ScoreFilesResult {
  scores: FileScore[];
  failures: { path: string; reason: string }[];
  mapRange: [number, number];
}
type Train = (experiment: string, o: PipelineOptions) => Promise<{ runDir: string }>;
type Evaluate = (experiment: string, o: PipelineOptions & { runDir?: string }) => Promise<{ runDir: string; metrics: { image: Record<string, { value: number } | number> } }>;
type ScoreFiles = (runDir: string, inputs: string | string[], o: PipelineOptions & { out?: string; maps?: boolean }) => Promise<ScoreFilesResult>;

function pipeline<F>(name: string): F {
  const f = lib[name];
  if (typeof f !== 'function') throw new Error(`@medad/core does not export ${name}() yet`);
  return f as F;
}

function opts(ctx: JobContext): PipelineOptions {
  return {
    signal: ctx.signal,
    onProgress: (p) => ctx.onProgress(p.fraction * 100, p.total ? `${p.stage} ${p.done ?? 0}/${p.total}` : p.stage),
  };
}

export function createComputeEngine(): ComputeEngine {
  return {
    train: async (p, ctx) => ({ runDir: (await pipeline<Train>('train')(p.experiment, opts(ctx))).runDir }),
    async evaluate(p, ctx) {
      const r = await pipeline<Evaluate>('evaluate')(p.experiment, { ...opts(ctx), ...(p.runDir ? { runDir: p.runDir } : {}) });
      const metrics = Object.fromEntries(Object.entries(r.metrics.image).map(([k, v]) => [k, typeof v === 'number' ? v : v.value]));
      return { runDir: r.runDir, metrics };
    },
    async score(p, ctx) {
      const inputs = p.files ?? p.folder ?? [];
      const r = await pipeline<ScoreFiles>('scoreFiles')(p.runDir, inputs, { ...opts(ctx), out: p.mapDir, maps: p.maps ?? false });
      return { scores: r.scores.map((s) => ({ file: s.path, score: s.score, mapPath: s.mapFile })), failures: r.failures.map((f) => ({ file: f.path, reason: f.reason })) };
    },
    async heatmap(p, ctx) {
      // One image through scoreFiles; its 16-bit map is the heatmap (value = lo + png/65535 * (hi - lo)).
      const tmp = await fs.mkdtemp(path.join(path.dirname(p.outFile), '.score-'));
      try {
        const r = await pipeline<ScoreFiles>('scoreFiles')(p.runDir, [p.image], { ...opts(ctx), out: tmp, maps: true });
        if (r.failures.length) throw new Error(`${p.image}: ${r.failures[0].reason}`);
        const s = r.scores[0];
        if (!s?.mapFile) throw new Error(`${p.image}: no anomaly map was produced`);
        await fs.copyFile(s.mapFile, p.outFile);
        const png = await fs.readFile(p.outFile);
        return { score: s.score, width: png.readUInt32BE(16), height: png.readUInt32BE(20), range: r.mapRange };
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
    },
  };
}
