import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { runCliIn } from './run-cli.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-synth-cli-'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCliIn(root, argv);

describe('medad synth', () => {
  it('writes examples whose label masks mark exactly the altered region, reproducibly', async () => {
    const demo = await writeDemoDataset(path.join(root, 'demo'), { size: 32, train: 6, testNormal: 2, testLesion: 2 });
    const r = await cli('synth', demo.datasetConfig, '--method', 'cutpaste', '--count', '4', '--size', '32', '--out', 'a', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.examples).toHaveLength(4);
    const csv = await fs.readFile(path.join(root, 'a', 'index.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(5);
    for (const row of out.examples) {
      const label = await sharp(path.join(root, 'a', row.label)).raw().toBuffer({ resolveWithObject: true });
      expect(label.info.width).toBe(32);
      let marked = 0;
      for (let i = 0; i < label.data.length; i += label.info.channels) if (label.data[i] > 0) marked++;
      expect(marked / (32 * 32)).toBeCloseTo(row.labelFraction, 6);
      expect(marked).toBeGreaterThan(0);
    }
    // Same seed, same bytes.
    await cli('synth', demo.datasetConfig, '--method', 'cutpaste', '--count', '4', '--size', '32', '--out', 'b');
    for (const f of ['0000-image.png', '0003-label.png'])
      expect(await fs.readFile(path.join(root, 'b', f))).toEqual(await fs.readFile(path.join(root, 'a', f)));
  });

  it('rejects an unknown method with a usage error', async () => {
    const r = await cli('synth', 'x.medad.yaml', '--method', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--method must be one of/);
  });
});
