// Per-kernel profile of AE training steps (64x64, batch 64, Adam) and scoring on the active backend (wasm here).
// Every kernel registered for the backend is wrapped with a timer that records *exclusive* time (a JS kernel that
// calls other kernels is charged only for its own work), so the shares add up to the step time. Times are CPU time
// of this process (process.cpuUsage): on a shared, loaded machine wall time mostly measures the neighbours.
// Usage: tsx bench/kernels-profile.ts [--steps N] [--score-images N] [--top N] [--shapes (one row per kernel + input shapes)]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/compute/index.js';
import { createDetector } from '../src/detectors/index.js';
import { timeFitSteps } from './lib/fit-steps.js';
import { cpuMs, noise } from './lib/stats.js';

interface Stat {
  calls: number;
  ms: number;
}

/** Re-registers every kernel of `backend` behind an exclusive-time timer; returns the live stats table. */
function instrument(backend: string, byShape: boolean): Map<string, Stat> {
  const stats = new Map<string, Stat>();
  let childMs = 0; // time spent in nested kernels of the kernel now running
  for (const cfg of tf.getKernelsForBackend(backend)) {
    const inner = cfg.kernelFunc;
    const name = cfg.kernelName;
    tf.unregisterKernel(name, backend);
    tf.registerKernel({
      ...cfg,
      kernelFunc: (args) => {
        const outerChild = childMs;
        childMs = 0;
        const key = byShape ? `${name} ${Object.values(args.inputs).map((t) => `[${t?.shape ?? ''}]`).join(' ')}` : name;
        const t0 = cpuMs();
        try {
          return inner(args);
        } finally {
          const total = cpuMs() - t0;
          const s = stats.get(key) ?? { calls: 0, ms: 0 };
          s.calls++;
          s.ms += total - childMs;
          stats.set(key, s);
          childMs = outerChild + total;
        }
      },
    });
  }
  return stats;
}

function table(stats: Map<string, Stat>, perUnit: number, unit: string, top: number, width: number): string {
  const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((a, [, s]) => a + s.ms, 0);
  const lines = rows.slice(0, top).map(([k, s]) => `${k.padEnd(width)}${(s.ms / perUnit).toFixed(1).padStart(9)} ms${((100 * s.ms) / total).toFixed(1).padStart(7)} %${String(s.calls / perUnit).padStart(8)} calls`);
  const calls = rows.reduce((a, [, s]) => a + s.calls, 0);
  return [`kernel time per ${unit}: ${(total / perUnit).toFixed(1)} ms in ${calls / perUnit} kernel calls`, ...lines].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { steps: { type: 'string' }, 'score-images': { type: 'string' }, top: { type: 'string' }, shapes: { type: 'boolean' } } });
  const steps = Number(values.steps ?? 5);
  const scoreImages = Number(values['score-images'] ?? 256);
  const top = Number(values.top ?? 15);
  const backend = await initBackend();
  console.log(`backend: ${describeBackend(backend)}`);
  const stats = instrument(tf.getBackend(), values.shapes === true);
  const det = createDetector('ae', {}, 64);
  const warmup = 2;
  const r = await timeFitSteps(det, steps, warmup, { noiseSeed: 12345, onStep: (step) => step === warmup && stats.clear() });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const wall = mean(r.wall.slice(warmup));
  const cpu = mean(r.cpu.slice(warmup));
  console.log(`\nAE training, batch 64, Adam: ${wall.toFixed(1)} ms/step wall, ${cpu.toFixed(1)} ms/step CPU over ${steps} steps`);
  console.log(table(stats, steps, 'step', top, values.shapes ? 64 : 28));

  const x = noise(scoreImages * 4096, 12345);
  await det.score(x.subarray(0, 64 * 4096), 64);
  stats.clear();
  const t0 = performance.now();
  const c0 = cpuMs();
  await det.score(x, scoreImages);
  const ms = performance.now() - t0;
  const cms = cpuMs() - c0;
  console.log(`\nAE scoring: ${((scoreImages / ms) * 1000).toFixed(1)} images/s wall, ${((scoreImages / cms) * 1000).toFixed(1)} images per CPU-second`);
  console.log(table(stats, scoreImages / 64, 'batch of 64', top, values.shapes ? 64 : 28));
  det.dispose();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
