// medad/listSweeps over a sweep folder made by core's real runSweep (here, without a queue): its runs grouped with
// their place in the grid, the aggregate as written (checked against a hand computation from the runs' own
// metrics.json), a partial aggregate while runs are missing, and the sandbox predicate honoured.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../core/src/demo/dataset.js';
import { runSweep, type SweepResult } from '../../core/src/sweep/run-sweep.js';
import { listSweeps, readSweep } from '../src/engine/sweep-listing.js';
import { ListSweepsRequest, MedadErrorCodes } from '../src/protocol.js';
import { startDaemon } from './helpers.js';

let root: string;
let sweep: SweepResult;
const T_0975_1 = 12.706204736174698; // t quantile, 1 degree of freedom (two seeds)

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-sweep-list-'));
  const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 10, testNormal: 3, testLesion: 3, epochs: 1, batchSize: 4, bootstrapSamples: 0 });
  const text = (await fs.readFile(demo.experimentConfig, 'utf8')) + 'sweep:\n  seeds: 0-1\n  set:\n    training.lr: [0.01, 0.002]\n';
  await fs.writeFile(demo.experimentConfig, text);
  sweep = await runSweep(demo.experimentConfig);
}, 180_000);
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

const auroc = async (runDir: string) => (JSON.parse(await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8')) as { image: { auroc: { value: number } } }).image.auroc.value;

describe('medad/listSweeps (the Runs view\'s sweeps)', () => {
  it('lists the sweep once, with its 4 runs placed by setting and seed and the aggregate of aggregate.json', async () => {
    const sweepsRoot = path.dirname(sweep.sweepDir);
    const all = await listSweeps(sweepsRoot);
    expect(all).toHaveLength(1);
    const s = all[0];
    expect(s).toMatchObject({ sweepDir: sweep.sweepDir, name: path.basename(sweep.sweepDir), total: 4, done: 4, failed: 0, summaryHtml: path.join(sweep.sweepDir, 'summary.html') });
    expect(s.finishedAt).toBeDefined();
    expect(s.settings.map((x) => x.label)).toEqual(['training.lr=0.01', 'training.lr=0.002']);
    expect(s.runs.map((r) => [r.setting, r.seed, r.sweepState, r.state])).toEqual([
      [0, 0, 'done', 'finished'],
      [0, 1, 'done', 'finished'],
      [1, 0, 'done', 'finished'],
      [1, 1, 'done', 'finished'],
    ]);
    expect(s.aggregate?.partial).toBe(false);
    // The aggregate against a hand computation from each run's metrics.json.
    for (const [i, setting] of (s.aggregate?.settings ?? []).entries()) {
      const values = await Promise.all(s.runs.filter((r) => r.setting === i).map((r) => auroc(r.runDir)));
      const mean = (values[0] + values[1]) / 2;
      const sd = Math.abs(values[0] - values[1]) / Math.SQRT2;
      const m = setting.variants.main.auroc;
      expect(m.values).toEqual(values);
      expect(m.mean).toBeCloseTo(mean, 12);
      expect(m.sd).toBeCloseTo(sd, 12);
      if (sd > 0) {
        expect(m.ci?.[0]).toBeCloseTo(mean - (T_0975_1 * sd) / Math.SQRT2, 9);
        expect(m.ci?.[1]).toBeCloseTo(mean + (T_0975_1 * sd) / Math.SQRT2, 9);
      }
    }
    // Ordinary run listings are untouched: the sweep folder has no run.json and its runs sit one level deeper.
    expect((await fs.readdir(sweepsRoot)).length).toBe(1);
  });

  it('while runs are missing, counts what is done and computes a partial aggregate from the evaluated runs', async () => {
    const copy = path.join(root, 'copy', path.basename(sweep.sweepDir));
    await fs.cp(sweep.sweepDir, copy, { recursive: true });
    const rec = JSON.parse(await fs.readFile(path.join(copy, 'sweep.json'), 'utf8')) as { finishedAt?: string; runs: { runDir?: string; state: string }[] };
    // as a queued sweep looks mid-way: the record's paths point at the original folders, the last run not evaluated
    delete rec.finishedAt;
    rec.runs[3].state = 'pending';
    rec.runs[2].state = 'pending'; // evaluated by its worker; the submitter has not recorded it yet
    await fs.writeFile(path.join(copy, 'sweep.json'), JSON.stringify(rec));
    await fs.rm(path.join(copy, 'aggregate.json'));
    await fs.rm(path.join(copy, 'summary.html'));
    const last = (await fs.readdir(path.join(copy, 'runs'))).sort().pop() as string;
    await fs.rm(path.join(copy, 'runs', last, 'metrics.json'));
    const s = await readSweep(copy);
    expect(s).toMatchObject({ total: 4, done: 3, failed: 0 });
    expect(s?.summaryHtml).toBeUndefined();
    expect(s?.runs.map((r) => r.sweepState)).toEqual(['done', 'done', 'done', 'pending']);
    expect(s?.runs.every((r) => r.runDir.startsWith(copy))).toBe(true);
    expect(s?.aggregate?.partial).toBe(true);
    expect(s?.aggregate?.settings.map((x) => x.variants.main.auroc.n)).toEqual([2, 1]);
    expect(s?.aggregate?.settings[1].variants.main.auroc.values).toEqual([await auroc(s!.runs[2].runDir)]);
  });

  it('names a broken sweep.json instead of failing the listing, and reads nothing the sandbox refuses', async () => {
    const broken = path.join(root, 'broken-root', 'x-sweep');
    await fs.mkdir(broken, { recursive: true });
    await fs.writeFile(path.join(broken, 'sweep.json'), '{ not json');
    const [b] = await listSweeps(path.dirname(broken));
    expect(b.problems?.[0]).toMatch(/sweep\.json: invalid JSON/);
    expect(b.runs).toEqual([]);
    const refused = await listSweeps(path.dirname(sweep.sweepDir), (p) => !p.startsWith(path.join(sweep.sweepDir, 'runs')));
    expect(refused[0].runs).toEqual([]);
    expect(refused[0].aggregate?.partial).toBe(false);
    expect(await listSweeps(path.dirname(sweep.sweepDir), () => false)).toEqual([]);
    expect(await listSweeps(path.join(root, 'nothing-here'))).toEqual([]);
  });

  it('the real daemon answers medad/listSweeps from its run directory, and refuses or skips what is outside its sandbox', { timeout: 60_000 }, async () => {
    const ws = path.join(root, 'ws');
    await fs.mkdir(path.join(ws, 'runs'), { recursive: true });
    await fs.cp(sweep.sweepDir, path.join(ws, 'runs', path.basename(sweep.sweepDir)), { recursive: true });
    // a sweep folder that is a symlink to outside the workspace is not listed
    const outside = path.join(root, 'outside', 'evil-sweep');
    await fs.cp(sweep.sweepDir, outside, { recursive: true });
    await fs.symlink(outside, path.join(ws, 'runs', 'evil-sweep'));
    const d = await startDaemon({ workspace: ws });
    try {
      const { sweeps } = await d.conn.sendRequest(ListSweepsRequest, {});
      expect(sweeps.map((s) => s.name)).toEqual([path.basename(sweep.sweepDir)]);
      expect(sweeps[0]).toMatchObject({ total: 4, done: 4 });
      expect(sweeps[0].runs.every((r) => r.runDir.startsWith(path.join(ws, 'runs')))).toBe(true);
      expect(sweeps[0].aggregate?.settings).toHaveLength(2);
      await expect(d.conn.sendRequest(ListSweepsRequest, { root: path.dirname(outside) })).rejects.toMatchObject({ code: MedadErrorCodes.PathOutsideWorkspace });
      await expect(d.conn.sendRequest(ListSweepsRequest, { root: 42 } as never)).rejects.toMatchObject({ code: MedadErrorCodes.InvalidParams });
    } finally {
      await d.close();
    }
  });
});
