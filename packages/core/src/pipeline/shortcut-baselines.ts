// Training-free baselines beside a detector's result: what the audit's cheap descriptors alone reach on the same
// test images. Both are fitted on the test set itself (no training data is involved), so they are cross-validated
// there; they are baselines to read the detector against, not detectors.
import { auditDataset } from '../dataset/audit/audit.js';
import type { DatasetItem } from '../dataset/types.js';
import type { ProgressOptions } from '../dataset/concurrency.js';
import type { ResizeMethod } from '../io/types.js';

export interface ShortcutBaselines {
  /** The strongest single descriptor on the test set, max(AUROC, 1 − AUROC), with its direction and 95% CI. */
  bestSingle: { descriptor: string; auroc: number; direction: string; ci: [number, number] };
  /** The best single numeric descriptor with the descriptor and direction chosen inside k-fold CV (mean held-out AUROC). */
  bestSingleCv?: number;
  /** L2 logistic regression on all standardised numeric descriptors, k-fold stratified CV on the test set (mean held-out AUROC). */
  combinedCv?: number;
  k?: number;
  /** Descriptors above the audit's flag threshold. */
  flagged: { descriptor: string; auroc: number }[];
  images: number;
  note: string;
}

export const SHORTCUT_NOTE =
  'Training-free baselines on the same test images: cheap image descriptors (intensity, sharpness, noise, size, format, JPEG quality, DICOM tags). bestSingle picks the descriptor and direction on the test set (optimistic); bestSingleCv and combinedCv are cross-validated on the test set itself. A detector near these numbers may be reading the same cues.';

/** The shortcut baselines of a test split, measured at the detector's input size. */
export async function shortcutBaselines(
  test: DatasetItem[],
  input: { size: [number, number]; resize: ResizeMethod },
  opts: ProgressOptions = {},
): Promise<ShortcutBaselines | undefined> {
  const [h, w] = input.size;
  const audit = await auditDataset(
    { train: [], validation: [], test, unlabelled: [], problems: [] },
    { size: [w, h], resize: input.resize, splits: ['test'], ...opts },
  );
  const s = audit.splits[0];
  if (!s) return undefined;
  const top = s.descriptors[0];
  return {
    bestSingle: { descriptor: top.descriptor, auroc: top.auroc, direction: top.direction, ci: top.ci },
    ...(s.combined ? { bestSingleCv: s.combined.bestSingleCvAuroc, combinedCv: s.combined.cvAuroc, k: s.combined.k } : {}),
    flagged: s.descriptors.filter((d) => d.flagged).map((d) => ({ descriptor: d.descriptor, auroc: d.auroc })),
    images: s.normals + s.anomalous,
    note: SHORTCUT_NOTE,
  };
}
