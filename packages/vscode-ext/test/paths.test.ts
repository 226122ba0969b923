import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '@medad/daemon/protocol';
import { browserCanShow, classify, isMaskFile, isUsableRun, labelOf, latestRun, maskCandidates, pngBitDepth, runThreshold, toFsPath } from '../src/paths.js';

describe('paths', () => {
  const root = path.join(path.sep, 'data', 'ds');
  it('classifies the folder layout', () => {
    expect(classify(root, path.join(root, 'test', 'lesion', 'a.png'))).toEqual({ split: 'test', cls: 'lesion' });
    expect(classify(root, path.join(root, 'normal', 'a.png'))).toEqual({ split: '', cls: 'normal' });
    expect(isMaskFile(root, path.join(root, 'test', 'masks', 'a.png'))).toBe(true);
    expect(isMaskFile(root, path.join(root, 'test', 'lesion', 'masks.png'))).toBe(false);
  });
  it('finds mask candidates beside the class folder', () => {
    expect(maskCandidates(path.join(root, 'test', 'lesion', 'x_01.png'))[0]).toBe(path.join(root, 'test', 'masks', 'x_01.png'));
    expect(maskCandidates(path.join(root, 'test', 'lesion', 'v.nii.gz'))[0]).toBe(path.join(root, 'test', 'masks', 'v.png'));
  });
  it('picks the latest finished run of an experiment', () => {
    const runs: RunSummary[] = [
      { runDir: '/r/1', experiment: '/w/a.medad.yaml', state: 'finished', finishedAt: '2024-01-02T00:00:00Z' },
      { runDir: '/r/2', experiment: '/w/a.medad.yaml', state: 'failed', finishedAt: '2024-01-03T00:00:00Z' },
      { runDir: '/r/3', experiment: '/w/b.medad.yaml', state: 'finished', finishedAt: '2024-01-04T00:00:00Z' },
      { runDir: '/r/0', experiment: '/w/a.medad.yaml', state: 'finished', finishedAt: '2024-01-01T00:00:00Z' },
    ];
    expect(latestRun(runs, '/w/a.medad.yaml')?.runDir).toBe('/r/1');
    expect(latestRun(runs, 'file:///w/a.medad.yaml')?.runDir).toBe('/r/1');
    expect(latestRun(runs)?.runDir).toBe('/r/3');
    expect(latestRun([])).toBeUndefined();
  });
  it('uses a finished run in a state it does not know, never a running, failed or unfinished one', () => {
    const runs: RunSummary[] = [
      { runDir: '/r/old', state: 'finished', finishedAt: '2024-01-01T00:00:00Z' },
      { runDir: '/r/trained', state: 'unknown', finishedAt: '2024-01-02T00:00:00Z' },
      { runDir: '/r/half', state: 'unknown', startedAt: '2024-01-05T00:00:00Z' },
      { runDir: '/r/run', state: 'running', startedAt: '2024-01-06T00:00:00Z' },
      { runDir: '/r/bad', state: 'failed', finishedAt: '2024-01-07T00:00:00Z' },
    ];
    expect(latestRun(runs)?.runDir).toBe('/r/trained');
    expect(runs.filter(isUsableRun).map((r) => r.runDir)).toEqual(['/r/old', '/r/trained']);
  });
  it('converts URIs and labels', () => {
    expect(toFsPath('file:///w/a%20b.png')).toBe('/w/a b.png');
    expect(toFsPath({ fsPath: '/x' })).toBe('/x');
    expect(toFsPath(3)).toBeUndefined();
    expect(labelOf('normal')).toBe(0);
    expect(labelOf('lesion')).toBe(1);
  });
});

describe('browserCanShow', () => {
  // PNG signature + IHDR chunk length/type + width 2, height 2, then bit depth and colour type (0 = grey)
  const header = (bits: number) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, bits, 0]);
  it('reads the bit depth of a PNG header', () => {
    expect(pngBitDepth(header(16))).toBe(16);
    expect(pngBitDepth(header(8))).toBe(8);
    expect(pngBitDepth(Uint8Array.from([1, 2, 3]))).toBeUndefined();
  });
  it('sends 16-bit PNGs and non-browser formats through the daemon', () => {
    expect(browserCanShow('/d/a.png', header(8))).toBe(true);
    expect(browserCanShow('/d/a.png', header(16))).toBe(false);
    expect(browserCanShow('/d/a.jpg', new Uint8Array())).toBe(true);
    for (const f of ['/d/a.tif', '/d/a.dcm', '/d/v.nii', '/d/v.nii.gz']) expect(browserCanShow(f, header(8))).toBe(false);
  });
});

describe('runThreshold', () => {
  it("reads the run's threshold from metrics.json, without extra keys", () => {
    expect(runThreshold({ threshold: { policy: 'normal-quantile', chosenOn: 'validation', value: 0.95, threshold: 0.0517 } })).toEqual({ threshold: 0.0517, policy: 'normal-quantile', chosenOn: 'validation' });
    expect(runThreshold({ threshold: { threshold: 2 } })).toEqual({ threshold: 2 });
  });
  it('is undefined without a finite threshold', () => {
    for (const j of [null, {}, { threshold: 0.5 }, { threshold: { threshold: 'x' } }, { threshold: { threshold: null } }]) expect(runThreshold(j)).toBeUndefined();
  });
});
