// A worker stopped with SIGTERM mid-training hands its job back (not lost, not failed) and another worker finishes it
// from the run's checkpoint. Real processes: a private redis-server on loopback and two `medad worker`s.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { readExperiment } from '../../src/pipeline/context.js';
import { readRunMeta } from '../../src/pipeline/run-dir.js';
import { openQueue, type QueueHandle } from '../../src/queue/connection.js';
import type { TrainJobResult } from '../../src/queue/jobs.js';
import { listWorkers } from '../../src/queue/registry.js';
import { submitJob, waitForJob } from '../../src/queue/submit.js';
import { BIN, CHILD_ENV, startChild, startRedis, until, type Child, type RedisServer } from './procs.js';

let root: string;
let redis: RedisServer;
let q: QueueHandle;
const children: Child[] = [];

const startWorker = (name: string) => {
  const w = startChild(process.execPath, [BIN, 'worker', '--queue', redis.url, '--root', root, '--lock-ms', '3000'], path.join(root, `${name}.log`), { cwd: root, env: CHILD_ENV });
  children.push(w);
  return w;
};

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-handback-'));
  redis = await startRedis(path.join(root, 'redis'));
  q = await openQueue(redis.url);
});

afterAll(async () => {
  for (const c of children) c.proc.kill('SIGKILL');
  await q?.close();
  await redis?.stop();
  if (!process.env.MEDAD_KEEP_TEST_DIR) await fs.rm(root, { recursive: true, force: true });
});

describe('a worker stopped with SIGTERM', () => {
  it('hands its training job back; another worker resumes it from the checkpoint and finishes it', { timeout: 240_000 }, async () => {
    // 150 small steps with a checkpoint every 2: long enough to be stopped mid-way, quick to resume.
    const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 40, testNormal: 3, testLesion: 3, epochs: 30, batchSize: 8, bootstrapSamples: 0 });
    await fs.writeFile(demo.experimentConfig, (await fs.readFile(demo.experimentConfig, 'utf8')).replace('checkpointEvery: 100', 'checkpointEvery: 2'));
    // Both workers are up (and idle) before the job is submitted, so the job has somewhere to go.
    startWorker('worker-a');
    startWorker('worker-b');
    await until('2 workers registered', async () => (await listWorkers(q.redis)).length === 2, 90_000, 250);
    const id = await submitJob(q, { kind: 'train', experiment: await readExperiment(demo.experimentConfig), outputRoot: path.join(root, 'runs'), label: 'handback' });
    const { victim, runDir } = await until(
      'a worker training with a checkpoint',
      async () => {
        for (const w of await listWorkers(q.redis)) {
          const job = w.jobs.find((j) => j.id === id);
          const child = children.find((c) => c.proc.pid === w.pid);
          if (!job?.runDir || !child) continue;
          if (await fs.stat(path.join(job.runDir, 'checkpoint')).then(() => true, () => false)) return { victim: child, runDir: job.runDir };
        }
        return undefined;
      },
      120_000,
      50,
    );
    const other = children.find((c) => c !== victim) as Child;
    victim.proc.kill('SIGTERM');
    expect(await victim.exited).toBe(0);
    expect(await victim.text()).toContain(`job ${id} handed back (worker stopping)`);

    const result = (await waitForJob(q, id)) as TrainJobResult;
    expect(result.runDir).toBe(runDir);
    expect(result.resumedFromStep).toBeGreaterThan(0);
    // steps trained by the second worker, after the step it resumed from
    expect(result.resumedFromStep + result.steps).toBe(150);
    const job = await q.queue.getJob(id);
    expect(job?.failedReason).toBeFalsy();
    expect(await q.queue.getJobCounts('failed')).toMatchObject({ failed: 0 });
    expect(await other.text()).toContain(`job ${id} done`);
    const log = await fs.readFile(path.join(runDir, 'train.log'), 'utf8');
    expect(log).toMatch(/resumes this run from its checkpoint/);
    const meta = await readRunMeta(runDir);
    expect(meta.state).toBe('trained');
    expect(meta.training?.resumedFromStep).toBe(result.resumedFromStep);
  });
});
