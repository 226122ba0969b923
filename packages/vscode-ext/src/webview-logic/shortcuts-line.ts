// The run panel's one line that puts a detector's AUROC beside the training-free shortcut baselines of its test set.

export interface ShortcutsView {
  bestSingle: { descriptor: string; auroc: number; direction: string };
  bestSingleCv?: number;
  combinedCv?: number;
  k?: number;
  flagged: string[];
}

const pct = (v: number): string => (100 * v).toFixed(1);

/** e.g. "AUROC 61.6 vs shortcut baselines: gradientMean alone 87.3 (lower = anomalous), all descriptors 88.9 (5-fold CV)". */
export function shortcutsLine(sc: ShortcutsView | undefined, auroc: number | undefined): string {
  if (!sc) return '';
  const dir = sc.bestSingle.direction === 'higher' || sc.bestSingle.direction === 'lower' ? ` (${sc.bestSingle.direction} = anomalous)` : '';
  const parts = [`${sc.bestSingle.descriptor} alone ${pct(sc.bestSingle.auroc)}${dir}`];
  if (sc.combinedCv !== undefined) parts.push(`all descriptors ${pct(sc.combinedCv)}${sc.k ? ` (${sc.k}-fold CV on the test set)` : ''}`);
  const head = auroc === undefined || !Number.isFinite(auroc) ? 'Shortcut baselines' : `AUROC ${pct(auroc)} vs shortcut baselines`;
  const warn = sc.flagged.length ? `; ${sc.flagged.join(', ')} alone separate the classes: read the AUROC against them` : '';
  return `${head}: ${parts.join(', ')}${warn}.`;
}
