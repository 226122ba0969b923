// Heatmaps are cached on disk under the run: `<run>/cache/heatmaps/<key>.png` + `.json` (the result; the folder is
// made without symlinks and every file written through a checked handle, see safety/open-checked.ts), keyed
// by the model's identity (size and mtime of the weights and of run.json: a re-evaluated run has a new global
// range), the image's content hash and the render options.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { HeatmapParams, HeatmapResult } from '../protocol.js';
import { writeInRun } from '../safety/open-checked.js';
import type { Sandbox } from '../safety/sandbox.js';

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
  const [bytes, identity] = await Promise.all([fs.readFile(image), modelIdentity(runDir)]);
  const h = createHash('sha256');
  h.update(identity);
  h.update(createHash('sha256').update(bytes).digest());
  // 'display/1': 'global' spans the run's display range (display-range.ts), no longer its absolute maximum
  h.update(JSON.stringify(['display/1', p.colormap ?? 'inferno', p.normalisation ?? 'global', p.range ?? null, ...(p.slice ? [p.slice] : [])]));
  return h.digest('hex').slice(0, 32);
}

/** The cached result of `key` in `cacheDir` (made by runSubdir); a planted symlink or non-file is a miss. */
export async function readCached(cacheDir: string, key: string): Promise<Omit<HeatmapResult, 'cached'> | undefined> {
  const png = path.join(cacheDir, `${key}.png`);
  const meta = path.join(cacheDir, `${key}.json`);
  try {
    const [a, b] = await Promise.all([fs.lstat(png), fs.lstat(meta)]);
    if (!a.isFile() || !b.isFile()) return undefined;
    const m = JSON.parse(await fs.readFile(meta, 'utf8')) as Omit<HeatmapResult, 'cached'>;
    return { ...m, mapPath: png };
  } catch {
    return undefined;
  }
}

export async function writeMeta(sandbox: Sandbox, cacheDir: string, key: string, result: Omit<HeatmapResult, 'cached' | 'pngBase64'>): Promise<void> {
  await writeInRun(sandbox, path.join(cacheDir, `${key}.json`), JSON.stringify(result));
}
