// Issue 14's data-handling items through the real CLI: skipped training images are reported (stderr, --json,
// run.json), `score` scores the rest past a missing path with ok/exit code agreeing, `dataset summary` never calls
// a refused image the largest, an empty config says so, and "(95% CI)" appears only when there are intervals.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { readRunMeta } from '../../src/pipeline/run-dir.js';
import { writeDicom } from '../io/fixtures/dicom-writer.js';
import { pngHeaderOnly } from '../io/fixtures/png-bomb.js';
import { runCliIn } from './run-cli.js';

let root: string;
let demo: { datasetConfig: string; experimentConfig: string };

const cli = (...argv: string[]) => runCliIn(root, argv);

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-cli-data-'));
  demo = await writeDemoDataset(root, { size: 16, train: 8, testNormal: 2, testLesion: 2, epochs: 1, batchSize: 4, bootstrapSamples: 0 });
  // Two training images that cannot be used: a truncated PNG and a header-only bomb.
  const good = await fs.readFile(path.join(root, 'train/normal/normal_0000.png'));
  await fs.writeFile(path.join(root, 'train/normal/zz_truncated.png'), good.subarray(0, 40));
  await fs.writeFile(path.join(root, 'train/normal/zz_bomb.png'), pngHeaderOnly(100000, 100000));
  await fs.writeFile(demo.experimentConfig, (await fs.readFile(demo.experimentConfig, 'utf8')).replace('name: ae', 'name: ae\n  params:\n    channels: [4, 4]'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe('data handling in the CLI', () => {
  let runDir: string;

  it('train names the skipped images on stderr, in --json and in run.json', async () => {
    const r = await cli('train', 'experiment.medad.yaml', '--backend', 'cpu', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Skipped 2 training image(s) that could not be used:');
    expect(r.stderr).toMatch(/train\/normal\/zz_bomb\.png: image is 100000x100000 = .* above the limit/);
    expect(r.stderr).toMatch(/train\/normal\/zz_truncated\.png: /);
    const j = JSON.parse(r.stdout);
    runDir = j.runDir;
    expect(j.skipped.map((s: { file: string }) => path.basename(s.file)).sort()).toEqual(['zz_bomb.png', 'zz_truncated.png']);
    const meta = await readRunMeta(runDir);
    expect(meta.skippedTotal).toBe(2);
    expect(meta.skipped?.map((s) => path.basename(s.file)).sort()).toEqual(['zz_bomb.png', 'zz_truncated.png']);
    for (const s of meta.skipped ?? []) expect(s.reason.length).toBeGreaterThan(5);
  });

  it('eval with bootstrap off prints no "(95% CI)"', async () => {
    const r = await cli('eval', path.relative(root, runDir), '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Image level:');
    expect(r.stdout).not.toContain('95% CI');
  });

  it('score reports a missing path, scores the rest, and exits 1 with ok: false', async () => {
    const r = await cli('score', path.relative(root, runDir), 'test/lesion/lesion_0000.png', 'nope/missing.png', 'test/normal', '--json', '--no-maps', '--backend', 'cpu');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.scores).toHaveLength(3); // one lesion + the two test normals
    expect(j.failures).toEqual([{ path: path.join(root, 'nope/missing.png'), reason: 'no such file or folder' }]);
    const text = await cli('score', path.relative(root, runDir), 'nope/missing.png', 'test/lesion', '--no-maps', '--backend', 'cpu');
    expect(text.code).toBe(1);
    expect(text.stdout.trim().split('\n')).toHaveLength(3); // header + 2 lesions
    expect(text.stderr).toContain(`${path.join(root, 'nope/missing.png')}: no such file or folder`);
    const allGood = await cli('score', path.relative(root, runDir), 'test/lesion', '--json', '--no-maps', '--backend', 'cpu');
    expect(allGood.code).toBe(0);
    expect(JSON.parse(allGood.stdout)).toMatchObject({ ok: true, failures: [] });
  });

  it('dataset summary refuses the bomb and a 0x0 / 0-bit DICOM instead of listing them as sizes', async () => {
    const dcm = path.join(root, 'dcm');
    await fs.mkdir(path.join(dcm, 'train/normal'), { recursive: true });
    await fs.mkdir(path.join(dcm, 'test/normal'), { recursive: true });
    await fs.writeFile(path.join(dcm, 'train/normal/ok.dcm'), writeDicom({ rows: 4, cols: 4, bitsAllocated: 16, pixels: Array(16).fill(7) }));
    await fs.writeFile(path.join(dcm, 'train/normal/zero.dcm'), writeDicom({ rows: 0, cols: 0, bitsAllocated: 8, pixels: [] }));
    await fs.writeFile(path.join(dcm, 'train/normal/zero-bit.dcm'), writeDicom({ rows: 2, cols: 2, bitsAllocated: 0 as 8, bitsStored: 1, pixels: [] }));
    await fs.writeFile(path.join(dcm, 'test/normal/ok2.dcm'), writeDicom({ rows: 4, cols: 4, bitsAllocated: 16, pixels: Array(16).fill(9) }));
    const config = (await fs.readFile(demo.datasetConfig, 'utf8')).replace('    root: .\n', '    root: .\n  - layout: dicom\n    root: dcm\n');
    await fs.writeFile(path.join(root, 'mixed.medad.yaml'), config);
    const r = await cli('dataset', 'summary', 'mixed.medad.yaml', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout).summary;
    // 12 readable 16x16 PNGs and 2 readable 4x4 DICOMs; the bomb, the truncated PNG and both bad DICOMs refused.
    expect(s.total).toBe(18);
    expect(s.maxSize).toEqual({ width: 16, height: 16 });
    expect(s.sizes).toEqual([{ width: 16, height: 16, count: 12 }, { width: 4, height: 4, count: 2 }]);
    expect(s.bitDepths).toEqual([{ bitDepth: 8, count: 12 }, { bitDepth: 16, count: 2 }]);
    const reasons = Object.fromEntries(s.unreadable.map((u: { path: string; reason: string }) => [path.basename(u.path), u.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['zero-bit.dcm', 'zero.dcm', 'zz_bomb.png', 'zz_truncated.png']);
    expect(reasons['zz_bomb.png']).toBe('refused: 100000x100000 = 10000000000 pixels, above the limit of 64000000');
    expect(reasons['zero.dcm']).toMatch(/^zero-sized DICOM \(0x0/);
    expect(reasons['zero-bit.dcm']).toBe('unsupported DICOM bit depth: BitsAllocated 0');
    const text = await cli('dataset', 'summary', 'mixed.medad.yaml');
    expect(text.stdout).toMatch(/smallest 4x4, largest 16x16/);
    expect(text.stdout).toMatch(/zz_bomb\.png: refused: 100000x100000/);
  });

  it('an empty dataset or experiment config says it is empty', async () => {
    for (const [name, cmd] of [['empty.dataset.medad.yaml', ['dataset', 'summary']], ['empty.experiment.medad.yaml', ['train']]] as const) {
      await fs.writeFile(path.join(root, name), '# nothing here yet\n\n');
      const r = await cli(...cmd, name);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${path.join(root, name)}:1:1: error: empty config`);
      expect(r.stderr).not.toContain('undefined');
    }
  });
});
