// A queue train job retried on another host soon after its first worker died meets that worker's run lock (written
// by another host, heartbeat fresh). It waits, with progress naming the holder, until the lock goes stale or is
// released, then resumes from the checkpoint; a cancel while waiting stops it at once and leaves the lock alone.
// The job runs through runJob, the code a worker's compute thread runs.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { readExperiment } from '../../src/pipeline/context.js';
import { LOCK_FILE } from '../../src/pipeline/run-lock.js';
import { readRunMeta } from '../../src/pipeline/run-dir.js';
import { train } from '../../src/pipeline/train.js';
import type { TrainJob, TrainJobResult } from '../../src/queue/jobs.js';
import { runJob } from '../../src/queue/run-job.js';

let root: string;
let job: Omit<TrainJob, 'runDir'>;
const runs: string[] = [];
const FOREIGN = { pid: 4242, host: 'other-host.lab' };
const WAITING = /^waiting for run lock held by host other-host\.lab pid 4242, heartbeat \d+s ago$/;

/** An interrupted run: trained to a few steps past a checkpoint, then cancelled (checkpoint kept). */
async function interruptedRun(experiment: string): Promise<string> {
  const ac = new AbortController();
  let dir = '';
  await expect(
    train(experiment, { outputRoot: path.join(root, 'runs'), signal: ac.signal, onRunDir: (d) => (dir = d), onProgress: (p) => (p.train?.step ?? 0) >= 5 && ac.abort() }),
  ).rejects.toMatchObject({ name: 'AbortError' });
  expect((await readRunMeta(dir)).state).toBe('cancelled');
  return dir;
}

/** Writes another host's lock on `dir` and keeps its heartbeat fresh until stop() (the "dead" worker). */
async function foreignLock(dir: string): Promise<{ stop(): void }> {
  const file = path.join(dir, LOCK_FILE);
  await fs.writeFile(file, JSON.stringify({ ...FOREIGN, startedAt: new Date().toISOString(), token: 'f0reign' }) + '\n');
  const timer = setInterval(() => void fs.utimes(file, new Date(), new Date()).catch(() => undefined), 250);
  return { stop: () => clearInterval(timer) };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-foreign-lock-'));
  const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 40, testNormal: 3, testLesion: 3, epochs: 8, batchSize: 8, bootstrapSamples: 0 });
  await fs.writeFile(demo.experimentConfig, (await fs.readFile(demo.experimentConfig, 'utf8')).replace('checkpointEvery: 100', 'checkpointEvery: 2'));
  job = { kind: 'train', experiment: await readExperiment(demo.experimentConfig), outputRoot: path.join(root, 'runs') };
  runs.push(await interruptedRun(demo.experimentConfig), await interruptedRun(demo.experimentConfig));
}, 120_000);
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe('a queue job meeting another host\'s run lock', () => {
  it('waits while the heartbeat is fresh, goes on once it is stale, and resumes from the checkpoint', { timeout: 60_000 }, async () => {
    const dir = runs[0];
    const lock = await foreignLock(dir);
    const stopAfterMs = 2000;
    setTimeout(() => lock.stop(), stopAfterMs);
    const stages: string[] = [];
    const t0 = Date.now();
    const r = (await runJob({ ...job, runDir: dir }, { lockStaleMs: 2500, by: 'test worker', onProgress: (p) => stages.push(p.stage) })) as TrainJobResult;
    // not before the heartbeat stopped and then aged past the stale limit
    expect(Date.now() - t0).toBeGreaterThanOrEqual(stopAfterMs + 2500 - 300);
    const waits = stages.filter((s) => WAITING.test(s));
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(stages.slice(0, waits.length)).toEqual(waits); // all waiting came before any work
    expect(r.runDir).toBe(dir);
    expect(r.resumedFromStep).toBeGreaterThan(0);
    const log = await fs.readFile(path.join(dir, 'train.log'), 'utf8');
    expect(log).toMatch(/test worker waited \d+ s for another host's run lock/);
    expect(log).toMatch(/resumes this run from its checkpoint/);
    expect((await readRunMeta(dir)).state).toBe('trained');
    await expect(fs.stat(path.join(dir, LOCK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a cancel while waiting stops the job at once and leaves the other host\'s lock alone', { timeout: 60_000 }, async () => {
    const dir = runs[1];
    const lock = await foreignLock(dir);
    try {
      const ac = new AbortController();
      let abortedAt = 0;
      const onProgress = (p: { stage: string }) => {
        if (WAITING.test(p.stage) && !abortedAt) {
          abortedAt = Date.now();
          ac.abort();
        }
      };
      await expect(runJob({ ...job, runDir: dir }, { signal: ac.signal, onProgress })).rejects.toMatchObject({ name: 'AbortError' });
      expect(Date.now() - abortedAt).toBeLessThan(5000);
      expect(JSON.parse(await fs.readFile(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ ...FOREIGN, token: 'f0reign' });
      expect((await readRunMeta(dir)).state).toBe('cancelled');
    } finally {
      lock.stop();
    }
  });

  it('goes on as soon as the other host releases the lock (long before it would be stale)', { timeout: 60_000 }, async () => {
    const dir = runs[1];
    const lock = await foreignLock(dir);
    setTimeout(() => {
      lock.stop();
      void fs.rm(path.join(dir, LOCK_FILE), { force: true });
    }, 1500);
    const stages: string[] = [];
    const t0 = Date.now();
    // the default stale limit (60 s): only the release lets it go on within the test's time
    const r = (await runJob({ ...job, runDir: dir }, { onProgress: (p) => stages.push(p.stage) })) as TrainJobResult;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(stages.some((s) => WAITING.test(s))).toBe(true);
    expect(r.resumedFromStep).toBeGreaterThan(0);
    expect((await readRunMeta(dir)).state).toBe('trained');
  });
});
