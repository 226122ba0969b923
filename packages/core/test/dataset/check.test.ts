// checkDatasetConfig on tiny fixture folders: each semantic problem lands on the config key it is about.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatasetConfig, leakageIssues } from '../../src/dataset/check.js';
import { checkDatasetParts } from '../../src/dataset/check-parts.js';
import { checkLeakage } from '../../src/dataset/leakage.js';
import { parseDatasetConfig } from '../../src/dataset/load.js';
import { resolveDataset } from '../../src/dataset/resolve.js';
import { names, tempDir, writeTree } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const config = (extra = '') => ['medad: dataset', 'version: 1', 'sources:', '  - layout: folder', '    root: ./data', extra].join('\n');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

async function balanced(): Promise<void> {
  await writeTree(path.join(dir, 'data'), [...names('train/normal/n', 4), ...names('test/normal/t', 3), ...names('test/lesion/l', 3)]);
}

describe('checkDatasetConfig', () => {
  it('is silent on a clean, balanced dataset and reports a missing root on its value', async () => {
    await balanced();
    const text = config();
    expect(await checkDatasetConfig(text, path.join(dir, 'ds.medad.yaml'))).toEqual([]);
    const missing = text.replace('./data', './nowhere');
    const issues = await checkDatasetConfig(missing, path.join(dir, 'ds.medad.yaml'));
    const miss = issues.find((i) => i.code === 'path-missing');
    expect(miss?.message).toContain('nowhere');
    expect(miss?.start).toEqual({ line: lineOf(missing, 'nowhere'), character: 10 });
  });

  it('counts unreadable images per folder: all unreadable is an error, some is a warning', async () => {
    await balanced();
    await mkdir(path.join(dir, 'data/test/cyst'), { recursive: true });
    for (const n of ['a.png', 'b.png']) await writeFile(path.join(dir, 'data/test/cyst', n), 'not a png');
    await writeFile(path.join(dir, 'data/train/normal/broken.png'), 'garbage');
    const issues = (await checkDatasetConfig(config(), path.join(dir, 'ds.medad.yaml'), { leakage: false })).filter((i) => i.code === 'unreadable');
    const none = issues.find((i) => i.message.includes('cyst'));
    expect(none?.severity).toBe('error');
    expect(none?.message).toMatch(/No readable images .*cyst: 2 file\(s\), 0 readable/);
    const some = issues.find((i) => i.message.includes('normal'));
    expect(some?.severity).toBe('warning');
    expect(some?.message).toMatch(/1 of 5 image\(s\) .*broken\.png/);
    expect(some?.path).toEqual(['sources', 0, 'root']);
  });

  it('warns about masks matching no image and about an imbalanced test set', async () => {
    await writeTree(path.join(dir, 'data'), [...names('train/normal/n', 4), ...names('test/normal/t', 19), 'test/lesion/l0.png', 'test/masks/zz.png']);
    const issues = await checkDatasetConfig(config(), path.join(dir, 'ds.medad.yaml'), { leakage: false });
    expect(issues.find((i) => i.code === 'mask-unmatched')?.message).toContain('zz.png');
    const imb = issues.find((i) => i.code === 'imbalance');
    expect(imb?.message).toMatch(/'lesion' is 5\.0%/);
    expect(imb?.message).toMatch(/'normal' is 95\.0%/);
  });

  it('reports an unlabelled pool that shares files with the test set', async () => {
    await balanced();
    const text = config('unlabelled:\n  from: ./data/test\n');
    const issues = await checkDatasetConfig(text, path.join(dir, 'ds.medad.yaml'), { leakage: false });
    const overlap = issues.find((i) => i.code === 'pool-test-overlap');
    expect(overlap?.message).toMatch(/^6 unlabelled pool image\(s\) are also test images/);
    expect(overlap?.start.line).toBe(lineOf(text, 'from:'));
    expect(overlap?.related).toHaveLength(6);
  });

  it('reports a planted train/test duplicate with both files in related', async () => {
    await balanced();
    const leaked = path.join(dir, 'data/test/lesion/copy.png');
    await copyFile(path.join(dir, 'data/train/normal/n2.png'), leaked);
    const issues = await checkDatasetConfig(config(), path.join(dir, 'ds.medad.yaml'));
    const leak = issues.filter((i) => i.code === 'leakage');
    expect(leak).toHaveLength(1);
    expect(leak[0].message).toMatch(/identical file.*copy\.png.*train n2\.png/);
    expect(leak[0].related?.map((r) => r.file).sort()).toEqual([leaked, path.join(dir, 'data/train/normal/n2.png')].sort());
    expect(leak[0].path).toEqual(['sources', 0, 'root']);
  });

  it('leakageIssues re-places a cached report on edited text and caps the list with a summary', async () => {
    await balanced();
    await copyFile(path.join(dir, 'data/train/normal/n2.png'), path.join(dir, 'data/test/lesion/copy.png'));
    await copyFile(path.join(dir, 'data/train/normal/n3.png'), path.join(dir, 'data/test/normal/copy3.png'));
    const file = path.join(dir, 'ds.medad.yaml');
    const text = config();
    const parsed = parseDatasetConfig(text, file);
    const resolved = await resolveDataset(parsed.value!, dir);
    const report = await checkLeakage(resolved);
    expect(report.groups).toHaveLength(2);
    // The same report on a text with two lines inserted above the source: the warnings move with the key.
    const edited = text.replace('sources:', 'name: moved\nseed: 3\nsources:');
    const moved = leakageIssues(edited, parseDatasetConfig(edited, file).value!, resolved, report);
    expect(moved.map((i) => i.start.line)).toEqual([lineOf(edited, 'root:'), lineOf(edited, 'root:')]);
    const capped = leakageIssues(text, parsed.value!, resolved, report, 1);
    expect(capped).toHaveLength(2);
    expect(capped[1].message).toMatch(/^1 more leakage group\(s\) \(2 test images in all\)/);
  });

  it('gives [] for a config with schema errors and honours an aborted signal', async () => {
    expect(await checkDatasetConfig('medad: dataset\nversion: 2\n', path.join(dir, 'x.medad.yaml'))).toEqual([]);
    await balanced();
    const ctl = new AbortController();
    ctl.abort();
    await expect(checkDatasetConfig(config(), path.join(dir, 'ds.medad.yaml'), { signal: ctl.signal })).rejects.toThrow();
  });
});

describe('checkDatasetParts (beside schema errors)', () => {
  it('reports a missing folder of a valid source and a missing validation folder while another part has a schema error', async () => {
    await balanced();
    const text = [
      'medad: dataset',
      'version: 1',
      'sources:',
      '  - layout: folder',
      '    root: ./data',
      '  - layout: folder',
      '    root: ./elsewhere',
      '  - layout: folder',
      '    rot: ./typo',
      'validation:',
      '  folder: ./val-missing',
      'unlabelled:',
      '  form: train',
    ].join('\n');
    // the schema pass rejects the whole config, so the full checks say nothing
    expect(await checkDatasetConfig(text, path.join(dir, 'ds.medad.yaml'))).toEqual([]);
    const issues = await checkDatasetParts(text, path.join(dir, 'ds.medad.yaml'));
    const missing = issues.filter((i) => i.code === 'path-missing');
    expect(missing.map((i) => i.start.line).sort((a, b) => a - b)).toEqual([lineOf(text, 'elsewhere'), lineOf(text, 'val-missing')]);
    expect(missing.map((i) => i.message).join('\n')).toMatch(/elsewhere[\s\S]*val-missing/);
    // nothing about the valid source's files, nothing about the invalid source (the schema pass covers it)
    expect(issues.every((i) => i.severity !== 'info' && !i.message.includes('typo'))).toBe(true);
  });

  it('says nothing on YAML syntax errors or when no part validates', async () => {
    expect(await checkDatasetParts('medad: dataset\nsources: [\n', path.join(dir, 'x.medad.yaml'))).toEqual([]);
    expect(await checkDatasetParts('medad: dataset\nversion: 1\nsources: 3\n', path.join(dir, 'x.medad.yaml'))).toEqual([]);
  });
});

