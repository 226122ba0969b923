// The daemon with the real core engine (no fake): a tiny AE on 32x32 synthetic phantoms trained for one epoch,
// through JSON-RPC exactly as an editor drives it — training with progress, cancel with a kept checkpoint,
// evaluation, the metrics lens, heatmaps (hotter inside the planted lesion, cached on repeat), dataset summaries
// and semantic diagnostics.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeFile } from '@medad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// core's index does not export the demo generator (a CLI concern), so the test takes it from core's source.
import { writeDemoDataset } from '../../core/src/demo/dataset.js';
import { CodeLensRequest, DidOpenTextDocumentNotification, HoverRequest, WorkDoneProgress } from 'vscode-languageserver-protocol/node.js';
import type { MarkupContent, WorkDoneProgressReport } from 'vscode-languageserver-protocol/node.js';
import { CancelRequest, DatasetSummaryRequest, EvaluateRequest, HeatmapRequest, ListRunsRequest, MedadErrorCodes, RunMetricsRequest, ScoreImagesRequest, TrainRequest } from '../src/protocol.js';
import type { JobInfo } from '../src/protocol.js';
import { startDaemon, uriOf } from './helpers.js';
import { writeNiftiU8 } from './nifti-fixture.js';
import type { Daemon } from './helpers.js';

let d: Daemon;
let data: string;
let experiment: string;
let trainedRun = '';

/** The demo experiment shrunk for speed (8-channel AE); `epochs` overrides the demo's. */
function writeExperiment(name: string, epochs: number): string {
  const text = readFileSync(path.join(data, 'experiment.medad.yaml'), 'utf8')
    .replace('name: demo-ae', `name: ${name}`)
    .replace('name: ae', 'name: ae\n  params:\n    channels: [8, 8]')
    .replace(/epochs: \d+/, `epochs: ${epochs}`)
    .replace('dataset: dataset.medad.yaml', 'dataset: data/dataset.medad.yaml');
  const file = path.join(d.workspace, `${name}.medad.yaml`);
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  d = await startDaemon({ initOptions: { supportedCommands: ['medad.train', 'medad.showRun'] } });
  data = path.join(d.workspace, 'data');
  await writeDemoDataset(data, { size: 32, train: 12, testNormal: 3, testLesion: 3, epochs: 1, batchSize: 4, bootstrapSamples: 20 });
  experiment = writeExperiment('tiny', 30);
});
afterAll(async () => d.close());

describe('real engine', () => {
  it('trains into the run directory with work-done progress', async () => {
    const seen: WorkDoneProgressReport[] = [];
    let kinds: string[] = [];
    d.conn.onProgress(WorkDoneProgress.type, 'train-1', (p) => {
      kinds.push(p.kind);
      if (p.kind === 'report') seen.push(p);
    });
    const r = await d.conn.sendRequest(TrainRequest, { experiment: uriOf(experiment), workDoneToken: 'train-1' });
    trainedRun = r.runDir;
    expect(path.dirname(r.runDir)).toBe(path.join(d.workspace, 'runs'));
    expect(JSON.parse(readFileSync(path.join(r.runDir, 'run.json'), 'utf8'))).toMatchObject({ state: 'trained', experimentFile: experiment });
    expect(existsSync(path.join(r.runDir, 'model', 'detector.json'))).toBe(true);
    kinds = kinds.filter((k, i) => k !== kinds[i - 1]);
    expect(kinds).toEqual(['begin', 'report', 'end']);
    // stage counts first, then epoch, loss and ETA (engine/progress-message.ts)
    expect(seen.some((p) => /^training \d+\/\d+ · epoch \d+\/\d+ · loss [\d.e+-]+/.test(p.message ?? ''))).toBe(true);
    const pct = seen.map((p) => p.percentage ?? 0);
    expect(pct).toEqual([...pct].sort((a, b) => a - b));
    expect(pct[pct.length - 1]).toBe(100);
  });

  it('cancels a training mid-way and keeps its checkpoint', async () => {
    const long = writeExperiment('long', 400);
    const training = new Promise<JobInfo>((resolve) =>
      d.conn.onNotification('medad/jobState', (j: JobInfo) => j.target === long && /^training/.test(j.message ?? '') && resolve(j)),
    );
    const result = d.conn.sendRequest(TrainRequest, { experiment: uriOf(long) }).then(() => 'finished', (e: { code: number }) => e.code);
    const job = await training;
    expect(await d.conn.sendRequest(CancelRequest, { jobId: job.id })).toEqual({ cancelled: true });
    expect(await result).toBe(MedadErrorCodes.Cancelled);
    const { runs } = await d.conn.sendRequest(ListRunsRequest, { experiment: uriOf(long) });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: 'cancelled', coreState: 'cancelled' });
    expect(existsSync(path.join(runs[0].runDir, 'checkpoint', 'checkpoint.json'))).toBe(true);
  });

  it('evaluates the trained run; runMetrics and the metrics lens show it', async () => {
    const r = await d.conn.sendRequest(EvaluateRequest, { experiment: uriOf(experiment) });
    expect(r.runDir).toBe(trainedRun);
    expect(r.metrics.AUROC).toBeGreaterThanOrEqual(0);
    expect(r.metrics.AUROC).toBeLessThanOrEqual(1);
    const m = await d.conn.sendRequest(RunMetricsRequest, { runDir: trainedRun });
    expect(m.metrics.AUROC).toBe(r.metrics.AUROC);
    expect(m.curves?.loss.length).toBeGreaterThan(0);
    // the intervals are metrics.json's bootstrap CIs, under the same display names, bracketing the value
    const file = JSON.parse(readFileSync(path.join(trainedRun, 'metrics.json'), 'utf8')) as { image: { auroc: { ci: [number, number] } } };
    expect(m.intervals?.AUROC).toEqual(file.image.auroc.ci);
    for (const [k, [lo, hi]] of Object.entries(m.intervals ?? {})) expect(lo <= m.metrics[k] && m.metrics[k] <= hi, k).toBe(true);
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uriOf(experiment), languageId: 'yaml', version: 1, text: readFileSync(experiment, 'utf8') },
    });
    const lenses = await d.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf(experiment) } });
    const lens = lenses?.find((l) => l.command?.command === 'medad.showRun');
    expect(lens?.command?.title).toMatch(/^AUROC \d\.\d\d · /);
    expect(lens?.command?.arguments).toEqual([trainedRun]);
  });

  it('renders a heatmap hotter inside the planted lesion, served from cache the second time', async () => {
    const image = path.join(data, 'test/lesion/lesion_0000.png');
    const params = { runDir: trainedRun, image, colormap: 'gray' as const, normalisation: 'image' as const };
    const a = await d.conn.sendRequest(HeatmapRequest, params);
    expect(a).toMatchObject({ cached: false, width: 32, height: 32 });
    const [map] = await decodeFile(a.mapPath as string);
    const [mask] = await decodeFile(path.join(data, 'test/masks/lesion_0000.png'));
    let inside = 0, nIn = 0, outside = 0, nOut = 0;
    mask.data.forEach((m, i) => (m > 0.5 ? ((inside += map.data[i]), nIn++) : ((outside += map.data[i]), nOut++)));
    expect(nIn).toBeGreaterThan(0);
    expect(inside / nIn).toBeGreaterThan(outside / nOut);
    const b = await d.conn.sendRequest(HeatmapRequest, params);
    expect(b).toMatchObject({ cached: true, mapPath: a.mapPath, score: a.score });
    const c = await d.conn.sendRequest(HeatmapRequest, { ...params, colormap: 'viridis', output: 'base64' });
    expect(c.cached).toBe(false);
    expect(Buffer.from(c.pngBase64 ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('renders the heatmap of one slice of a NIfTI volume: the score scoreImages gives that slice', async () => {
    // three 32x32 slices: normal, the planted lesion image, normal (ids vol.nii#slice=0..2)
    const png = (f: string) => decodeFile(path.join(data, f)).then(([im]) => im.data);
    const slices = await Promise.all(['test/normal/normal_0000.png', 'test/lesion/lesion_0000.png', 'test/normal/normal_0001.png'].map(png));
    const vol = path.join(d.workspace, 'vol.nii');
    writeNiftiU8(vol, [32, 32, 3], slices.flatMap((s) => [...s]));
    const scored = await d.conn.sendRequest(ScoreImagesRequest, { runDir: trainedRun, files: [vol] });
    expect(scored.scores.map((s) => path.basename(s.file))).toEqual(['vol.nii', 'vol.nii', 'vol.nii']);
    const params = { runDir: trainedRun, image: vol, colormap: 'gray' as const, normalisation: 'image' as const };
    const one = await d.conn.sendRequest(HeatmapRequest, { ...params, slice: 1 });
    const zero = await d.conn.sendRequest(HeatmapRequest, { ...params, slice: 0 });
    expect(one).toMatchObject({ cached: false, width: 32, height: 32 });
    expect(zero.cached).toBe(false);
    expect(one.score).toBeCloseTo(scored.scores[1].score, 5);
    expect(zero.score).toBeCloseTo(scored.scores[0].score, 5);
    expect(one.score).toBeGreaterThan(zero.score);
    const [map] = await decodeFile(one.mapPath as string);
    const [mask] = await decodeFile(path.join(data, 'test/masks/lesion_0000.png'));
    let inside = 0, nIn = 0, outside = 0, nOut = 0;
    mask.data.forEach((m, i) => (m > 0.5 ? ((inside += map.data[i]), nIn++) : ((outside += map.data[i]), nOut++)));
    expect(inside / nIn).toBeGreaterThan(outside / nOut);
    const past = await d.conn.sendRequest(HeatmapRequest, { ...params, slice: 3 }).catch((e: { message: string }) => e);
    expect((past as { message: string }).message).toMatch(/vol\.nii: slice 3 is out of range \(the file holds 3 images\)/);
    const bad = await d.conn.sendRequest(HeatmapRequest, { ...params, slice: -1 }).catch((e: { code: number }) => e);
    expect(bad).toMatchObject({ code: MedadErrorCodes.InvalidParams });
  });

  it('summarises the dataset', async () => {
    const s = await d.conn.sendRequest(DatasetSummaryRequest, { config: uriOf(path.join(data, 'dataset.medad.yaml')) });
    const byName = Object.fromEntries(s.splits.map((x) => [x.name, x]));
    expect(byName.train.images + byName.validation.images).toBe(12);
    expect(byName.test).toMatchObject({ images: 6, unreadable: 0, classes: { lesion: 3, normal: 3 } });
    expect(s.sizes).toEqual({ '32x32': 18 });
    expect(s.text).toMatch(/18 images/);
    // The hover on the config's `root: .` shows the same live summary, with sizes.
    const ds = path.join(data, 'dataset.medad.yaml');
    const text = readFileSync(ds, 'utf8');
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(ds), languageId: 'yaml', version: 1, text } });
    const line = text.split('\n').findIndex((l) => l.includes('root: .'));
    const h = await d.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(ds) }, position: { line, character: line >= 0 ? 11 : 0 } });
    const md = (h?.contents as MarkupContent).value;
    expect(md).toContain('- test: 6 (lesion 3, normal 3)');
    expect(md).toContain('sizes: 32x32 (18)');
  });

  it('publishes semantic diagnostics for a missing folder and a planted leakage pair', async () => {
    const leak = path.join(d.workspace, 'leak');
    mkdirSync(leak);
    cpSync(path.join(data, 'train'), path.join(leak, 'train'), { recursive: true });
    cpSync(path.join(data, 'test'), path.join(leak, 'test'), { recursive: true });
    copyFileSync(path.join(leak, 'train/normal/normal_0003.png'), path.join(leak, 'test/lesion/planted.png'));
    const text = 'medad: dataset\nversion: 1\nsources:\n  - layout: folder\n    root: ./leak\n  - layout: folder\n    root: ./gone\n';
    const file = path.join(d.workspace, 'leaky.medad.yaml');
    writeFileSync(file, text);
    const got = d.diagnostics(uriOf(file), (p) => p.diagnostics.some((x) => x.code === 'leakage'));
    await d.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text } });
    const diags = (await got).diagnostics;
    const missing = diags.find((x) => x.code === 'path-missing');
    expect(missing?.message).toContain('gone');
    expect(missing?.range.start.line).toBe(6);
    const leakage = diags.find((x) => x.code === 'leakage');
    expect(leakage?.range.start.line).toBe(4);
    expect(leakage?.relatedInformation?.map((r) => path.basename(r.location.uri)).sort()).toEqual(['normal_0003.png', 'planted.png']);
  });
});
