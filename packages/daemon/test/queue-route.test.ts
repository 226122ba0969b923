// The daemon's train/evaluate go to the BullMQ queue when MEDAD_QUEUE is set: a private redis-server on a loopback
// port and one real `medad worker` process run them; the daemon's compute engine only follows progress.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listWorkers, openQueue, readExperiment, submitJob, train, type QueueHandle } from '@medad/core';
import { writeDemoDataset } from '../../core/src/demo/dataset.js';
import { createComputeEngine } from '../src/engine/compute-adapter.js';
import { queueCancel, queueStatus } from '../src/queue-requests.js';

const BIN = fileURLToPath(new URL('../../core/bin/medad.js', import.meta.url));
let root: string;
let redis: ChildProcess;
let worker: ChildProcess;
let q: QueueHandle;
let url: string;

function redisServer(): string {
  const found = ['/usr/bin', '/usr/sbin', ...(process.env.PATH ?? '').split(path.delimiter)].map((d) => path.join(d, 'redis-server')).find((p) => existsSync(p));
  if (!found) throw new Error('redis-server is not installed (`bash tools/setup/system-deps.sh`, run by the npm test pretest)');
  return found;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

async function until(what: string, fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-daemon-queue-'));
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = spawn(redisServer(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until('redis', async () => {
    q = await openQueue(url, 1000);
    return true;
  }, 20_000);
  worker = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--root', root], { cwd: root, env: { ...process.env, MEDAD_BACKEND: 'wasm', MEDAD_WASM_THREADS: '1' }, stdio: 'ignore' });
  await until('the worker', async () => (await listWorkers(q.redis)).length === 1, 90_000);
});

afterAll(async () => {
  delete process.env.MEDAD_QUEUE;
  worker?.kill('SIGKILL');
  await q?.close();
  redis?.kill('SIGKILL');
  await fs.rm(root, { recursive: true, force: true });
});

describe('daemon jobs on the queue (MEDAD_QUEUE)', () => {
  it('train and evaluate run on the worker, with progress, into the daemon\'s run directory', async () => {
    const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 10, testNormal: 3, testLesion: 3, epochs: 2, batchSize: 4, bootstrapSamples: 0 });
    const runRoot = path.join(root, 'daemon-runs');
    process.env.MEDAD_QUEUE = url;
    const engine = createComputeEngine();
    const seen: number[] = [];
    const ctx = { signal: new AbortController().signal, onProgress: (pct: number | undefined) => pct !== undefined && seen.push(pct) };
    const t = await engine.train({ experiment: demo.experimentConfig, runRoot }, ctx);
    expect(path.dirname(t.runDir)).toBe(runRoot);
    expect(existsSync(path.join(t.runDir, 'model', 'detector.json'))).toBe(true);
    const e = await engine.evaluate({ experiment: demo.experimentConfig, runDir: t.runDir, runRoot }, ctx);
    expect(e.runDir).toBe(t.runDir);
    expect(Object.keys(e.metrics).length).toBeGreaterThan(0);
    expect(existsSync(path.join(t.runDir, 'metrics.json'))).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    // Both ran as queue jobs (not in this process).
    expect(await q.queue.getJobCounts('completed')).toMatchObject({ completed: 2 });
  });

  it('the editor\'s queue view lists the worker (host, backend, current job) and cancel reaches the remote job', async () => {
    expect(await queueStatus({})).toEqual({ configured: false, workers: [], jobs: [] });
    const env = { MEDAD_QUEUE: url };
    const idle = await queueStatus(env);
    expect(idle.workers).toHaveLength(1);
    expect(idle.workers[0]).toMatchObject({ host: os.hostname(), backend: expect.stringMatching(/^wasm/) as unknown, jobs: [] });
    const demo = await writeDemoDataset(path.join(root, 'demo2'), { size: 16, train: 10, testNormal: 3, testLesion: 3, epochs: 500, batchSize: 4, bootstrapSamples: 0 });
    const id = await submitJob(q, { kind: 'train', experiment: await readExperiment(demo.experimentConfig), outputRoot: path.join(root, 'remote-runs'), label: 'long remote run' });
    await until('the remote job to be listed as running on the worker', async () => {
      const s = await queueStatus(env);
      return s.jobs.some((j) => j.id === id && j.state === 'active' && j.label === 'long remote run') && s.workers[0].jobs.some((j) => j.id === id);
    }, 60_000);
    expect(await queueCancel(id, env)).toEqual({ result: 'signalled' });
    await until('the remote job to stop', async () => (await q.queue.getJobState(id)) === 'failed', 60_000);
    const job = await q.queue.getJob(id);
    expect(job?.failedReason).toBe('cancelled');
    expect(await queueCancel('no-such-job', env)).toEqual({ result: 'unknown' });
  });

  it('scoreImages runs on the worker: the same scores and map files as in-process scoring, with progress; cancel stops it mid-way', async () => {
    delete process.env.MEDAD_QUEUE;
    const demo = await writeDemoDataset(path.join(root, 'demo3'), { size: 16, train: 10, testNormal: 3, testLesion: 3, epochs: 1, batchSize: 4, bootstrapSamples: 0 });
    const { runDir } = await train(demo.experimentConfig, { outputRoot: path.join(root, 'score-runs') });
    const folder = path.join(demo.root, 'test', 'lesion');
    const engine = createComputeEngine();
    const ctx = (signal = new AbortController().signal, seen: string[] = []) => ({ signal, onProgress: (_: number | undefined, msg: string) => void seen.push(msg) });
    const localMaps = path.join(runDir, 'cache', 'maps-local');
    const local = await engine.score({ runDir, folder, maps: true, mapDir: localMaps }, ctx());
    expect(local.scores).toHaveLength(3);
    const before = (await q.queue.getJobCounts('completed')).completed;
    process.env.MEDAD_QUEUE = url;
    const seen: string[] = [];
    const queuedMaps = path.join(runDir, 'cache', 'maps');
    const queued = await engine.score({ runDir, folder, maps: true, mapDir: queuedMaps }, ctx(undefined, seen));
    expect((await q.queue.getJobCounts('completed')).completed).toBe(before + 1);
    expect(queued.failures).toEqual(local.failures);
    expect(queued.scores.map((s) => [s.file, s.score, path.basename(s.mapPath ?? '')])).toEqual(local.scores.map((s) => [s.file, s.score, path.basename(s.mapPath ?? '')]));
    for (const s of queued.scores) {
      expect(path.dirname(s.mapPath!)).toBe(queuedMaps);
      expect(await fs.readFile(s.mapPath!)).toEqual(await fs.readFile(path.join(localMaps, path.basename(s.mapPath!))));
    }
    expect(seen.length).toBeGreaterThan(0);
    // the worker's private folder is gone: only the maps remain
    expect((await fs.readdir(path.join(runDir, 'cache'))).sort()).toEqual(['maps', 'maps-local']);

    // Cancel: a long list (one image 20 000 times), aborted once the worker reports progress.
    const image = local.scores[0].file;
    const ac = new AbortController();
    const failedBefore = (await q.queue.getJobCounts('failed')).failed;
    const long = engine.score({ runDir, files: Array<string>(20_000).fill(image), maps: false, mapDir: queuedMaps }, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(long).rejects.toMatchObject({ name: 'AbortError' });
    expect((await q.queue.getJobCounts('failed')).failed).toBe(failedBefore + 1);
    const jobs = await q.queue.getJobs(['failed']);
    expect(jobs.find((j) => j.data.kind === 'score-shard')?.failedReason).toBe('cancelled');
    expect((await fs.readdir(path.join(runDir, 'cache'))).sort()).toEqual(['maps', 'maps-local']);
    delete process.env.MEDAD_QUEUE;
  });
});
