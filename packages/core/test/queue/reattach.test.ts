// `medad sweep --reattach`: the command that submitted a queued sweep is killed (its jobs stay on the queue and a
// worker runs them); re-attaching waits for them and writes the aggregate, as the first command would have.
// Real processes: a private redis-server on loopback, one `medad worker`, the built CLI.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { openQueue, type QueueHandle } from '../../src/queue/connection.js';
import { listWorkers } from '../../src/queue/registry.js';
import { BIN, CHILD_ENV, medad, startChild, startRedis, until, type Child, type RedisServer } from './procs.js';

let root: string;
let redis: RedisServer;
let q: QueueHandle;
let worker: Child;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-reattach-'));
  redis = await startRedis(path.join(root, 'redis'));
  q = await openQueue(redis.url);
  worker = startChild(process.execPath, [BIN, 'worker', '--queue', redis.url, '--root', root], path.join(root, 'worker.log'), { cwd: root, env: CHILD_ENV });
  await until('the worker registered', async () => (await listWorkers(q.redis)).length === 1, 90_000, 250);
});

afterAll(async () => {
  worker?.proc.kill('SIGKILL');
  await q?.close();
  await redis?.stop();
  if (!process.env.MEDAD_KEEP_TEST_DIR) await fs.rm(root, { recursive: true, force: true });
});

type Record = { finishedAt?: string; runs: { seed: number; state: string; jobId?: string; runDir?: string }[] };
type Agg = { settings: { seeds: number[]; variants: { main: { auroc: { mean: number; sd: number; values: number[] } } } }[] };
const readJson = async <T>(f: string) => JSON.parse(await fs.readFile(f, 'utf8')) as T;

describe('medad sweep --reattach', () => {
  it('finishes a queued sweep whose submitting command was killed, with the right aggregate', { timeout: 240_000 }, async () => {
    const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 10, testNormal: 3, testLesion: 3, epochs: 2, batchSize: 4, bootstrapSamples: 0 });
    const outRoot = path.join(path.dirname(demo.experimentConfig), 'runs');
    const first = medad(['sweep', demo.experimentConfig, '--seeds', '0-2', '--queue', redis.url, '--json'], path.join(root, 'sweep-1.log'), root);
    const sweepDir = await until(
      'every run of the sweep submitted',
      async () => {
        for (const n of await fs.readdir(outRoot).catch(() => [] as string[])) {
          const rec = await readJson<Record>(path.join(outRoot, n, 'sweep.json')).catch(() => undefined);
          if (rec?.runs.length === 3 && rec.runs.every((r) => r.jobId)) return path.join(outRoot, n);
        }
        return undefined;
      },
      120_000,
      50,
    );
    first.proc.kill('SIGKILL');
    await first.done;
    expect((await readJson<Record>(path.join(sweepDir, 'sweep.json'))).finishedAt).toBeUndefined();
    await expect(fs.stat(path.join(sweepDir, 'aggregate.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    // Without the queue it cannot wait for the pending runs, and says so.
    const noQueue = medad(['sweep', '--reattach', sweepDir, '--json'], path.join(root, 'reattach-0.log'), root);
    expect((await noQueue.done).code).not.toBe(0);
    expect(await fs.readFile(path.join(root, 'reattach-0.log'), 'utf8')).toMatch(/pending on a queue.*--queue URL/);

    const again = medad(['sweep', '--reattach', sweepDir, '--queue', redis.url, '--json'], path.join(root, 'reattach-1.log'), root);
    const r = await again.done;
    expect(r.code, await fs.readFile(path.join(root, 'reattach-1.log'), 'utf8')).toBe(0);
    const out = JSON.parse(r.stdout) as { sweepDir: string; runs: Record['runs']; aggregate: Agg };
    expect(out.sweepDir).toBe(sweepDir);
    expect(out.runs.map((x) => [x.seed, x.state])).toEqual([[0, 'done'], [1, 'done'], [2, 'done']]);
    expect(await q.queue.getJobCounts('completed', 'failed')).toMatchObject({ completed: 3, failed: 0 });

    // The aggregate by hand from the runs' own metrics.json: mean and sample SD of the three AUROCs.
    const v = await Promise.all(out.runs.map(async (x) => (await readJson<{ image: { auroc: { value: number } } }>(path.join(x.runDir!, 'metrics.json'))).image.auroc.value));
    const mean = (v[0] + v[1] + v[2]) / 3;
    const sd = Math.sqrt(((v[0] - mean) ** 2 + (v[1] - mean) ** 2 + (v[2] - mean) ** 2) / 2);
    const agg = await readJson<Agg>(path.join(sweepDir, 'aggregate.json'));
    expect(agg.settings[0].seeds).toEqual([0, 1, 2]);
    expect(agg.settings[0].variants.main.auroc.values).toEqual(v);
    expect(agg.settings[0].variants.main.auroc.mean).toBeCloseTo(mean, 12);
    expect(agg.settings[0].variants.main.auroc.sd).toBeCloseTo(sd, 12);
    expect((await readJson<Record>(path.join(sweepDir, 'sweep.json'))).finishedAt).toBeDefined();
    expect((await fs.stat(path.join(sweepDir, 'summary.html'))).size).toBeGreaterThan(0);

    // A settled sweep needs no queue: re-attaching again rewrites the same aggregate.
    const settled = medad(['sweep', '--reattach', sweepDir, '--json'], path.join(root, 'reattach-2.log'), root);
    const s = await settled.done;
    expect(s.code, await fs.readFile(path.join(root, 'reattach-2.log'), 'utf8')).toBe(0);
    expect((JSON.parse(s.stdout) as { aggregate: Agg }).aggregate).toEqual(agg);
  });
});
