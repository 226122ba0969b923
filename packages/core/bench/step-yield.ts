// What the per-step yield to the event loop (detectors/api.ts yieldToEventLoop, awaited by every training loop
// so a cancel is seen within one step) costs: its own time per call, against the time of one step of a tiny AE
// (16x16, the smallest run a user makes). Run: npx tsx bench/step-yield.ts [--backend cpu|wasm]. Prints JSON.
import * as os from 'node:os';
import { initBackend, type BackendName } from '../src/compute/index.js';
import { arrayTrainData, createDetector, yieldToEventLoop } from '../src/detectors/index.js';

const flag = process.argv.indexOf('--backend');
const prefer = (flag > 0 ? process.argv[flag + 1] : 'wasm') as BackendName;

async function yieldUs(calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await yieldToEventLoop();
  return ((performance.now() - t0) * 1000) / calls;
}

async function main(): Promise<void> {
  const backend = await initBackend({ prefer });
  await yieldUs(1000); // warm-up
  const us = [await yieldUs(20_000), await yieldUs(20_000), await yieldUs(20_000)].sort((a, b) => a - b)[1];
  const size = 16;
  const n = 32;
  const images = new Float32Array(n * size * size).map((_, i) => Math.sin(i * 0.37));
  const det = createDetector('ae', { channels: [8, 8] }, size);
  const data = arrayTrainData(images, { height: size, width: size });
  await det.fit(data, { epochs: 2, batchSize: 8, lr: 1e-3, seed: 0 }); // warm-up
  const r = await det.fit(data, { epochs: 25, batchSize: 8, lr: 1e-3, seed: 0 });
  det.dispose();
  const msPerStep = r.durationMs / r.steps;
  console.log(
    JSON.stringify({ backend: backend.backend, load1: os.loadavg()[0], yieldUsPerCall: +us.toFixed(2), tinyAeMsPerStep: +msPerStep.toFixed(3), yieldShareOfStep: +(us / 1000 / msPerStep).toExponential(2) }, null, 2),
  );
}

await main();
