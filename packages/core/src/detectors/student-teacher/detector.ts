// `student-teacher`: multi-scale uninformed students (Bergmann et al., CVPR 2020). Per scale p: a teacher (trained
// here with a self-supervised patch objective, or a user-supplied tfjs model) and M students that regress its
// standardised descriptors on normal images. fit() runs stage 'teacher' then 'students' (checkpoint folders
// 'teacher/' and 'students/' under the fit's checkpoint dir), then one pass for the normalisation statistics.
// Map per scale = (e - mean_e)/std_e + (v - mean_v)/std_v with e the regression error of the student mean and v the
// students' predictive variance (statistics over all training pixels); multiscale map = mean over scales; image
// score = max of the Gaussian-smoothed (smoothSigma) multiscale map.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Detector, FitOptions, FitResult, InputSize, ScoreResult, TrainData } from '../api.js';
import { ParamStore, constant } from '../layers.js';
import { detectorJsonOf, readOwnDetectorJson, saveDetectorDir } from '../persist.js';
import { mixSeed } from '../rng.js';
import { runTraining } from '../train-loop.js';
import { checkImages, scoreInBatches, scoreVariantsInBatches } from '../scoring.js';
import { loadStores, namedAll } from '../stores.js';
import { Moments, errorAndVariance, gaussianSmooth } from './maps.js';
import { PatchNet } from './patch-net.js';
import { teacherPathFor, type Scale, type StudentTeacherParams } from './params.js';
import { StudentStage, TeacherStage, type ScaleNets } from './stages.js';
import { addTeacherHead, loadPretrainedTeacher, type Describe } from './teacher.js';

const SCORE_BATCH = 16;
const STATS_BATCH = 16;

export interface StudentTeacherFitResult extends FitResult {
  stages: { teacher: FitResult | null; students: FitResult };
}

export class StudentTeacherDetector implements Detector {
  readonly name = 'student-teacher';
  readonly teacherStore = new ParamStore();
  readonly studentStore = new ParamStore();
  /** Normalisation statistics (not trained; saved with the weights). */
  readonly statsStore = new ParamStore();
  private readonly ownTeachers = new Map<Scale, PatchNet>();
  private readonly students = new Map<Scale, PatchNet[]>();
  private readonly pretrained = new Map<Scale, { model: tf.LayersModel; describe: Describe }>();
  private steps = 0;

  constructor(
    private readonly p: StudentTeacherParams,
    readonly inputSize: InputSize,
  ) {
    const d = p.descriptor;
    for (const s of p.scales) {
      if (teacherPathFor(p, s) === undefined) {
        this.ownTeachers.set(s, new PatchNet(this.teacherStore, `t${s}`, s, p.channels, d));
        addTeacherHead(this.teacherStore, `t${s}`, d);
      }
      this.students.set(s, Array.from({ length: p.students }, (_, m) => new PatchNet(this.studentStore, `s${s}_${m}`, s, p.channels, d)));
      this.statsStore.add(`p${s}/tmean`, [d], constant(0), false);
      this.statsStore.add(`p${s}/tstd`, [d], constant(1), false);
      this.statsStore.add(`p${s}/err`, [2], (n) => Float32Array.from([0, 1].slice(0, n)), false);
      this.statsStore.add(`p${s}/var`, [2], (n) => Float32Array.from([0, 1].slice(0, n)), false);
    }
  }

  get config(): Readonly<Record<string, unknown>> {
    return this.p;
  }
  get trainedSteps(): number {
    return this.steps;
  }

  /** The descriptor networks of scale p (teacher raw descriptors; students), for inspection and tests. */
  teacherOf(s: Scale): Describe {
    const pre = this.pretrained.get(s);
    if (pre) return pre.describe;
    const t = this.ownTeachers.get(s);
    if (!t) throw new Error(`student-teacher: no teacher for p=${s} (call fit, load or prepare first)`);
    return (x) => t.describe(x);
  }
  studentsOf(s: Scale): PatchNet[] {
    return this.students.get(s) ?? [];
  }

  /** Loads user-supplied teachers (once). */
  async prepare(): Promise<void> {
    for (const s of this.p.scales) {
      const dir = teacherPathFor(this.p, s);
      if (dir !== undefined && !this.pretrained.has(s)) this.pretrained.set(s, await loadPretrainedTeacher(dir, s, this.p.descriptor));
    }
  }

  private target(s: Scale): Describe {
    const teacher = this.teacherOf(s);
    const mean = this.statsStore.get(`p${s}/tmean`);
    const std = this.statsStore.get(`p${s}/tstd`);
    return (x) => tf.div(tf.sub(teacher(x), mean), std);
  }

  private scaleNets(): ScaleNets[] {
    return this.p.scales.map((scale) => ({ scale, target: this.target(scale), students: this.studentsOf(scale) }));
  }

  /** One pass over the training images: per-dimension teacher mean/std, or per-scale e and v mean/std. */
  private async computeStats(data: TrainData, what: 'teacher' | 'errors'): Promise<void> {
    const { height, width } = this.inputSize;
    const d = this.p.descriptor;
    const acc = new Map(this.p.scales.map((s) => [s, { dims: Array.from({ length: d }, () => new Moments()), e: new Moments(), v: new Moments() }]));
    const nets = what === 'errors' ? this.scaleNets() : [];
    for await (const batch of data.batches(STATS_BATCH, 0)) {
      const n = batch.length / (height * width);
      for (const s of this.p.scales) {
        const a = acc.get(s)!;
        if (what === 'teacher') {
          const t = tf.tidy(() => this.teacherOf(s)(tf.tensor4d(batch, [n, height, width, 1])));
          const v = await t.data();
          t.dispose();
          for (let k = 0; k < d; k++) a.dims[k].add(v.filter((_, i) => i % d === k));
        } else {
          const net = nets.find((x) => x.scale === s)!;
          const [e, v] = tf.tidy(() => {
            const x = tf.tensor4d(batch, [n, height, width, 1]);
            const r = errorAndVariance(net.students.map((st) => st.describe(x)), net.target(x));
            return [r.e, r.v];
          });
          a.e.add(await e.data());
          a.v.add(await v.data());
          tf.dispose([e, v]);
        }
      }
    }
    tf.tidy(() => {
      for (const [s, a] of acc) {
        if (what === 'teacher') {
          this.statsStore.get(`p${s}/tmean`).assign(tf.tensor1d(a.dims.map((m) => m.mean)));
          this.statsStore.get(`p${s}/tstd`).assign(tf.tensor1d(a.dims.map((m) => m.std)));
        } else {
          this.statsStore.get(`p${s}/err`).assign(tf.tensor1d([a.e.mean, a.e.std]));
          this.statsStore.get(`p${s}/var`).assign(tf.tensor1d([a.v.mean, a.v.std]));
        }
      }
    });
  }

  async fit(data: TrainData, opts: FitOptions): Promise<StudentTeacherFitResult> {
    const t0 = performance.now();
    await this.prepare();
    const ck = (sub: string) => opts.checkpoint && { dir: path.join(opts.checkpoint.dir, sub), everySteps: opts.checkpoint.everySteps };
    const onProgress = opts.onProgress;
    // Checkpoint identities: the teacher's never holds studentWeightDecay, the students' only when it is on, so runs
    // from before it existed (and runs with 0) still resume.
    const { studentWeightDecay, ...cfg } = this.p;
    const studentCfg = studentWeightDecay === 0 ? cfg : { ...cfg, studentWeightDecay };
    let teacher: (FitResult & { step: number }) | null = null;
    if (this.ownTeachers.size > 0) {
      const stage = new TeacherStage(cfg, this.inputSize, this.teacherStore, [...this.ownTeachers.values()], this.p.decorrelation);
      teacher = await runTraining(stage, data, {
        ...opts,
        checkpoint: ck('teacher'),
        onProgress: (pr) => ((this.steps = pr.step), onProgress?.({ ...pr, stage: 'teacher' })),
      });
    }
    const t = teacher?.step ?? 0;
    await this.computeStats(data, 'teacher');
    const students = await runTraining(new StudentStage(studentCfg, this.inputSize, this.studentStore, this.scaleNets(), studentWeightDecay), data, {
      ...opts,
      seed: mixSeed(opts.seed, 0x57),
      checkpoint: ck('students'),
      onProgress: (pr) => ((this.steps = t + pr.step), onProgress?.({ ...pr, stage: 'students' })),
    });
    await this.computeStats(data, 'errors');
    this.steps = t + students.step;
    return {
      steps: (teacher?.steps ?? 0) + students.steps,
      epochs: opts.epochs,
      finalLoss: students.finalLoss,
      losses: students.losses,
      resumedFromStep: (teacher?.resumedFromStep ?? 0) + students.resumedFromStep,
      durationMs: performance.now() - t0,
      stages: { teacher, students },
    };
  }

  /** Normalised map [n, H, W] of each scale, in `scales` order (inside the caller's tidy). */
  scaleMaps(x: tf.Tensor4D): { scale: number; map: tf.Tensor3D }[] {
    return this.scaleNets().map(({ scale, target, students }) => {
      const { e, v } = errorAndVariance(students.map((s) => s.describe(x)), target(x));
      const [em, es] = tf.unstack(this.statsStore.get(`p${scale}/err`));
      const [vm, vs] = tf.unstack(this.statsStore.get(`p${scale}/var`));
      return { scale, map: tf.add(tf.div(tf.sub(e, em), es), tf.div(tf.sub(v, vm), vs)) as tf.Tensor3D };
    });
  }

  /** Multiscale maps [n, H, W] of a batch (inside the caller's tidy). */
  mapsOf(x: tf.Tensor4D): tf.Tensor3D {
    return tf.mean(tf.stack(this.scaleMaps(x).map((s) => s.map)), 0) as tf.Tensor3D;
  }

  private imageScores(maps: tf.Tensor3D): tf.Tensor1D {
    return tf.max(gaussianSmooth(maps, this.p.smoothSigma), [1, 2]) as tf.Tensor1D;
  }

  get mainVariant(): string {
    return this.p.scales.length > 1 ? 'multiscale' : `p${this.p.scales[0]}`;
  }

  /** Each scale alone (`p17`, `p33`, ...) and, with several scales, `multiscale`: one pass through the networks. */
  async scoreVariants(images: Float32Array, n: number): Promise<Record<string, ScoreResult>> {
    checkImages(this.name, this.inputSize, images, n);
    await this.prepare();
    return scoreVariantsInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x) => {
      const per = this.scaleMaps(x);
      const out: Record<string, { scores: tf.Tensor1D; maps: tf.Tensor3D }> = {};
      for (const { scale, map } of per) out[`p${scale}`] = { maps: map, scores: this.imageScores(map) };
      if (per.length > 1) {
        const maps = tf.mean(tf.stack(per.map((s) => s.map)), 0) as tf.Tensor3D;
        out.multiscale = { maps, scores: this.imageScores(maps) };
      }
      return out;
    });
  }

  async score(images: Float32Array, n: number): Promise<ScoreResult> {
    checkImages(this.name, this.inputSize, images, n); // before the (possibly slow) pretrained-teacher load
    await this.prepare();
    return scoreInBatches(this.name, this.inputSize, images, n, SCORE_BATCH, (x) => {
      const maps = this.mapsOf(x);
      return { maps, scores: this.imageScores(maps) };
    });
  }

  private stores() {
    return { teacher: this.teacherStore, students: this.studentStore, stats: this.statsStore };
  }

  async save(dir: string): Promise<void> {
    await saveDetectorDir(dir, detectorJsonOf(this), namedAll(this.stores()));
  }

  async load(dir: string): Promise<void> {
    const json = await readOwnDetectorJson(dir, this.name);
    await this.prepare();
    await loadStores(dir, this.stores());
    this.steps = json.step;
  }

  dispose(): void {
    for (const ps of Object.values(this.stores())) ps.dispose();
    for (const t of this.pretrained.values()) t.model.dispose();
    this.pretrained.clear();
  }
}
