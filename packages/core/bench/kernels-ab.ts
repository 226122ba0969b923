// Before/after of medad's wasm kernel replacements in ONE process (so both see the same machine load), beside
// PyTorch (torch_ae.py, 1 and 2 threads) run in between: AE 64x64 training ms/step (batch 64, Adam) and scoring
// images/s. Wall and CPU time are both reported: on a shared, loaded machine CPU time tracks the work better.
// Usage: tsx bench/kernels-ab.ts [--rounds N] [--steps N] [--score-images N] [--no-torch]
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, registerWasmTrainingKernels, restoreStockWasmKernels } from '../src/compute/index.js';
import { createDetector, type Detector } from '../src/detectors/index.js';
import { timeFitSteps } from './lib/fit-steps.js';
import { runTorch } from './lib/torch-ref.js';
import { cpuMs, median, noise } from './lib/stats.js';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');

/** Median wall and CPU ms per step after `warmup` steps. */
async function train(det: Detector, steps: number, warmup = 2): Promise<{ wall: number; cpu: number }> {
  const r = await timeFitSteps(det, steps, warmup);
  return { wall: median(r.wall.slice(warmup)), cpu: median(r.cpu.slice(warmup)) };
}

async function score(det: Detector, images: number): Promise<{ wall: number; cpu: number }> {
  const x = noise(images * 4096);
  await det.score(x.subarray(0, 64 * 4096), 64);
  const t = performance.now();
  const c = cpuMs();
  await det.score(x, images);
  return { wall: (images / (performance.now() - t)) * 1000, cpu: (images / (cpuMs() - c)) * 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { rounds: { type: 'string' }, steps: { type: 'string' }, 'score-images': { type: 'string' }, 'no-torch': { type: 'boolean' } } });
  const rounds = Number(values.rounds ?? 2);
  const steps = Number(values.steps ?? 6);
  const scoreImages = Number(values['score-images'] ?? 512);
  const backend = await initBackend();
  console.log(`backend: ${describeBackend(backend)}`);
  const f = (v: number) => v.toFixed(0).padStart(8);
  console.log(`${'round impl'.padEnd(34)}${'ms/step'.padStart(8)}${'CPU ms'.padStart(8)}${'img/s'.padStart(8)}${'img/CPUs'.padStart(9)}`);
  for (let r = 1; r <= rounds; r++) {
    for (const variant of r % 2 ? ['stock', 'medad'] : ['medad', 'stock']) {
      if (variant === 'stock') restoreStockWasmKernels();
      else registerWasmTrainingKernels();
      const det = createDetector('ae', {}, 64);
      const t = await train(det, steps);
      const s = await score(det, scoreImages);
      det.dispose();
      console.log(`${`${r} tfjs-wasm ${variant === 'stock' ? 'stock kernels' : 'medad kernels'}`.padEnd(34)}${f(t.wall)}${f(t.cpu)}${f(s.wall)}${f(s.cpu).padStart(9)}`);
    }
    if (!values['no-torch']) {
      for (const threads of [1, 2]) {
        const o = await runTorch('/usr/bin/python3', path.join(SHARED, 'bench/torch_ae.py'), 10, 64, threads);
        if (o.ok) console.log(`${`${r} ${o.result.impl} ${threads}t`.padEnd(34)}${f(o.result.train_ms_per_step)}${'-'.padStart(8)}${f(o.result.infer_images_per_s)}${'-'.padStart(9)}`);
        else console.log(`${r} torch ${threads}t: not run (${o.reason})`);
      }
    }
  }
  console.log(`leftover tensors: ${tf.memory().numTensors}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
