// Scoring arbitrary images with a trained model: the model folder (or its run folder) gives the detector and the
// input preparation it was trained with; maps are written as 16-bit PNGs with the run's evaluation range when
// there is one, so they compare with the evaluation's maps.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initBackend, type BackendName } from '../compute/index.js';
import type { DatasetItem } from '../dataset/types.js';
import { loadDetector } from '../detectors/load.js';
import { experimentConfigSchema, type ExperimentConfig } from '../experiment/schema.js';
import { listImageFiles } from '../io/list.js';
import { writeGray16Png } from '../io/png.js';
import { loadSplit } from './images.js';
import { makeOutputRoot } from './output-root.js';
import { MODEL_DIR, readExperimentRecord, readRunMeta } from './run-dir.js';
import { scorePacked } from './scoring.js';
import type { PipelineProgress } from './train.js';

export interface ScoreFilesOptions {
  /** Folder for the maps (created). Default: `<run>/scored/`. */
  out?: string;
  /** Write maps (default true). */
  maps?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
  backend?: BackendName | 'auto';
  batchSize?: number;
}

export interface FileScore {
  path: string;
  /** Image id (path, plus #frame=N / #slice=N for multi-image files). */
  id: string;
  score: number;
  mapFile?: string;
}

export interface ScoreFilesResult {
  scores: FileScore[];
  /** Inputs that were not scored (missing paths, unreadable images), each with its reason. */
  failures: { path: string; reason: string }[];
  mapRange: [number, number];
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

/** The model folder and its run folder (if any), from either. */
export async function locateModel(dir: string): Promise<{ modelDir: string; runDir?: string }> {
  const abs = path.resolve(dir);
  if (await exists(path.join(abs, MODEL_DIR, 'detector.json'))) return { modelDir: path.join(abs, MODEL_DIR), runDir: abs };
  if (await exists(path.join(abs, 'detector.json'))) {
    const parent = path.dirname(abs);
    return { modelDir: abs, runDir: (await exists(path.join(parent, 'run.json'))) ? parent : undefined };
  }
  throw new Error(`${abs}: not a model folder (no detector.json) or run folder (no model/detector.json)`);
}

/**
 * Image files of the inputs (folders listed, files kept). A path that is missing or not a regular file or folder
 * (a FIFO would block the read) becomes a failure of its own, so one typo does not cost the other images.
 */
async function expandInputs(inputs: string | string[]): Promise<{ files: string[]; failures: ScoreFilesResult['failures'] }> {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const files: string[] = [];
  const failures: ScoreFilesResult['failures'] = [];
  for (const p of list) {
    const abs = path.resolve(p);
    const st = await fs.stat(abs).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error) failures.push({ path: abs, reason: st.code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${st.message}` });
    else if (st.isDirectory()) files.push(...(await listImageFiles(abs)));
    else if (st.isFile()) files.push(abs);
    else failures.push({ path: abs, reason: 'not a regular file or folder' });
  }
  return { files, failures };
}

export async function scoreFiles(modelOrRunDir: string, inputs: string | string[], opts: ScoreFilesOptions = {}): Promise<ScoreFilesResult> {
  const { modelDir, runDir } = await locateModel(modelOrRunDir);
  const { files, failures: missing } = await expandInputs(inputs);
  await initBackend({ prefer: opts.backend });
  const detector = await loadDetector(modelDir);
  try {
    let input: ExperimentConfig['input'] = experimentConfigSchema.shape.input.parse({ size: [detector.inputSize.height, detector.inputSize.width] });
    let evalRange: [number, number] | undefined;
    if (runDir) {
      input = (await readExperimentRecord(runDir)).config.input;
      evalRange = (await readRunMeta(runDir)).evaluation?.mapRange;
    }
    const items: DatasetItem[] = files.map((f) => ({ path: f, label: 0, className: '', split: 'test', source: -1, labelKnown: false }));
    const progress = (stage: string, done: number, total: number) => opts.onProgress?.({ stage, fraction: total ? done / total : 1, done, total });
    const split = await loadSplit(items, input, { signal: opts.signal, onProgress: (d, t) => progress('loading', d, t) });
    const scored = await scorePacked(detector, split.data, split.images.length, { batchSize: opts.batchSize ?? 32, signal: opts.signal, onProgress: (d, t) => progress('scoring', d, t) });
    let hi = 0;
    for (const m of scored.maps) for (const v of m) if (v > hi) hi = v;
    const mapRange: [number, number] = evalRange ?? [0, hi > 0 ? hi : 1];
    const scores: FileScore[] = [];
    const outDir = path.resolve(opts.out ?? path.join(runDir ?? modelDir, 'scored'));
    if (opts.maps !== false && split.images.length > 0) await makeOutputRoot(outDir);
    const [h, w] = input.size;
    for (let i = 0; i < split.images.length; i++) {
      const im = split.images[i];
      let mapFile: string | undefined;
      if (opts.maps !== false) {
        mapFile = path.join(outDir, `${String(i).padStart(5, '0')}_${path.basename(im.item.path).replace(/\.[^.]+$/, '')}${im.frame > 0 ? `_f${im.frame}` : ''}.png`);
        await writeGray16Png(mapFile, { width: w, height: h, data: scored.maps[i] }, { min: mapRange[0], max: mapRange[1] });
      }
      scores.push({ path: im.item.path, id: im.id, score: scored.scores[i], ...(mapFile ? { mapFile } : {}) });
    }
    return { scores, failures: [...missing, ...split.failures], mapRange };
  } finally {
    detector.dispose();
  }
}
