// The DDAD ablation's frozen ensembles: the detector itself (DdadDetector.fit with refineEpochs 0, so only its six
// members train, with its own hold-out, seeds and checkpoints) on an experiment's data, saved once and loaded after.
// The NDM depends only on D_n and the seed, so a second pool reuses the first pool's NDM checkpoints (copied).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TrainData } from '../../src/detectors/api.js';
import '../../src/detectors/builtins.js';
import { holdOut } from '../../src/detectors/ddad/data.js';
import type { DdadDetector } from '../../src/detectors/ddad/detector.js';
import type { DdadParams } from '../../src/detectors/ddad/params.js';
import { createDetector } from '../../src/detectors/registry.js';
import { mixSeed } from '../../src/detectors/rng.js';
import { openExperiment, type ExperimentContext } from '../../src/pipeline/context.js';
import { loadSplit, trainDataFor } from '../../src/pipeline/images.js';

export interface PoolModel {
  ctx: ExperimentContext;
  detector: DdadDetector;
  params: DdadParams;
  /** The normals the members and refiners train on (D_n minus the detector's validation hold-out). */
  train: TrainData;
  /** The detector's validation hold-out of D_n (never test images). */
  validation: TrainData;
}

const exists = (p: string) => fs.access(p).then(() => true, () => false);

/** Trains (or loads from `dir`/model) the experiment's DDAD ensembles; `ndmFrom`: a checkpoint dir with finished NDM stages. */
export async function poolModel(experiment: string, dir: string, overrides: Record<string, unknown>, log: (s: string) => void, ndmFrom?: string): Promise<PoolModel> {
  const ctx = await openExperiment(experiment);
  const { config } = ctx;
  const [height, width] = config.input.size;
  const detector = createDetector('ddad', { ...config.detector.params, ...overrides, refineEpochs: 0 }, { height, width }) as DdadDetector;
  const params = detector.config as DdadParams;
  const all = (await trainDataFor(ctx.resolved.train, config.input)).data;
  const modelDir = path.join(dir, 'model');
  const ck = path.join(dir, 'ck');
  if (await exists(path.join(modelDir, 'detector.json'))) {
    await detector.load(modelDir);
    log(`${ctx.name}: loaded ensembles from ${modelDir}`);
  } else {
    if (ndmFrom) {
      for (let k = 0; k < params.ensemble; k++) {
        const to = path.join(ck, `ndm${k}`);
        if (!(await exists(to))) await fs.cp(path.join(ndmFrom, `ndm${k}`), to, { recursive: true });
      }
    }
    const unlabelled = (await trainDataFor(ctx.resolved.unlabelled, config.input)).data;
    const t0 = Date.now();
    const fit = await detector.fit(all, {
      unlabelled,
      epochs: config.training.epochs,
      batchSize: config.training.batchSize,
      lr: config.training.lr,
      seed: config.training.seed,
      checkpoint: { dir: ck, everySteps: 50 },
      resume: true,
      onProgress: (p) => p.step % 20 === 0 && log(`${ctx.name} ${p.stage ?? ''} step ${p.step}/${p.totalSteps} loss ${p.loss.toPrecision(4)}`),
    });
    await detector.save(modelDir);
    log(`${ctx.name}: ensembles trained, ${fit.steps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // The detector's own split (detector.ts fit: holdOut with mixSeed(seed, 0xda)).
  const { train, validation } = await holdOut(all, params.validationFraction, mixSeed(config.training.seed, 0xda));
  return { ctx, detector, params, train, validation };
}

/** The experiment's test split in memory with its labels. */
export async function testSet(ctx: ExperimentContext): Promise<{ images: Float32Array; labels: Uint8Array; n: number }> {
  const split = await loadSplit(ctx.resolved.test, ctx.config.input);
  return { images: split.data, labels: Uint8Array.from(split.images.map((im) => im.item.label)), n: split.images.length };
}
