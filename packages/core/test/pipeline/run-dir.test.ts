// The one run-folder layout: listing (newest first, broken files reported, not fatal), metrics and config hashes.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configHash, createRunFolder, listRuns, logLine, readRunMetrics, writeRunMeta, type RunMeta } from '../../src/pipeline/run-dir.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-runs-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

const meta = (startedAt: string, extra: Partial<RunMeta> = {}): RunMeta => ({
  format: 'medad-run/1', experiment: 'exp', detector: 'ae', state: 'trained', startedAt, counts: { train: 4, validation: 1, test: 2 }, ...extra,
});

describe('run folders', () => {
  it('creates uniquely named folders for the same second', async () => {
    const t = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    const a = await createRunFolder(root, 'exp', t);
    const b = await createRunFolder(root, 'exp', t);
    expect(path.basename(a)).toBe('exp-20250102-030405Z');
    expect(path.basename(b)).toBe('exp-20250102-030405Z-2');
  });

  it('hashes configs canonically (key order does not matter, values do)', () => {
    expect(configHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(configHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists runs of every experiment newest first, with metrics, reporting broken files without failing', async () => {
    const r = path.join(root, 'list');
    const old = await createRunFolder(r, 'a', new Date(Date.UTC(2024, 5, 1, 10, 0, 0)));
    const mid = await createRunFolder(r, 'b', new Date(Date.UTC(2024, 5, 1, 10, 0, 1)));
    const broken = await createRunFolder(r, 'c', new Date(Date.UTC(2024, 5, 1, 10, 0, 2)));
    await writeRunMeta(old, meta('2024-06-01T10:00:00.000Z', { configHash: 'h1' }));
    await writeRunMeta(mid, meta('2024-06-01T10:00:01.000Z'));
    await fs.writeFile(path.join(mid, 'metrics.json'), JSON.stringify({ image: { auroc: { value: 0.8, ci: [0.7, 0.9] } } }));
    await fs.writeFile(path.join(broken, 'run.json'), '{broken');
    await fs.mkdir(path.join(r, 'not-a-run'));
    await logLine(old, 'step 1\nmore');

    const runs = await listRuns(r);
    expect(runs.map((x) => x.dir)).toEqual([mid, old, broken]);
    expect(runs[0].metrics).toMatchObject({ image: { auroc: { value: 0.8 } } });
    expect(runs[1].meta?.configHash).toBe('h1');
    expect(runs[2].meta).toBeUndefined();
    expect(runs[2].problems[0]).toMatch(/run\.json: invalid JSON/);
    expect((await fs.readFile(path.join(old, 'train.log'), 'utf8')).trim()).toMatch(/Z step 1 more$/);
    expect(await listRuns(path.join(root, 'absent'))).toEqual([]);
  });

  it('reads flat metrics from metrics.json (else run.json) and the loss curve', async () => {
    const dir = await createRunFolder(root, 'metrics');
    const losses = [{ step: 1, loss: 0.5 }, { step: 2, loss: 0.25 }];
    await writeRunMeta(dir, meta('2024-01-01T00:00:00.000Z', { training: { steps: 2, epochs: 1, finalLoss: 0.25, durationMs: 5, resumedFromStep: 0, losses } }));
    expect(await readRunMetrics(dir)).toEqual({ runDir: dir, state: 'trained', metrics: {}, curves: { loss: [0.5, 0.25], step: [1, 2] } });
    await writeRunMeta(dir, meta('2024-01-01T00:00:00.000Z', { state: 'evaluated', evaluation: { durationMs: 1, finishedAt: 'x', metrics: { auroc: 0.6 } } }));
    expect((await readRunMetrics(dir)).metrics).toEqual({ auroc: 0.6 });
    await fs.writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ image: { auroc: { value: 0.9 }, ap: { value: 0.7 } }, pixel: { dice: { value: 0.3 } } }));
    expect((await readRunMetrics(dir)).metrics).toEqual({ auroc: 0.9, ap: 0.7, dice: 0.3 });
    await expect(readRunMetrics(path.join(root, 'nope'))).rejects.toThrow(/not a medad run folder/);
  });
});
