// f-AnoGAN on 16x16 blobs with a tiny network (width 4, 2 levels, latent 8) on the wasm backend: one WGAN is trained
// and its checkpoint reused for every encoder strategy (the GAN checkpoint's config holds no encoder settings).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, arrayTrainData, createDetector, loadCheckpoint, loadDetector, type TrainProgress } from '../../src/detectors/index.js';
import type { FanoganDetector, FanoganFitOptions } from '../../src/detectors/fanogan/detector.js';
import { Encoder } from '../../src/detectors/fanogan/nets.js';
import { blobs, maxAbsDiff, useWasm } from './fixtures.js';
import { TimerAbort } from '../timer-abort.js';

const SIZE = 16;
const TINY = { width: 4, levels: 2, latent: 8, nCritic: 2, iterativeSteps: 5 };
const data = arrayTrainData(blobs(16, SIZE, 1), { height: SIZE, width: SIZE });
const base: FanoganFitOptions = { epochs: 20, batchSize: 8, lr: 1e-3, seed: 5, lossEvery: 1 };
let tmp: string;
let ganDir: string;

const make = (params: Record<string, unknown> = {}) => createDetector('fanogan', { ...TINY, ...params }, SIZE) as FanoganDetector;

async function weightsOf(det: FanoganDetector): Promise<Float32Array> {
  const parts = await Promise.all([...det.gen.params.named(), ...det.critic.params.named(), ...det.enc.params.named()].map((p) => p.tensor.data()));
  return Float32Array.from(parts.flatMap((p) => Array.from(p as Float32Array)));
}

beforeAll(async () => {
  await useWasm();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-fanogan-'));
  ganDir = path.join(tmp, 'shared');
  const det = make({ strategy: 'izi' });
  const stages = new Set<string>();
  const r = await det.fit(data, { ...base, checkpoint: { dir: ganDir, everySteps: 100 }, onProgress: (p) => stages.add(p.stage ?? '') });
  expect([...stages]).toEqual(['gan', 'encoder']);
  expect(r.notes).toEqual([]); // wasm takes second-order gradients: the gradient penalty is used
  console.info(`fanogan tiny: backend ${tf.getBackend()}, GAN ${(r.stages.gan.durationMs / base.epochs).toFixed(0)} ms/epoch, encoder ${(r.stages.encoder.durationMs / base.epochs).toFixed(0)} ms/epoch`);
  det.dispose();
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

/** A detector whose GAN stage is restored from the shared checkpoint (no GAN steps run). */
async function withSharedGan(strategy: string, name: string, encoderEpochs = 40, extra: Record<string, unknown> = {}, fit: Partial<FanoganFitOptions> = {}): Promise<FanoganDetector> {
  const dir = path.join(tmp, name);
  await fs.cp(path.join(ganDir, 'gan'), path.join(dir, 'gan'), { recursive: true });
  const det = make({ strategy, encoderEpochs, ...extra });
  const r = await det.fit(data, { ...base, checkpoint: { dir, everySteps: 100 }, resume: true, ...fit });
  expect(r.stages.gan.steps).toBe(0);
  return det;
}

describe('fanogan', () => {
  // RMSProp (the default optimiser) at lr 3e-3: the authors' 5e-5 is meant for 50 000 iterations, not these 120.
  it.each([
    ['ziz', { encoderLr: 3e-3 }],
    ['izi', { encoderLr: 3e-3 }],
    ['izi_f', { encoderLr: 3e-3 }],
    ['izi_f', { encoderOptimizer: 'adam' }],
  ])('%s encoder training reduces its own loss (whole training set), %o', async (strategy, extra) => {
    // encoderEpochs 0: the encoder as initialised, against the same generator and critic.
    const before = await withSharedGan(strategy, `enc0-${strategy}`, 0);
    const after = await withSharedGan(strategy, `enc-${strategy}-${Object.values(extra).join('')}`, 60, extra);
    const x = blobs(16, SIZE, 1);
    const l0 = await before.encoderLoss(x, 16);
    const l1 = await after.encoderLoss(x, 16);
    console.info(`${strategy} ${JSON.stringify(extra)}: encoder loss ${l0.toFixed(4)} -> ${l1.toFixed(4)}`);
    expect(l1).toBeLessThan(0.97 * l0);
    before.dispose();
    after.dispose();
  });

  it('izi_f score = A_R + kappa * A_D, computed by hand from G(E(x)) and the critic features', async () => {
    const det = await withSharedGan('izi_f', 'by-hand');
    const kappa = 1;
    const x = blobs(3, SIZE, 9);
    const { scores, maps } = await det.score(x, 3);
    const [rec, fx, frec] = tf.tidy(() => {
      const t = tf.tensor4d(x, [3, SIZE, SIZE, 1]);
      const r = det.gen.generate(det.enc.encode(t), false);
      return [r, det.critic.features(t), det.critic.features(r)];
    });
    const [r, a, b] = [await rec.data(), await fx.data(), await frec.data()];
    tf.dispose([rec, fx, frec]);
    const px = SIZE * SIZE;
    const nf = det.critic.featureSize;
    for (let i = 0; i < 3; i++) {
      let ar = 0;
      for (let j = i * px; j < (i + 1) * px; j++) {
        ar += (x[j] - r[j]) ** 2;
        expect(maps[j]).toBeCloseTo((x[j] - r[j]) ** 2, 5);
      }
      let ad = 0;
      for (let j = i * nf; j < (i + 1) * nf; j++) ad += (a[j] - b[j]) ** 2;
      expect(ad).toBeGreaterThan(0);
      expect(scores[i]).toBeCloseTo(ar / px + (kappa * ad) / nf, 4);
    }
    det.dispose();
  });

  it('scoreVariants: residual + kappa * feature = the izi_f score; critic = scoreWith critic', async () => {
    const det = await withSharedGan('izi_f', 'variants');
    const x = blobs(3, SIZE, 13);
    const v = await det.scoreVariants(x, 3);
    expect(Object.keys(v).sort()).toEqual(['critic', 'feature', 'residual', 'residual+feature']);
    expect(det.mainVariant).toBe('residual+feature');
    const main = await det.score(x, 3);
    const critic = await det.scoreWith(x, 3, 'critic');
    for (let i = 0; i < 3; i++) {
      expect(v['residual+feature'].scores[i]).toBeCloseTo(v.residual.scores[i] + v.feature.scores[i], 5);
      expect(v['residual+feature'].scores[i]).toBeCloseTo(main.scores[i], 5);
      expect(v.feature.scores[i]).toBeGreaterThan(0);
    }
    expect(maxAbsDiff(v.residual.maps, main.maps)).toBeLessThan(1e-6);
    expect(maxAbsDiff(v.critic.scores, critic.scores)).toBeLessThan(1e-6);
    det.dispose();
  });

  it('critic and iterative modes give finite scores; save/load round trip keeps every mode', async () => {
    const det = await withSharedGan('izi', 'modes');
    const x = blobs(4, SIZE, 11);
    const saved = path.join(tmp, 'saved');
    await det.save(saved);
    const back = (await loadDetector(saved)) as FanoganDetector;
    expect(back.trainedSteps).toBe(det.trainedSteps);
    for (const mode of ['encoder', 'critic', 'iterative'] as const) {
      const a = await det.scoreWith(x, 4, mode);
      const b = await back.scoreWith(x, 4, mode);
      expect(Array.from(a.scores).every(Number.isFinite)).toBe(true);
      expect(Array.from(a.maps).every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(a.scores, b.scores)).toBeLessThan(1e-6);
      expect(maxAbsDiff(a.maps, b.maps)).toBeLessThan(1e-6);
    }
    // The critic baseline is -D(x).
    const d = tf.tidy(() => det.critic.score(tf.tensor4d(x, [4, SIZE, SIZE, 1])));
    expect(maxAbsDiff((await det.scoreWith(x, 4, 'critic')).scores, Array.from(await d.data(), (v) => -v))).toBeLessThan(1e-6);
    d.dispose();
    det.dispose();
    back.dispose();
  });

  it('falls back to weight clipping without second-order gradients, and says so', async () => {
    const det = make();
    const r = await det.fit(data, { ...base, epochs: 2, secondOrderGradients: false });
    expect(r.notes.join(' ')).toMatch(/weight clipping \(0\.01\)/);
    for (const v of det.critic.params.trainable()) expect(Math.max(...Array.from(await v.data(), Math.abs))).toBeLessThanOrEqual(0.01 + 1e-7);
    const dir = path.join(tmp, 'clipped');
    await det.save(dir);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'detector.json'), 'utf8')) as { notes: string[] };
    expect(json.notes).toEqual(r.notes);
    det.dispose();
    // With the gradient penalty, the critic is left unclipped.
    const gp = make();
    await gp.fit(data, { ...base, epochs: 2, secondOrderGradients: true });
    const big = await Promise.all(gp.critic.params.trainable().map(async (v) => Math.max(...Array.from(await v.data(), Math.abs))));
    expect(Math.max(...big)).toBeGreaterThan(0.05);
    gp.dispose();
  });

  it('GAN stage: abort, then resume = uninterrupted (1e-6)', async () => {
    const opts = { ...base, epochs: 2, batchSize: 4 };
    const straight = make();
    await straight.fit(data, opts);
    const expected = await weightsOf(straight);
    straight.dispose();
    const dir = path.join(tmp, 'resume');
    const ctrl = new AbortController();
    const first = make();
    const err = await first
      .fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, signal: ctrl.signal, onProgress: (p: TrainProgress) => p.stage === 'gan' && p.step === 5 && ctrl.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    first.dispose();
    const second = make();
    const r = await second.fit(data, { ...opts, checkpoint: { dir, everySteps: 100 }, resume: true });
    expect(r.stages.gan.resumedFromStep).toBe(5);
    expect(maxAbsDiff(await weightsOf(second), expected)).toBeLessThan(1e-6);
    second.dispose();
  });

  it('GAN stage (its own loop): an abort from a timer stops it at the next step with a checkpoint there', async () => {
    const dir = path.join(tmp, 'timer-abort');
    const det = make();
    const abort = new TimerAbort(2);
    try {
      const err = await det
        .fit(data, { ...base, epochs: 1000, lossEvery: 1000, checkpoint: { dir, everySteps: 1000 }, signal: abort.signal, onProgress: (p: TrainProgress) => p.stage === 'gan' && (abort.seen = p.step) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).step).toBe(abort.atAbort);
      expect(abort.seen).toBe(abort.atAbort);
      const ck = await loadCheckpoint(path.join(dir, 'gan'));
      expect(ck?.state.step).toBe(abort.atAbort);
      tf.dispose(Object.values(ck!.tensors));
    } finally {
      abort.stop();
      det.dispose();
    }
  });
});

describe('fanogan encoder optimiser', () => {
  /** The encoder stage's checkpoint: its lr and which optimiser's state it holds (tensor name prefixes). */
  async function encoderCheckpoint(name: string) {
    const ck = await loadCheckpoint(path.join(tmp, name, 'encoder'));
    const tensors = ck!.tensors;
    const prefixes = new Set(['rmsprop', 'adam'].filter((o) => Object.keys(tensors).some((k) => k.startsWith(`${o}/`))));
    return { state: ck!.state, tensors, prefixes, dispose: () => tf.dispose(Object.values(tensors)) };
  }

  it("default: TF1 RMSProp at the authors' lr 5e-5, its mean square started at ones", async () => {
    const det = await withSharedGan('izi_f', 'opt-default', 1);
    const ck = await encoderCheckpoint('opt-default');
    try {
      expect(ck.state.lr).toBe(5e-5);
      expect(ck.state.config).toMatchObject({ encoderOptimizer: 'rmsprop', encoderRmsDecay: 0.9, encoderRmsEpsilon: 1e-10, encoderOutput: 'tanh' });
      expect([...ck.prefixes]).toEqual(['rmsprop']);
      // [iterations, ms..., mom...]; after 2 steps from ones every ms >= 0.9^2 (from zeros it would be 0.19 g^2 at most).
      const slots = Object.keys(ck.tensors).filter((k) => k.startsWith('rmsprop/'));
      expect(ck.tensors['rmsprop/0'].dataSync()[0]).toBe(2);
      const ms = await ck.tensors[`rmsprop/1`].data();
      expect(slots.length).toBe(1 + 2 * det.enc.params.trainable().length);
      expect(Math.min(...Array.from(ms))).toBeGreaterThanOrEqual(0.81 - 1e-6);
    } finally {
      ck.dispose();
      det.dispose();
    }
  });

  it("encoderOptimizer adam: the earlier behaviour (Adam state, the fit's lr); encoderLr overrides either", async () => {
    const adam = await withSharedGan('izi_f', 'opt-adam', 1, { encoderOptimizer: 'adam' });
    const ck = await encoderCheckpoint('opt-adam');
    expect(ck.state.lr).toBe(base.lr);
    expect([...ck.prefixes]).toEqual(['adam']);
    expect(ck.state.config).not.toHaveProperty('encoderOptimizer'); // Adam runs keep their earlier identity
    ck.dispose();
    adam.dispose();
    const lr = await withSharedGan('izi_f', 'opt-lr', 1, { encoderLr: 2e-4 });
    const ck2 = await encoderCheckpoint('opt-lr');
    expect(ck2.state.lr).toBe(2e-4);
    expect([...ck2.prefixes]).toEqual(['rmsprop']);
    ck2.dispose();
    lr.dispose();
  });

  it('a model saved before the RMSProp default loads as trained with Adam; a new one keeps rmsprop', async () => {
    const det = await withSharedGan('izi', 'opt-saved', 1);
    const dir = path.join(tmp, 'opt-saved-model');
    await det.save(dir);
    det.dispose();
    const fresh = await loadDetector(dir);
    expect(fresh.config.encoderOptimizer).toBe('rmsprop');
    fresh.dispose();
    const file = path.join(dir, 'detector.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { params: Record<string, unknown> };
    for (const k of ['encoderOptimizer', 'encoderLr', 'encoderRmsDecay', 'encoderRmsEpsilon']) delete json.params[k];
    await fs.writeFile(file, JSON.stringify(json));
    const old = await loadDetector(dir);
    expect(old.config.encoderOptimizer).toBe('adam');
    old.dispose();
  });

  it('RMSProp encoder stage: abort, then resume = uninterrupted (1e-6)', async () => {
    const straight = await withSharedGan('izi_f', 'opt-straight', 3, { encoderLr: 1e-3 });
    const expected = await weightsOf(straight);
    straight.dispose();
    const ctrl = new AbortController();
    const err = await withSharedGan('izi_f', 'opt-resume', 3, { encoderLr: 1e-3 }, { signal: ctrl.signal, onProgress: (p) => p.stage === 'encoder' && p.step === 3 && ctrl.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const resumed = make({ strategy: 'izi_f', encoderEpochs: 3, encoderLr: 1e-3 });
    const r = await resumed.fit(data, { ...base, checkpoint: { dir: path.join(tmp, 'opt-resume'), everySteps: 100 }, resume: true });
    expect(r.stages.encoder.resumedFromStep).toBe(3);
    expect(maxAbsDiff(await weightsOf(resumed), expected)).toBeLessThan(1e-6);
    resumed.dispose();
  });

  it('rejects an unknown optimiser or a decay of 1, naming the parameter', () => {
    expect(() => make({ encoderOptimizer: 'sgd' })).toThrow(/detector 'fanogan': invalid parameters: encoderOptimizer: .*"rmsprop".*"adam"/);
    expect(() => make({ encoderRmsDecay: 1 })).toThrow(/encoderRmsDecay: /);
    expect(() => make({ encoderLr: 0 })).toThrow(/encoderLr: /);
  });
});

describe('fanogan encoder output', () => {
  it("tanh (default, the authors' tanh_fc) keeps z in (-1, 1); linear is the same dense layer unbounded", async () => {
    const shape = { inputSize: { height: SIZE, width: SIZE }, latent: TINY.latent, width: TINY.width, levels: TINY.levels };
    // Same shapes, same initialisation: the two encoders hold identical weights.
    const [tanh, linear] = [new Encoder(shape), new Encoder(shape, 'linear')];
    // A tiny input scaled up so the dense layer's pre-activation leaves (-1, 1).
    const x = Float32Array.from(blobs(2, SIZE, 3), (v) => 50 * v);
    const [zt, zl] = tf.tidy(() => {
      const t = tf.tensor4d(x, [2, SIZE, SIZE, 1]);
      return [tanh.encode(t), linear.encode(t)];
    });
    const [a, b] = [await zt.data(), await zl.data()];
    tf.dispose([zt, zl]);
    expect(Math.max(...Array.from(b, Math.abs))).toBeGreaterThan(1);
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(a[i])).toBeLessThan(1);
      expect(a[i]).toBeCloseTo(Math.tanh(b[i]), 5);
    }
    tanh.params.dispose();
    linear.params.dispose();
  });

  it('a model saved before encoderOutput loads as linear and scores as before; a tanh one keeps tanh', async () => {
    const x = blobs(4, SIZE, 17);
    const det = await withSharedGan('izi_f', 'out-linear', 1, { encoderOutput: 'linear', encoderLr: 1e-3 });
    const before = await det.score(x, 4);
    const dir = path.join(tmp, 'out-linear-model');
    await det.save(dir);
    det.dispose();
    const file = path.join(dir, 'detector.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { params: Record<string, unknown> };
    delete json.params.encoderOutput;
    await fs.writeFile(file, JSON.stringify(json));
    const old = (await loadDetector(dir)) as FanoganDetector;
    expect(old.config.encoderOutput).toBe('linear');
    const after = await old.score(x, 4);
    expect(maxAbsDiff(after.scores, before.scores)).toBeLessThan(1e-6);
    expect(maxAbsDiff(after.maps, before.maps)).toBeLessThan(1e-6);
    old.dispose();
    // The same weights read as tanh score differently: the field is what keeps the old scores.
    json.params.encoderOutput = 'tanh';
    await fs.writeFile(file, JSON.stringify(json));
    const asTanh = (await loadDetector(dir)) as FanoganDetector;
    expect(asTanh.config.encoderOutput).toBe('tanh');
    expect(maxAbsDiff((await asTanh.score(x, 4)).scores, before.scores)).toBeGreaterThan(1e-6);
    asTanh.dispose();
  });

  it('rejects an unknown encoder output, naming the parameter and the choices', () => {
    expect(() => make({ encoderOutput: 'sigmoid' })).toThrow(/detector 'fanogan': invalid parameters: encoderOutput: .*"tanh".*"linear"/);
  });
});
