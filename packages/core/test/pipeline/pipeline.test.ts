import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src/demo/dataset.js';
import { configHash, evaluate, openScorer, readRunMeta, scoreFiles, train } from '../../src/pipeline/index.js';
import { readGray16Png } from '../../src/io/png.js';

let root: string;
let experiment: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'medad-pipe-'));
  const demo = await writeDemoDataset(root, { size: 16, train: 12, testNormal: 3, testLesion: 3, epochs: 1, batchSize: 4, bootstrapSamples: 20 });
  // The demo's 64-pixel experiment, shrunk to the 16-pixel images and 16 latent channels for speed.
  const text = (await fs.readFile(demo.experimentConfig, 'utf8')).replace('name: ae', 'name: ae\n  params:\n    channels: [8, 8]');
  experiment = path.join(root, 'tiny.medad.yaml');
  await fs.writeFile(experiment, text);
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

describe('pipeline end to end', () => {
  let runDir: string;

  it('train writes a run folder with model, snapshot and meta', async () => {
    const stages = new Set<string>();
    const r = await train(experiment, { backend: 'cpu', onProgress: (p) => stages.add(p.stage) });
    runDir = r.runDir;
    expect(stages.has('training')).toBe(true);
    const files = await fs.readdir(runDir);
    expect(files).toEqual(expect.arrayContaining(['run.json', 'experiment.json', 'experiment.medad.yaml', 'train.log', 'model', 'checkpoint']));
    expect(await fs.readdir(path.join(runDir, 'model'))).toEqual(expect.arrayContaining(['detector.json']));
    const meta = await readRunMeta(runDir);
    expect(meta.state).toBe('trained');
    expect(meta.counts.train + meta.counts.validation).toBe(12);
    expect(meta.training?.steps).toBeGreaterThan(0);
    const record = JSON.parse(await fs.readFile(path.join(runDir, 'experiment.json'), 'utf8'));
    expect(meta.configHash).toBe(configHash(record.config));
  });

  it('evaluate writes metrics.json, scores.csv, 16-bit maps and report.html', async () => {
    const r = await evaluate(runDir, { backend: 'cpu' });
    const metrics = JSON.parse(await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.image)).toEqual(expect.arrayContaining(['auroc', 'ap', 'f1', 'precision', 'recall', 'specificity', 'accuracy']));
    expect(metrics.image.auroc.ci).toHaveLength(2);
    expect(metrics.threshold.chosenOn).toBe('validation');
    expect(metrics.threshold.validation.abnormal).toBe(0);
    expect(Object.keys(metrics.pixel)).toEqual(expect.arrayContaining(['dice', 'pixelAuroc', 'pixelAp', 'aupro']));
    expect(metrics.counts).toMatchObject({ test: 6, testNormal: 3, testAbnormal: 3 });
    const csv = (await fs.readFile(path.join(runDir, 'scores.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('path,id,class,label,score,map');
    expect(csv).toHaveLength(7);
    const maps = await fs.readdir(path.join(runDir, 'maps'));
    expect(maps).toHaveLength(6);
    // Maps use the run-wide range: re-reading one gives values inside it, and the largest map pixel hits its top.
    const [lo, hi] = metrics.mapRange;
    let top = -Infinity;
    for (const m of maps) {
      const img = await readGray16Png(path.join(runDir, 'maps', m), { min: lo, max: hi });
      expect(img.width).toBe(16);
      for (const v of img.data) top = Math.max(top, v);
    }
    expect(top).toBeCloseTo(hi, 4);
    const html = await fs.readFile(r.files.report, 'utf8');
    for (const id of ['metrics', 'curves', 'most-anomalous', 'least-anomalous', 'run-info']) expect(html).toContain(`id="${id}"`);
    expect((await readRunMeta(runDir)).state).toBe('evaluated');
    // one display range for the report and the editor: from validation normals, inside the full map range
    expect(metrics.display.rule).toMatch(/validation-normal/);
    expect(metrics.displayRange).toEqual(metrics.display.range);
    expect(metrics.display.range[1]).toBeLessThanOrEqual(hi);
    expect(metrics.validationNormalScores).toHaveLength(metrics.threshold.validation.normal);
    // a handful of validation normals for the default 0.95 quantile: the reliability warning reaches the report
    expect(metrics.thresholdReliability.tooFew).toBe(metrics.threshold.validation.normal < metrics.thresholdReliability.minNormals);
    if (metrics.thresholdReliability.tooFew) expect(html).toContain('id="threshold-warning"');
    // Training-free shortcut baselines on the same 6 test images, cross-validated there (3 folds: 3 per class).
    expect(metrics.shortcuts.images).toBe(6);
    expect(metrics.shortcuts.k).toBe(3);
    expect(metrics.shortcuts.bestSingle.auroc).toBeGreaterThanOrEqual(0.5);
    expect(metrics.shortcuts.combinedCv).toBeGreaterThanOrEqual(0);
    expect(metrics.shortcuts.note).toMatch(/cross-validated on the test set itself/);
    expect(html).toContain('Shortcut baselines (training-free)');
    expect(html).toContain(`<code>${metrics.shortcuts.bestSingle.descriptor}</code>`);
  });

  it('scoreFiles scores a folder with the trained model', async () => {
    const out = path.join(root, 'scored');
    const r = await scoreFiles(runDir, path.join(root, 'test/lesion'), { backend: 'cpu', out });
    expect(r.scores).toHaveLength(3);
    for (const s of r.scores) {
      expect(Number.isFinite(s.score)).toBe(true);
      await fs.access(s.mapFile as string);
    }
    // `medad score` on a FIFO named x.png: that file fails with its reason at once, the others are scored
    const fifo = path.join(root, 'x.png');
    execFileSync('mkfifo', [fifo]);
    const mixed = await scoreFiles(runDir, [fifo, r.scores[0].path], { backend: 'cpu', maps: false });
    expect(mixed.scores.map((s) => s.path)).toEqual([r.scores[0].path]);
    expect(mixed.failures).toEqual([{ path: fifo, reason: expect.stringContaining('a FIFO (named pipe), not an image file') }]);
    // A Scorer kept open scores the same image to the same value, with the run's evaluation map range.
    const scorer = await openScorer(runDir, { backend: 'cpu' });
    try {
      const one = await scorer.score(r.scores[1].path);
      expect(one.score).toBeCloseTo(r.scores[1].score, 5);
      expect([one.width, one.height, one.map.length]).toEqual([16, 16, 256]);
      expect(scorer.mapRange).toEqual((await readRunMeta(runDir)).evaluation?.mapRange);
      expect(scorer.displayRange).toEqual(JSON.parse(await fs.readFile(path.join(runDir, 'metrics.json'), 'utf8')).display.range);
      await expect(scorer.score(path.join(root, 'nope.png'))).rejects.toThrow(/nope\.png/);
      // The source size (what a heatmap overlays) comes back with the map, so nobody re-reads the header.
      const wide = path.join(root, 'wide.png');
      await sharp(Buffer.alloc(40 * 24, 90), { raw: { width: 40, height: 24, channels: 1 } }).png().toFile(wide);
      const w = await scorer.score(wide);
      expect([w.width, w.height, w.sourceWidth, w.sourceHeight]).toEqual([16, 16, 40, 24]);
    } finally {
      scorer.dispose();
    }
  });

  it('a cancelled training keeps a checkpoint and resumes from it', async () => {
    const controller = new AbortController();
    let steps = 0;
    const err = await train(experiment, {
      backend: 'cpu',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'training' && ++steps === 1) controller.abort();
      },
    }).catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
    const runs = (await fs.readdir(path.join(root, 'runs'))).map((d) => path.join(root, 'runs', d));
    const metas = await Promise.all(runs.map(async (d) => ({ d, m: await readRunMeta(d) })));
    const cancelled = metas.find((x) => x.m.state === 'cancelled');
    expect(cancelled).toBeDefined();
    await fs.access(path.join(cancelled!.d, 'checkpoint', 'checkpoint.json'));
    const resumed = await train(experiment, { backend: 'cpu', resume: true });
    expect(resumed.runDir).toBe(cancelled!.d);
    expect(resumed.fit.resumedFromStep).toBeGreaterThan(0);
  });
});
