// The queue end to end, with real processes: a private redis-server, three `medad worker`s, a sweep of 6 small runs
// (2 learning rates x 3 seeds) during which one worker is killed with SIGKILL mid-training and Redis is restarted;
// then sharded scoring of 2 000 generated images across the workers, interrupted and restarted. Everything is
// compared with the same work done locally (`--local`, plain `medad score`): training is deterministic on wasm
// with one thread and a fixed seed, and resuming from a checkpoint is exact, so the numbers must be equal.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGray8, writeDemoDataset } from '../../src/demo/dataset.js';
import { openQueue, type QueueHandle } from '../../src/queue/connection.js';
import { listWorkers } from '../../src/queue/registry.js';
import { BIN, CHILD_ENV, medad, startChild, startRedis, until, type Child, type RedisServer } from './procs.js';

let root: string;
let redis: RedisServer;
let q: QueueHandle;
const workers: Child[] = [];
let experiment: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-queue-'));
  redis = await startRedis(path.join(root, 'redis'));
  q = await openQueue(redis.url);
  const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 32, train: 40, testNormal: 8, testLesion: 8, epochs: 4, batchSize: 8, bootstrapSamples: 20 });
  experiment = demo.experimentConfig;
  // A checkpoint every 2 steps (of 20), so the killed worker's run has one to resume from.
  await fs.writeFile(experiment, (await fs.readFile(experiment, 'utf8')).replace('checkpointEvery: 100', 'checkpointEvery: 2'));
  for (let i = 0; i < 3; i++) {
    workers.push(startChild(process.execPath, [BIN, 'worker', '--queue', redis.url, '--root', root, '--lock-ms', '3000'], path.join(root, `worker-${i}.log`), { cwd: root, env: CHILD_ENV }));
  }
  await until('3 workers registered', async () => (await listWorkers(q.redis)).length === 3, 90_000, 250);
});

afterAll(async () => {
  for (const w of workers) w.proc.kill('SIGKILL');
  await q?.close();
  await redis?.stop();
  if (!process.env.MEDAD_KEEP_TEST_DIR) await fs.rm(root, { recursive: true, force: true });
});

interface SweepJson {
  ok: boolean;
  sweepDir: string;
  runs: { setting: number; seed: number; runDir: string; state: string; resumedFromStep?: number }[];
  aggregate: { settings: { setting: number; variants: { main: Record<string, { mean: number; sd: number; ci?: [number, number]; values: number[] }> } }[] };
}

const readJson = async <T>(f: string) => JSON.parse(await fs.readFile(f, 'utf8')) as T;
type Metrics = { image: Record<string, { value: number }>; pixel?: Record<string, { value: number }> };

describe('BullMQ queue across worker processes', () => {
  it('a sweep survives a killed worker and a Redis restart, and equals the same sweep run locally', { timeout: 300_000 }, async () => {
    const sweepArgs = ['sweep', experiment, '--seeds', '0-2', '--set', 'training.lr=1e-3,5e-4', '--json'];
    const remote = medad([...sweepArgs, '--queue', redis.url], path.join(root, 'sweep-remote.log'), root);
    const local = medad([...sweepArgs, '--local'], path.join(root, 'sweep-local.log'), root);

    // Kill -9 the first worker seen training a run that already has a checkpoint.
    const victim = await until(
      'a worker mid-training with a checkpoint',
      async () => {
        for (const w of await listWorkers(q.redis)) {
          for (const j of w.jobs) {
            if (!j.runDir) continue;
            const hasCkpt = await fs.stat(path.join(j.runDir, 'checkpoint')).then(() => true, () => false);
            const trained = await fs.stat(path.join(j.runDir, 'model')).then(() => true, () => false);
            const child = workers.find((c) => c.proc.pid === w.pid);
            if (hasCkpt && !trained && child) return { child, runDir: j.runDir };
          }
        }
        return undefined;
      },
      120_000,
      50,
    );
    victim.child.proc.kill('SIGKILL');
    // Then Redis goes down and comes back (append-only file, fsync always): no job may be lost.
    await redis.restart();

    const [r, l] = await Promise.all([remote.done, local.done]);
    expect(r.code, await fs.readFile(path.join(root, 'sweep-remote.log'), 'utf8')).toBe(0);
    expect(l.code, await fs.readFile(path.join(root, 'sweep-local.log'), 'utf8')).toBe(0);
    const rj = JSON.parse(r.stdout) as SweepJson;
    const lj = JSON.parse(l.stdout) as SweepJson;
    expect(rj.runs.map((x) => x.state)).toEqual(Array(6).fill('done'));

    // The killed run was taken over by another worker and continued from its checkpoint.
    const killed = rj.runs.find((x) => x.runDir === victim.runDir);
    expect(killed, `victim ${victim.runDir} not among the sweep's runs`).toBeDefined();
    expect(killed!.resumedFromStep).toBeGreaterThan(0);
    const log = await fs.readFile(path.join(victim.runDir, 'train.log'), 'utf8');
    expect(log).toMatch(/resumes this run from its checkpoint/);
    expect(log).toMatch(/resume: ae on wasm/);

    // Every run equals its local twin, metric for metric (and the final training loss): bit for bit, except the
    // resumed run, which a checkpoint round trip moves by float32 rounding (the optimiser state is restored, not
    // replayed; the detectors' own resume tests allow 1e-5 on scores too). Its bound is 1e-4 here.
    for (const run of rj.runs) {
      const twin = lj.runs.find((x) => x.setting === run.setting && x.seed === run.seed)!;
      const a = await readJson<Metrics>(path.join(run.runDir, 'metrics.json'));
      const b = await readJson<Metrics>(path.join(twin.runDir, 'metrics.json'));
      const ta = (await readJson<{ training: { finalLoss: number } }>(path.join(run.runDir, 'run.json'))).training.finalLoss;
      const tb = (await readJson<{ training: { finalLoss: number } }>(path.join(twin.runDir, 'run.json'))).training.finalLoss;
      if (run.runDir !== victim.runDir) {
        expect(a.image, run.runDir).toEqual(b.image);
        expect(a.pixel, run.runDir).toEqual(b.pixel);
        expect(ta).toBe(tb);
        continue;
      }
      for (const group of ['image', 'pixel'] as const) {
        expect(Object.keys(a[group] ?? {})).toEqual(Object.keys(b[group] ?? {}));
        for (const [k, v] of Object.entries(a[group] ?? {})) expect(Math.abs(v.value - b[group]![k].value), `${group}.${k}`).toBeLessThan(1e-4);
      }
      expect(Math.abs(ta - tb) / tb).toBeLessThan(1e-4);
    }

    // The aggregate, by hand: mean, sample SD and mean ± t(0.975, 2) · sd / √3 (t from SciPy) of each setting's AUROCs.
    const agg = await readJson<SweepJson['aggregate']>(path.join(rj.sweepDir, 'aggregate.json'));
    for (const setting of [0, 1]) {
      const runs = rj.runs.filter((x) => x.setting === setting).sort((a, b) => a.seed - b.seed);
      const v = await Promise.all(runs.map(async (x) => (await readJson<Metrics>(path.join(x.runDir, 'metrics.json'))).image.auroc.value));
      const mean = (v[0] + v[1] + v[2]) / 3;
      const sd = Math.sqrt(((v[0] - mean) ** 2 + (v[1] - mean) ** 2 + (v[2] - mean) ** 2) / 2);
      const half = (4.302652729911275 * sd) / Math.sqrt(3);
      const got = agg.settings[setting].variants.main.auroc;
      expect(got.values).toEqual(v);
      expect(got.mean).toBeCloseTo(mean, 12);
      expect(got.sd).toBeCloseTo(sd, 12);
      expect(got.ci![0]).toBeCloseTo(mean - half, 10);
      expect(got.ci![1]).toBeCloseTo(mean + half, 10);
    }
    expect(await fs.readFile(path.join(rj.sweepDir, 'summary.html'), 'utf8')).toContain('training.lr=0.0005');

    // Redis kept every job through its restart: 6 completed, none failed; the killed worker is gone from the list.
    const counts = await q.queue.getJobCounts('completed', 'failed', 'waiting', 'active');
    expect(counts).toMatchObject({ completed: 6, failed: 0, waiting: 0, active: 0 });
    await until('the killed worker to drop out of the list', async () => (await listWorkers(q.redis)).every((w) => w.pid !== victim.child.proc.pid), 30_000, 500);
    (globalThis as { __sweepRun?: string }).__sweepRun = lj.runs[0].runDir;
  });

  it('sharded scoring of 2 000 images over the workers equals local scoring file for file, and restarts without redoing shards', { timeout: 300_000 }, async () => {
    const run = (globalThis as { __sweepRun?: string }).__sweepRun;
    expect(run, 'the sweep test provides an evaluated run').toBeDefined();
    const images = path.join(root, 'archive');
    await fs.mkdir(images, { recursive: true });
    const px = new Float32Array(16 * 16);
    for (let i = 0; i < 2000; i++) {
      for (let k = 0; k < px.length; k++) px[k] = (((i * 7919 + k * 104729) % 1009) / 1009) * 0.5 + ((k % 16) / 16) * 0.5;
      await fs.writeFile(path.join(images, `img_${String(i).padStart(4, '0')}.png`), await encodeGray8(px, 16, 16));
    }
    const localOut = path.join(root, 'scored-local');
    const remoteOut = path.join(root, 'scored-remote');
    const local = medad(['score', run!, images, '--out', localOut, '--json'], path.join(root, 'score-local.log'), root);

    // First attempt: stopped (SIGKILL) once a shard is done; the second attempt reuses what is done.
    const args = ['score', run!, images, '--out', remoteOut, '--queue', redis.url, '--shard-size', '256', '--json'];
    const first = medad(args, path.join(root, 'score-remote-1.log'), root);
    await until('a finished shard', async () => {
      const shards = await fs.readdir(path.join(remoteOut, '.shards')).catch(() => [] as string[]);
      for (const s of shards) if (await fs.stat(path.join(remoteOut, '.shards', s, 'result.json')).then(() => true, () => false)) return true;
      return false;
    }, 120_000, 50);
    first.proc.kill('SIGKILL');
    await first.done;
    const second = medad(args, path.join(root, 'score-remote-2.log'), root);
    const [l, s] = await Promise.all([local.done, second.done]);
    expect(l.code, await fs.readFile(path.join(root, 'score-local.log'), 'utf8')).toBe(0);
    expect(s.code, await fs.readFile(path.join(root, 'score-remote-2.log'), 'utf8')).toBe(0);
    const sj = JSON.parse(s.stdout) as { shards: number; reusedShards: number; images: number };
    expect(sj).toMatchObject({ shards: 8, images: 2000 });
    expect(sj.reusedShards).toBeGreaterThanOrEqual(1);

    const la = (await fs.readdir(localOut)).sort();
    const ra = (await fs.readdir(remoteOut)).sort();
    expect(la).toHaveLength(2001); // 2 000 maps + scores.csv
    expect(ra).toEqual(la);
    for (const f of la) expect((await fs.readFile(path.join(remoteOut, f))).equals(await fs.readFile(path.join(localOut, f))), f).toBe(true);
  });

  it('cancel reaches a remote job: Ctrl-C in `medad train --queue` stops the worker\'s training at a step and keeps its checkpoint', { timeout: 300_000 }, async () => {
    const long = path.join(path.dirname(experiment), 'long.medad.yaml');
    await fs.writeFile(long, (await fs.readFile(experiment, 'utf8')).replace(/epochs: \d+/, 'epochs: 200').replace('name: demo-ae', 'name: long'));
    const status = medad(['queue', 'status', '--queue', redis.url, '--json'], path.join(root, 'status.log'), root);
    const st = JSON.parse((await status.done).stdout) as { workers: { host: string; backend: string; pid: number }[] };
    expect(st.workers.length).toBeGreaterThanOrEqual(2);
    for (const w of st.workers) expect(w).toMatchObject({ host: os.hostname(), backend: expect.stringMatching(/^wasm/) as unknown });

    const t = medad(['train', long, '--queue', redis.url, '--json'], path.join(root, 'train-long.log'), root);
    const runDir = await until('the remote run to write a checkpoint', async () => {
      for (const w of await listWorkers(q.redis)) for (const j of w.jobs) if (j.runDir?.includes('/long-') && (await fs.stat(path.join(j.runDir, 'checkpoint')).then(() => true, () => false))) return j.runDir;
      return undefined;
    }, 120_000, 100);
    t.proc.kill('SIGINT');
    const r = await t.done;
    expect(r.code, await fs.readFile(path.join(root, 'train-long.log'), 'utf8')).toBe(130);
    const meta = await until('run.json to say cancelled', async () => {
      const m = await readJson<{ state: string }>(path.join(runDir, 'run.json'));
      return m.state === 'cancelled' ? m : undefined;
    }, 30_000, 200);
    expect(meta.state).toBe('cancelled');
    expect(await fs.stat(path.join(runDir, 'checkpoint')).then(() => true, () => false)).toBe(true);
    expect(await fs.stat(path.join(runDir, 'model')).then(() => true, () => false)).toBe(false);
    // The worker is free again (and stayed up).
    await until('the worker to be idle', async () => (await listWorkers(q.redis)).every((w) => w.jobs.length === 0), 30_000, 200);
  });
});
