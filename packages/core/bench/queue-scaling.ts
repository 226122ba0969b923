// Benchmark (not a test) of the BullMQ queue on this machine: images/s of sharded scoring with 1, 2 and 3
// `medad worker` processes (wasm, one thread each) against scoring in one process, the per-job overheads (queue
// latency: submit -> a worker starts it; round trip of a one-image job as a client sees it) and the size of a
// training checkpoint (what a resumed job reads back). Needs redis-server (tools/setup/system-deps.sh installs it).
//   npx tsx packages/core/bench/queue-scaling.ts [--images 3000] [--out bench-results]
// Writes <out>/queue-scaling-<time>.json and queue-scaling-latest.json. See docs/distributed.md for the figures.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Job } from 'bullmq';
import { demoPhantom, encodeGray8, writeDemoDataset } from '../src/demo/dataset.js';
import { writeJsonAtomic } from '../src/model/atomic.js';
import { evaluate } from '../src/pipeline/evaluate.js';
import { scoreFiles } from '../src/pipeline/score.js';
import { train } from '../src/pipeline/train.js';
import { openQueue } from '../src/queue/connection.js';
import { listWorkers } from '../src/queue/registry.js';
import { scoreSharded } from '../src/queue/shard-score.js';
import { submitJob, waitForJob } from '../src/queue/submit.js';
import { BIN, CHILD_ENV, startChild, startRedis, until, type Child } from '../test/queue/procs.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (s: string) => process.stderr.write(`${s}\n`);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true })) n += e.isDirectory() ? await dirBytes(path.join(dir, e.name)) : (await fs.stat(path.join(dir, e.name))).size;
  return n;
}

async function main(): Promise<void> {
  process.env.MEDAD_BACKEND = 'wasm';
  process.env.MEDAD_WASM_THREADS = '1';
  const nImages = Number(arg('images', '3000'));
  const outDir = path.resolve(arg('out', path.join(REPO, 'bench-results')));
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-qbench-'));
  const loadBefore = os.loadavg()[0];
  const redis = await startRedis(path.join(root, 'redis'));
  const q = await openQueue(redis.url);
  const workers: Child[] = [];
  try {
    log('training a small model (64x64 demo AE, 1 epoch) ...');
    const demo = await writeDemoDataset(path.join(root, 'demo'), { epochs: 1, bootstrapSamples: 0 });
    const t = await train(demo.experimentConfig);
    await evaluate(t.runDir);
    const checkpointBytes = await dirBytes(path.join(t.runDir, 'checkpoint'));
    const modelBytes = await dirBytes(path.join(t.runDir, 'model'));

    log(`writing ${nImages} 64x64 phantoms ...`);
    const images = path.join(root, 'archive');
    await fs.mkdir(images);
    for (let i = 0; i < nImages; i++) {
      const p = demoPhantom(11, (i % 3) as 0 | 1 | 2, i, 64);
      await fs.writeFile(path.join(images, `p_${String(i).padStart(5, '0')}.png`), await encodeGray8(p.image, 64, 64));
    }

    log('scoring in this process (wasm, 1 thread) ...');
    let t0 = Date.now();
    await scoreFiles(t.runDir, images, { out: path.join(root, 'local') });
    const localMs = Date.now() - t0;
    log(`  one process: ${(nImages / (localMs / 1000)).toFixed(1)} images/s`);

    const rows: { workers: number; ms: number; imagesPerS: number }[] = [];
    for (const n of [1, 2, 3]) {
      while (workers.length < n) workers.push(startChild(process.execPath, [BIN, 'worker', '--queue', redis.url, '--root', root], path.join(root, `w${workers.length}.log`), { cwd: root, env: CHILD_ENV }));
      await until(`${n} workers`, async () => (await listWorkers(q.redis)).length === n, 180_000, 200);
      log(`sharded scoring with ${n} worker(s) ...`);
      t0 = Date.now();
      await scoreSharded(q, t.runDir, [images], { out: path.join(root, `sharded-${n}`), shardSize: 256 });
      const ms = Date.now() - t0;
      rows.push({ workers: n, ms, imagesPerS: nImages / (ms / 1000) });
      log(`  ${n} worker(s): ${(nImages / (ms / 1000)).toFixed(1)} images/s`);
    }

    log('per-job overheads (1-image jobs, one at a time, 3 idle workers) ...');
    const one = (await fs.readdir(images)).slice(0, 1).map((f) => path.join(images, f));
    const lat: { queueMs: number; computeMs: number; roundTripMs: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const s = Date.now();
      const id = await submitJob(q, { kind: 'score-shard', model: t.runDir, files: one, shardDir: path.join(root, 'lat', String(i)), maps: false });
      await waitForJob(q, id, { pollMs: 10 });
      const roundTripMs = Date.now() - s;
      const job = (await Job.fromId(q.queue, id))!;
      lat.push({ queueMs: (job.processedOn ?? 0) - job.timestamp, computeMs: (job.finishedOn ?? 0) - (job.processedOn ?? 0), roundTripMs });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result = {
      when: new Date().toISOString(),
      host: os.hostname(),
      cpus: os.cpus().length,
      loadavgBefore: loadBefore,
      loadavgAfter: os.loadavg()[0],
      images: nImages,
      imageSize: [64, 64],
      shardSize: 256,
      local: { ms: localMs, imagesPerS: nImages / (localMs / 1000) },
      sharded: rows,
      perJob: { queueLatencyMsMedian: med(lat.map((l) => l.queueMs)), roundTripMsMedian: med(lat.map((l) => l.roundTripMs)), computeMsMedian: med(lat.map((l) => l.computeMs)), samples: lat },
      checkpointBytes,
      modelBytes,
    };
    await fs.mkdir(outDir, { recursive: true });
    const stamp = result.when.replace(/[:.]/g, '-');
    await writeJsonAtomic(path.join(outDir, `queue-scaling-${stamp}.json`), result);
    await writeJsonAtomic(path.join(outDir, 'queue-scaling-latest.json'), result);
    console.log(`images: ${nImages} at 64x64, shards of 256; load average ${loadBefore.toFixed(1)} -> ${result.loadavgAfter.toFixed(1)} on ${result.cpus} CPUs`);
    console.log(`in one process:  ${result.local.imagesPerS.toFixed(1)} images/s`);
    for (const r of rows) console.log(`${r.workers} worker(s):     ${r.imagesPerS.toFixed(1)} images/s (${(r.ms / 1000).toFixed(1)} s)`);
    console.log(`per job: queue latency ${result.perJob.queueLatencyMsMedian} ms, 1-image round trip ${result.perJob.roundTripMsMedian} ms (compute ${result.perJob.computeMsMedian} ms) (medians of 10)`);
    console.log(`checkpoint ${(checkpointBytes / 1024).toFixed(0)} KiB, model ${(modelBytes / 1024).toFixed(0)} KiB`);
  } finally {
    for (const w of workers) w.proc.kill('SIGKILL');
    await q.close();
    await redis.stop();
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
