// A loaded model kept open for repeated single-image scoring (the editor's heatmaps): loading a detector costs far
// more than scoring one image, so callers hold a Scorer per model and score many images with it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initBackend, type BackendName } from '../compute/index.js';
import type { DatasetItem } from '../dataset/types.js';
import type { Detector } from '../detectors/api.js';
import { loadDetector } from '../detectors/load.js';
import { experimentConfigSchema, type ExperimentConfig } from '../experiment/schema.js';
import { loadSplit } from './images.js';
import { readExperimentRecord, readRunMeta } from './run-dir.js';
import { locateModel } from './score.js';
import { scorePacked } from './scoring.js';

export interface ScoredImage {
  score: number;
  /** The anomaly map at the model's input size, row-major. */
  map: Float32Array;
  width: number;
  height: number;
  /** Size of the source image (its first frame) before resizing: what the map is drawn over. */
  sourceWidth: number;
  sourceHeight: number;
}

export interface Scorer {
  modelDir: string;
  runDir?: string;
  /** The run's evaluation map range (one range for all its maps), when the run was evaluated. */
  mapRange?: [number, number];
  /** The run's display range (metrics.json `display.range`, display-range.ts): what 'global' heatmaps span. */
  displayRange?: [number, number];
  score(file: string, signal?: AbortSignal): Promise<ScoredImage>;
  dispose(): void;
}

/** metrics.json's display range (the same one report.html uses); undefined for runs evaluated before it existed. */
async function readDisplayRange(runDir: string): Promise<[number, number] | undefined> {
  const m = await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8').then((t) => JSON.parse(t) as { display?: { range?: unknown }; displayRange?: unknown }, () => undefined);
  const r = m?.display?.range ?? m?.displayRange;
  return Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)) && r[1] > r[0] ? [r[0], r[1]] : undefined;
}

/** Loads a model (model folder or run folder) once, with the input preparation it was trained with. */
export async function openScorer(modelOrRunDir: string, opts: { backend?: BackendName | 'auto' } = {}): Promise<Scorer> {
  const { modelDir, runDir } = await locateModel(modelOrRunDir);
  await initBackend({ prefer: opts.backend });
  const detector: Detector = await loadDetector(modelDir);
  let input: ExperimentConfig['input'] = experimentConfigSchema.shape.input.parse({ size: [detector.inputSize.height, detector.inputSize.width] });
  let mapRange: [number, number] | undefined;
  let displayRange: [number, number] | undefined;
  try {
    if (runDir) {
      input = (await readExperimentRecord(runDir)).config.input;
      mapRange = (await readRunMeta(runDir)).evaluation?.mapRange;
      displayRange = await readDisplayRange(runDir);
    }
  } catch (err) {
    detector.dispose();
    throw err;
  }
  return {
    modelDir,
    runDir,
    mapRange,
    displayRange,
    async score(file, signal) {
      const item: DatasetItem = { path: file, label: 0, className: '', split: 'test', source: -1, labelKnown: false };
      const split = await loadSplit([item], input, { signal });
      if (split.images.length === 0) throw new Error(`${file}: ${split.failures[0]?.reason ?? 'no image could be read'}`);
      const r = await scorePacked(detector, split.data.subarray(0, input.size[0] * input.size[1]), 1, { batchSize: 1, signal });
      const im = split.images[0];
      return { score: r.scores[0], map: r.maps[0], width: input.size[1], height: input.size[0], sourceWidth: im.sourceWidth, sourceHeight: im.sourceHeight };
    },
    dispose: () => detector.dispose(),
  };
}
