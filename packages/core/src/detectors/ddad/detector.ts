// `ddad`: Dual-Distribution Discrepancy with self-supervised refinement (Cai et al., MIA 2023). Stages (checkpoint
// folders under the fit's checkpoint dir, progress `stage` of the same name):
//   ndm0..K-1  K reconstruction networks on the normal set D_n
//   udm0..K-1  K networks on D_n ∪ D_u (D_u: the unlabelled pool, FitOptions.unlabelled)
//   refine     R_intra and R_dual trained on FPI anomalies in D_n (refine.ts; last epoch kept, or the epoch chosen on
//              the validation normals with refineSelect 'validation')
// Maps (discrepancy.ts): A_rec, A_intra, A_inter, R_intra, R_dual; score() gives the configured one, scoreVariants() all
// five. Validation normals: FitOptions.validation, else a seeded validationFraction of D_n held out from every stage.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import { detectorJsonOf, readOwnDetectorJson, saveDetectorDir, type DetectorJson } from '../persist.js';
import { mixSeed } from '../rng.js';
import { runTraining } from '../train-loop.js';
import { scoreInBatches, scoreVariantsInBatches } from '../scoring.js';
import { loadStores, namedAll, type Stores } from '../stores.js';
import { imageScore } from '../synthetic/unet.js';
import { checkSameSize, holdOut, unionData } from './data.js';
import { rawMaps } from './discrepancy.js';
import { createMember, memberStage, type Member } from './members.js';
import { memberConfig, type DdadParams, type DdadScore } from './params.js';
import { Refiners, trainRefiners, type RefineResult } from './refine.js';

const SCORE_BATCH = 16;

export interface DdadFitOptions extends FitOptions {
  /** The unlabelled pool D_u (normal and abnormal images of unknown label); required. */
  unlabelled?: TrainData;
  /** Validation normals for the refinement's epoch selection; default: held out of the training normals. */
  validation?: TrainData;
}

export interface DdadFitResult extends FitResult {
  stages: { ndm: FitResult[]; udm: FitResult[]; refine: RefineResult };
  /** Images actually used: normals trained on, validation normals, unlabelled pool. */
  counts: { normal: number; validation: number; unlabelled: number };
}

export class DdadDetector implements Detector {
  readonly name = 'ddad';
  readonly ndm: Member[];
  readonly udm: Member[];
  readonly refiners: Refiners;
  private steps = 0;
  private selection: { selectedEpoch: RefineResult['selectedEpoch']; validationLosses: RefineResult['validationLosses'] } | null = null;

  constructor(
    private readonly p: DdadParams,
    readonly inputSize: InputSize,
  ) {
    this.ndm = Array.from({ length: p.ensemble }, () => createMember(p.backbone, p, inputSize));
    this.udm = Array.from({ length: p.ensemble }, () => createMember(p.backbone, p, inputSize));
    this.refiners = new Refiners(inputSize, p);
  }

  get config(): Readonly<Record<string, unknown>> {
    return this.p;
  }
  /** Whether A_intra/A_inter are divided by the NDM's predicted std (aeu with aeuDivide). */
  private get divides(): boolean {
    return this.p.backbone === 'aeu' && this.p.aeuDivide;
  }
  get trainedSteps(): number {
    return this.steps;
  }
  /** The refinement's validation losses and chosen epochs (from the last fit or the loaded detector.json). */
  get refinementSelection() {
    return this.selection;
  }

  async fit(data: TrainData, opts: DdadFitOptions): Promise<DdadFitResult> {
    const t0 = performance.now();
    const { height, width } = this.inputSize;
    if (data.height !== height || data.width !== width) {
      throw new Error(`fit(ddad): training images are ${data.width}x${data.height}, the detector expects ${width}x${height}`);
    }
    if (!opts.unlabelled || opts.unlabelled.size === 0) {
      throw new Error("fit(ddad): needs the unlabelled pool D_u: pass FitOptions.unlabelled (the dataset's `unlabelled:` images)");
    }
    let train = data;
    let validation = opts.validation;
    if (validation) checkSameSize(data, validation, 'validation');
    else ({ train, validation } = await holdOut(data, this.p.validationFraction, mixSeed(opts.seed, 0xda)));
    const union = await unionData(train, opts.unlabelled);

    const ck = (sub: string) => opts.checkpoint && { dir: path.join(opts.checkpoint.dir, sub), everySteps: opts.checkpoint.everySteps };
    const onProgress = opts.onProgress;
    const { unlabelled: _u, validation: _v, ...base } = opts;
    let done = 0;
    const trainEnsemble = async (which: 'ndm' | 'udm', members: Member[], set: TrainData) => {
      const out: (FitResult & { step: number })[] = [];
      for (const [k, m] of members.entries()) {
        const stage = `${which}${k}`;
        const r = await runTraining(memberStage(`ddad/${stage}`, m, memberConfig(this.p), this.inputSize, this.p.memberBeta1), set, {
          ...base,
          lr: this.p.memberLr ?? base.lr,
          seed: mixSeed(opts.seed, which === 'ndm' ? 1 : 2, k),
          checkpoint: ck(stage),
          onProgress: (pr) => ((this.steps = done + pr.step), onProgress?.({ ...pr, stage })),
        });
        done += r.step;
        out.push(r);
      }
      return out;
    };
    const ndm = await trainEnsemble('ndm', this.ndm, train);
    const udm = await trainEnsemble('udm', this.udm, union);
    const divide = this.divides;
    await this.refiners.fitStats(this.ndm, this.udm, train, divide);
    const p = this.p;
    const refineConfig = {
      ...memberConfig(p),
      ensemble: p.ensemble,
      corruptFraction: p.corruptFraction,
      ...Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith('refine') || k === 'focalGamma' || k === 'aeuDivide')),
    };
    const setup = {
      refiners: this.refiners,
      ndm: this.ndm,
      udm: this.udm,
      inputSize: this.inputSize,
      corruptFraction: p.corruptFraction,
      divide,
      select: p.refineSelect,
      adam: { beta1: p.refineBeta1, weightDecay: p.refineWeightDecay },
      config: refineConfig,
    };
    const refine = await trainRefiners(setup, train, validation, {
      ...base,
      batchSize: p.refineBatch,
      lr: p.refineLr,
      epochs: this.p.refineEpochs ?? opts.epochs,
      seed: mixSeed(opts.seed, 3),
      checkpoint: ck('refine'),
      onProgress: (pr) => ((this.steps = done + pr.step), onProgress?.(pr)),
    });
    this.steps = done + refine.step;
    this.selection = { selectedEpoch: refine.selectedEpoch, validationLosses: refine.validationLosses };
    const all = [...ndm, ...udm, refine];
    return {
      steps: all.reduce((a, r) => a + r.steps, 0),
      epochs: opts.epochs,
      finalLoss: refine.finalLoss,
      losses: refine.losses,
      resumedFromStep: all.reduce((a, r) => a + r.resumedFromStep, 0),
      durationMs: performance.now() - t0,
      stages: { ndm, udm, refine },
      counts: { normal: train.size, validation: validation.size, unlabelled: opts.unlabelled.size },
    };
  }

  score(images: Float32Array, n: number): Promise<ScoreResult> {
    return this.scoreWith(images, n, this.p.score);
  }

  /** Scores with one map, whatever the configured one. */
  scoreWith(images: Float32Array, n: number, which: DdadScore): Promise<ScoreResult> {
    return scoreInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x) => {
      const maps = rawMaps(this.ndm, this.udm, x, this.divides);
      const map = which === 'rec' ? maps.rec : which === 'intra' ? maps.intra : which === 'inter' ? maps.inter : this.refiners.refined(which === 'r-intra' ? 'intra' : 'dual', maps);
      return { maps: map, scores: imageScore(map, this.p.imageScore, this.p.topK) };
    });
  }

  get mainVariant(): DdadScore {
    return this.p.score;
  }

  /** All five maps and scores from one pass (evaluation reports them all); each equals scoreWith(images, n, key). */
  scoreVariants(images: Float32Array, n: number): Promise<Record<DdadScore, ScoreResult>> {
    return scoreVariantsInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x) => {
      const maps = rawMaps(this.ndm, this.udm, x, this.divides);
      const all: Record<DdadScore, tf.Tensor3D> = { rec: maps.rec, intra: maps.intra, inter: maps.inter, 'r-intra': this.refiners.refined('intra', maps), 'r-dual': this.refiners.refined('dual', maps) };
      return Object.fromEntries(Object.entries(all).map(([k, map]) => [k, { maps: map, scores: imageScore(map, this.p.imageScore, this.p.topK) }]));
    }) as Promise<Record<DdadScore, ScoreResult>>;
  }

  private stores(): Stores {
    const s: Stores = { refine: this.refiners.params, stats: this.refiners.stats };
    this.ndm.forEach((m, k) => (s[`ndm${k}`] = m.params));
    this.udm.forEach((m, k) => (s[`udm${k}`] = m.params));
    return s;
  }

  async save(dir: string): Promise<void> {
    await saveDetectorDir(dir, { ...detectorJsonOf(this), refinement: this.selection }, namedAll(this.stores()));
  }

  async load(dir: string): Promise<void> {
    const json = (await readOwnDetectorJson(dir, this.name)) as DetectorJson & { refinement?: DdadDetector['selection'] };
    await loadStores(dir, this.stores());
    this.steps = json.step;
    this.selection = json.refinement ?? null;
  }

  dispose(): void {
    for (const m of [...this.ndm, ...this.udm]) m.dispose();
    this.refiners.dispose();
  }
}
