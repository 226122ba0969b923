// One-shot check for the GPU machine (and a fallback run anywhere): picks the backend through medad's ladder,
// compares conv / conv-transpose forward and gradients, a whole AE gradient and a second-order gradient against a
// reference backend (wasm, or cpu when wasm itself is under test), then times AE training steps and scoring.
// Prints progress to stderr and one JSON summary line to stdout (also written to --out FILE if given).
// Usage: node check.mjs [--quick] [--steps N] [--batch B] [--score-batch N] [--out FILE]
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  describeBackend,
  initBackend,
  prepareWasm,
  probeSecondOrderGradients,
  type BackendName,
} from '../../packages/core/src/compute/index.js';
import { makeAe, timeScoring, timeTraining as timeDetectorTraining } from '../../packages/core/bench/lib/medad-ae.js';

// The bundle (.gpu/check.mjs) ships the .wasm binaries in .gpu/wasm: no node_modules travels to the GPU machine.
const shippedWasm = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wasm');
if (!process.env.MEDAD_WASM_DIR && existsSync(shippedWasm)) process.env.MEDAD_WASM_DIR = shippedWasm;

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = flag('quick');
const steps = opt('steps', quick ? 2 : 20);
const batch = opt('batch', quick ? 8 : 64);
const scoreBatch = opt('score-batch', quick ? 16 : 256);
const outIdx = args.indexOf('--out');
const log = (...m: unknown[]) => console.error('[gpu-check]', ...m);

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

async function host(ts: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
}

function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return a.length !== b.length ? Infinity : s === 0 ? d : d / s;
}

/** Runs fn on `backend` from host copies of `inputs`, returns host outputs. */
async function runOn(backend: string, inputs: Float32Array[], shapes: number[][], fn: (xs: tf.Tensor[]) => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => fn(inputs.map((d, i) => tf.tensor(d, shapes[i]))));
  const data = await host(outs);
  tf.dispose(outs);
  return data;
}

interface OpCase {
  name: string;
  shapes: number[][];
  fn: (xs: tf.Tensor[]) => tf.Tensor[];
}

function opCases(): OpCase[] {
  const cases: OpCase[] = [];
  for (const [s, pad, k, h, ci, co] of [
    [1, 'same', 3, 16, 3, 8],
    [2, 'same', 4, 16, 8, 16],
    [2, 'valid', 4, 17, 4, 4],
    [1, 'valid', 3, 9, 16, 2],
    [2, 'same', 4, 64, 1, 16],
  ] as const) {
    const b = 4;
    const conv = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad);
    const info = tf.backend_util.computeConv2DInfo([b, h, h, ci], [k, k, ci, co], s, 1, pad);
    const yShape = [b, info.outHeight, info.outWidth, co];
    cases.push({
      name: `conv2d b${b} ${h}x${h}x${ci}->${co} k${k} s${s} ${pad}`,
      shapes: [[b, h, h, ci], [k, k, ci, co], yShape],
      fn: ([x, w, r]) => [conv(x, w), ...tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(conv(a, c), r)))([x, w])],
    });
    const convT = (y: tf.Tensor, w: tf.Tensor) => tf.conv2dTranspose(y as tf.Tensor4D, w as tf.Tensor4D, [b, h, h, ci], s, pad);
    cases.push({
      name: `conv2dTranspose b${b} ${info.outHeight}x${info.outWidth}x${co}->${ci} k${k} s${s} ${pad}`,
      shapes: [yShape, [k, k, ci, co], [b, h, h, ci]],
      fn: ([y, w, r]) => [convT(y, w), ...tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(convT(a, c), r)))([y, w])],
    });
  }
  return cases;
}

/** The 64x64 AE of the reference benchmarks: enc 16-32-64-64 (4x4 s2, BN, ReLU), FC 1024->16->1024, mirrored decoder. */
function buildAE(size: number): tf.LayersModel {
  const inp = tf.input({ shape: [size, size, 1] });
  let h: tf.SymbolicTensor = inp;
  const ap = (l: tf.layers.Layer) => (h = l.apply(h) as tf.SymbolicTensor);
  for (const c of [16, 32, 64, 64]) {
    ap(tf.layers.conv2d({ filters: c, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
    ap(tf.layers.batchNormalization());
    ap(tf.layers.reLU());
  }
  const s = size / 16;
  ap(tf.layers.flatten());
  ap(tf.layers.dense({ units: 16 }));
  ap(tf.layers.dense({ units: s * s * 64 }));
  ap(tf.layers.reLU());
  ap(tf.layers.reshape({ targetShape: [s, s, 64] }));
  for (const c of [64, 32, 16]) {
    ap(tf.layers.conv2dTranspose({ filters: c, kernelSize: 4, strides: 2, padding: 'same', useBias: false }));
    ap(tf.layers.batchNormalization());
    ap(tf.layers.reLU());
  }
  ap(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same' }));
  return tf.model({ inputs: inp, outputs: h });
}

async function aeGradients(backend: string, m: tf.LayersModel, xData: Float32Array, shape: number[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.tensor(xData, shape);
  const { grads, value } = tf.variableGrads(() => tf.losses.meanSquaredError(x, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  const names = Object.keys(grads).sort();
  const out = await host([value, ...names.map((n) => grads[n])]);
  tf.dispose([x, value, ...Object.values(grads)]);
  return out;
}

async function timeTraining(size: number): Promise<{ trainMsPerStep: number; scoreImagesPerS: number }> {
  const m = buildAE(size);
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x = rand([batch, size, size, 1], 11);
  for (let i = 0; i < 2; i++) await m.trainOnBatch(x, x);
  let t0 = performance.now();
  for (let i = 0; i < steps; i++) await m.trainOnBatch(x, x);
  const trainMsPerStep = (performance.now() - t0) / steps;
  const xs = rand([scoreBatch, size, size, 1], 12);
  const score = async () => {
    const e = tf.tidy(() => tf.mean(tf.square(tf.sub(m.predict(xs) as tf.Tensor, xs)), [1, 2, 3]));
    await e.data();
    e.dispose();
  };
  await score();
  const n = quick ? 2 : 5;
  t0 = performance.now();
  for (let i = 0; i < n; i++) await score();
  const scoreImagesPerS = (scoreBatch * n) / ((performance.now() - t0) / 1000);
  tf.dispose([x, xs]);
  m.dispose();
  return { trainMsPerStep: +trainMsPerStep.toFixed(2), scoreImagesPerS: +scoreImagesPerS.toFixed(1) };
}

interface DetectorTiming {
  /** medad's `ae` detector (what `medad train` runs): median ms/step per batch size, loss read back every step. */
  train: { batch: number; msPerStep: number }[];
  /** Least-squares line through those points: the per-step cost that does not grow with the batch, and per image. */
  fixedMsPerStep: number;
  msPerImage: number;
  /** Batch 64 again with the loss read back every 10th step: what the per-step read-back costs. */
  lossEvery10MsPerStep: number;
  /** detector.score (image score + map read back) on 4 x its scoring batch of noise images. */
  scoreImagesPerS: number;
  /** The kernels of one batch-64 training step (tf.profile): count, and the ten slowest by kernel time. */
  profile: { kernels: number; wallMs: number; top: { name: string; calls: number; ms: number }[] };
}

/** The pipeline's own path on the active backend: batch sweep (the fixed per-step cost), read-back cost, profile. */
async function timeDetector(): Promise<DetectorTiming> {
  const batches = quick ? [8, 16] : [16, 64, 256];
  const train: DetectorTiming['train'] = [];
  for (const b of batches) {
    const det = makeAe(64);
    try {
      train.push({ batch: b, msPerStep: (await timeDetectorTraining(det, steps, 3, b)).msPerStep });
    } finally {
      det.dispose();
    }
    log('detector', train[train.length - 1]);
  }
  const mx = train.reduce((a, p) => a + p.batch, 0) / train.length;
  const my = train.reduce((a, p) => a + p.msPerStep, 0) / train.length;
  const sxy = train.reduce((a, p) => a + (p.batch - mx) * (p.msPerStep - my), 0);
  const sxx = train.reduce((a, p) => a + (p.batch - mx) ** 2, 0);
  const msPerImage = sxx > 0 ? sxy / sxx : 0;
  const det = makeAe(64);
  try {
    const lossEvery10MsPerStep = (await timeDetectorTraining(det, steps, 3, quick ? 8 : 64, 10)).msPerStep;
    const scoreImagesPerS = (await timeScoring(det, quick ? 64 : 4 * 256)).imagesPerS;
    // One more step under tf.profile: which kernels run and which take the time.
    const one = makeAe(64);
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await timeDetectorTraining(one, 1, 0, quick ? 8 : 64);
    });
    const wallMs = performance.now() - t0;
    one.dispose();
    const byName = new Map<string, { calls: number; ms: number }>();
    for (const k of info.kernels) {
      const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
      e.calls++;
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byName.set(k.name, e);
    }
    const top = [...byName.entries()].map(([name, e]) => ({ name, calls: e.calls, ms: +e.ms.toFixed(2) })).sort((a, b) => b.ms - a.ms).slice(0, 10);
    return {
      train,
      fixedMsPerStep: +(my - msPerImage * mx).toFixed(2),
      msPerImage: +msPerImage.toFixed(4),
      lossEvery10MsPerStep,
      scoreImagesPerS,
      profile: { kernels: info.kernels.length, wallMs: +wallMs.toFixed(1), top },
    };
  } finally {
    det.dispose();
  }
}

async function main(): Promise<void> {
  const report = await initBackend({ threads: opt('threads', 1) });
  const active: BackendName = report.backend;
  log('backend:', describeBackend(report));
  await prepareWasm();
  const reference = active === 'wasm' || active === 'cpu' ? 'cpu' : 'wasm';
  const tol = active === 'webgpu' ? 1e-3 : 1e-4; // GPU convs may accumulate in another order (and use TF32-like paths)

  const ops: { name: string; maxRelErr: number; ok: boolean }[] = [];
  for (const [i, c] of opCases().entries()) {
    if (quick && i >= 4) break;
    const inputs = c.shapes.map((s, j) => tf.tidy(() => rand(s, 100 * i + j).dataSync() as Float32Array));
    const ref = await runOn(reference, inputs, c.shapes, c.fn);
    const got = await runOn(active, inputs, c.shapes, c.fn);
    const err = Math.max(...got.map((g, j) => relErr(g, ref[j])));
    ops.push({ name: c.name, maxRelErr: err, ok: err <= tol });
    log(c.name, err.toExponential(2));
  }

  await tf.setBackend(active);
  const ae = buildAE(32);
  const xShape = [4, 32, 32, 1];
  const xData = tf.tidy(() => rand(xShape, 7).dataSync() as Float32Array);
  const gRef = await aeGradients(reference, ae, xData, xShape);
  const gGot = await aeGradients(active, ae, xData, xShape);
  const aeErr = Math.max(...gGot.map((g, j) => relErr(g, gRef[j])));
  ae.dispose();
  log('AE loss+gradients', aeErr.toExponential(2));

  await tf.setBackend(reference);
  const so = { reference: probeSecondOrderGradients(), active: NaN, error: '' };
  await tf.setBackend(active);
  try {
    so.active = probeSecondOrderGradients();
  } catch (e) {
    so.error = (e as Error).message.split('\n')[0];
  }
  const soErr = Math.abs(so.active - so.reference) / so.reference;
  log('second-order gradients', so.error || soErr.toExponential(2));

  log(`timing AE 64x64 batch ${batch}, ${steps} steps`);
  const timing = await timeTraining(64);
  log(timing);
  log('timing medad\'s ae detector (batch sweep, read-back, profile)');
  const detector = await timeDetector();
  log(detector);

  const summary = {
    backend: active,
    report,
    reference,
    tolerance: tol,
    ops,
    aeGradients: { maxRelErr: aeErr, ok: aeErr <= tol * 10 },
    secondOrder: { ...so, relErr: soErr, ok: !so.error && soErr <= tol * 10 },
    timing: { size: 64, batch, steps, scoreBatch, ...timing },
    detector,
    allOk: ops.every((o) => o.ok) && aeErr <= tol * 10 && !so.error && soErr <= tol * 10,
    numTensors: tf.memory().numTensors,
  };
  const line = JSON.stringify(summary);
  if (outIdx >= 0) writeFileSync(args[outIdx + 1], line + '\n');
  console.log(line);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('[gpu-check] FAILED:', e);
    process.exit(1);
  },
);
