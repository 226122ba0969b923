// Probe: can tfjs-backend-wasm's threaded SIMD binary run under Node? tfjs hands Emscripten a blob: URL for the
// pthread worker script and a Blob for the main script; Node's worker_threads cannot load blob: URLs. This probe
// writes both scripts to a temp folder and maps URL.createObjectURL to those files (in the main thread and, via a
// prefix in the worker script, in each worker), then times Conv2D and an AE training step with 1 vs N threads.
// Usage: tsx bench/kernels-threads-probe.ts [threads=2]   (a probe for the report, not wired into the ladder)
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const threads = Number(process.argv[2] ?? 2);
const require = createRequire(import.meta.url);
const wasmPkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const out = path.join(wasmPkg, 'wasm-out');
const dir = mkdtempSync(path.join(os.tmpdir(), 'medad-wasm-threads-'));
const mainJs = path.join(dir, 'main.js');
const workerJs = path.join(dir, 'worker.js');
writeFileSync(mainJs, readFileSync(path.join(out, 'tfjs-backend-wasm-threaded-simd.js'), 'utf8'));
const { wasmWorkerContents } = require(path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
// In the worker, the main script arrives as a Blob that it turns into an object URL and importScripts()s.
writeFileSync(workerJs, `globalThis.URL.createObjectURL = () => ${JSON.stringify(mainJs)};\nglobalThis.URL.revokeObjectURL = () => {};\n${wasmWorkerContents.replace(/\n/g, "\\n")}`); // as tfjs does before making its Blob
const realCreate = URL.createObjectURL.bind(URL);
URL.createObjectURL = (b: Blob) => (b.type === 'application/javascript' ? workerJs : b.type === 'text/javascript' ? mainJs : realCreate(b));

async function main(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.join(wasmPkg, 'dist') + path.sep);
  const { registerWasmTrainingKernels } = await import('../src/compute/index.js');
  registerWasmTrainingKernels();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const ok = await Promise.race([tf.setBackend('wasm'), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
  console.log(`simd ${String(tf.env().get('WASM_HAS_SIMD_SUPPORT'))} mt ${String(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT'))}`);
  console.log(`setBackend wasm: ${ok}; threads in use: ${ok ? wasm.getThreadsCount() : '-'}`);
  if (!ok) return;
  const x = tf.randomNormal([64, 32, 32, 16]) as tf.Tensor4D;
  const w = tf.randomNormal([4, 4, 16, 32]) as tf.Tensor4D;
  const reps = 10;
  tf.conv2d(x, w, 2, 'same').dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.conv2d(x, w, 2, 'same').dispose();
  console.log(`Conv2D [64,32,32,16] k4 s2 -> 32 ch: ${((performance.now() - t0) / reps).toFixed(1)} ms wall/call`);
  const { createDetector, arrayTrainData } = await import('../src/detectors/index.js');
  const det = createDetector('ae', {}, 64);
  const data = arrayTrainData(new Float32Array(6 * 64 * 4096).map((_, i) => Math.sin(i)), { height: 64, width: 64 });
  const stamps: number[] = [];
  await det.fit(data, { epochs: 1, batchSize: 64, lr: 1e-3, seed: 0, lossEvery: 1, onProgress: () => stamps.push(performance.now()) });
  const dts = stamps.slice(2).map((t, i) => t - stamps[i + 1]);
  console.log(`AE step (batch 64) wall ms: ${dts.map((d) => d.toFixed(0)).join(', ')}`);
  det.dispose();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error('threads probe failed:', e);
    process.exit(1);
  },
);
