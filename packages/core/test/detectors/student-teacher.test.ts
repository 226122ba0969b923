// Multi-scale student-teacher on 16x16 blobs with tiny patch networks (8 channels, 8-dim descriptors), wasm backend.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayTrainData, createDetector, loadCheckpoint, loadDetector, type FitResult, type TrainProgress } from '../../src/detectors/index.js';
import { ParamStore } from '../../src/detectors/layers.js';
import type { StudentTeacherDetector } from '../../src/detectors/student-teacher/detector.js';
import { DILATIONS, PatchNet, receptiveField } from '../../src/detectors/student-teacher/patch-net.js';
import { fileIOHandler } from '../../src/model/index.js';
import { blobs, maxAbsDiff, meanInsideOutside, planted, useWasm } from './fixtures.js';

const SIZE = 16;
const TINY = { channels: 8, descriptor: 8, students: 3, smoothSigma: 1 };
const data = arrayTrainData(blobs(32, SIZE, 1), { height: SIZE, width: SIZE });
const opts = { epochs: 8, batchSize: 8, lr: 2e-3, seed: 3, lossEvery: 4 };
let tmp: string;
let trained: StudentTeacherDetector;

beforeAll(async () => {
  await useWasm();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-st-'));
  trained = createDetector('student-teacher', { ...TINY, scales: [17, 33] }, SIZE) as StudentTeacherDetector;
  const stages: string[] = [];
  const r = await trained.fit(data, { ...opts, onProgress: (p: TrainProgress) => stages.at(-1) !== p.stage && stages.push(p.stage!) });
  expect(stages).toEqual(['teacher', 'students']);
  expect(r.stages.teacher!.finalLoss).toBeLessThan(r.stages.teacher!.losses[0].loss);
  expect(r.finalLoss).toBeLessThan(r.losses[0].loss);
  const perEpoch = (f: { durationMs: number }) => (f.durationMs / opts.epochs).toFixed(0);
  console.info(`student-teacher tiny (p 17+33, 3 students): backend ${tf.getBackend()}, teacher ${perEpoch(r.stages.teacher!)} ms/epoch, students ${perEpoch(r.stages.students)} ms/epoch`);
});
afterAll(async () => {
  trained.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('patch networks', () => {
  it.each([17, 33, 65] as const)('p = %i: one input pixel changes exactly a p x p block of outputs', async (p) => {
    expect(receptiveField(DILATIONS[p])).toBe(p);
    const ps = new ParamStore();
    const net = new PatchNet(ps, 'n', p, 4, 2);
    const s = p + 8;
    const c = Math.floor(s / 2);
    const x = blobs(1, s, 4);
    const y = Float32Array.from(x);
    y[c * s + c] += 1;
    const [a, b] = tf.tidy(() => [net.describe(tf.tensor4d(x, [1, s, s, 1])), net.describe(tf.tensor4d(y, [1, s, s, 1]))]);
    expect(a.shape).toEqual([1, s, s, 2]);
    const [va, vb] = [await a.data(), await b.data()];
    tf.dispose([a, b]);
    ps.dispose();
    const rows = new Set<number>();
    const cols = new Set<number>();
    let changed = 0;
    for (let i = 0; i < s * s; i++) {
      if (Math.abs(va[2 * i] - vb[2 * i]) + Math.abs(va[2 * i + 1] - vb[2 * i + 1]) > 0) {
        rows.add(Math.floor(i / s));
        cols.add(i % s);
        changed++;
      }
    }
    const r = (p - 1) / 2;
    expect([Math.min(...rows), Math.max(...rows), Math.min(...cols), Math.max(...cols)]).toEqual([c - r, c + r, c - r, c + r]);
    expect(changed).toBe(p * p);
  });
});

describe('student-teacher', () => {
  it('maps are larger inside a planted anomaly than outside, and anomalous images score higher', async () => {
    const test = planted(12, SIZE, 2);
    const { scores, maps } = await trained.score(test.images, 12);
    const { inside, outside } = meanInsideOutside(maps, test, SIZE);
    console.info(`student-teacher map: inside ${inside.toFixed(3)}, outside ${outside.toFixed(3)}`);
    expect(inside).toBeGreaterThan(outside + 1);
    const mean = (lab: number) => test.labels.reduce((s, l, i) => s + (l === lab ? scores[i] : 0), 0) / 6;
    expect(mean(1)).toBeGreaterThan(mean(0));
  });

  it('scoreVariants: each scale alone and multiscale = their mean; multiscale equals score()', async () => {
    const x = planted(3, SIZE, 7).images;
    const v = await trained.scoreVariants(x, 3);
    expect(Object.keys(v).sort()).toEqual(['multiscale', 'p17', 'p33']);
    expect(trained.mainVariant).toBe('multiscale');
    for (let j = 0; j < v.multiscale.maps.length; j++) expect(v.multiscale.maps[j]).toBeCloseTo((v.p17.maps[j] + v.p33.maps[j]) / 2, 5);
    const main = await trained.score(x, 3);
    expect(maxAbsDiff(main.maps, v.multiscale.maps)).toBeLessThan(1e-6);
    expect(maxAbsDiff(main.scores, v.multiscale.scores)).toBeLessThan(1e-6);
    // A one-scale model scored with scales [17] gives the p17 variant (the per-scale networks are independent).
    const dir = path.join(tmp, 'one-scale');
    await trained.save(dir);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'detector.json'), 'utf8'));
    json.params.scales = [17];
    await fs.writeFile(path.join(dir, 'detector.json'), JSON.stringify(json));
    const one = await loadDetector(dir);
    expect(one.mainVariant).toBe('p17');
    const s17 = await one.score(x, 3);
    expect(maxAbsDiff(s17.maps, v.p17.maps)).toBeLessThan(1e-5);
    expect(maxAbsDiff(s17.scores, v.p17.scores)).toBeLessThan(1e-5);
    one.dispose();
  });

  it('save/load round trip gives the same maps and scores', async () => {
    const dir = path.join(tmp, 'saved');
    await trained.save(dir);
    const back = await loadDetector(dir);
    const x = planted(4, SIZE, 5).images;
    const a = await trained.score(x, 4);
    const b = await back.score(x, 4);
    expect(maxAbsDiff(a.scores, b.scores)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.maps, b.maps)).toBeLessThan(1e-6);
    expect(back.trainedSteps).toBe(trained.trainedSteps);
    back.dispose();
  });

  it('uses a pretrained tfjs teacher (no teacher stage) and rejects one with the wrong receptive field', async () => {
    const layers = (n: number) => {
      const m = tf.sequential();
      for (let i = 0; i < n; i++) m.add(tf.layers.conv2d({ inputShape: i === 0 ? [null, null, 1] : undefined, filters: 8, kernelSize: 3, padding: 'valid', activation: i < n - 1 ? 'relu' : 'linear' }));
      return m;
    };
    const good = path.join(tmp, 'teacher17');
    const model = layers(8); // 8 valid 3x3 convs: receptive field 17
    await model.save(fileIOHandler(good));
    const det = createDetector('student-teacher', { ...TINY, scales: [17], teacherModel: good }, SIZE) as StudentTeacherDetector;
    const r = await det.fit(data, { ...opts, epochs: 2 });
    expect(r.stages.teacher).toBeNull();
    const x = blobs(2, SIZE, 8);
    const [mine, ref] = tf.tidy(() => {
      const t = tf.tensor4d(x, [2, SIZE, SIZE, 1]);
      return [det.teacherOf(17)(t), model.predict(tf.pad(t, [[0, 0], [8, 8], [8, 8], [0, 0]])) as tf.Tensor];
    });
    expect(maxAbsDiff(await mine.data(), await ref.data())).toBe(0);
    tf.dispose([mine, ref]);
    const { scores } = await det.score(x, 2);
    expect(Array.from(scores).every(Number.isFinite)).toBe(true);
    det.dispose();
    model.dispose();

    const bad = path.join(tmp, 'teacher15');
    const small = layers(7);
    await small.save(fileIOHandler(bad));
    small.dispose();
    const wrong = createDetector('student-teacher', { ...TINY, scales: [17], teacherModel: bad }, SIZE);
    await expect(wrong.fit(data, opts)).rejects.toThrow(/teacher15\/model\.json: teacherModel for p=17 must map \[1, 17, 17, 1\] to \[1, 1, 1, 8\]/);
    wrong.dispose();
  });
});

describe('student-teacher studentWeightDecay', () => {
  const ONE = { ...TINY, scales: [17] };
  async function fitWith(studentWeightDecay: number, epochs: number, dir?: string) {
    const det = createDetector('student-teacher', { ...ONE, studentWeightDecay }, SIZE) as StudentTeacherDetector;
    const r = await det.fit(data, { ...opts, epochs, lossEvery: 1, ...(dir ? { checkpoint: { dir, everySteps: 100 } } : {}) });
    return { det, r: r as FitResult & { stages: { students: FitResult } } };
  }
  const values = async (ps: ParamStore) => Float32Array.from((await Promise.all(ps.trainable().map((v) => v.data()))).flatMap((d) => Array.from(d as Float32Array)));
  const sumSq = (w: Float32Array) => w.reduce((s, v) => s + v * v, 0);

  it("the students' loss carries 0.5 wd |w|^2, the teacher is untouched, and a large wd leaves smaller students", async () => {
    const WD = 10;
    const init = await fitWith(0, 0); // epochs 0: the students' initial weights (same seed as every fit below)
    const w0 = await values(init.det.studentStore);
    init.det.dispose();
    const off = await fitWith(0, 3);
    const on = await fitWith(WD, 3);
    // Same teacher (the decay stays out of its stage), same first batch, same initial students: the first step's
    // losses differ by exactly the L2 term of the initial weights.
    expect(maxAbsDiff(await values(on.det.teacherStore), await values(off.det.teacherStore))).toBe(0);
    const first = (r: typeof on.r) => r.stages.students.losses[0];
    expect(first(on.r).step).toBe(1);
    const l2 = 0.5 * WD * sumSq(w0);
    expect(Math.abs(first(on.r).loss - first(off.r).loss - l2) / l2).toBeLessThan(1e-4);
    const [nOff, nOn] = [sumSq(await values(off.det.studentStore)), sumSq(await values(on.det.studentStore))];
    console.info(`students |w|^2: initial ${sumSq(w0).toFixed(3)}, wd 0 ${nOff.toFixed(3)}, wd ${WD} ${nOn.toFixed(3)}`);
    expect(nOn).toBeLessThan(0.9 * nOff);
    off.det.dispose();
    on.det.dispose();
  });

  it('wd 0 keeps the earlier checkpoint identity; a saved model without the field loads as 0 with the same scores', async () => {
    const ids = async (wd: number, name: string) => {
      const dir = path.join(tmp, name);
      const { det } = await fitWith(wd, 1, dir);
      const [t, s] = [await loadCheckpoint(path.join(dir, 'teacher')), await loadCheckpoint(path.join(dir, 'students'))];
      tf.dispose([...Object.values(t!.tensors), ...Object.values(s!.tensors)]);
      return { det, teacher: t!.state.config, students: s!.state.config };
    };
    const paper = await ids(1e-5, 'wd-paper');
    expect(paper.teacher).not.toHaveProperty('studentWeightDecay');
    expect(paper.students).toMatchObject({ studentWeightDecay: 1e-5 });
    paper.det.dispose();
    const old = await ids(0, 'wd-off');
    // The params as the earlier code wrote them (no studentWeightDecay) are both stages' identity, so its runs resume.
    const { studentWeightDecay, ...earlier } = old.det.config;
    expect(studentWeightDecay).toBe(0);
    expect(old.teacher).toEqual(earlier);
    expect(old.students).toEqual(earlier);

    const dir = path.join(tmp, 'wd-saved');
    await old.det.save(dir);
    const file = path.join(dir, 'detector.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { params: Record<string, unknown> };
    delete json.params.studentWeightDecay;
    await fs.writeFile(file, JSON.stringify(json));
    const back = await loadDetector(dir);
    expect(back.config.studentWeightDecay).toBe(0);
    const x = planted(4, SIZE, 6).images;
    const [a, b] = [await old.det.score(x, 4), await back.score(x, 4)];
    expect(maxAbsDiff(a.scores, b.scores)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.maps, b.maps)).toBeLessThan(1e-6);
    back.dispose();
    old.det.dispose();
  });

  it('rejects a negative or non-numeric studentWeightDecay, naming the parameter', () => {
    expect(() => createDetector('student-teacher', { studentWeightDecay: -1e-5 }, SIZE)).toThrow(/detector 'student-teacher': invalid parameters: studentWeightDecay: .*>=0/);
    expect(() => createDetector('student-teacher', { studentWeightDecay: '1e-5' }, SIZE)).toThrow(/studentWeightDecay: .*number/);
  });
});
