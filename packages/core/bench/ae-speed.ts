// Speed benchmark of the 64x64 benchmark autoencoder (`ae`): medad on the backend the ladder picks vs PyTorch
// (torch_ae.py, 1 and 2 threads) on the same machine in the same run, plus data-loading throughput.
// Prints a table and writes bench-results/ae-speed-<time>.json (and ae-speed-latest.json). See docs/results.md.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../src/compute/index.js';
import { withSizedThreadPool } from '../src/io/threadpool.js';
import { writeJsonAtomic } from '../src/model/atomic.js';
import { parseBenchArgs, USAGE } from './lib/args.js';
import { loadingFiles, timeLoading, timeStreamedTraining, type OverlapTiming } from './lib/io-speed.js';
import { makeAe, timeScoring, timeTraining } from './lib/medad-ae.js';
import { round } from './lib/stats.js';
import { runTorch, type TorchOutcome } from './lib/torch-ref.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SHARED = path.resolve(REPO, '../shared');
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  withSizedThreadPool(); // the loader's threads, as the medad bin sizes them (src/io/threadpool.ts)
  const args = parseBenchArgs(process.argv.slice(2), { out: path.join(REPO, 'bench-results'), torchScript: path.join(SHARED, 'bench/torch_ae.py') });
  if (args === 'help') return void console.log(USAGE);
  const started = Date.now();
  // A shared machine's load skews every timing here; it is recorded beside them.
  const loadBefore = os.loadavg()[0];

  const backend = await initBackend();
  log(`backend: ${describeBackend(backend)}`);
  const det = makeAe(64);
  log(`medad: training ${args.warmup} + ${args.steps} steps at batch 64...`);
  const train = await timeTraining(det, args.steps, args.warmup);
  log(`medad: scoring ${args.scoreImages} images...`);
  const score = await timeScoring(det, args.scoreImages);
  det.dispose();
  const leftover = tf.memory().numTensors;

  const torch: { threads: number; outcome: TorchOutcome }[] = [];
  if (args.torch) {
    for (const threads of [1, 2]) {
      log(`torch: ${args.steps} steps, ${threads} thread(s)...`);
      torch.push({ threads, outcome: await runTorch(args.python, args.torchScript, args.steps, 64, threads) });
    }
  }

  log('data loading...');
  const src = await loadingFiles(args.data, path.join(SHARED, 'data/chest-xray-pneumonia/train/normal'), args.files);
  let io: Awaited<ReturnType<typeof timeLoading>>;
  let overlap: OverlapTiming | string;
  try {
    io = await timeLoading(src.files, src.source);
    log('training from memory, then streamed from disk...');
    overlap = src.files.length >= 320 ? await timeStreamedTraining(src.files) : `not run: ${src.files.length} files, needs 320 (--files)`;
  } finally {
    await src.cleanup?.();
  }

  const rows = [
    { impl: `medad ${backend.backend}`, threads: backend.threads ?? 1, msPerStep: train.msPerStep, imagesPerS: score.imagesPerS },
    ...torch.flatMap(({ outcome }) =>
      outcome.ok ? [{ impl: outcome.result.impl, threads: outcome.result.threads, msPerStep: outcome.result.train_ms_per_step, imagesPerS: outcome.result.infer_images_per_s }] : [],
    ),
  ];
  const ratios = rows.slice(1).map((r) => ({ vs: `${r.impl} ${r.threads}t`, msPerStepRatio: round(train.msPerStep / r.msPerStep, 2), imagesPerSRatio: round(score.imagesPerS / r.imagesPerS, 3) }));

  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const lines = [
    `AE 64x64 (channels 16-32-64-64, latent 16), batch 64, Adam 1e-3 — medad on ${describeBackend(backend)}`,
    `medad train: median of ${train.timedSteps} steps after ${train.warmupSteps} warm-up (p10 ${train.p10}, p90 ${train.p90} ms); ` +
      `scoring: ${score.images} images in batches of ${score.batch}, image score + anomaly map read back`,
    `torch: torch_ae.py cpu ${args.steps} 64 <threads> (mean of the steps after 3 warm-up; inference at batch 256, score only)`,
    '',
    `${pad('implementation', 30)}${pad('threads', 9)}${pad('train ms/step', 15)}images/s`,
    ...rows.map((r) => `${pad(r.impl, 30)}${pad(r.threads, 9)}${pad(r.msPerStep, 15)}${r.imagesPerS}`),
    ...torch.filter((t) => !t.outcome.ok).map((t) => `torch ${t.threads} thread(s): not run (${(t.outcome as { reason: string }).reason})`),
    '',
    ...ratios.map((r) => `medad / ${r.vs}: ms/step x${r.msPerStepRatio} (lower is better), images/s x${r.imagesPerSRatio} (higher is better)`),
    '',
    `data loading (${io.source}, ${io.files} files -> 64x64 area, minus1to1): loadImage one by one ${io.loadImagePerS} images/s; streamBatches(64, prefetch 2) ${io.streamBatchesPerS} images/s`,
    typeof overlap === 'string'
      ? `training while loading: ${overlap}`
      : `training while loading (${overlap.steps} steps of 64 of those files): ${overlap.inMemoryMsPerStep} ms/step from memory, ${overlap.streamedMsPerStep} ms/step decoding the next batches meanwhile`,
    `total ${((Date.now() - started) / 1000).toFixed(0)} s; 1-min load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after, on ${os.cpus().length} cores`,
  ];
  console.log(lines.join('\n'));

  const result = {
    format: 'medad-bench-ae-speed/1',
    at: new Date().toISOString(),
    backend: { name: backend.backend, description: describeBackend(backend), reasons: backend.reasons, threads: backend.threads, simd: backend.simd, versions: backend.versions },
    medad: { train, score, leftoverTensors: leftover },
    torch: torch.map(({ threads, outcome }) => ({ threads, ...(outcome.ok ? { result: outcome.result, wallMs: round(outcome.wallMs) } : { skipped: outcome.reason }) })),
    ratios,
    io,
    overlap,
    totalS: round((Date.now() - started) / 1000),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAvgBefore: round(loadBefore, 2), loadAvgAfter: round(os.loadavg()[0], 2) },
  };
  await fs.mkdir(args.out, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, '-');
  await writeJsonAtomic(path.join(args.out, `ae-speed-${stamp}.json`), result);
  await writeJsonAtomic(path.join(args.out, 'ae-speed-latest.json'), result);
  log(`wrote ${path.join(args.out, `ae-speed-${stamp}.json`)}`);
}

main().then(
  () => process.exit(0), // tfjs keeps handles that would hold the process open
  (e: unknown) => {
    log(`ae-speed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
