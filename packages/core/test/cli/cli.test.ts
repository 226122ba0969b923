import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { runCliIn } from './run-cli.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-cli-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCliIn(root, argv);

describe('medad CLI', () => {
  it('prints help for every command and exits 0', async () => {
    for (const c of ['doctor', 'dataset', 'train', 'eval', 'score', 'synth', 'demo']) {
      const r = await cli(c, '--help');
      expect(r.code, c).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: medad ${c}`));
    }
  });

  it('a usage error exits 2 and, with --json, stdout is one JSON object', async () => {
    const r = await cli('train', '--resme', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2 });
    expect(r.stderr).toMatch(/unknown option --resme/);
  });

  it('config errors print file:line:col and exit 1', async () => {
    const file = path.join(root, 'bad.medad.yaml');
    await fs.writeFile(file, 'medad: experiment\ndataset: d.yaml\ndetector:\n  name: ae\ntraining:\n  epoch: 2\n');
    const r = await cli('train', 'bad.medad.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:6:3: error: Unknown key 'epoch'`);
    const j = await cli('train', 'bad.medad.yaml', '--json');
    const parsed = JSON.parse(j.stdout);
    expect(parsed.issues.map((i: { start: { line: number } }) => i.start.line)).toContain(5);
  });

  it('dataset summary --json parses and counts the splits', async () => {
    const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 16, train: 6, testNormal: 2, testLesion: 2 });
    const r = await cli('dataset', 'summary', demo.datasetConfig, '--json');
    expect(r.code).toBe(0);
    // NDJSON: one document per line, so `| while read` and jq -c style readers work
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.summary.total).toBe(10);
  });

  it('dataset audit prints the table per labelled split; --json carries it; check includes it', async () => {
    const demo = await writeDemoDataset(path.join(root, 'demo-audit'), { size: 16, train: 6, testNormal: 6, testLesion: 6 });
    const r = await cli('dataset', 'audit', demo.datasetConfig);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Shortcut audit, test split \(6 normal, 6 anomalous; sharpness at 64x64\)/);
    expect(r.stdout).toMatch(/combined: L2 logistic regression on \d+ standardised descriptors, 5-fold stratified CV AUROC/);
    const j = JSON.parse((await cli('dataset', 'audit', demo.datasetConfig, '--json', '--size', '16x16')).stdout);
    expect(j.audit.analysisSize).toEqual([16, 16]);
    expect(j.audit.splits[0].descriptors.map((d: { descriptor: string }) => d.descriptor)).toEqual(expect.arrayContaining(['mean', 'gradientMean', 'format']));
    expect(j.audit.images).toBeUndefined();
    const c = JSON.parse((await cli('dataset', 'check', demo.datasetConfig, '--json')).stdout);
    expect(c.audit.splits[0].split).toBe('test');
    expect((await cli('dataset', 'audit', demo.datasetConfig, '--size', '3x')).code).toBe(2);
  });

  it('doctor --json names the backend it chose', async () => {
    const r = await cli('doctor', '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(typeof j.backend).toBe('string');
    expect(j.detectors.map((d: { name: string }) => d.name)).toContain('ae');
  });

  it('doctor reports the image-decoding thread pool: the environment variable if set, else Node\'s default of 4', async () => {
    const saved = process.env.UV_THREADPOOL_SIZE;
    try {
      process.env.UV_THREADPOOL_SIZE = '3';
      expect(JSON.parse((await cli('doctor', '--backend', 'cpu', '--json')).stdout).decodeThreads).toEqual({ threads: 3, source: 'UV_THREADPOOL_SIZE' });
      delete process.env.UV_THREADPOOL_SIZE;
      const r = await cli('doctor', '--backend', 'cpu');
      expect(r.stdout).toMatch(/Image decoding: 4 threads \(Node's default; the medad bin would use \d+\)/);
    } finally {
      if (saved === undefined) delete process.env.UV_THREADPOOL_SIZE;
      else process.env.UV_THREADPOOL_SIZE = saved;
    }
  });
});
