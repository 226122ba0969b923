// The dataset shortcut audit: one streaming pass computes every labelled image's descriptors, then per labelled
// split each descriptor's separation of normal from anomalous and a cross-validated logistic model on all numeric
// descriptors (an upper bound of what these cues alone can do). Training-free: nothing here sees a detector.
import { ImageReadError } from '../../io/types.js';
import type { ResizeMethod } from '../../io/types.js';
import { mapLimit, type ProgressOptions } from '../concurrency.js';
import type { DatasetItem, ResolvedDataset, Split } from '../types.js';
import { CATEGORICAL_DESCRIPTORS, NUMERIC_DESCRIPTORS, describeImage, type ImageDescriptors } from './descriptors.js';
import { crossValidateLogistic, fitLogistic, stratifiedFolds } from './logistic.js';
import { FLAG_AUROC, FLAG_LOWER, categoricalSeparation, crossValidatedBestSingle, numericSeparation, type Separation } from './separation.js';

export interface AuditOptions extends ProgressOptions {
  /** Size the sharpness descriptors are measured at (default 64×64, medad's usual input). */
  size?: [number, number];
  resize?: ResizeMethod;
  /** Seed of the bootstrap and the folds (default 0). */
  seed?: number;
  /** Files decoded at once (default 2). */
  concurrency?: number;
  /** Only these splits (default: every split that has labelled normals and anomalies). */
  splits?: Split[];
}

export interface AuditedImage extends ImageDescriptors {
  path: string;
  split: Split;
  label: 0 | 1;
}

export interface CombinedShortcut {
  /** Numeric descriptors used (those with a value that varies in this split). */
  features: string[];
  k: number;
  /** Mean held-out-fold AUROC of L2 logistic regression (C = 1) on the standardised descriptors. */
  cvAuroc: number;
  foldAuroc: number[];
  /** AUROC of the pooled out-of-fold probabilities. */
  pooledAuroc: number;
  /** Mean held-out-fold AUROC of the best single numeric descriptor, chosen on the training folds. */
  bestSingleCvAuroc: number;
  /** Coefficients of the model fitted on the whole split, per standardised descriptor, largest |coef| first. */
  coefficients: { descriptor: string; coef: number }[];
}

export interface SplitAudit {
  split: Split;
  normals: number;
  anomalous: number;
  /** Every descriptor, strongest separation first. */
  descriptors: Separation[];
  combined?: CombinedShortcut;
  /** Images near each class's median of every flagged descriptor: what the cue looks like. */
  examples: { descriptor: string; normal: string[]; anomalous: string[] }[];
}

export interface DatasetAudit {
  analysisSize: [number, number];
  threshold: { auroc: number; lower: number };
  splits: SplitAudit[];
  /** Labelled images that could not be read (left out of every figure). */
  failures: { path: string; reason: string }[];
  images: AuditedImage[];
}

const ORDER: Split[] = ['test', 'validation', 'unlabelled', 'train'];

/** Splits whose known labels include both classes. */
export function labelledSplits(resolved: ResolvedDataset): Split[] {
  return ORDER.filter((s) => {
    const known = resolved[s].filter((it) => it.labelKnown !== false);
    return known.some((it) => it.label === 0) && known.some((it) => it.label === 1);
  });
}

function combined(images: AuditedImage[], seed: number): CombinedShortcut | undefined {
  const y = images.map((im) => im.label);
  const nPos = y.filter((l) => l === 1).length;
  const k = Math.min(5, nPos, y.length - nPos);
  if (k < 2) return undefined;
  const features = NUMERIC_DESCRIPTORS.filter((d) => {
    const v = images.map((im) => im.numeric[d]).filter(Number.isFinite);
    return v.length > 0 && v.some((x) => x !== v[0]);
  });
  if (!features.length) return undefined;
  const x = images.map((im) => features.map((d) => im.numeric[d]));
  const folds = stratifiedFolds(y, k, seed);
  const cv = crossValidateLogistic(x, y, folds);
  const { coef } = fitLogistic(x, y);
  return {
    features: [...features],
    k,
    cvAuroc: cv.meanAuroc,
    foldAuroc: cv.foldAuroc,
    pooledAuroc: cv.pooledAuroc,
    bestSingleCvAuroc: crossValidatedBestSingle(
      features.map((_, j) => x.map((r) => r[j])),
      y,
      folds,
    ),
    coefficients: features.map((d, j) => ({ descriptor: d, coef: coef[j] })).sort((a, b) => Math.abs(b.coef) - Math.abs(a.coef)),
  };
}

function examples(images: AuditedImage[], flagged: Separation[]): SplitAudit['examples'] {
  return flagged.map((s) => {
    const pick = (label: 0 | 1): string[] => {
      const cls = images.filter((im) => im.label === label);
      if (s.kind === 'categorical') {
        // The class's most common category.
        const key = (im: AuditedImage) => im.categorical[s.descriptor as keyof ImageDescriptors['categorical']] ?? '(none)';
        const top = s.categories?.slice().sort((a, b) => (label ? b.anomalous - a.anomalous : b.normal - a.normal))[0]?.value;
        return cls.filter((im) => key(im) === top).slice(0, 2).map((im) => im.path);
      }
      const med = label ? s.medians?.anomalous : s.medians?.normal;
      const v = (im: AuditedImage) => im.numeric[s.descriptor as keyof ImageDescriptors['numeric']];
      return cls
        .filter((im) => Number.isFinite(v(im)))
        .sort((a, b) => Math.abs(v(a) - med!) - Math.abs(v(b) - med!))
        .slice(0, 2)
        .map((im) => im.path);
    };
    return { descriptor: s.descriptor, normal: pick(0), anomalous: pick(1) };
  });
}

/** Audits one split's described images. */
export function auditSplit(split: Split, images: AuditedImage[], seed = 0): SplitAudit {
  const y = images.map((im) => im.label);
  const descriptors = [
    ...NUMERIC_DESCRIPTORS.map((d) => numericSeparation(d, images.map((im) => im.numeric[d]), y, seed)),
    ...CATEGORICAL_DESCRIPTORS.map((d) => categoricalSeparation(d, images.map((im) => im.categorical[d]), y, seed)),
  ].sort((a, b) => b.auroc - a.auroc);
  return {
    split,
    normals: y.filter((l) => l === 0).length,
    anomalous: y.filter((l) => l === 1).length,
    descriptors,
    combined: combined(images, seed),
    examples: examples(
      images,
      descriptors.filter((d) => d.flagged),
    ),
  };
}

/** Runs the audit: one decode per labelled image (cancellable, with progress), then the statistics per split. */
export async function auditDataset(resolved: ResolvedDataset, opts: AuditOptions = {}): Promise<DatasetAudit> {
  const size = opts.size ?? [64, 64];
  const seed = opts.seed ?? 0;
  const splits = (opts.splits ?? labelledSplits(resolved)).filter((s) => labelledSplits(resolved).includes(s));
  const items: DatasetItem[] = splits.flatMap((s) => resolved[s].filter((it) => it.labelKnown !== false));
  const failures: DatasetAudit['failures'] = [];
  const described = await mapLimit(
    items,
    opts.concurrency ?? 2,
    async (it) => {
      try {
        return await describeImage(it.path, { size, resize: opts.resize, decode: it.decode });
      } catch (e) {
        failures.push({ path: it.path, reason: e instanceof ImageReadError ? e.reason : (e as Error).message });
        return undefined;
      }
    },
    opts,
  );
  const images: AuditedImage[] = items.flatMap((it, i) => {
    const d = described[i];
    return d ? [{ path: it.path, split: it.split, label: it.label, ...d }] : [];
  });
  return {
    analysisSize: size,
    threshold: { auroc: FLAG_AUROC, lower: FLAG_LOWER },
    splits: splits.map((s) => auditSplit(s, images.filter((im) => im.split === s), seed)),
    failures,
    images,
  };
}
