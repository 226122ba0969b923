// Evaluation of a trained run: score the validation split (threshold) and the test split (metrics), then write
// metrics.json, scores.csv, 16-bit anomaly maps with one dataset-wide range, and the HTML report — all atomically.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initBackend, describeBackend, type BackendName } from '../compute/index.js';
import { resolveDataset } from '../dataset/resolve.js';
import { loadDetector } from '../detectors/load.js';
import { writeGray16Png } from '../io/png.js';
import { writeFileAtomic, writeJsonAtomic } from '../model/atomic.js';
import { renderReportHtml } from '../report/html.js';
import { openExperiment, type ExperimentRef } from './context.js';
import { chooseThreshold, imageMetrics, type MetricEntry, type ThresholdResult } from './image-metrics.js';
import { loadSplit } from './images.js';
import { PIXEL_THRESHOLD_QUANTILE, loadMasks, pixelMetrics, pixelQuantile } from './pixel-metrics.js';
import { buildExamples, curves } from './report-data.js';
import { mapDisplay, type MapDisplay } from './display-range.js';
import { thresholdReliability, type ThresholdReliability } from './threshold-reliability.js';
import { MODEL_DIR, RUN_JSON, findRuns, readExperimentRecord, readRunMeta, updateRunMeta } from './run-dir.js';
import { scorePacked, scoreVariantsPacked } from './scoring.js';
import type { PipelineProgress } from './train.js';
import { shortcutBaselines, type ShortcutBaselines } from './shortcut-baselines.js';

export interface EvaluateOptions {
  signal?: AbortSignal;
  onProgress?: (p: PipelineProgress) => void;
  backend?: BackendName | 'auto';
  /** With an experiment: evaluate this run instead of the experiment's latest trained one. */
  runDir?: string;
  /** Where to look for the experiment's latest run instead of its `output.dir` (the daemon's run directory). */
  outputRoot?: string;
  /** Most / least anomalous images shown in the report. Default 6 each. */
  examples?: number;
  /** Compute the training-free shortcut baselines on the test set (default true). */
  shortcuts?: boolean;
}

export interface MetricsJson {
  format: 'medad-metrics/1';
  runDir: string;
  detector: string;
  threshold: ThresholdResult;
  image: Record<string, MetricEntry>;
  pixel?: Record<string, MetricEntry> & { threshold?: never };
  pixelThreshold?: { value: number; rule: string; bestDiceThreshold: number; images: number };
  counts: { validation: number; test: number; testNormal: number; testAbnormal: number; unreadable: number };
  /** Range of the 16-bit PNGs under maps/: value = min + png / 65535 * (max - min). */
  mapRange: [number, number];
  /** Range the report's colours span (saturating above): `display.range`. */
  displayRange: [number, number];
  /** The one display range and default pixel threshold of report.html and the editor's heatmaps (display-range.ts). */
  display?: MapDisplay;
  /** For quantile thresholds: how many validation normals chose it and its 95% order-statistic interval. */
  thresholdReliability?: ThresholdReliability;
  /** Validation normals' image scores (the heatmap's "percentile among validation normals"). */
  validationNormalScores?: number[];
  bootstrap: { samples: number; seed: number; confidence: 0.95 };
  /**
   * The detector's other scores from the same weights (Detector.scoreVariants: DDAD's five maps, f-AnoGAN's
   * residual/feature/critic, the student-teacher's scales), each with its own validation threshold.
   */
  variants?: Record<string, VariantMetrics>;
  /** What cheap image descriptors alone reach on the same test images (cross-validated there; see `note`). */
  shortcuts?: ShortcutBaselines;
  notes: string[];
}

export interface VariantMetrics {
  threshold: ThresholdResult;
  image: Record<string, MetricEntry>;
  pixel?: Record<string, MetricEntry>;
}

export interface EvaluateResult {
  runDir: string;
  metrics: MetricsJson;
  files: { metrics: string; scores: string; report: string; maps?: string };
}

async function isRunDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(p, RUN_JSON))).isFile();
  } catch {
    return false;
  }
}

/** The run folder to evaluate: given directly, or the latest trained run of an experiment. */
async function locateRun(target: ExperimentRef, runDir?: string, outputRoot?: string): Promise<string> {
  if (runDir) return path.resolve(runDir);
  if (typeof target === 'string' && (await isRunDir(target))) return path.resolve(target);
  const ctx = await openExperiment(target);
  const root = outputRoot ? path.resolve(outputRoot) : ctx.outputRoot;
  const runs = (await findRuns(root, ctx.name)).filter((r) => r.meta.state === 'trained' || r.meta.state === 'evaluated');
  if (runs.length === 0) throw new Error(`${ctx.file ?? ctx.name}: no trained run under ${root}; run \`medad train\` first`);
  return runs[0].dir;
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Keeps only the metrics the experiment asked for (all when it did not say). */
function pick(all: Record<string, MetricEntry>, wanted: string[] | undefined, extra: string[] = []): Record<string, MetricEntry> {
  if (!wanted) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k) || extra.includes(k)));
}

export async function evaluate(target: ExperimentRef, opts: EvaluateOptions = {}): Promise<EvaluateResult> {
  const started = Date.now();
  const runDir = await locateRun(target, opts.runDir, opts.outputRoot);
  const meta = await readRunMeta(runDir);
  const rec = await readExperimentRecord(runDir);
  const { config } = rec;
  const progress = (stage: string, done: number, total: number) => opts.onProgress?.({ stage, fraction: total ? done / total : 1, done, total });
  const backend = await initBackend({ prefer: opts.backend });
  const resolved = await resolveDataset(rec.dataset, rec.datasetDir);
  const detector = await loadDetector(path.join(runDir, MODEL_DIR));
  const notes: string[] = [];
  try {
    const batchSize = config.evaluation.batchSize;
    const valItems = resolved.validation.length > 0 ? resolved.validation : [];
    if (valItems.length === 0) throw new Error(`${rec.datasetFile ?? rec.file ?? runDir}: the dataset has no validation split; add \`validation: { fraction: 0.1 }\` so the threshold is not chosen on the test set`);
    const val = await loadSplit(valItems, config.input, { signal: opts.signal, onProgress: (d, t) => progress('loading validation', d, t) });
    // Detectors with score variants: one pass gives all of them; the main score is one of them (mainVariant).
    const vVal = await scoreVariantsPacked(detector, val.data, val.images.length, { batchSize, signal: opts.signal, onProgress: (d, t) => progress('scoring validation (all variants)', d, t) });
    const main = detector.mainVariant;
    const valScored = main && vVal[main] ? vVal[main] : await scorePacked(detector, val.data, val.images.length, { batchSize, signal: opts.signal, onProgress: (d, t) => progress('scoring validation', d, t) });
    const valLabels = val.images.map((im) => im.item.label);
    const threshold = chooseThreshold(config.evaluation.threshold, valScored.scores, valLabels);
    const valNormalScores = Array.from(valScored.scores).filter((_, i) => valLabels[i] === 0);
    const tp = config.evaluation.threshold;
    const reliability = tp.policy === 'normal-quantile' ? thresholdReliability(valNormalScores, tp.value)
      : tp.policy === 'target-fpr' && threshold.validation.abnormal === 0 ? thresholdReliability(valNormalScores, 1 - tp.value) : undefined;
    if (reliability?.warning) notes.push(`threshold: ${reliability.warning}`);

    const test = await loadSplit(resolved.test, config.input, { signal: opts.signal, onProgress: (d, t) => progress('loading test', d, t) });
    if (test.images.length === 0) throw new Error(`${rec.datasetFile ?? runDir}: no readable test images`);
    const vTest = await scoreVariantsPacked(detector, test.data, test.images.length, { batchSize, signal: opts.signal, onProgress: (d, t) => progress('scoring test (all variants)', d, t) });
    const scored = main && vTest[main] ? vTest[main] : await scorePacked(detector, test.data, test.images.length, { batchSize, signal: opts.signal, onProgress: (d, t) => progress('scoring test', d, t) });
    const labels = test.images.map((im) => im.item.label);
    const img = imageMetrics(scored.scores, labels, threshold.threshold, config.evaluation.bootstrap);
    notes.push(...img.notes);
    for (const f of [...val.failures, ...test.failures]) notes.push(`unreadable: ${f.path}: ${f.reason}`);

    // One range for every map of the run, so map intensities compare across images (no per-image min-max).
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of scored.maps) for (const v of m) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const mapRange: [number, number] = [Math.min(0, lo), hi > Math.min(0, lo) ? hi : Math.min(0, lo) + 1];
    // Colours saturate at a high quantile of validation-normal map pixels (display-range.ts): one hot pixel must not
    // wash out every other map. One range for the whole run, the same in the report and the editor.
    const display = mapDisplay(valScored.maps.filter((_, i) => valLabels[i] === 0), scored.maps, mapRange);
    const displayRange = display.range;

    const masks = config.evaluation.pixelMetrics === false ? test.images.map(() => undefined) : await loadMasks(test.images, config.input);
    let pixel: MetricsJson['pixel'];
    let pixelThreshold: MetricsJson['pixelThreshold'];
    if (config.evaluation.pixelMetrics !== false && masks.some((m) => m && m.some((v) => v > 0))) {
      const valNormalMaps = valScored.maps.filter((_, i) => valLabels[i] === 0);
      const t = pixelQuantile(valNormalMaps, PIXEL_THRESHOLD_QUANTILE);
      const px = pixelMetrics(scored.maps, masks, config.input, t);
      pixel = pick(px.metrics, config.evaluation.metrics, ['bestDice']);
      pixelThreshold = { value: t, rule: `${PIXEL_THRESHOLD_QUANTILE} quantile of validation-normal map pixels`, bestDiceThreshold: px.bestDiceThreshold, images: px.images };
    } else if (config.evaluation.pixelMetrics === true) {
      notes.push('pixelMetrics: true, but no test image has a mask');
    }

    let variants: MetricsJson['variants'];
    if (Object.keys(vTest).length > 0) {
      variants = {};
      for (const [name, t] of Object.entries(vTest)) {
        const v = vVal[name];
        const thr = chooseThreshold(config.evaluation.threshold, v.scores, valLabels);
        const vi = imageMetrics(t.scores, labels, thr.threshold, config.evaluation.bootstrap);
        const entry: VariantMetrics = { threshold: thr, image: pick(vi.metrics, config.evaluation.metrics) };
        if (pixel) {
          const pt = pixelQuantile(v.maps.filter((_, i) => valLabels[i] === 0), PIXEL_THRESHOLD_QUANTILE);
          entry.pixel = pick(pixelMetrics(t.maps, masks, config.input, pt).metrics, config.evaluation.metrics, ['bestDice']);
        }
        variants[name] = entry;
      }
    }

    const readable = new Set(test.images.map((im) => im.item.path));
    const shortcuts =
      opts.shortcuts === false
        ? undefined
        : await shortcutBaselines(
            resolved.test.filter((it) => readable.has(it.path)),
            config.input,
            { signal: opts.signal, onProgress: (d, t) => progress('shortcut baselines', d, t) },
          );

    const mapsDir = path.join(runDir, 'maps');
    const mapFiles: string[] = [];
    if (config.evaluation.maps) {
      await fs.mkdir(mapsDir, { recursive: true });
      const [h, w] = config.input.size;
      for (let i = 0; i < scored.maps.length; i++) {
        const base = path.basename(test.images[i].item.path).replace(/\.[^.]+$/, '');
        const name = `${String(i).padStart(5, '0')}_${base}${test.images[i].frame > 0 ? `_f${test.images[i].frame}` : ''}.png`;
        await writeGray16Png(path.join(mapsDir, name), { width: w, height: h, data: scored.maps[i] }, { min: mapRange[0], max: mapRange[1] });
        mapFiles.push(`maps/${name}`);
        if (i % 16 === 0) progress('writing maps', i + 1, scored.maps.length);
      }
    }

    const csv = ['path,id,class,label,score,map']
      .concat(test.images.map((im, i) => [im.item.path, im.id, im.item.className, String(im.item.label), String(scored.scores[i]), mapFiles[i] ?? ''].map(csvCell).join(',')))
      .join('\n') + '\n';
    const testAbnormal = labels.filter((l) => l === 1).length;
    const metrics: MetricsJson = {
      format: 'medad-metrics/1',
      runDir,
      detector: detector.name,
      threshold,
      image: pick(img.metrics, config.evaluation.metrics),
      ...(pixel ? { pixel, pixelThreshold } : {}),
      counts: { validation: val.images.length, test: test.images.length, testNormal: labels.length - testAbnormal, testAbnormal, unreadable: val.failures.length + test.failures.length },
      mapRange,
      displayRange,
      display,
      ...(reliability ? { thresholdReliability: reliability } : {}),
      validationNormalScores: valNormalScores,
      bootstrap: { ...config.evaluation.bootstrap, confidence: 0.95 },
      ...(variants ? { variants } : {}),
      ...(shortcuts ? { shortcuts } : {}),
      notes,
    };
    const files = { metrics: path.join(runDir, 'metrics.json'), scores: path.join(runDir, 'scores.csv'), report: path.join(runDir, 'report.html'), ...(mapFiles.length ? { maps: mapsDir } : {}) };
    await writeJsonAtomic(files.metrics, metrics);
    await writeFileAtomic(files.scores, csv);

    progress('writing report', 0, 1);
    const evalMs = Date.now() - started;
    const html = renderReportHtml({
      title: `${meta.experiment} · ${detector.name}`,
      generatedAt: new Date().toISOString(),
      synthetic: /synthetic/i.test(rec.dataset.name ?? ''),
      run: { dir: runDir, experiment: rec.file ?? meta.experiment, detector: detector.name, params: config.detector.params },
      dataset: {
        name: rec.dataset.name,
        inputSize: config.input.size,
        splits: (['train', 'validation', 'test'] as const).map((s) => ({ name: s, normal: resolved[s].filter((i) => i.label === 0).length, abnormal: resolved[s].filter((i) => i.label === 1).length })),
      },
      backend: describeBackend(backend),
      timing: [...(meta.training ? [{ label: 'training', ms: meta.training.durationMs }] : []), { label: 'evaluation', ms: evalMs }],
      threshold,
      ...(reliability ? { thresholdReliability: reliability } : {}),
      imageMetrics: metrics.image,
      pixelMetrics: pixel,
      variants,
      shortcuts,
      ...curves(scored.scores, labels),
      scores: { normal: Array.from(scored.scores).filter((_, i) => labels[i] === 0), abnormal: Array.from(scored.scores).filter((_, i) => labels[i] === 1) },
      mapRange: displayRange,
      ...(await buildExamples({ images: test.images, data: test.data, scores: scored.scores, maps: scored.maps, masks, size: config.input.size, range: displayRange }, opts.examples)),
      notes,
    });
    await writeFileAtomic(files.report, html);
    const flat = Object.fromEntries([...Object.entries(metrics.image), ...Object.entries(pixel ?? {})].map(([k, v]) => [k, v.value]));
    await updateRunMeta(runDir, { state: 'evaluated', evaluation: { durationMs: Date.now() - started, finishedAt: new Date().toISOString(), metrics: flat, mapRange } });
    progress('done', 1, 1);
    return { runDir, metrics, files };
  } finally {
    detector.dispose();
  }
}
