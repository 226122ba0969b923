import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLog, configHash, createRunDir, listRuns, writeConfigSnapshot, writeMeta, writeMetrics } from '../../src/model/index.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-runs-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const meta = { detector: 'ae', configHash: 'x', inputSize: [64, 64], normalisation: 'minus-one-one', backend: 'wasm' };

describe('run folders', () => {
  it('creates timestamped unique folders with their subfolders', async () => {
    const t = new Date(2025, 0, 2, 3, 4, 5);
    const a = await createRunDir(root, 'chest ae', t);
    const b = await createRunDir(root, 'chest ae', t);
    expect(a.id).toBe('20250102-030405-chest-ae');
    expect(b.id).toBe('20250102-030405-chest-ae-2');
    expect((await fs.readdir(a.path)).sort()).toEqual(['checkpoints', 'maps']);
    expect(a.metricsPath).toBe(path.join(a.path, 'metrics.json'));
    await expect(createRunDir(root, '///')).rejects.toThrow(/run name "\/\/\/"/);
  });

  it('hashes configs canonically (key order does not matter, values do)', () => {
    expect(configHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(configHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists runs newest first with meta and metrics, reporting broken files without failing', async () => {
    const r = path.join(root, 'list');
    const old = await createRunDir(r, 'old', new Date(2024, 5, 1, 10, 0, 0));
    const mid = await createRunDir(r, 'mid', new Date(2024, 5, 1, 10, 0, 1));
    const dup = await createRunDir(r, 'mid', new Date(2024, 5, 1, 10, 0, 1));
    const hash = await writeConfigSnapshot(old, { lr: 1e-3, batch: 8 });
    expect(hash).toBe(configHash({ batch: 8, lr: 1e-3 }));
    await writeMeta(old, { ...meta, configHash: hash, step: 100 });
    await writeMetrics(old, { auroc: 0.8 });
    await fs.writeFile(mid.metaPath, '{broken');
    await appendLog(old, 'step 1');
    await appendLog(old, 'step 2\nmore');
    await fs.mkdir(path.join(r, 'not-a-run'));

    const runs = await listRuns(r);
    expect(runs.map((x) => x.id)).toEqual([dup.id, mid.id, old.id]);
    expect(runs[2].meta).toMatchObject({ detector: 'ae', configHash: hash, step: 100 });
    expect(runs[2].metrics).toEqual({ auroc: 0.8 });
    expect(runs[1].problems[0]).toMatch(/meta\.json: invalid JSON/);
    const log = (await fs.readFile(old.logPath, 'utf8')).trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/Z step 2 more$/);
    expect(await listRuns(path.join(root, 'absent'))).toEqual([]);
  });
});
