// Heatmaps are cached on disk under the run: `<run>/cache/heatmaps/<key>.png` + `.json` (the result), keyed
// by the model's identity (size and mtime of the weights and of run.json: a re-evaluated run has a new global
// range), the image's content hash and the render options.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { HeatmapParams, HeatmapResult } from '../protocol.js';

/** Changes whenever the model or the run's evaluation range changes (weights rewritten, run re-evaluated). */
export async function modelIdentity(runDir: string): Promise<string> {
  const parts = await Promise.all(
    ['model/weights.bin', 'model/detector.json', 'run.json'].map(async (f) => {
      const st = await fs.stat(path.join(runDir, f)).catch(() => undefined);
      return st ? `${f}:${st.size}:${st.mtimeMs}` : '';
    }),
  );
  return parts.join('|');
}

export async function heatmapKey(runDir: string, image: string, p: HeatmapParams): Promise<string> {
  const bytes = await fs.readFile(image);
  const h = createHash('sha256');
  h.update(await modelIdentity(runDir));
  h.update(createHash('sha256').update(bytes).digest());
  // 'display/1': 'global' spans the run's display range (display-range.ts), no longer its absolute maximum
  h.update(JSON.stringify(['display/1', p.colormap ?? 'inferno', p.normalisation ?? 'global', p.range ?? null, ...(p.slice ? [p.slice] : [])]));
  return h.digest('hex').slice(0, 32);
}

export function cachePaths(runDir: string, key: string): { png: string; meta: string } {
  const dir = path.join(runDir, 'cache', 'heatmaps');
  return { png: path.join(dir, `${key}.png`), meta: path.join(dir, `${key}.json`) };
}

export async function readCached(runDir: string, key: string): Promise<Omit<HeatmapResult, 'cached'> | undefined> {
  const { png, meta } = cachePaths(runDir, key);
  try {
    const m = JSON.parse(await fs.readFile(meta, 'utf8')) as Omit<HeatmapResult, 'cached'>;
    await fs.access(png);
    return { ...m, mapPath: png };
  } catch {
    return undefined;
  }
}

export async function writeMeta(runDir: string, key: string, result: Omit<HeatmapResult, 'cached' | 'pngBase64'>): Promise<void> {
  const { meta } = cachePaths(runDir, key);
  const tmp = `${meta}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(result));
  await fs.rename(tmp, meta);
}
