// wasm at 1 vs N threads (the threaded build, src/compute/wasm-threads.ts) beside PyTorch at 1 and 2 threads, in one
// run: AE 64x64 training ms/step (batch 64, Adam) and scoring images/s. A process holds one wasm module, so each
// tfjs measurement runs in a child process of this script. Wall time, CPU time (all threads) and the load average
// are reported: on a shared, loaded machine wall time alone says little. Also checks that the training losses at
// N threads equal those at 1 thread (same seed and data).
// Usage: tsx bench/kernels-threads-ab.ts [--rounds N] [--steps N] [--score-images N] [--threads 1,2] [--no-torch]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMs, median, noise } from './lib/stats.js';

const HERE = fileURLToPath(import.meta.url);
const TORCH = path.resolve(path.dirname(HERE), '../../../../shared/bench/torch_ae.py');
const PYTHON = '/usr/bin/python3';

interface TfjsResult {
  backend: string;
  threads: number;
  trainWall: number;
  trainCpu: number;
  scoreWall: number;
  scoreCpu: number;
  losses: number[];
}

/** Child mode: one tfjs-wasm measurement at `threads`, printed as one JSON line. */
async function child(threads: number, steps: number, scoreImages: number): Promise<void> {
  const { describeBackend, initBackend } = await import('../src/compute/index.js');
  const { createDetector } = await import('../src/detectors/index.js');
  const { timeFitSteps } = await import('./lib/fit-steps.js');
  const backend = await initBackend({ prefer: 'wasm', threads, env: {} });
  const det = createDetector('ae', {}, 64);
  const warmup = 2;
  const { wall, cpu, losses } = await timeFitSteps(det, steps, warmup);
  const x = noise(scoreImages * 4096);
  await det.score(x.subarray(0, 64 * 4096), 64);
  const t0 = performance.now();
  const c0 = cpuMs();
  await det.score(x, scoreImages);
  const r: TfjsResult = {
    backend: describeBackend(backend).split(';')[0],
    threads: backend.threads ?? 1,
    trainWall: median(wall.slice(warmup)),
    trainCpu: median(cpu.slice(warmup)),
    scoreWall: (scoreImages / (performance.now() - t0)) * 1000,
    scoreCpu: (scoreImages / (cpuMs() - c0)) * 1000,
    losses,
  };
  det.dispose();
  console.log(JSON.stringify(r));
}

/** Runs a command; returns its last stdout line and its wall / CPU seconds (children's rusage via /usr/bin/time). */
function run(cmd: string, args: string[]): Promise<{ line: string; wallS: number; cpuS: number | null; err: string }> {
  const timed = existsSync('/usr/bin/time');
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = timed ? spawn('/usr/bin/time', ['-f', 'RUSAGE %U %S', cmd, ...args]) : spawn(cmd, args);
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', () => {
      const m = /RUSAGE ([\d.]+) ([\d.]+)/.exec(err);
      resolve({
        line: out.trim().split('\n').pop() ?? '',
        wallS: (performance.now() - t0) / 1000,
        cpuS: m ? Number(m[1]) + Number(m[2]) : null,
        err: err.replace(/RUSAGE.*\n?/, '').trim().split('\n').pop() ?? '',
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      child: { type: 'boolean' },
      threads: { type: 'string' },
      rounds: { type: 'string' },
      steps: { type: 'string' },
      'score-images': { type: 'string' },
      'no-torch': { type: 'boolean' },
    },
  });
  const steps = Number(values.steps ?? 6);
  const scoreImages = Number(values['score-images'] ?? 512);
  if (values.child) return child(Number(values.threads ?? 1), steps, scoreImages);
  const threadCounts = (values.threads ?? '1,2').split(',').map(Number);
  const rounds = Number(values.rounds ?? 2);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; load average at start ${load()}`);
  const f = (v: number, w = 8) => v.toFixed(0).padStart(w);
  console.log(`${'round impl'.padEnd(30)}${'ms/step'.padStart(8)}${'CPUms/st'.padStart(9)}${'img/s'.padStart(8)}${'img/CPUs'.padStart(9)}${'proc wall/CPU s'.padStart(17)}  load(1m)`);
  const lossesAt = new Map<number, number[]>();
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 ? threadCounts : [...threadCounts].reverse();
    for (const n of order) {
      const l0 = os.loadavg()[0].toFixed(2);
      const o = await run(process.execPath, [...process.execArgv, HERE, '--child', '--threads', String(n), '--steps', String(steps), '--score-images', String(scoreImages)]);
      let res: TfjsResult;
      try {
        res = JSON.parse(o.line) as TfjsResult;
      } catch {
        console.log(`${r} tfjs-wasm ${n}t: failed (${o.err || o.line})`);
        continue;
      }
      if (!lossesAt.has(res.threads)) lossesAt.set(res.threads, res.losses);
      const proc = `${o.wallS.toFixed(1)}/${o.cpuS?.toFixed(1) ?? '?'}`;
      console.log(`${`${r} tfjs-wasm ${res.threads}t`.padEnd(30)}${f(res.trainWall)}${f(res.trainCpu, 9)}${f(res.scoreWall)}${f(res.scoreCpu, 9)}${proc.padStart(17)}  ${l0}`);
    }
    if (values['no-torch']) continue;
    for (const n of r % 2 ? [1, 2] : [2, 1]) {
      if (!existsSync(TORCH)) {
        console.log(`torch: ${TORCH} not found`);
        break;
      }
      const l0 = os.loadavg()[0].toFixed(2);
      const o = await run(PYTHON, [TORCH, 'cpu', '10', '64', String(n)]);
      try {
        const t = JSON.parse(o.line) as { impl: string; train_ms_per_step: number; infer_images_per_s: number };
        const proc = `${o.wallS.toFixed(1)}/${o.cpuS?.toFixed(1) ?? '?'}`;
        console.log(`${`${r} ${t.impl} ${n}t`.padEnd(30)}${f(t.train_ms_per_step)}${'-'.padStart(9)}${f(t.infer_images_per_s)}${'-'.padStart(9)}${proc.padStart(17)}  ${l0}`);
      } catch {
        console.log(`${r} torch ${n}t: failed (${o.err || o.line})`);
      }
    }
  }
  const one = lossesAt.get(1);
  for (const [n, ls] of lossesAt) {
    if (n === 1 || !one) continue;
    const d = Math.max(...ls.map((l, i) => Math.abs(l - one[i]) / Math.abs(one[i])));
    console.log(`training losses at ${n} threads vs 1 thread: max relative difference ${d.toExponential(2)} over ${ls.length} steps`);
  }
  console.log(`load average at end ${load()}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
