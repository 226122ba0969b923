// Dataset scores for a run, fetched once from the daemon (medad/scoreImages over the dataset folder) and cached,
// shared by the gallery, the heatmap's rank/percentile and the run panel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MAX_SCORE_FILES, ScoreImagesRequest, type ImageScore, type ScoreImagesResult } from '@medad/daemon/protocol';
import type { DaemonClient } from './daemon-client.js';
import { runJob } from './jobs.js';
import { ANY_IMAGE, classify, isMaskFile } from './paths.js';

export interface ScoredImage extends ImageScore {
  split: string;
  cls: string;
}

const cache = new Map<string, Promise<ScoredImage[] | undefined>>();
const MAX_FILES = 50_000;

/** The dataset's images under `folder`, recursively: no masks, no run outputs (their maps are PNGs too). */
export async function listDatasetImages(folder: string): Promise<string[]> {
  const files = await vscode.workspace.findFiles(
    new vscode.RelativePattern(folder, '**/*.{png,jpg,jpeg,webp,tif,tiff,dcm,dicom,nii,nii.gz}'),
    '**/{node_modules,runs,.medad}/**',
    MAX_FILES,
  );
  return files.map((f) => f.fsPath).filter((f) => ANY_IMAGE.test(f) && !isMaskFile(folder, f)).sort();
}

export function datasetScores(daemon: DaemonClient, runDir: string, folder: string): Promise<ScoredImage[] | undefined> {
  const key = `${runDir}\n${folder}`;
  let hit = cache.get(key);
  if (!hit) {
    // explicit files, not `folder`: the daemon lists only the folder's top level, and it would include masks
    hit = listDatasetImages(folder)
      .then((files) => scoreInChunks(daemon, runDir, folder, files))
      .then((r) => r?.scores.filter((s) => !isMaskFile(folder, s.file)).map((s) => ({ ...s, ...classify(folder, s.file) })));
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

export function forgetScores(): void {
  cache.clear();
}

/** The dataset folder an image or config belongs to: the nearest ancestor holding a `*.medad.yaml`, else the
 * folder two levels up (`<root>/<split>/<class>/image`). */
export function datasetRootOf(file: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  let dir = stat?.isDirectory() ? file : path.dirname(file);
  const top = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath;
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.readdirSync(d).some((f) => /\.medad\.ya?ml$/.test(f))) return d;
    if (d === top || path.dirname(d) === d) break;
  }
  if (!stat?.isDirectory()) dir = path.dirname(path.dirname(dir));
  return dir;
}

/** scoreImages in requests of at most MAX_SCORE_FILES files (the daemon refuses longer lists), results joined. */
async function scoreInChunks(daemon: DaemonClient, runDir: string, folder: string, files: string[]): Promise<ScoreImagesResult | undefined> {
  const all: ScoreImagesResult = { jobId: '', scores: [], failures: [] };
  for (let i = 0; i < files.length; i += MAX_SCORE_FILES) {
    const part = files.slice(i, i + MAX_SCORE_FILES);
    const r = await runJob(daemon, `medad: scoring ${path.basename(folder)}${files.length > MAX_SCORE_FILES ? ` (${i + part.length}/${files.length})` : ''}`, ScoreImagesRequest, { runDir, files: part });
    if (!r) return undefined;
    all.jobId = r.jobId;
    all.scores.push(...r.scores);
    all.failures.push(...r.failures);
  }
  return all;
}
